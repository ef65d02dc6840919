import {
  toInteger,
  validRange,
  validString,
  validUuid,
  validUuidOrNull,
  type AttributeMap,
  type AttributeSpec,
} from "../../lib/attributes.ts";
import { parseIp } from "../../lib/ip.ts";
import { DEVICE_KINDS } from "./effective.ts";
import { validRanges } from "./ranges.ts";

/**
 * The wire contracts of /v2.0/sdn/{zones,hosts,devices,links} [sdn-topology], as attribute maps.
 * Admin-only resources with no project: no project_id, tags or revision_number.
 */

const column = (name: string) => ({ is_visible: true, is_filter: true, is_sort_key: true, column: name });
const readOnly = (name: string): AttributeSpec => ({ allow_post: false, allow_put: false, ...column(name) });
/** Computed on read (effective status): shown, but neither filtered nor sorted in SQL. */
const computedField: AttributeSpec = { allow_post: false, allow_put: false, is_visible: true };

const oneOf =
  (allowed: readonly string[]) =>
  (value: unknown): string | undefined =>
    typeof value === "string" && allowed.includes(value)
      ? undefined
      : `'${String(value)}' is not in ${JSON.stringify(allowed)}`;

const validIpOrNull = (value: unknown): string | undefined =>
  value === null || (typeof value === "string" && parseIp(value) !== undefined)
    ? undefined
    : `'${JSON.stringify(value)}' is not a valid IP address`;

/** A name is required, unique (the database decides) and never empty. */
const nameAttribute: AttributeSpec = {
  allow_post: true,
  allow_put: true,
  validate: (value) =>
    validString(255)(value) ?? (value === "" ? "'' is too short: a name is required" : undefined),
  ...column("name"),
};

const stamps = { created_at: readOnly("created_at"), updated_at: readOnly("updated_at") };

const list = (kind: "vlan_ranges" | "vni_ranges" | "public_ip_pools"): AttributeSpec => ({
  allow_post: true,
  allow_put: true,
  default: [],
  validate: validRanges(kind),
  is_visible: true,
});

export const zoneAttributes: AttributeMap = {
  id: readOnly("id"),
  name: nameAttribute,
  description: {
    allow_post: true,
    allow_put: true,
    default: "",
    validate: validString(255),
    ...column("description"),
  },
  vlan_ranges: list("vlan_ranges"),
  vni_ranges: list("vni_ranges"),
  public_ip_pools: list("public_ip_pools"),
  ...stamps,
};

export const NODE_STATES = ["up", "down"] as const;

const zoneId: AttributeSpec = {
  allow_post: true,
  allow_put: true,
  default: null,
  validate: validUuidOrNull,
  ...column("zone_id"),
};
const state: AttributeSpec = {
  allow_post: true,
  allow_put: true,
  default: "up",
  validate: oneOf(NODE_STATES),
  ...column("state"),
};
const text = (name: string): AttributeSpec => ({
  allow_post: true,
  allow_put: true,
  default: "",
  validate: validString(255),
  ...column(name),
});
const address = (name: string): AttributeSpec => ({
  allow_post: true,
  allow_put: true,
  default: null,
  validate: validIpOrNull,
  ...column(name),
});

export const hostAttributes: AttributeMap = {
  id: readOnly("id"),
  name: nameAttribute,
  zone_id: zoneId,
  chassis_id: readOnly("chassis_id"),
  tunnel_ip: address("tunnel_ip"),
  state,
  status: computedField,
  status_reason: computedField,
  ...stamps,
};

export const deviceAttributes: AttributeMap = {
  id: readOnly("id"),
  name: nameAttribute,
  kind: { allow_post: true, allow_put: false, validate: oneOf(DEVICE_KINDS), ...column("kind") },
  vendor: text("vendor"),
  model: text("model"),
  driver: text("driver"),
  zone_id: zoneId,
  management_ip: address("management_ip"),
  state,
  status: computedField,
  status_reason: computedField,
  ...stamps,
};

export const ENDPOINT_KINDS = ["host", "device"] as const;
const endKind = (name: string): AttributeSpec => ({
  allow_post: true,
  allow_put: false,
  validate: oneOf(ENDPOINT_KINDS),
  ...column(name),
});
const endId = (name: string): AttributeSpec => ({
  allow_post: true,
  allow_put: false,
  validate: validUuid,
  ...column(name),
});

export const linkAttributes: AttributeMap = {
  id: readOnly("id"),
  a_kind: endKind("a_kind"),
  a_id: endId("a_id"),
  b_kind: endKind("b_kind"),
  b_id: endId("b_id"),
  a_interface: text("a_interface"),
  b_interface: text("b_interface"),
  speed_mbps: {
    allow_post: true,
    allow_put: true,
    default: null,
    convert: (value) => (value === null ? null : toInteger(value)),
    validate: (value) => (value === null ? undefined : validRange(1, 10_000_000)(value)),
    ...column("speed_mbps"),
  },
  ...stamps,
};
