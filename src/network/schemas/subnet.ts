import {
  toBoolean,
  toInteger,
  validList,
  validString,
  validUuidOrNull,
  type AttributeMap,
} from "../../lib/attributes.ts";
import { formatCidr, parseCidr, parseCidrLoose, parseIp } from "../../lib/ip.ts";
import { booleanAttribute, standardAttributes, uuidAttribute } from "./standard.ts";

/** A value as Python's str() shows it, since Neutron's messages are formatted from Python values. */
export function pyStr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(", ")}}`;
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Python's repr(): strings quoted, everything else as str(). */
export function pyRepr(value: unknown): string {
  return typeof value === "string" ? `'${value}'` : pyStr(value);
}

export const isDict = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * neutron-lib's dictionary checks: a dict with exactly `keys`. `expected` is the key set as Neutron
 * prints it (Python set order); the provided keys are shown sorted.
 */
function dictReason(item: unknown, keys: readonly string[], listed: string, expected: string) {
  if (!isDict(item)) return `Invalid input. '${pyStr(item)}' must be a dictionary with keys: ${listed}`;
  const given = Object.keys(item);
  if (given.length !== keys.length || !keys.every((key) => given.includes(key))) {
    const provided = given.sort().map((key) => `'${key}'`);
    return `Validation of dictionary's keys failed. Expected keys: ${expected} Provided keys: {${provided.join(", ")}}`;
  }
  return undefined;
}

export const validIpAddress = (value: unknown) =>
  typeof value === "string" && parseIp(value) !== undefined
    ? undefined
    : `'${pyStr(value)}' is not a valid IP address`;

/** Each pool is {start, end} with two addresses; how they fit the CIDR is the domain's business. */
const validPools = (value: unknown) => {
  if (!Array.isArray(value)) return `Invalid data format for IP pool: '${pyStr(value)}'`;
  for (const pool of value) {
    const reason =
      dictReason(pool, ["start", "end"], "['start', 'end']", "{'end', 'start'}") ??
      validIpAddress((pool as Record<string, unknown>).start) ??
      validIpAddress((pool as Record<string, unknown>).end);
    if (reason !== undefined) return reason;
  }
  return undefined;
};

const validNameservers = (value: unknown) => {
  if (!Array.isArray(value)) return validList(validString())(value);
  const seen = new Set<unknown>();
  for (const server of value) {
    const invalid = validIpAddress(server);
    if (invalid !== undefined) return `'${pyStr(server)}' is not a valid nameserver. ${invalid}`;
    if (seen.has(server)) return `Duplicate nameserver '${pyStr(server)}'`;
    seen.add(server);
  }
  return undefined;
};

/** A host route's destination is a CIDR without host bits, like every Neutron subnet validator wants. */
const validDestination = (value: unknown) => {
  if (typeof value === "string" && parseCidr(value) !== undefined) return undefined;
  const loose = typeof value === "string" ? parseCidrLoose(value) : undefined;
  return loose === undefined
    ? `'${pyStr(value)}' is not a valid CIDR`
    : `'${pyStr(value)}' is not a recognized CIDR, '${formatCidr(loose)}' is recommended`;
};

export const validHostRoutes = (value: unknown) => {
  if (!Array.isArray(value)) return `Invalid data format for hostroute: '${pyStr(value)}'`;
  const seen: Array<Record<string, unknown>> = [];
  for (const route of value) {
    const reason =
      dictReason(
        route,
        ["destination", "nexthop"],
        "['destination', 'nexthop']",
        "{'nexthop', 'destination'}",
      ) ??
      validDestination((route as Record<string, unknown>).destination) ??
      validIpAddress((route as Record<string, unknown>).nexthop);
    if (reason !== undefined) return reason;
    const r = route as Record<string, unknown>;
    if (seen.some((s) => s.destination === r.destination && s.nexthop === r.nexthop))
      return `Duplicate hostroute '${pyStr(r)}'`;
    seen.push(r);
  }
  return undefined;
};

/** An explicit null stands for the empty list. */
export const nullAsEmpty = (value: unknown) => (value === null ? [] : value);

const IPV6_MODES = [null, "slaac", "dhcpv6-stateful", "dhcpv6-stateless"];
const validIpv6Mode = (value: unknown) =>
  IPV6_MODES.includes(value as string | null) ? undefined : `${pyStr(value)} is not in valid_values`;

/** POST/PUT /v2.0/subnets. How addresses fit the CIDR and ip_version is checked by the domain. */
export const subnetAttributes: AttributeMap = {
  ...standardAttributes,
  network_id: uuidAttribute("network_id"),
  ip_version: {
    allow_post: true,
    allow_put: false,
    convert: toInteger,
    validate: (v) => (v === 4 || v === 6 ? undefined : `${pyStr(v)} is not in valid_values`),
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "ip_version",
  },
  cidr: {
    allow_post: true,
    allow_put: false,
    // Without a CIDR the subnet is allocated from a subnet pool.
    default: null,
    validate: (v) => (v === null ? undefined : validString(64)(v)),
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "cidr",
  },
  gateway_ip: {
    allow_post: true,
    allow_put: true,
    default: { computed: () => undefined },
    validate: (v) => (v === null || v === undefined ? undefined : validIpAddress(v)),
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "gateway_ip",
  },
  allocation_pools: {
    allow_post: true,
    allow_put: true,
    // Left out (or []) on create: generated from the CIDR; [] on update: no pools at all.
    default: [],
    validate: validPools,
    is_visible: true,
  },
  dns_nameservers: {
    allow_post: true,
    allow_put: true,
    default: [],
    convert: nullAsEmpty,
    validate: validNameservers,
    is_visible: true,
  },
  host_routes: {
    allow_post: true,
    allow_put: true,
    default: [],
    convert: nullAsEmpty,
    validate: validHostRoutes,
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
    validate: validUuidOrNull,
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "subnetpool_id",
  },
  // The size of a CIDR chosen from a pool; null: the pool's default_prefixlen.
  prefixlen: {
    allow_post: true,
    allow_put: false,
    default: null,
    convert: (v) => toInteger(v === null ? "None" : v),
    validate: (v) => (typeof v === "number" && v < 0 ? `'${v}' should be non-negative` : undefined),
    is_visible: false,
  },
  use_default_subnetpool: {
    allow_post: true,
    allow_put: false,
    default: false,
    convert: toBoolean,
    is_visible: false,
  },
  service_types: {
    allow_post: true,
    allow_put: true,
    default: [],
    validate: validList(validString(255)),
    is_visible: true,
  },
};
