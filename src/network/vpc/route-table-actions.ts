import type { AuthContext } from "../../http/auth.ts";
import { HTTPBadRequest, parseBody } from "../../lib/attributes.ts";
import { authorize, requireAuth, write, type NetworkDeps, type NetworkTx } from "../deps.ts";
import { checkPeeringRoutes } from "../peering/guards.ts";
import { checkNatGatewayRoutes } from "../nat/guards.ts";
import { canonicalCidr, cidrsOf } from "./cidrs.ts";
import { InvalidRouteTableRoutes, InvalidVpcSubnet } from "./errors.ts";
import { saveRouteTable, visibleRouteTable, type RouteTable } from "./route-tables.ts";
import { tableRoutesAttributes } from "./schemas.ts";
import * as store from "./store.ts";
import { visibleVpc } from "./vpcs.ts";

/** A route as the body gives it (already shaped by schemas.validTableRoutes). */
interface GivenRoute {
  destination: string;
  nexthop_type: string;
  nexthop?: string | null;
}

const LOCAL_REFUSED = "local routes are implicit for the VPC's CIDRs and cannot be added or removed";

/** Canonical routes; "local" ones are the VPC's own and never the user's. */
function canonicalRoutes(given: readonly unknown[]): store.TableRoute[] {
  return (given as GivenRoute[]).map((route) => {
    if (route.nexthop_type === "local") throw new InvalidRouteTableRoutes(LOCAL_REFUSED);
    return {
      destination: canonicalCidr(route.destination) ?? route.destination,
      nexthop_type: route.nexthop_type,
      nexthop: route.nexthop ?? null,
    };
  });
}

/**
 * A table's routes: unique destinations, none of them a VPC CIDR (its local route is implicit),
 * and a "port" next hop must be a port on one of the VPC's subnets (not the router's own).
 */
export async function checkTableRoutes(
  tx: NetworkTx,
  vpc: store.VpcRow,
  given: readonly unknown[],
): Promise<store.TableRoute[]> {
  const routes = canonicalRoutes(given);
  const destinations = routes.map((route) => route.destination);
  const repeated = destinations.find((destination, i) => destinations.indexOf(destination) !== i);
  if (repeated !== undefined)
    throw new InvalidRouteTableRoutes(`Destination ${repeated} is given more than once`);
  const local = destinations.find((destination) => cidrsOf(vpc).includes(destination));
  if (local !== undefined)
    throw new InvalidRouteTableRoutes(`Destination ${local} is a CIDR of VPC ${vpc.id}: its route is local`);
  await checkPeeringRoutes(tx.db, vpc, routes);
  await checkNatGatewayRoutes(tx.db, vpc, routes);
  const wanted = routes.filter((route) => route.nexthop_type === "port");
  if (wanted.length === 0) return routes;
  const subnets = await store.subnetsOfRouter(tx.db, vpc.router_id);
  const inside = await store.portsInSubnets(
    tx.db,
    subnets.map((subnet) => subnet.id),
    vpc.router_id,
  );
  const stray = wanted.find((route) => !inside.has(route.nexthop ?? ""));
  if (stray !== undefined)
    throw new InvalidRouteTableRoutes(`Next hop ${stray.nexthop} is not a port on a subnet of VPC ${vpc.id}`);
  return routes;
}

function routesRequest(body: unknown): unknown[] {
  const routes = (body as { routes?: unknown } | null)?.routes;
  if (routes === undefined) throw new HTTPBadRequest("Unable to find 'routes' in request body");
  return parseBody(tableRoutesAttributes, { routes }, "update").routes as unknown[];
}

/**
 * PUT /v2.0/route-tables/{id}/add_routes and /remove_routes, as extraroute-atomic: adding a route
 * already there, or removing one that is not, changes nothing; another route to a destination
 * already routed is refused.
 */
export async function changeRoutes(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  body: unknown,
  change: "add" | "remove",
): Promise<RouteTable> {
  const caller = requireAuth(auth);
  const given = routesRequest(body);
  return write(deps, async (tx) => {
    const row = await visibleRouteTable(tx.db, caller, id);
    authorize(caller, "update_route_table", { project_id: row.project_id });
    const current = (await store.routesOf(tx.db, [id])).get(id) ?? [];
    if (change === "remove") {
      const same = (a: store.TableRoute, b: store.TableRoute) =>
        a.destination === b.destination && a.nexthop_type === b.nexthop_type && a.nexthop === b.nexthop;
      const gone = canonicalRoutes(given).filter((route) => current.some((c) => same(c, route)));
      await store.removeRoutes(
        tx.db,
        id,
        gone.map((route) => route.destination),
      );
    } else {
      const vpc = await visibleVpc(tx.db, caller, row.vpc_id);
      const routes = await checkTableRoutes(tx, vpc, given);
      refuseRerouting(id, current, routes);
      await store.addRoutes(tx.db, id, routes);
    }
    return saveRouteTable(deps, tx, row, {});
  });
}

function refuseRerouting(
  id: string,
  current: readonly store.TableRoute[],
  added: readonly store.TableRoute[],
) {
  for (const route of added) {
    const there = current.find((c) => c.destination === route.destination);
    if (there !== undefined && (there.nexthop_type !== route.nexthop_type || there.nexthop !== route.nexthop))
      throw new InvalidRouteTableRoutes(`Route table ${id} already has a route to ${route.destination}`);
  }
}

function subnetIdsRequest(body: unknown): string[] {
  const ids = (body as { subnet_ids?: unknown } | null)?.subnet_ids;
  if (!Array.isArray(ids) || ids.some((subnetId) => typeof subnetId !== "string"))
    throw new HTTPBadRequest("Unable to find a list of 'subnet_ids' in request body");
  return [...new Set(ids as string[])];
}

/**
 * PUT /v2.0/route-tables/{id}/associate_subnets: subnets of the table's VPC move here from the
 * table they were in (which is announced as changed too). /disassociate_subnets sends them back to
 * the main table.
 */
export async function changeAssociations(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  body: unknown,
  change: "associate" | "disassociate",
): Promise<RouteTable> {
  const caller = requireAuth(auth);
  const subnetIds = subnetIdsRequest(body);
  return write(deps, async (tx) => {
    const row = await visibleRouteTable(tx.db, caller, id);
    authorize(caller, "update_route_table", { project_id: row.project_id });
    const previous = await store.tablesOfSubnets(tx.db, subnetIds);
    if (change === "disassociate") {
      const stray = subnetIds.find((subnetId) => previous.get(subnetId) !== id);
      if (stray !== undefined)
        throw new InvalidVpcSubnet(`Subnet ${stray} is not associated with route table ${id}`);
      await store.disassociate(tx.db, subnetIds);
      return saveRouteTable(deps, tx, row, {});
    }
    const vpc = await visibleVpc(tx.db, caller, row.vpc_id);
    const members = new Set((await store.subnetsOfRouter(tx.db, vpc.router_id)).map((subnet) => subnet.id));
    const stray = subnetIds.find((subnetId) => !members.has(subnetId));
    if (stray !== undefined) throw new InvalidVpcSubnet(`Subnet ${stray} is not a subnet of VPC ${vpc.id}`);
    await store.associate(tx.db, id, subnetIds);
    for (const tableId of new Set(previous.values())) {
      const left = tableId === id ? undefined : await store.selectRouteTable(tx.db, tableId);
      if (left !== undefined) await saveRouteTable(deps, tx, left, {});
    }
    return saveRouteTable(deps, tx, row, {});
  });
}
