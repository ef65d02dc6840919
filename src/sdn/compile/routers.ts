import { cidrContains, formatCidr, formatIp, parseCidrLoose, parseIp } from "../../lib/ip.ts";
import type { LogicalRouterPort, StaticRoute } from "../model.ts";
import type { PortInput, RouterInput } from "./input.ts";
import { gatewayChassis, gatewaysDown } from "./chassis.ts";
import { ownerOf, problem, type Context } from "./context.ts";

export function compileRouters(ctx: Context): void {
  for (const router of ctx.routers.values()) {
    const name = `lr-${router.id}`;
    ctx.model.logical_routers[name] = {
      name,
      owner: ownerOf("router", router),
      router_id: router.id,
      project_id: router.project_id,
      enabled: router.admin_state_up,
      snat: router.enable_snat && ctx.gateways.has(router.id),
    };
    const ports = (ctx.interfaces.get(router.id) ?? []).map((port) =>
      addRouterPort(ctx, router, port, false),
    );
    const gateway = ctx.gateways.get(router.id);
    if (gateway !== undefined) {
      const lrp = addRouterPort(ctx, router, gateway, true);
      ports.push(lrp);
      addDefaultRoutes(ctx, router, gateway, lrp);
    }
    addUserRoutes(ctx, router, ports);
  }
}

/** A Neutron router port becomes the router's leg; its addresses carry their subnet's prefix. */
function addRouterPort(
  ctx: Context,
  router: RouterInput,
  port: PortInput,
  gateway: boolean,
): LogicalRouterPort {
  const networks = (ctx.fixedIps.get(port.id) ?? []).map((ip) => `${ip.ip}/${ip.subnet.cidr.prefix}`);
  const row: LogicalRouterPort = {
    name: `lrp-${port.id}`,
    owner: ownerOf("port", port),
    router: `lr-${router.id}`,
    peer: port.id,
    switch: `ls-${port.network_id}`,
    mac: port.mac_address,
    networks,
    gateway,
    gateway_chassis: gateway ? gatewayChassis(ctx) : null,
  };
  if (row.gateway_chassis?.length === 0) problem(ctx, ownerOf("router", router), gatewaysDown(ctx));
  ctx.model.logical_router_ports[row.name] = row;
  return row;
}

/**
 * One default route per family via the first external subnet of that family with a gateway_ip.
 * The model names only `sr-<router>-default`: it is the IPv4 one, or the IPv6 one on an
 * IPv6-only gateway; the IPv6 one beside an IPv4 one is `sr-<router>-default6`.
 */
function addDefaultRoutes(
  ctx: Context,
  router: RouterInput,
  gateway: PortInput,
  lrp: LogicalRouterPort,
): void {
  const nexthops = new Map<4 | 6, string>();
  for (const ip of ctx.fixedIps.get(gateway.id) ?? []) {
    const nexthop = ip.subnet.input.gateway_ip;
    const address = nexthop === null ? undefined : parseIp(nexthop);
    if (address?.version === ip.version && !nexthops.has(ip.version))
      nexthops.set(ip.version, formatIp(address));
  }
  for (const version of [4, 6] as const) {
    const nexthop = nexthops.get(version);
    if (nexthop === undefined) continue;
    const suffix = version === 6 && nexthops.has(4) ? "default6" : "default";
    const row: StaticRoute = {
      name: `sr-${router.id}-${suffix}`,
      owner: ownerOf("router", router),
      router: `lr-${router.id}`,
      ip_prefix: version === 4 ? "0.0.0.0/0" : "::/0",
      nexthop,
      output_port: lrp.name,
      origin: "gateway",
    };
    ctx.model.static_routes[row.name] = row;
  }
}

/** extraroute routes leave by the router port whose networks hold the nexthop. */
function addUserRoutes(ctx: Context, router: RouterInput, ports: LogicalRouterPort[]): void {
  const owner = ownerOf("router", router);
  for (const route of router.routes) {
    const destination = parseCidrLoose(route.destination);
    const nexthop = parseIp(route.nexthop);
    if (destination === undefined || nexthop === undefined || !route.destination.includes("/")) {
      problem(ctx, owner, `route ${route.destination} via ${route.nexthop} is not a valid CIDR and address`);
      continue;
    }
    const output = ports.find((lrp) =>
      lrp.networks.some((network) => {
        const cidr = parseCidrLoose(network);
        return cidr !== undefined && cidrContains(cidr, nexthop);
      }),
    );
    if (output === undefined)
      problem(ctx, owner, `nexthop ${route.nexthop} is not on any of the router's subnets`);
    const prefix = formatCidr(destination);
    const hop = formatIp(nexthop);
    const row: StaticRoute = {
      name: `sr-${router.id}-${prefix}-${hop}`,
      owner,
      router: `lr-${router.id}`,
      ip_prefix: prefix,
      nexthop: hop,
      output_port: output?.name ?? null,
      origin: "extraroute",
    };
    ctx.model.static_routes[row.name] = row;
  }
}
