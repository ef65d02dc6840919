import { sql, type Kysely, type Selectable, type SqlBool } from "kysely";
import type { ListQuery } from "../../lib/list-query.ts";
import { DEVICE_OWNER } from "../device-owners.ts";
import { selectPage, type Visibility } from "../store.ts";
import type { SubnetRow } from "../store-subnets.ts";
import type { NetworkTables } from "../tables.ts";

/** Queries for VPCs, route tables, their routes and subnet associations. */
type Db = Kysely<NetworkTables>;
export type VpcRow = Selectable<NetworkTables["vpcs"]>;
export type RouteTableRow = Selectable<NetworkTables["route_tables"]>;
export interface TableRoute {
  destination: string;
  nexthop_type: string;
  nexthop: string | null;
}

const projectScope = (visibility: Visibility) =>
  visibility.all ? undefined : sql<SqlBool>`${sql.ref("project_id")} = ${visibility.project_id ?? ""}`;

export function selectVpc(db: Db, id: string): Promise<VpcRow | undefined> {
  return db.selectFrom("vpcs").selectAll().where("id", "=", id).executeTakeFirst();
}

export function selectVpcs(db: Db, query: ListQuery, visibility: Visibility): Promise<VpcRow[]> {
  return selectPage<VpcRow>(db, "vpcs", query, projectScope(visibility));
}

export function selectVpcsByIds(db: Db, ids: readonly string[]): Promise<VpcRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("vpcs")
    .selectAll()
    .where("id", "in", [...ids])
    .execute();
}

export function vpcOf(db: Db, column: "router_id" | "security_group_id", id: string) {
  return db.selectFrom("vpcs").selectAll().where(column, "=", id).executeTakeFirst();
}

export async function insertVpc(db: Db, row: VpcRow): Promise<void> {
  await db.insertInto("vpcs").values(row).execute();
}

export async function deleteVpcRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("network_tags").where("resource_id", "=", id).execute();
  await db.deleteFrom("vpcs").where("id", "=", id).execute();
}

/** The subnets a router has an interface on: a VPC's subnets. */
export async function subnetsOfRouter(db: Db, routerId: string): Promise<SubnetRow[]> {
  return db
    .selectFrom("subnets")
    .selectAll("subnets")
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("ports")
          .innerJoin("ip_allocations", "ip_allocations.port_id", "ports.id")
          .select("ports.id")
          .where("ports.device_id", "=", routerId)
          .where("ports.device_owner", "=", DEVICE_OWNER.routerInterface)
          .whereRef("ip_allocations.subnet_id", "=", "subnets.id"),
      ),
    )
    .orderBy("subnets.created_at")
    .orderBy("subnets.id")
    .execute();
}

