import { formatCidr, parseCidrLoose } from "../../lib/ip.ts";
import type { RouterPolicy } from "../model.ts";
import type { NetworkState, RouteTableInput, RouteTableRouteInput, VpcInput } from "./input.ts";
import { byId, ownerOf, problem, sortedUnique, type Context, type Subnet } from "./context.ts";
import { peeringHop } from "./peerings.ts";
import { natGatewayHop } from "./nat-gateways.ts";

/**
 * VPC route tables as router policies on the VPC's router, for traffic from the subnets each
 * table serves: its associated subnets, or (the main table) the VPC's subnets no other table has.
 * The VPC's CIDRs are implicit "local" routes. Runs after the routers (it needs their legs).
 */
export function compileRouteTables(ctx: Context, state: NetworkState): void {
  const vpcs = byId(state.vpcs ?? []);
  const tables = byId(state.route_tables ?? []);
  const associated = new Set([...tables.values()].flatMap((table) => table.subnet_ids));
  for (const table of tables.values()) {
    const vpc = vpcs.get(table.vpc_id);
    const owner = ownerOf("route_table", table);
    if (vpc === undefined) problem(ctx, owner, `VPC ${table.vpc_id} does not exist`);
    else if (!ctx.routers.has(vpc.router_id))
      problem(ctx, owner, `router ${vpc.router_id} of VPC ${vpc.id} does not exist`);
    else addTable(ctx, vpc, table, associated, state);
  }
}

function addTable(
  ctx: Context,
  vpc: VpcInput,
  table: RouteTableInput,
  associated: Set<string>,
  state: NetworkState,
): void {
  const subnets = routerSubnets(ctx, vpc.router_id);
  const served = subnets.filter((subnet) =>
    table.main ? !associated.has(subnet.input.id) : table.subnet_ids.includes(subnet.input.id),
  );
  // A table no subnet uses routes nothing.
  if (served.length === 0) return;
  const sources = sortedUnique(served.map((subnet) => subnet.cidrText));
  const local: RouteTableRouteInput[] = vpc.cidrs.map((cidr) => ({
    destination: cidr,
    nexthop_type: "local",
    nexthop: null,
  }));
  for (const route of [...local, ...table.routes]) {
    const row = policyRow(ctx, vpc, table, route, state);
    if (typeof row === "string") problem(ctx, ownerOf("route_table", table), row);
    else ctx.model.router_policies[row.name] ??= { ...row, source_cidrs: sources };
  }
}

/** The subnets on the router's interfaces. */
function routerSubnets(ctx: Context, routerId: string): Subnet[] {
  const ports = ctx.interfaces.get(routerId) ?? [];
  return ports.flatMap((port) => (ctx.fixedIps.get(port.id) ?? []).map((ip) => ip.subnet));
}

function policyRow(
  ctx: Context,
  vpc: VpcInput,
  table: RouteTableInput,
  route: RouteTableRouteInput,
  state: NetworkState,
): Omit<RouterPolicy, "source_cidrs"> | string {
  const cidr = parseCidrLoose(route.destination);
  if (cidr === undefined) return `route destination ${route.destination} is not a CIDR`;
  const destination = formatCidr(cidr);
  const base = {
    name: `rtp-${table.id}-${destination}`,
    owner: ownerOf("route_table", table),
    router: `lr-${vpc.router_id}`,
    route_table_id: table.id,
    route_table_name: table.name,
    ip_prefix: destination,
  };
  if (route.nexthop_type === "local") return { ...base, action: "local", nexthop: null, output_port: null };
  if (route.nexthop_type === "blackhole")
    return { ...base, action: "drop", nexthop: null, output_port: null };
  if (route.nexthop_type === "peering") {
    const hop = peeringHop(state, vpc, route.nexthop ?? "");
    return typeof hop === "string" ? `route ${destination}: ${hop}` : { ...base, ...hop };
  }
  if (route.nexthop_type === "nat_gateway") {
    const hop = natGatewayHop(ctx, state, vpc, route.nexthop ?? "");
    return typeof hop === "string" ? `route ${destination}: ${hop}` : { ...base, ...hop };
  }
  const hop = nexthopOf(ctx, route.nexthop ?? "", cidr.version, vpc.router_id);
  if (typeof hop === "string") return `route ${destination}: ${hop}`;
  return { ...base, action: "reroute", ...hop };
}

/** A port next hop: its address on one of the VPC router's subnets, and the router port facing it. */
function nexthopOf(
  ctx: Context,
  portId: string,
  version: 4 | 6,
  routerId: string,
): { nexthop: string; output_port: string } | string {
  if (!ctx.ports.has(portId)) return `next hop port ${portId} does not exist`;
  const legs = ctx.interfaces.get(routerId) ?? [];
  for (const ip of ctx.fixedIps.get(portId) ?? []) {
    if (ip.version !== version) continue;
    const leg = legs.find((port) =>
      (ctx.fixedIps.get(port.id) ?? []).some((own) => own.subnet === ip.subnet),
    );
    if (leg !== undefined) return { nexthop: ip.ip, output_port: `lrp-${leg.id}` };
  }
  return `next hop port ${portId} has no IPv${version} address on a subnet of the VPC`;
}
