import { sql, type Kysely, type Selectable, type SqlBool } from "kysely";
import type { ListQuery } from "../lib/list-query.ts";
import { selectPage, type Visibility } from "./store.ts";
import type { NetworkTables } from "./tables.ts";

/** Queries for routers, their routes and the ports that make their interfaces. */
type Db = Kysely<NetworkTables>;
export type RouterRow = Selectable<NetworkTables["routers"]>;
export interface Route {
  destination: string;
  nexthop: string;
}

export function selectRouter(db: Db, id: string): Promise<RouterRow | undefined> {
  return db.selectFrom("routers").selectAll().where("id", "=", id).executeTakeFirst();
}

export function selectRouters(db: Db, query: ListQuery, visibility: Visibility): Promise<RouterRow[]> {
  const scope = visibility.all
    ? undefined
    : sql<SqlBool>`${sql.ref("project_id")} = ${visibility.project_id ?? ""}`;
  return selectPage<RouterRow>(db, "routers", query, scope);
}

export async function insertRouter(db: Db, row: RouterRow): Promise<void> {
  await db.insertInto("routers").values(row).execute();
}

export async function deleteRouterRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("network_tags").where("resource_id", "=", id).execute();
  await db.deleteFrom("router_routes").where("router_id", "=", id).execute();
  await db.deleteFrom("routers").where("id", "=", id).execute();
}

export async function routesOf(db: Db, routerIds: readonly string[]): Promise<Map<string, Route[]>> {
  const byRouter = new Map<string, Route[]>();
  if (routerIds.length === 0) return byRouter;
  const rows = await db
    .selectFrom("router_routes")
    .selectAll()
    .where("router_id", "in", [...routerIds])
    .orderBy("position")
    .execute();
  for (const { router_id, destination, nexthop } of rows)
    byRouter.set(router_id, [...(byRouter.get(router_id) ?? []), { destination, nexthop }]);
  return byRouter;
}

/** Adds routes after the others; one already there is left as it is (add_extraroutes is idempotent). */
export async function addRoutes(db: Db, routerId: string, routes: readonly Route[]): Promise<void> {
  if (routes.length === 0) return;
  const last = await db
    .selectFrom("router_routes")
    .select((eb) => eb.fn.max("position").as("position"))
    .where("router_id", "=", routerId)
    .executeTakeFirst();
  const first = Number(last?.position ?? 0) + 1;
  await db
    .insertInto("router_routes")
    .values(routes.map((route, i) => ({ router_id: routerId, ...route, position: first + i })))
    .onConflict((oc) => oc.columns(["router_id", "destination", "nexthop"]).doNothing())
    .execute();
}

export async function removeRoutes(db: Db, routerId: string, routes: readonly Route[]): Promise<void> {
  for (const route of routes) {
    await db
      .deleteFrom("router_routes")
      .where("router_id", "=", routerId)
      .where("destination", "=", route.destination)
      .where("nexthop", "=", route.nexthop)
      .execute();
  }
}

export async function clearRoutes(db: Db, routerId: string): Promise<void> {
  await db.deleteFrom("router_routes").where("router_id", "=", routerId).execute();
}

/** The router's ports with these device_owners and their addresses, oldest first. */
export async function routerPorts(
  db: Db,
  routerId: string,
  ...deviceOwners: string[]
): Promise<Array<{ id: string; network_id: string; project_id: string; fixed_ips: RouterPortIp[] }>> {
  const rows = await db
    .selectFrom("ports")
    .leftJoin("ip_allocations", "ip_allocations.port_id", "ports.id")
    .select([
      "ports.id as id",
      "ports.network_id as network_id",
      "ports.project_id as project_id",
      "ip_allocations.subnet_id as subnet_id",
      "ip_allocations.ip_address as ip_address",
    ])
    .where("ports.device_id", "=", routerId)
    .where("ports.device_owner", "in", deviceOwners)
    .orderBy("ports.created_at")
    .orderBy("ports.id")
    .execute();
  const ports = new Map<
    string,
    { id: string; network_id: string; project_id: string; fixed_ips: RouterPortIp[] }
  >();
  for (const row of rows) {
    const port = ports.get(row.id) ?? {
      id: row.id,
      network_id: row.network_id,
      project_id: row.project_id,
      fixed_ips: [],
    };
    if (row.subnet_id !== null && row.ip_address !== null)
      port.fixed_ips.push({ subnet_id: row.subnet_id, ip_address: row.ip_address });
    ports.set(row.id, port);
  }
  return [...ports.values()];
}
export interface RouterPortIp {
  subnet_id: string;
  ip_address: string;
}

/** Routers with a gateway on the network and an interface on the subnet: a floating IP's path. */
export async function routersBetween(db: Db, externalNetworkId: string, subnetId: string): Promise<string[]> {
  const result = await sql<{ id: string }>`
    select r.id from routers r
    join ports gw on gw.id = r.gw_port_id and gw.network_id = ${externalNetworkId}
    where exists (
      select 1 from ports p join ip_allocations a on a.port_id = p.id
      where p.device_id = r.id and p.device_owner = 'network:router_interface' and a.subnet_id = ${subnetId})
    order by r.created_at, r.id`.execute(db);
  return result.rows.map((row) => row.id);
}

export function selectSubnetsByIds(
  db: Db,
  ids: readonly string[],
): Promise<Array<Selectable<NetworkTables["subnets"]>>> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("subnets")
    .selectAll()
    .where("id", "in", [...ids])
    .execute();
}
