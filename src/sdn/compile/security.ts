import { formatCidr, parseCidrLoose } from "../../lib/ip.ts";
import type { AclMatch } from "../model.ts";
import type { PortInput, SecurityGroupInput, SecurityGroupRuleInput } from "./input.ts";
import { byId, hasPortSecurity, ownerOf, problem, pushTo, sortedUnique, type Context } from "./context.ts";
import { hasPorts, isIcmp, protocolNumber } from "./protocols.ts";

/** All security group rules compile to this priority (the model's contract with the tracer). */
const RULE_PRIORITY = 1002;

export function compileSecurity(ctx: Context, rules: readonly SecurityGroupRuleInput[]): void {
  const members = membersByGroup(ctx);
  for (const group of ctx.securityGroups.values()) addGroup(ctx, group, members.get(group.id) ?? []);
  for (const rule of byId(rules).values()) addAcl(ctx, rule);
}

/** group id -> its ports with port security on; a port naming an unknown group is a problem. */
function membersByGroup(ctx: Context): Map<string, PortInput[]> {
  const members = new Map<string, PortInput[]>();
  for (const port of ctx.ports.values()) {
    if (!hasPortSecurity(port)) continue;
    for (const groupId of new Set(port.security_groups)) {
      if (ctx.securityGroups.has(groupId)) pushTo(members, groupId, port);
      else problem(ctx, ownerOf("port", port), `security group ${groupId} does not exist`);
    }
  }
  return members;
}

/** The port group and both address sets, even when empty, so remote-group ACLs always resolve. */
function addGroup(ctx: Context, group: SecurityGroupInput, ports: PortInput[]): void {
  const owner = ownerOf("security_group", group);
  const name = `pg-${group.id}`;
  ctx.model.port_groups[name] = {
    name,
    owner,
    security_group_id: group.id,
    project_id: group.project_id,
    stateful: group.stateful,
    ports: sortedUnique(ports.map((port) => port.id)),
  };
  const byFamily = { 4: [] as string[], 6: [] as string[] };
  for (const port of ports) {
    for (const ip of ctx.fixedIps.get(port.id) ?? []) byFamily[ip.version].push(ip.ip);
    for (const pair of ctx.pairs.get(port.id) ?? []) byFamily[pair.version].push(pair.ip);
  }
  for (const version of [4, 6] as const) {
    const set = `as-${group.id}-ip${version}`;
    ctx.model.address_sets[set] = { name: set, owner, addresses: sortedUnique(byFamily[version]) };
  }
}

function addAcl(ctx: Context, rule: SecurityGroupRuleInput): void {
  const owner = ownerOf("security_group_rule", rule);
  const group = ctx.securityGroups.get(rule.security_group_id);
  if (group === undefined)
    return problem(ctx, owner, `security group ${rule.security_group_id} does not exist`);
  const match = ruleMatch(ctx, rule);
  if (typeof match === "string") return problem(ctx, owner, match);
  const name = `acl-${rule.id}`;
  ctx.model.acls[name] = {
    name,
    owner,
    port_group: `pg-${group.id}`,
    direction: rule.direction === "egress" ? "from-lport" : "to-lport",
    priority: RULE_PRIORITY,
    match,
    action: group.stateful ? "allow-related" : "allow-stateless",
  };
}

/** The typed match of a rule, or why it cannot be realised. */
function ruleMatch(ctx: Context, rule: SecurityGroupRuleInput): AclMatch | string {
  if (rule.ethertype !== "IPv4" && rule.ethertype !== "IPv6")
    return `ethertype ${String(rule.ethertype)} is unknown`;
  const protocol = protocolNumber(rule.protocol, rule.ethertype);
  if (protocol === undefined) return `protocol ${rule.protocol ?? ""} is unknown`;
  const remote = ruleRemote(ctx, rule);
  if (typeof remote === "string") return remote;
  const ported = hasPorts(protocol);
  const icmp = isIcmp(protocol);
  return {
    ethertype: rule.ethertype,
    protocol,
    port_min: ported ? rule.port_range_min : null,
    port_max: ported ? rule.port_range_max : null,
    icmp_type: icmp ? rule.port_range_min : null,
    icmp_code: icmp ? rule.port_range_max : null,
    remote,
  };
}

function ruleRemote(ctx: Context, rule: SecurityGroupRuleInput): AclMatch["remote"] | string {
  const family = rule.ethertype === "IPv4" ? 4 : 6;
  if (rule.remote_ip_prefix !== null) {
    const cidr = parseCidrLoose(rule.remote_ip_prefix);
    if (cidr === undefined) return `remote_ip_prefix ${rule.remote_ip_prefix} is not a CIDR`;
    if (cidr.version !== family)
      return `remote_ip_prefix ${rule.remote_ip_prefix} does not match ethertype ${rule.ethertype}`;
    return { kind: "cidr", cidr: formatCidr(cidr) };
  }
  if (rule.remote_group_id !== null) {
    if (!ctx.securityGroups.has(rule.remote_group_id))
      return `remote group ${rule.remote_group_id} does not exist`;
    return { kind: "address_set", address_set: `as-${rule.remote_group_id}-ip${family}` };
  }
  return { kind: "any" };
}
