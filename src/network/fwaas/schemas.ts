import {
  InvalidInput,
  toInteger,
  validUuid,
  validUuidOrNull,
  type AttributeMap,
} from "../../lib/attributes.ts";
import { validIpAddress, pyStr } from "../schemas/subnet.ts";
import { validSubnet } from "../schemas/subnetpool.ts";
import { booleanAttribute, standardAttributes } from "../schemas/standard.ts";

/**
 * The FWaaS v2 contract [fwaas_v2], after neutron-lib's firewall_v2 attribute maps. Neutron's FWaaS
 * plugin does not validate filters, so every stored attribute is a filter and a sort key here.
 */

/** neutron-lib's IPTABLES_PROTOCOL_MAP keys: the protocol names a rule takes (null = any). */
export const FW_PROTOCOLS = ["dccp", "icmp", "ipv6-icmp", "sctp", "tcp", "udp"] as const;
export const FW_ACTIONS = ["allow", "deny", "reject"] as const;

const column = (name: string) => ({ is_filter: true, is_sort_key: true, column: name });

/** validate_values' wording: "<value> is not in valid_values". */
const oneOf =
  (values: readonly unknown[]) =>
  (value: unknown): string | undefined =>
    values.includes(value) ? undefined : `${pyStr(value)} is not in valid_values`;

/** convert_string_to_case_insensitive. */
function lowerCase(value: unknown): string {
  if (typeof value !== "string") throw new InvalidInput(`Input value ${pyStr(value)} must be string type`);
  return value.toLowerCase();
}

/**
 * convert_to_protocol: a name (kept as given) or a number 0-255. neutron-lib then checks the value
 * against the names only, so "6" or "TCP" pass the conversion and are refused by the validation.
 */
function toProtocol(value: unknown): unknown {
  if (value === null) return null;
  if ((FW_PROTOCOLS as readonly string[]).includes(lowerCase(value))) return value;
  const number = typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (number >= 0 && number <= 255) return value;
  throw new InvalidInput(
    `IP protocol '${pyStr(value)}' is not supported. Only protocol names and their integer representation (0 to 255) are supported`,
  );
}

/** convert_to_string: null stays null, anything else becomes Python's str() of it. */
const toStringOrNull = (value: unknown) => (value === null ? null : pyStr(value));

/** validate_port_range_or_none: "80" or "1000:2000", each 0-65535, the first not above the second. */
export function validPortRange(value: unknown): string | undefined {
  if (value === null) return undefined;
  const ports = pyStr(value).split(":");
  if (ports.length > 2 || ports.some((p) => p === ""))
    return "Port range must be two integers separated by a colon";
  for (const port of ports) {
    if (!/^\s*[+-]?\d+\s*$/.test(port) || Number(port) > 65535 || Number(port) < 0)
      return `Invalid port: ${port}`;
  }
  if (ports.length > 1 && Number(ports[0]) > Number(ports[1]))
    return "First port in a port range must be lower than the second port";
  return undefined;
}

/** validate_ip_or_subnet_or_none. */
export function validIpOrSubnet(value: unknown): string | undefined {
  if (value === null || validIpAddress(value) === undefined || validSubnet(value) === undefined)
    return undefined;
  return `'${pyStr(value)}' is neither a valid IP address, nor is it a valid IP subnet`;
}

/** validate_uuid_list: a list, no duplicates, every item a UUID. */
export function validUuidList(value: unknown): string | undefined {
  if (!Array.isArray(value)) return `'${pyStr(value)}' is not a list`;
  const dups = [...new Set(value.filter((item, i) => value.indexOf(item) !== i))];
  if (dups.length > 0) return `Duplicate items in the list: '${dups.map(pyStr).join(", ")}'`;
  for (const item of value) {
    const reason = validUuid(item);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

/** convert_none_to_empty_list. */
const noneToEmpty = (value: unknown) => (value === null ? [] : value);

const field = (name: string, extra: object) => ({
  allow_post: true,
  allow_put: true,
  is_visible: true,
  ...column(name),
  ...extra,
});

const ipAddress = (name: string) => field(name, { default: null, validate: validIpOrSubnet });
const portRange = (name: string) =>
  field(name, { default: null, convert: toStringOrNull, validate: validPortRange });
const policyId = (name: string) => field(name, { default: null, validate: validUuidOrNull });
const readOnly = { allow_post: false, allow_put: false, is_visible: true };

/** /v2.0/fwaas/firewall_rules. */
export const firewallRuleAttributes: AttributeMap = {
  ...standardAttributes,
  shared: booleanAttribute("shared", false),
  protocol: field("protocol", {
    default: null,
    convert: toProtocol,
    validate: oneOf([...FW_PROTOCOLS, null]),
  }),
  ip_version: field("ip_version", { default: 4, convert: toInteger, validate: oneOf([4, 6]) }),
  source_ip_address: ipAddress("source_ip_address"),
  destination_ip_address: ipAddress("destination_ip_address"),
  source_port: portRange("source_port"),
  destination_port: portRange("destination_port"),
  action: field("action", { default: "deny", convert: lowerCase, validate: oneOf(FW_ACTIONS) }),
  enabled: booleanAttribute("enabled", true),
  /** The policies holding the rule (a list, or null when none), as Neutron shows it. */
  firewall_policy_id: readOnly,
};

/** /v2.0/fwaas/firewall_policies; `firewall_rules` is also a filter (policies holding a rule). */
export const firewallPolicyAttributes: AttributeMap = {
  ...standardAttributes,
  shared: booleanAttribute("shared", false),
  audited: booleanAttribute("audited", false),
  firewall_rules: {
    allow_post: true,
    allow_put: true,
    default: [],
    convert: noneToEmpty,
    validate: validUuidList,
    is_visible: true,
  },
};

/** /v2.0/fwaas/firewall_groups; `ports` is also a filter (groups bound to a port). */
export const firewallGroupAttributes: AttributeMap = {
  ...standardAttributes,
  shared: booleanAttribute("shared", false),
  admin_state_up: booleanAttribute("admin_state_up", true),
  ingress_firewall_policy_id: policyId("ingress_firewall_policy_id"),
  egress_firewall_policy_id: policyId("egress_firewall_policy_id"),
  ports: {
    allow_post: true,
    allow_put: true,
    default: [],
    convert: noneToEmpty,
    validate: validUuidList,
    is_visible: true,
  },
  status: readOnly,
};
