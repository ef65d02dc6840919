import type { Kysely } from "kysely";
import type { RouteTableInput, RouteTableRouteInput, VpcInput } from "../../sdn/compile/input.ts";
import type { NetworkTables } from "../tables.ts";
import { cidrsOf } from "./cidrs.ts";

/**
 * VPCs and route tables for the SDN compiler, in four queries. Routes are the tables' own: the
 * implicit local routes follow from the VPC's CIDRs; subnet_ids are the explicit associations.
 */
export async function loadVpcState(
  db: Kysely<NetworkTables>,
): Promise<{ vpcs: VpcInput[]; route_tables: RouteTableInput[] }> {
  const [vpcs, tables, routes, subnets] = [
    await db.selectFrom("vpcs").selectAll().orderBy("id").execute(),
    await db.selectFrom("route_tables").selectAll().orderBy("id").execute(),
    await db.selectFrom("route_table_routes").selectAll().orderBy("destination").execute(),
    await db.selectFrom("route_table_subnets").selectAll().orderBy("subnet_id").execute(),
  ];
  const subnetsByTable = groupBy(
    subnets,
    (s) => s.route_table_id,
    (s) => s.subnet_id,
  );
  const routesByTable = groupBy(
    routes,
    (route) => route.route_table_id,
    (route): RouteTableRouteInput => ({
      destination: route.destination,
      nexthop_type: route.nexthop_type as RouteTableRouteInput["nexthop_type"],
      nexthop: route.nexthop,
    }),
  );
  return {
    vpcs: vpcs.map((row) => ({
      id: row.id,
      project_id: row.project_id,
      revision_number: row.revision_number,
      name: row.name,
      router_id: row.router_id,
      cidrs: cidrsOf(row),
    })),
    route_tables: tables.map((row) => ({
      id: row.id,
      project_id: row.project_id,
      revision_number: row.revision_number,
      name: row.name,
      vpc_id: row.vpc_id,
      main: row.main === 1,
      subnet_ids: subnetsByTable.get(row.id) ?? [],
      routes: routesByTable.get(row.id) ?? [],
    })),
  };
}

function groupBy<T, V>(
  items: readonly T[],
  key: (item: T) => string,
  value: (item: T) => V,
): Map<string, V[]> {
  const groups = new Map<string, V[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), value(item)]);
  return groups;
}
