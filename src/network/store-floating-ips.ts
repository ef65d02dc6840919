import { sql, type Kysely, type Selectable, type SqlBool } from "kysely";
import type { ListQuery } from "../lib/list-query.ts";
import { selectPage, type Visibility } from "./store.ts";
import type { NetworkTables } from "./tables.ts";

/** Queries for floating IPs and their port forwardings. */
type Db = Kysely<NetworkTables>;
export type FloatingIpRow = Selectable<NetworkTables["floating_ips"]>;
export type PortForwardingRow = Selectable<NetworkTables["port_forwardings"]>;

export function selectFloatingIp(db: Db, id: string): Promise<FloatingIpRow | undefined> {
  return db.selectFrom("floating_ips").selectAll().where("id", "=", id).executeTakeFirst();
}

export function selectFloatingIps(
  db: Db,
  query: ListQuery,
  visibility: Visibility,
): Promise<FloatingIpRow[]> {
  const scope = visibility.all
    ? undefined
    : sql<SqlBool>`${sql.ref("project_id")} = ${visibility.project_id ?? ""}`;
  return selectPage<FloatingIpRow>(db, "floating_ips", query, scope);
}

/** The addresses of these floating IPs, by id (what NAT rules and bandwidths show beside them). */
export async function floatingIpAddresses(
  db: Db,
  ids: ReadonlyArray<string | null>,
): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .selectFrom("floating_ips")
    .select(["id", "floating_ip_address"])
    .where("id", "in", wanted)
    .execute();
  return new Map(rows.map((row) => [row.id, row.floating_ip_address]));
}

export async function insertFloatingIp(db: Db, row: FloatingIpRow): Promise<void> {
  await db.insertInto("floating_ips").values(row).execute();
}

export async function deleteFloatingIpRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("network_tags").where("resource_id", "=", id).execute();
  await db.deleteFrom("port_forwardings").where("floatingip_id", "=", id).execute();
  await db.deleteFrom("floating_ips").where("id", "=", id).execute();
}

export function floatingIpsOfRouter(db: Db, routerId: string): Promise<FloatingIpRow[]> {
  return db.selectFrom("floating_ips").selectAll().where("router_id", "=", routerId).execute();
}

/** The internal addresses the port forwardings of the router's floating IPs lead to. */
export async function forwardedAddressesOfRouter(db: Db, routerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("port_forwardings")
    .innerJoin("floating_ips", "floating_ips.id", "port_forwardings.floatingip_id")
    .select("port_forwardings.internal_ip_address as address")
    .where("floating_ips.router_id", "=", routerId)
    .execute();
  return rows.map((row) => row.address);
}

export function floatingIpsOfPort(db: Db, portId: string): Promise<FloatingIpRow[]> {
  return db.selectFrom("floating_ips").selectAll().where("port_id", "=", portId).execute();
}

export function floatingIpOnFixedIp(
  db: Db,
  portId: string,
  fixedIp: string,
): Promise<FloatingIpRow | undefined> {
  return db
    .selectFrom("floating_ips")
    .selectAll()
    .where("port_id", "=", portId)
    .where("fixed_ip_address", "=", fixedIp)
    .executeTakeFirst();
}

export function selectPortForwardings(
  db: Db,
  floatingIpId: string,
  query: ListQuery,
): Promise<PortForwardingRow[]> {
  const scope = sql<SqlBool>`${sql.ref("floatingip_id")} = ${floatingIpId}`;
  return selectPage<PortForwardingRow>(db, "port_forwardings", query, scope);
}

export function selectPortForwarding(
  db: Db,
  floatingIpId: string,
  id: string,
): Promise<PortForwardingRow | undefined> {
  return db
    .selectFrom("port_forwardings")
    .selectAll()
    .where("floatingip_id", "=", floatingIpId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export function portForwardingsToPort(db: Db, portId: string): Promise<PortForwardingRow[]> {
  return db.selectFrom("port_forwardings").selectAll().where("internal_port_id", "=", portId).execute();
}

/** Inserts unless the (floating IP, protocol, external port) is taken; false then. */
export async function claimPortForwarding(db: Db, row: PortForwardingRow): Promise<boolean> {
  const inserted = await db
    .insertInto("port_forwardings")
    .values(row)
    .onConflict((oc) => oc.columns(["floatingip_id", "protocol", "external_port"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function hasPortForwardings(db: Db, floatingIpId: string): Promise<boolean> {
  const row = await db
    .selectFrom("port_forwardings")
    .select("id")
    .where("floatingip_id", "=", floatingIpId)
    .executeTakeFirst();
  return row !== undefined;
}
