import { cidrContains, formatCidr, formatIp, parseCidrLoose, parseIp } from "../../lib/ip.ts";
import type { Nat, Owner, RouterPolicy } from "../model.ts";
import { gatewayChassis } from "./chassis.ts";
import { byId, ownerOf, problem, type Context } from "./context.ts";
import type { DnatRuleInput, NatGatewayInput, NetworkState, SnatRuleInput, VpcInput } from "./input.ts";

/**
 * NAT gateways on their routers (after compileNats, whose default SNAT rows they may replace):
 * - an internet SNAT rule is a snat row snatr-<rule>-<cidr> per source CIDR, translated to its
 *   floating IP; the router's own gateway SNAT rows for subnets inside it go (the rule wins);
 * - a service SNAT rule gives the router a leg lrp-<port> on the service network (the gateway's
 *   port there, a gateway-like port: traffic leaving by it is NATed) and a snat row translating
 *   its sources to that port's address; sources without such a rule are refused there (trace);
 * - a DNAT rule is a dnat row dnatr-<rule> (tcp/udp, with ports) or, for protocol any, a
 *   dnat_and_snat row: the whole floating IP maps to the private address, both ways.
 */
export function compileNatGateways(ctx: Context, state: NetworkState): void {
  for (const gateway of byId(state.nat_gateways ?? []).values()) {
    const owner = ownerOf("nat_gateway", gateway);
    if (!ctx.routers.has(gateway.router_id))
      problem(ctx, owner, `router ${gateway.router_id} does not exist`);
    else if (!ctx.gateways.has(gateway.router_id))
      problem(ctx, owner, `router ${gateway.router_id} has no gateway on an external network`);
    else if (gateway.admin_state_up) {
      for (const rule of byId(gateway.snat_rules).values())
        if (rule.admin_state_up) addSnatRule(ctx, gateway, rule);
      for (const rule of byId(gateway.dnat_rules).values())
        if (rule.admin_state_up) addDnatRule(ctx, gateway, rule);
    }
  }
}

const NO_PORTS = { protocol: null, external_port: null, internal_port: null } as const;

function natRow(
  name: string,
  owner: Owner,
  gateway: NatGatewayInput,
  type: Nat["type"],
  fields: Omit<Nat, "name" | "owner" | "router" | "type">,
) {
  return { name, owner, router: `lr-${gateway.router_id}`, type, ...fields };
}

/** The IPv4 CIDRs a rule translates: its network's subnets on the router, or its own CIDR. */
function sourceCidrs(ctx: Context, gateway: NatGatewayInput, rule: SnatRuleInput): string[] {
  if (rule.network_id === null) {
    const cidr = parseCidrLoose(rule.cidr);
    return cidr === undefined || cidr.version !== 4 ? [] : [formatCidr(cidr)];
  }
  const legs = ctx.interfaces.get(gateway.router_id) ?? [];
  return legs
    .flatMap((port) => ctx.fixedIps.get(port.id) ?? [])
    .filter((ip) => ip.version === 4 && ip.subnet.input.network_id === rule.network_id)
    .map((ip) => ip.subnet.cidrText);
}

function addSnatRule(ctx: Context, gateway: NatGatewayInput, rule: SnatRuleInput): void {
  const owner = ownerOf("snat_rule", rule);
  const cidrs = sourceCidrs(ctx, gateway, rule);
  if (cidrs.length === 0)
    return problem(
      ctx,
      owner,
      `no IPv4 subnet of ${rule.network_id ?? rule.cidr} is on router ${gateway.router_id}`,
    );
  const target = rule.service_network_id === null ? internetAddress(rule) : serviceLeg(ctx, gateway, rule);
  if ("why" in target) return problem(ctx, owner, target.why);
  for (const cidr of cidrs) {
    const name = `snatr-${rule.id}-${cidr}`;
    ctx.model.nats[name] = natRow(name, owner, gateway, "snat", {
      external_ip: target.ip,
      logical_ip: cidr,
      logical_port: null,
      ...NO_PORTS,
    });
    if (rule.service_network_id === null) dropDefaultSnats(ctx, gateway.router_id, cidr);
  }
}

/** The address a SNAT rule translates to, or why it has none. */
type Target = { ip: string } | { why: string };

function internetAddress(rule: SnatRuleInput): Target {
  const address = rule.floating_ip_address === null ? undefined : parseIp(rule.floating_ip_address);
  if (address?.version === 4) return { ip: formatIp(address) };
  return { why: `floating IP address ${rule.floating_ip_address ?? "null"} is not an IPv4 address` };
}