/** Each network's availability_zone_hints, parsed. */
export async function zoneHintsOf(db: Db, networkIds: readonly string[]): Promise<Map<string, string[]>> {
  if (networkIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("networks")
    .select(["id", "availability_zone_hints"])
    .where("id", "in", [...networkIds])
    .execute();
  return new Map(rows.map((row) => [row.id, JSON.parse(row.availability_zone_hints) as string[]]));
}

export function selectRouteTable(db: Db, id: string): Promise<RouteTableRow | undefined> {
  return db.selectFrom("route_tables").selectAll().where("id", "=", id).executeTakeFirst();
}

export function selectRouteTables(
  db: Db,
  query: ListQuery,
  visibility: Visibility,
): Promise<RouteTableRow[]> {
  return selectPage<RouteTableRow>(db, "route_tables", query, projectScope(visibility));
}

export function routeTablesOfVpc(db: Db, vpcId: string): Promise<RouteTableRow[]> {
  return db
    .selectFrom("route_tables")
    .selectAll()
    .where("vpc_id", "=", vpcId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

export async function insertRouteTable(db: Db, row: RouteTableRow): Promise<void> {
  await db.insertInto("route_tables").values(row).execute();
}

export async function deleteRouteTableRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("network_tags").where("resource_id", "=", id).execute();
  await db.deleteFrom("route_table_routes").where("route_table_id", "=", id).execute();
  await db.deleteFrom("route_table_subnets").where("route_table_id", "=", id).execute();
  await db.deleteFrom("route_tables").where("id", "=", id).execute();
}

/** The VPC's tables with a route of their own to exactly this destination. */
export async function tablesRoutingTo(db: Db, vpcId: string, destination: string): Promise<string[]> {
  const rows = await db
    .selectFrom("route_table_routes")
    .innerJoin("route_tables", "route_tables.id", "route_table_routes.route_table_id")
    .select("route_tables.id as id")
    .where("route_tables.vpc_id", "=", vpcId)
    .where("route_table_routes.destination", "=", destination)
    .orderBy("route_tables.id")
    .execute();
  return rows.map((row) => row.id);
}

/** The user's routes of each table, by destination. */
export async function routesOf(db: Db, tableIds: readonly string[]): Promise<Map<string, TableRoute[]>> {
  const byTable = new Map<string, TableRoute[]>();
  if (tableIds.length === 0) return byTable;
  const rows = await db
    .selectFrom("route_table_routes")
    .selectAll()
    .where("route_table_id", "in", [...tableIds])
    .orderBy("route_table_id")
    .orderBy("destination")
    .execute();
  for (const { route_table_id, ...route } of rows)
    byTable.set(route_table_id, [...(byTable.get(route_table_id) ?? []), route]);
  return byTable;
}

/** The subnets explicitly associated with each table. */
export async function subnetsOf(db: Db, tableIds: readonly string[]): Promise<Map<string, string[]>> {
  const byTable = new Map<string, string[]>();
  if (tableIds.length === 0) return byTable;
  const rows = await db
    .selectFrom("route_table_subnets")
    .selectAll()
    .where("route_table_id", "in", [...tableIds])
    .orderBy("subnet_id")
    .execute();
  for (const row of rows)
    byTable.set(row.route_table_id, [...(byTable.get(row.route_table_id) ?? []), row.subnet_id]);
  return byTable;
}

/** Adds routes; a destination already there is left as it is (the caller checked it is the same route). */
export async function addRoutes(db: Db, tableId: string, routes: readonly TableRoute[]): Promise<void> {
  if (routes.length === 0) return;
  await db
    .insertInto("route_table_routes")
    .values(routes.map((route) => ({ route_table_id: tableId, ...route })))
    .onConflict((oc) => oc.columns(["route_table_id", "destination"]).doNothing())
    .execute();
}

export async function removeRoutes(db: Db, tableId: string, destinations: readonly string[]): Promise<void> {
  if (destinations.length === 0) return;
  await db
    .deleteFrom("route_table_routes")
    .where("route_table_id", "=", tableId)
    .where("destination", "in", [...destinations])
    .execute();
}

export async function clearRoutes(db: Db, tableId: string): Promise<void> {
  await db.deleteFrom("route_table_routes").where("route_table_id", "=", tableId).execute();
}

/** The table each of these subnets is associated with now. */
export async function tablesOfSubnets(db: Db, subnetIds: readonly string[]): Promise<Map<string, string>> {
  if (subnetIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("route_table_subnets")
    .selectAll()
    .where("subnet_id", "in", [...subnetIds])
    .execute();
  return new Map(rows.map((row) => [row.subnet_id, row.route_table_id]));
}

/** Moves the subnets to the table: the subnet key keeps each in one table, even under races. */
export async function associate(db: Db, tableId: string, subnetIds: readonly string[]): Promise<void> {
  if (subnetIds.length === 0) return;
  await db
    .insertInto("route_table_subnets")
    .values(subnetIds.map((subnet_id) => ({ subnet_id, route_table_id: tableId })))
    .onConflict((oc) => oc.column("subnet_id").doUpdateSet({ route_table_id: tableId }))
    .execute();
}

export async function disassociate(db: Db, subnetIds: readonly string[]): Promise<void> {
  if (subnetIds.length === 0) return;
  await db
    .deleteFrom("route_table_subnets")
    .where("subnet_id", "in", [...subnetIds])
    .execute();
}

/** Ports with an address in one of these subnets but the router's own (route next hops). */
export async function portsInSubnets(
  db: Db,
  subnetIds: readonly string[],
  routerId: string,
): Promise<Set<string>> {
  if (subnetIds.length === 0) return new Set();
  const rows = await db
    .selectFrom("ip_allocations")
    .innerJoin("ports", "ports.id", "ip_allocations.port_id")
    .select("ip_allocations.port_id as port_id")
    .where("ip_allocations.subnet_id", "in", [...subnetIds])
    .where("ports.device_id", "<>", routerId)
    .execute();
  return new Set(rows.map((row) => row.port_id));
}
