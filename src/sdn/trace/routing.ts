import { cidrContains, formatIp, type Address } from "../../lib/ip.ts";
import type { Index, RouterIndex, RouterPortIndex, Route, SwitchIndex } from "./index-model.ts";
import { ipKey } from "./packet.ts";
import { throughPeering } from "./peering.ts";

/** Longest prefix match over the router's connected networks and static routes. */
export function lookupRoute(router: RouterIndex, dst: Address): Route | undefined {
  return router.routes.find((route) => cidrContains(route.cidr, dst));
}

/** The router port a route leaves by: the connected network's port, or the route's output port. */
export function outputPort(index: Index, route: Route): RouterPortIndex | undefined {
  if (route.kind === "connected") return route.lrp;
  return route.row.output_port === null ? undefined : index.routerPorts.get(route.row.output_port);
}

export function describeRoute(route: Route, out: RouterPortIndex, dst: Address): string {
  const to = `out by ${out.row.name} onto ${out.row.switch}`;
  if (route.kind === "connected") return `${formatIp(dst)} is on connected network ${cidrText(route)}: ${to}`;
  if (route.kind === "policy")
    return `${formatIp(dst)} matches route ${route.row.ip_prefix} via ${route.row.nexthop ?? ""} of route table ${route.row.route_table_name} (${route.row.route_table_id})${throughPeering(route.row)}: ${to}`;
  const kind = route.row.origin === "gateway" ? "the gateway's default route" : "extra route";
  return `${formatIp(dst)} matches ${kind} ${route.row.ip_prefix} via ${route.row.nexthop} (${route.row.name}): ${to}`;
}

function cidrText(route: Route): string {
  const { cidr } = route;
  return `${formatIp({ version: cidr.version, value: cidr.network })}/${cidr.prefix}`;
}

/** Where a VM's off-link packet goes: its subnet's gateway, be it a router port or the upstream. */
export type FirstHop =
  | { kind: "router"; lrp: RouterPortIndex; router: RouterIndex }
  | { kind: "upstream"; gateway: Address }
  | undefined;

export function firstHop(index: Index, sw: SwitchIndex, src: Address): FirstHop {
  // A source off every subnet (a VM routing for others) still uses its network's gateway.
  const subnet =
    sw.subnets.find((s) => cidrContains(s.cidr, src)) ??
    sw.subnets.find((s) => s.cidr.version === src.version && s.gateway !== null);
  const gateway = subnet?.gateway ?? null;
  const owner = gateway === null ? undefined : sw.owners.get(ipKey(gateway));
  if (owner?.kind === "router") return withRouter(index, owner.lrp);
  // On a physical (external or provider) network the subnet's gateway is the router upstream.
  if (sw.physical && gateway !== null) return { kind: "upstream", gateway };
  const lrp = sw.routerPorts.find((port) => port.networks.some((n) => cidrContains(n.cidr, src)));
  return lrp === undefined ? undefined : withRouter(index, lrp);
}

function withRouter(index: Index, lrp: RouterPortIndex): FirstHop {
  const router = index.routers.get(lrp.row.router);
  return router === undefined ? undefined : { kind: "router", lrp, router };
}

/**
 * A router reached from the upstream for an internal address: only one without SNAT (enable_snat
 * false), whose networks the upstream is assumed to route to its gateway.
 */
export function unnattedRouter(index: Index, sw: SwitchIndex, dst: Address): FirstHop {
  for (const lrp of sw.routerPorts) {
    const router = index.routers.get(lrp.row.router);
    if (!lrp.row.gateway || router === undefined || router.row.snat) continue;
    const route = lookupRoute(router, dst);
    if (route?.kind === "connected" && route.lrp !== lrp) return { kind: "router", lrp, router };
  }
  return undefined;
}
