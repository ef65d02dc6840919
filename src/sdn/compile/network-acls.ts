import { formatCidr, parseCidrLoose } from "../../lib/ip.ts";
import type { NetworkAclRule } from "../model.ts";
import type { FirewallGroupInput, FirewallRuleInput, NetworkState } from "./input.ts";
import { byId, compareText, ownerOf, problem, type Context } from "./context.ts";
import { protocolNumber } from "./protocols.ts";

const DIRECTIONS = ["ingress", "egress"] as const;

/**
 * FWaaS v2 firewall groups on router interface ports: the subnets' network ACLs, one row per
 * group and direction with a policy. Runs after the routers (it needs their legs).
 */
export function compileNetworkAcls(ctx: Context, state: NetworkState): void {
  for (const group of byId(state.firewall_groups ?? []).values()) {
    const ports = routerInterfaces(ctx, group);
    if (ports.length === 0) continue;
    for (const direction of DIRECTIONS) {
      const policy = direction === "ingress" ? group.ingress_policy_id : group.egress_policy_id;
      if (policy === null) continue;
      const rules = direction === "ingress" ? group.ingress_rules : group.egress_rules;
      const name = `nacl-${group.id}-${direction}`;
      ctx.model.network_acls[name] = {
        name,
        owner: ownerOf("firewall_group", group),
        firewall_group_id: group.id,
        firewall_policy_id: policy,
        ports,
        direction,
        enabled: group.admin_state_up,
        rules: rules.filter((rule) => rule.enabled).flatMap((rule) => typed(ctx, group, rule)),
      };
    }
  }
}

/** The group's router interface ports (lrp names); other ports are a problem of the group. */
function routerInterfaces(ctx: Context, group: FirewallGroupInput): string[] {
  const ports: string[] = [];
  for (const id of group.ports) {
    if (ctx.legs.get(id)?.gateway === false) ports.push(`lrp-${id}`);
    else
      problem(
        ctx,
        ownerOf("firewall_group", group),
        `port ${id} is not a router interface: a firewall group acts as a network ACL on router interfaces only`,
      );
  }
  return ports.sort(compareText);
}

function typed(ctx: Context, group: FirewallGroupInput, rule: FirewallRuleInput): NetworkAclRule[] {
  const fail = (reason: string) => {
    problem(ctx, ownerOf("firewall_group", group), `firewall rule ${rule.id}: ${reason}`);
    return [];
  };
  const protocol = protocolNumber(rule.protocol, rule.ip_version === 6 ? "IPv6" : "IPv4");
  if (protocol === undefined) return fail(`protocol ${rule.protocol ?? ""} is unknown`);
  const source = cidrOf(rule.source_ip_address);
  const destination = cidrOf(rule.destination_ip_address);
  if (source === undefined || destination === undefined) return fail("an address is not an IP or CIDR");
  const sourcePorts = portRange(rule.source_port);
  const destinationPorts = portRange(rule.destination_port);
  if (sourcePorts === undefined || destinationPorts === undefined) return fail("a port range is invalid");
  return [
    {
      id: rule.id,
      action: rule.action,
      ip_version: rule.ip_version,
      protocol,
      source_cidr: source,
      destination_cidr: destination,
      source_ports: sourcePorts,
      destination_ports: destinationPorts,
    },
  ];
}

/** null for any; undefined when it does not parse. */
function cidrOf(text: string | null): string | null | undefined {
  if (text === null || text === "") return null;
  const cidr = parseCidrLoose(text);
  return cidr === undefined ? undefined : formatCidr(cidr);
}

/** "80" or "1000:2000"; null for any; undefined when it does not parse. */
function portRange(text: string | null): [number, number] | null | undefined {
  if (text === null || text === "") return null;
  const parts = text.split(":").map(Number);
  const low = parts[0] ?? NaN;
  const high = parts[1] ?? low;
  if (parts.length > 2 || !Number.isInteger(low) || !Number.isInteger(high) || low > high) return undefined;
  return [low, high];
}
