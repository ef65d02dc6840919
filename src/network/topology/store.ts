import { sql, type Kysely, type Selectable } from "kysely";
import type { ListQuery } from "../../lib/list-query.ts";
import type { NetworkTx } from "../deps.ts";
import { selectPage } from "../store.ts";
import type { NetworkTables } from "../tables.ts";

/** Queries over the sdn_* tables. No rules here, only SQL. */
type Db = Kysely<NetworkTables>;
export type TopologyTable = "sdn_zones" | "sdn_hosts" | "sdn_devices" | "sdn_links";
export type ZoneRow = Selectable<NetworkTables["sdn_zones"]>;
export type HostRow = Selectable<NetworkTables["sdn_hosts"]>;
export type DeviceRow = Selectable<NetworkTables["sdn_devices"]>;
export type LinkRow = Selectable<NetworkTables["sdn_links"]>;
export type RowOf<T extends TopologyTable> = Selectable<NetworkTables[T]>;

/**
 * Topology writes check across rows (overlapping ranges, duplicate links, names): one
 * transaction-scoped lock on PostgreSQL serialises them; SQLite has a single writer anyway.
 */
export async function lockTopology(tx: NetworkTx): Promise<void> {
  if (tx.dialect === "postgres")
    await sql`select pg_advisory_xact_lock(hashtext('sdn-topology'))`.execute(tx.db);
}

export async function selectRow<T extends TopologyTable>(
  db: Db,
  table: T,
  id: string,
): Promise<RowOf<T> | undefined> {
  const result = await sql<RowOf<T>>`select * from ${sql.table(table)} where id = ${id}`.execute(db);
  return result.rows[0];
}

export function selectRows<T extends TopologyTable>(db: Db, table: T, query: ListQuery): Promise<RowOf<T>[]> {
  return selectPage<RowOf<T> & { id: string }>(db, table, query, undefined);
}

/** The row of that name, if any (names are unique per table). */
export async function selectByName<T extends Exclude<TopologyTable, "sdn_links">>(
  db: Db,
  table: T,
  name: string,
): Promise<RowOf<T> | undefined> {
  const result = await sql<RowOf<T>>`select * from ${sql.table(table)} where name = ${name}`.execute(db);
  return result.rows[0];
}

export async function deleteRow(db: Db, table: TopologyTable, id: string): Promise<void> {
  await sql`delete from ${sql.table(table)} where id = ${id}`.execute(db);
}

export async function insertZone(db: Db, row: ZoneRow): Promise<void> {
  await db.insertInto("sdn_zones").values(row).execute();
}

export async function insertHost(db: Db, row: HostRow): Promise<void> {
  await db.insertInto("sdn_hosts").values(row).execute();
}

export async function insertDevice(db: Db, row: DeviceRow): Promise<void> {
  await db.insertInto("sdn_devices").values(row).execute();
}

export async function insertLink(db: Db, row: LinkRow): Promise<void> {
  await db.insertInto("sdn_links").values(row).execute();
}

export async function updateZone(db: Db, row: ZoneRow): Promise<void> {
  await db.updateTable("sdn_zones").set(row).where("id", "=", row.id).execute();
}

export async function updateHost(db: Db, row: HostRow): Promise<void> {
  await db.updateTable("sdn_hosts").set(row).where("id", "=", row.id).execute();
}

export async function updateDevice(db: Db, row: DeviceRow): Promise<void> {
  await db.updateTable("sdn_devices").set(row).where("id", "=", row.id).execute();
}

export async function updateLink(db: Db, row: LinkRow): Promise<void> {
  await db.updateTable("sdn_links").set(row).where("id", "=", row.id).execute();
}

/** Every zone but `exceptId`, for the overlap checks. */
export function otherZones(db: Db, exceptId: string): Promise<ZoneRow[]> {
  return db.selectFrom("sdn_zones").selectAll().where("id", "<>", exceptId).execute();
}

/** How many hosts and devices a zone holds. */
export async function zoneUsage(db: Db, zoneId: string): Promise<{ hosts: number; devices: number }> {
  const count = async (table: "sdn_hosts" | "sdn_devices") => {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("zone_id", "=", zoneId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  };
  return { hosts: await count("sdn_hosts"), devices: await count("sdn_devices") };
}

/** A link between the two endpoints, in either direction. */
export function selectLinkBetween(db: Db, a: string, b: string): Promise<LinkRow | undefined> {
  return db
    .selectFrom("sdn_links")
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb("a_id", "=", a), eb("b_id", "=", b)]),
        eb.and([eb("a_id", "=", b), eb("b_id", "=", a)]),
      ]),
    )
    .executeTakeFirst();
}

/** Removes every link with the endpoint at either end; returns them (for the events). */
export async function deleteLinksOf(db: Db, kind: string, id: string): Promise<LinkRow[]> {
  const links = await db
    .selectFrom("sdn_links")
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb("a_kind", "=", kind), eb("a_id", "=", id)]),
        eb.and([eb("b_kind", "=", kind), eb("b_id", "=", id)]),
      ]),
    )
    .execute();
  if (links.length > 0)
    await db
      .deleteFrom("sdn_links")
      .where(
        "id",
        "in",
        links.map((link) => link.id),
      )
      .execute();
  return links;
}

/** The whole physical topology, four queries whatever its size. */
export interface TopologyRows {
  zones: ZoneRow[];
  hosts: HostRow[];
  devices: DeviceRow[];
  links: LinkRow[];
}

export async function selectTopology(db: Db): Promise<TopologyRows> {
  const [zones, hosts, devices, links] = await Promise.all([
    db.selectFrom("sdn_zones").selectAll().orderBy("name").execute(),
    db.selectFrom("sdn_hosts").selectAll().orderBy("name").execute(),
    db.selectFrom("sdn_devices").selectAll().orderBy("name").execute(),
    db.selectFrom("sdn_links").selectAll().orderBy("id").execute(),
  ]);
  return { zones, hosts, devices, links };
}

/** The columns of a bound port the topology shows. */
export interface BoundPort {
  id: string;
  name: string;
  status: string;
  device_owner: string;
  binding_host_id: string;
}

/** Ports bound to any of these host names (binding:host_id). */
export async function selectBoundPorts(db: Db, hostNames: readonly string[]): Promise<BoundPort[]> {
  if (hostNames.length === 0) return [];
  return db
    .selectFrom("ports")
    .select(["id", "name", "status", "device_owner", "binding_host_id"])
    .where("binding_host_id", "in", [...hostNames])
    .orderBy("name")
    .orderBy("id")
    .execute();
}
