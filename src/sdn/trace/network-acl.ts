import { cidrContains, parseCidrLoose, type Address } from "../../lib/ip.ts";
import type { NetworkAclRule } from "../model.ts";
import type { RouterPortIndex } from "./index-model.ts";
import { describe, type Packet } from "./packet.ts";
import { ref, type Trail } from "./trail.ts";

/**
 * The network ACLs (firewall groups) on a router port, stateless: every packet, replies
 * included, must be allowed by the first matching rule of each group's policy; none matching is
 * a deny. "ingress" is entering the router from the port's subnet, "egress" leaving into it.
 */
export function passesNetworkAcls(t: Trail, lrp: RouterPortIndex, direction: "ingress" | "egress"): boolean {
  for (const acl of t.index.networkAcls.get(lrp.row.name)?.[direction] ?? []) {
    if (!acl.enabled) continue;
    const rule = acl.rules.find((candidate) => ruleMatches(candidate, t.packet));
    const way =
      direction === "ingress" ? `out of the subnet by ${lrp.row.name}` : `into the subnet by ${lrp.row.name}`;
    const group = `firewall group ${acl.firewall_group_id} (policy ${acl.firewall_policy_id})`;
    if (rule?.action === "allow") {
      t.add(
        "network_acl",
        "pass",
        `${way}: rule ${rule.id} of ${group} allows ${t.reply}${describe(t.packet)}`,
        ref("network_acls", acl),
        rule.id,
      );
      continue;
    }
    t.drop("network_acl", denial(rule, way, group, t), ref("network_acls", acl), rule?.id ?? null);
    return false;
  }
  return true;
}

function denial(rule: NetworkAclRule | undefined, way: string, group: string, t: Trail): string {
  if (rule !== undefined)
    return `${way}: rule ${rule.id} of ${group} ${rule.action === "reject" ? "rejects" : "denies"} ${t.reply}${describe(t.packet)}`;
  // Stateless: a reply is not let back because its request passed.
  const stateless =
    t.request === undefined ? "" : " (network ACLs are stateless: a reply needs a rule of its own)";
  return `${way}: no rule of ${group} matches ${t.reply}${describe(t.packet)}; network ACLs deny by default${stateless}`;
}

function ruleMatches(rule: NetworkAclRule, packet: Packet): boolean {
  if (rule.ip_version !== packet.src.version) return false;
  if (rule.protocol !== null && rule.protocol !== packet.protocol) return false;
  if (!inCidr(rule.source_cidr, packet.src) || !inCidr(rule.destination_cidr, packet.dst)) return false;
  return inRange(rule.source_ports, packet.srcPort) && inRange(rule.destination_ports, packet.dstPort);
}

function inCidr(text: string | null, address: Address): boolean {
  if (text === null) return true;
  const cidr = parseCidrLoose(text);
  return cidr !== undefined && cidrContains(cidr, address);
}

function inRange(range: [number, number] | null, port: number | null): boolean {
  return range === null || (port !== null && port >= range[0] && port <= range[1]);
}
