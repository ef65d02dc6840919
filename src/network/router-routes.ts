import type { AuthContext } from "../http/auth.ts";
import { HTTPBadRequest, parseBody } from "../lib/attributes.ts";
import { cidrContains, parseIp } from "../lib/ip.ts";
import { cidrOf } from "./ipam.ts";
import { authorize, requireAuth, write, type NetworkDeps, type NetworkTx } from "./deps.ts";
import { saveRouter, visibleRouter, type Router } from "./routers.ts";
import { extraRoutesAttributes } from "./schemas/router.ts";
import { InvalidRoutes, RoutesExhausted } from "./errors-router.ts";
import { pyStr } from "./schemas/subnet.ts";
import * as routerStore from "./store-routers.ts";
import { DEVICE_OWNER } from "./device-owners.ts";

/** Neutron's max_routes default. */
export const MAX_ROUTES = 30;

/**
 * extraroute's rules: at most MAX_ROUTES, and every nexthop on a subnet the router is attached to
 * (interfaces or gateway) without being one of the router's own addresses.
 */
export async function checkRoutes(
  db: NetworkTx["db"],
  routerId: string,
  routes: readonly routerStore.Route[],
): Promise<void> {
  if (routes.length > MAX_ROUTES) throw new RoutesExhausted(routerId, MAX_ROUTES);
  const ports = await routerStore.routerPorts(
    db,
    routerId,
    DEVICE_OWNER.routerInterface,
    DEVICE_OWNER.routerGateway,
  );
  const ips = ports.flatMap((port) => port.fixed_ips);
  const subnets = await routerStore.selectSubnetsByIds(db, [...new Set(ips.map((ip) => ip.subnet_id))]);
  const cidrs = subnets.map(cidrOf);
  for (const route of routes) {
    const nexthop = parseIp(route.nexthop);
    if (nexthop === undefined || !cidrs.some((cidr) => cidrContains(cidr, nexthop)))
      throw new InvalidRoutes(pyStr(routes), "the nexthop is not connected with router");
    if (ips.some((ip) => ip.ip_address === route.nexthop))
      throw new InvalidRoutes(pyStr(routes), "the nexthop is used by router");
  }
}

/**
 * PUT .../add_extraroutes and .../remove_extraroutes [extraroute-atomic]: change the set by the
 * given routes in one transaction, so concurrent clients never lose each other's routes.
 */
export async function changeExtraRoutes(
  deps: NetworkDeps,
  auth: AuthContext | null,
  routerId: string,
  body: unknown,
  action: "add" | "remove",
): Promise<Router> {
  const caller = requireAuth(auth);
  const input = (body as { router?: unknown } | null)?.router;
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw new HTTPBadRequest("Unable to find 'router' in request body");
  const parsed = parseBody(extraRoutesAttributes, input as Record<string, unknown>, "create");
  const routes = parsed.routes as routerStore.Route[];
  return write(deps, async (tx) => {
    const row = await visibleRouter(tx.db, caller, routerId);
    authorize(caller, "update_router", { project_id: row.project_id });
    if (action === "add") {
      const current = (await routerStore.routesOf(tx.db, [routerId])).get(routerId) ?? [];
      const fresh = routes.filter(
        (r) => !current.some((c) => c.destination === r.destination && c.nexthop === r.nexthop),
      );
      await checkRoutes(tx.db, routerId, [...current, ...fresh]);
      await routerStore.addRoutes(tx.db, routerId, fresh);
    } else {
      await routerStore.removeRoutes(tx.db, routerId, routes);
    }
    return saveRouter(deps, tx, row, {});
  });
}
