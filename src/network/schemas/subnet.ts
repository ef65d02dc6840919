import { toInteger, validList, validString, type AttributeMap } from "../../lib/attributes.ts";
import { booleanAttribute, standardAttributes, uuidAttribute } from "./standard.ts";

const IPV6_MODES = [null, "slaac", "dhcpv6-stateful", "dhcpv6-stateless"];
const validIpv6Mode = (value: unknown) =>
  IPV6_MODES.includes(value as string | null)
    ? undefined
    : `'${String(value)}' is not in ${JSON.stringify(IPV6_MODES.slice(1))}`;
const validObjectList = (value: unknown) =>
  Array.isArray(value) && value.every((v) => typeof v === "object" && v !== null && !Array.isArray(v))
    ? undefined
    : `Invalid data format for ${JSON.stringify(value)}`;

/** POST/PUT /v2.0/subnets. Addresses are checked by the domain (it needs the CIDR to do it). */
export const subnetAttributes: AttributeMap = {
  ...standardAttributes,
  network_id: uuidAttribute("network_id"),
  ip_version: {
    allow_post: true,
    allow_put: false,
    convert: toInteger,
    validate: (v) => (v === 4 || v === 6 ? undefined : `${JSON.stringify(v)} is not in [4, 6]`),
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "ip_version",
  },
  cidr: {
    allow_post: true,
    allow_put: false,
    validate: validString(64),
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "cidr",
  },
  gateway_ip: {
    allow_post: true,
    allow_put: true,
    default: { computed: () => undefined },
    validate: (v) =>
      v === null || v === undefined || typeof v === "string"
        ? undefined
        : `'${JSON.stringify(v)}' is not a valid IP address`,
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "gateway_ip",
  },
  allocation_pools: {
    allow_post: true,
    allow_put: true,
    default: null,
    validate: (v) => (v === null ? undefined : validObjectList(v)),
    is_visible: true,
  },
  dns_nameservers: {
    allow_post: true,
    allow_put: true,
    default: [],
    validate: validList(validString(64)),
    is_visible: true,
  },
  host_routes: {
    allow_post: true,
    allow_put: true,
    default: [],
    validate: validObjectList,
    is_visible: true,
  },
  enable_dhcp: booleanAttribute("enable_dhcp", true),
  ipv6_ra_mode: {
    allow_post: true,
    allow_put: false,
    default: null,
    validate: validIpv6Mode,
    is_visible: true,
    is_filter: true,
    column: "ipv6_ra_mode",
  },
  ipv6_address_mode: {
    allow_post: true,
    allow_put: false,
    default: null,
    validate: validIpv6Mode,
    is_visible: true,
    is_filter: true,
    column: "ipv6_address_mode",
  },
  subnetpool_id: {
    allow_post: true,
    allow_put: false,
    default: null,
    validate: (v) => (v === null ? undefined : "subnet pools are not available in this version"),
    is_visible: true,
  },
  service_types: {
    allow_post: true,
    allow_put: true,
    default: [],
    validate: validList(validString(255)),
    is_visible: true,
  },
};
