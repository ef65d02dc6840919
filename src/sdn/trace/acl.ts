import { cidrContains, parseCidrLoose, type Address, type Cidr } from "../../lib/ip.ts";
import type { Acl, AclMatch, LogicalSwitchPort } from "../model.ts";
import { aclOrder, matches, type Index } from "./index-model.ts";
import { hasPorts, isIcmp, protocolName, type Packet } from "./packet.ts";

export type AclDirection = Acl["direction"];

/**
 * The ACL of the port's groups that decides the packet: the best match across all groups, or
 * undefined when none matches (security groups then deny). `remote` is the far end: the
 * destination going out of the port, the source coming in.
 */
export function decidingAcl(
  index: Index,
  port: LogicalSwitchPort,
  direction: AclDirection,
  packet: Packet,
): Acl | undefined {
  const remote = direction === "from-lport" ? packet.dst : packet.src;
  let best: Acl | undefined;
  for (const group of port.port_groups) {
    const acls = index.acls.get(group)?.[direction] ?? [];
    // Each list is sorted best first, so its first match is its candidate.
    const found = acls.find((acl) => aclMatches(index, acl.match, packet, remote));
    if (found !== undefined && (best === undefined || aclOrder(found, best) < 0)) best = found;
  }
  return best;
}

export const allows = (acl: Acl): boolean =>
  acl.action === "allow-related" || acl.action === "allow-stateless";

function aclMatches(index: Index, match: AclMatch, packet: Packet, remote: Address): boolean {
  if (match.ethertype !== (packet.src.version === 4 ? "IPv4" : "IPv6")) return false;
  if (!protocolMatches(match.protocol, packet.protocol)) return false;
  if (hasPorts(packet.protocol) && !portMatches(match, packet.dstPort)) return false;
  if (isIcmp(packet.protocol) && !icmpMatches(match, packet)) return false;
  return remoteMatches(index, match.remote, remote);
}

// ICMP and ICMPv6 are one rule protocol to Neutron ("icmp" on an IPv6 rule means ipv6-icmp).
function protocolMatches(rule: number | null, packet: number | null): boolean {
  if (rule === null) return true;
  return rule === packet || (isIcmp(rule) && isIcmp(packet));
}

function portMatches(match: AclMatch, port: number | null): boolean {
  if (match.port_min === null && match.port_max === null) return true;
  if (port === null) return false;
  return port >= (match.port_min ?? 0) && port <= (match.port_max ?? match.port_min ?? 65535);
}

function icmpMatches(match: AclMatch, packet: Packet): boolean {
  if (match.icmp_type !== null && match.icmp_type !== packet.icmpType) return false;
  return match.icmp_code === null || match.icmp_code === packet.icmpCode;
}

function remoteMatches(index: Index, remote: AclMatch["remote"], address: Address): boolean {
  if (remote.kind === "any") return true;
  if (remote.kind === "cidr") {
    const cidr = cidrOf(remote.cidr);
    return cidr !== undefined && cidrContains(cidr, address);
  }
  const set = index.addressSets.get(remote.address_set);
  return set !== undefined && matches(set, address);
}

// Remote prefixes repeat across rules and traces: parse each text once.
const cidrs = new Map<string, Cidr | undefined>();
function cidrOf(text: string): Cidr | undefined {
  if (!cidrs.has(text)) cidrs.set(text, parseCidrLoose(text));
  return cidrs.get(text);
}

/** "allow-related IPv4 tcp/22 ingress from 0.0.0.0/0", for details. */
export function describeAcl(acl: Acl): string {
  const { match } = acl;
  const proto = match.protocol === null ? "any protocol" : protocolName(match.protocol);
  let detail = "";
  if (match.port_min !== null)
    detail =
      match.port_max === match.port_min ? `/${match.port_min}` : `/${match.port_min}-${match.port_max}`;
  else if (match.icmp_type !== null)
    detail = ` type ${match.icmp_type}${match.icmp_code === null ? "" : ` code ${match.icmp_code}`}`;
  const { remote } = match;
  const far =
    remote.kind === "any" ? "anywhere" : remote.kind === "cidr" ? remote.cidr : `group ${remote.address_set}`;
  const way = acl.direction === "from-lport" ? "egress to" : "ingress from";
  return `${acl.action} ${match.ethertype} ${proto}${detail} ${way} ${far}`;
}
