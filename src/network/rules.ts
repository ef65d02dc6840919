import { parseCidrLoose } from "../lib/ip.ts";
import {
  SecurityGroupInvalidIcmpValue,
  SecurityGroupInvalidPortRange,
  SecurityGroupInvalidPortValue,
  SecurityGroupMissingIcmpType,
  SecurityGroupProtocolRequiredWithPorts,
  SecurityGroupMultipleRemoteEntites,
  SecurityGroupRuleInvalidProtocol,
  SecurityGroupRuleParameterConflict,
} from "./errors-security.ts";
import { InvalidInput } from "../lib/attributes.ts";

/** A security group rule as requested (after the attribute map's conversions). */
export interface RuleInput {
  security_group_id: string;
  direction: string;
  ethertype: string;
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  remote_group_id: string | null;
}

export type CheckedRule = Omit<RuleInput, "security_group_id">;

/** The protocol names Neutron accepts besides numbers 0-255. */
export const PROTOCOL_NAMES = [
  "ah",
  "dccp",
  "egp",
  "esp",
  "gre",
  "hopopt",
  "icmp",
  "igmp",
  "ip",
  "ipip",
  "ipv6-encap",
  "ipv6-frag",
  "ipv6-icmp",
  "icmpv6",
  "ipv6-nonxt",
  "ipv6-opts",
  "ipv6-route",
  "ospf",
  "pgm",
  "rsvp",
  "sctp",
  "tcp",
  "udp",
  "udplite",
  "vrrp",
] as const;

const PORTED = new Set(["tcp", "udp", "sctp", "udplite", "dccp", "6", "17", "132", "136", "33"]);
const ICMP = new Set(["icmp", "ipv6-icmp", "icmpv6", "1", "58"]);

/**
 * Neutron's rule checks: a known protocol, port ranges only with a protocol and valid for it
 * (1-65535 and min <= max for port protocols; ICMP type and code 0-255), one remote kind at
 * most, and a remote prefix of the rule's ethertype. Pure: no database needed.
 */
export function checkRule(rule: RuleInput): CheckedRule {
  const protocol = rule.protocol;
  if (
    protocol !== null &&
    !(PROTOCOL_NAMES as readonly string[]).includes(protocol) &&
    !isProtocolNumber(protocol)
  ) {
    throw new SecurityGroupRuleInvalidProtocol(protocol, PROTOCOL_NAMES);
  }
  const min = rule.port_range_min;
  let max = rule.port_range_max;
  if ((min !== null || max !== null) && protocol === null) throw new SecurityGroupProtocolRequiredWithPorts();
  if (protocol !== null && PORTED.has(protocol)) {
    if (min !== null && max === null) max = min;
    for (const port of [min, max])
      if (port !== null && (port < 1 || port > 65535)) throw new SecurityGroupInvalidPortValue(port);
    if (min !== null && max !== null && min > max) throw new SecurityGroupInvalidPortRange();
  } else if (protocol !== null && ICMP.has(protocol)) {
    if (min !== null && (min < 0 || min > 255))
      throw new SecurityGroupInvalidIcmpValue("type", "port_range_min", min);
    if (max !== null && (max < 0 || max > 255))
      throw new SecurityGroupInvalidIcmpValue("code", "port_range_max", max);
    if (min === null && max !== null) throw new SecurityGroupMissingIcmpType(max);
  } else if (min !== null || max !== null) {
    throw new InvalidInput(`Port range is not supported for protocol ${protocol ?? "None"}`);
  }
  if (rule.remote_ip_prefix !== null && rule.remote_group_id !== null)
    throw new SecurityGroupMultipleRemoteEntites();
  if (rule.remote_ip_prefix !== null) {
    const cidr = parseCidrLoose(rule.remote_ip_prefix);
    if (cidr === undefined) throw new InvalidInput(`${rule.remote_ip_prefix} is not in a CIDR format`);
    if ((cidr.version === 4 ? "IPv4" : "IPv6") !== rule.ethertype) {
      throw new SecurityGroupRuleParameterConflict(rule.ethertype, rule.remote_ip_prefix);
    }
  }
  return {
    direction: rule.direction,
    ethertype: rule.ethertype,
    protocol,
    port_range_min: min,
    port_range_max: max,
    remote_ip_prefix: rule.remote_ip_prefix,
    remote_group_id: rule.remote_group_id,
  };
}

function isProtocolNumber(value: string): boolean {
  return /^\d{1,3}$/.test(value) && Number(value) <= 255;
}