/** The router's own SNAT of its subnets inside the rule's CIDR yields to the rule. */
function dropDefaultSnats(ctx: Context, routerId: string, cidrText: string): void {
  const cidr = parseCidrLoose(cidrText);
  if (cidr === undefined) return;
  for (const [name, row] of Object.entries(ctx.model.nats)) {
    if (!name.startsWith(`snat-${routerId}-`) || row.type !== "snat") continue;
    const inner = parseCidrLoose(row.logical_ip);
    if (
      inner !== undefined &&
      inner.prefix >= cidr.prefix &&
      cidrContains(cidr, { version: inner.version, value: inner.network })
    )
      delete ctx.model.nats[name];
  }
}

/**
 * The gateway's leg on the service network (made once per gateway and network): its switch port
 * becomes a router port's peer. Its address is the rule's.
 */
function serviceLeg(ctx: Context, gateway: NatGatewayInput, rule: SnatRuleInput): Target {
  const port = rule.service_port_id === null ? undefined : ctx.ports.get(rule.service_port_id);
  if (port === undefined || port.network_id !== rule.service_network_id)
    return { why: `the NAT gateway has no port on service network ${rule.service_network_id ?? ""}` };
  const ip = (ctx.fixedIps.get(port.id) ?? []).find((fixed) => fixed.version === 4);
  if (ip === undefined) return { why: `the NAT gateway's port ${port.id} has no IPv4 address` };
  const name = `lrp-${port.id}`;
  ctx.model.logical_router_ports[name] ??= {
    name,
    owner: ownerOf("nat_gateway", gateway),
    router: `lr-${gateway.router_id}`,
    peer: port.id,
    switch: `ls-${port.network_id}`,
    mac: port.mac_address,
    networks: [`${ip.ip}/${ip.subnet.cidr.prefix}`],
    gateway: true,
    gateway_chassis: gatewayChassis(ctx),
  };
  const lsp = ctx.model.logical_switch_ports[port.id];
  if (lsp !== undefined)
    ctx.model.logical_switch_ports[port.id] = {
      ...lsp,
      type: "router",
      router_port: name,
      port_security: [],
      port_groups: [],
    };
  return { ip: ip.ip };
}

function addDnatRule(ctx: Context, gateway: NatGatewayInput, rule: DnatRuleInput): void {
  const owner = ownerOf("dnat_rule", rule);
  const external = parseIp(rule.floating_ip_address);
  const internal = parseIp(rule.private_ip);
  if (external?.version !== 4 || internal?.version !== 4)
    return problem(
      ctx,
      owner,
      `${rule.floating_ip_address} -> ${rule.private_ip} are not both IPv4 addresses`,
    );
  if (rule.port_id !== null && !ctx.ports.has(rule.port_id))
    return problem(ctx, owner, `port ${rule.port_id} does not exist`);
  const name = `dnatr-${rule.id}`;
  const ends = {
    external_ip: formatIp(external),
    logical_ip: formatIp(internal),
    logical_port: rule.port_id,
  };
  if (rule.protocol === "any") {
    ctx.model.nats[name] = natRow(name, owner, gateway, "dnat_and_snat", { ...ends, ...NO_PORTS });
    return;
  }
  if (rule.protocol !== "tcp" && rule.protocol !== "udp")
    return problem(ctx, owner, `protocol ${rule.protocol} is not tcp, udp or any`);
  ctx.model.nats[name] = natRow(name, owner, gateway, "dnat", {
    ...ends,
    protocol: rule.protocol,
    external_port: rule.external_service_port,
    internal_port: rule.internal_service_port,
  });
}

/**
 * A route table route to a NAT gateway: out by the router's external gateway, towards its default
 * route's next hop, where the gateway's SNAT rules translate the traffic.
 */
export function natGatewayHop(
  ctx: Context,
  state: NetworkState,
  vpc: VpcInput,
  gatewayId: string,
): Pick<RouterPolicy, "action" | "nexthop" | "output_port"> | string {
  const gateway = (state.nat_gateways ?? []).find((g) => g.id === gatewayId);
  if (gateway === undefined) return `next hop NAT gateway ${gatewayId} does not exist`;
  if (gateway.router_id !== vpc.router_id)
    return `next hop NAT gateway ${gatewayId} is not on the router of VPC ${vpc.id}`;
  const port = ctx.gateways.get(vpc.router_id);
  const route = ctx.model.static_routes[`sr-${vpc.router_id}-default`];
  if (port === undefined || route === undefined)
    return `router ${vpc.router_id} of NAT gateway ${gatewayId} has no external gateway with a default route`;
  return { action: "reroute", nexthop: route.nexthop, output_port: `lrp-${port.id}` };
}
