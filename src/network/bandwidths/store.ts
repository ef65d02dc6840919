import { sql, type Kysely, type Selectable, type SqlBool } from "kysely";
import type { ListQuery } from "../../lib/list-query.ts";
import type { NetworkTx } from "../deps.ts";
import { selectPage } from "../store.ts";
import type { NetworkTables } from "../tables.ts";

/** Queries for bandwidths and the floating IPs they meter (migration 0022). */
export type BandwidthTables = {
  bandwidths: {
    id: string;
    project_id: string;
    name: string;
    description: string;
    size: number;
    share_type: string;
    charge_mode: string;
    status: string;
    revision_number: number;
    created_at: string;
    updated_at: string;
  };
  bandwidth_floating_ips: { floatingip_id: string; bandwidth_id: string };
};
export type BandwidthRow = Selectable<BandwidthTables["bandwidths"]>;
type Db = Kysely<NetworkTables>;

const tables = (db: Db) => db.withTables<BandwidthTables>();

export function selectBandwidth(db: Db, id: string): Promise<BandwidthRow | undefined> {
  return tables(db).selectFrom("bandwidths").selectAll().where("id", "=", id).executeTakeFirst();
}

/** A page of the project's bandwidths (all for admins, projectId null). */
export function selectBandwidths(
  db: Db,
  query: ListQuery,
  projectId: string | null,
): Promise<BandwidthRow[]> {
  const scope = projectId === null ? undefined : sql<SqlBool>`${sql.ref("project_id")} = ${projectId}`;
  // selectPage only names the table in SQL: the bandwidth table is not in NetworkTables.
  return selectPage<BandwidthRow>(db, "bandwidths" as keyof NetworkTables, query, scope);
}

export function allBandwidths(db: Db): Promise<BandwidthRow[]> {
  return tables(db).selectFrom("bandwidths").selectAll().orderBy("id").execute();
}

export async function insertBandwidth(db: Db, row: BandwidthRow): Promise<void> {
  await tables(db).insertInto("bandwidths").values(row).execute();
}

export async function deleteBandwidthRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("network_tags").where("resource_id", "=", id).execute();
  await tables(db).deleteFrom("bandwidth_floating_ips").where("bandwidth_id", "=", id).execute();
  await tables(db).deleteFrom("bandwidths").where("id", "=", id).execute();
}

/** Each bandwidth's floating IP ids, sorted (one query; every bandwidth when `ids` is undefined). */
export async function membersOf(db: Db, ids?: readonly string[]): Promise<Map<string, string[]>> {
  if (ids !== undefined && ids.length === 0) return new Map();
  let query = tables(db).selectFrom("bandwidth_floating_ips").selectAll().orderBy("floatingip_id");
  if (ids !== undefined) query = query.where("bandwidth_id", "in", [...ids]);
  const map = new Map<string, string[]>();
  for (const row of await query.execute())
    map.set(row.bandwidth_id, [...(map.get(row.bandwidth_id) ?? []), row.floatingip_id]);
  return map;
}

/** The bandwidth holding each of these floating IPs, by floating IP id. */
export async function holdersOf(db: Db, fipIds: readonly string[]): Promise<Map<string, string>> {
  if (fipIds.length === 0) return new Map();
  const rows = await tables(db)
    .selectFrom("bandwidth_floating_ips")
    .selectAll()
    .where("floatingip_id", "in", [...fipIds])
    .execute();
  return new Map(rows.map((row) => [row.floatingip_id, row.bandwidth_id]));
}

/**
 * Puts the floating IPs into the bandwidth; returns those another bandwidth holds (none put in
 * then: the caller fails the transaction). The insert decides, so racing requests cannot both win.
 */
export async function claimFloatingIps(
  db: Db,
  bandwidthId: string,
  fipIds: readonly string[],
): Promise<string[]> {
  if (fipIds.length === 0) return [];
  const claimed = await tables(db)
    .insertInto("bandwidth_floating_ips")
    .values(fipIds.map((floatingip_id) => ({ floatingip_id, bandwidth_id: bandwidthId })))
    .onConflict((oc) => oc.column("floatingip_id").doNothing())
    .returning("floatingip_id")
    .execute();
  const taken = new Set(claimed.map((row) => row.floatingip_id));
  return fipIds.filter((id) => !taken.has(id));
}

export async function releaseFloatingIps(db: Db, fipIds: readonly string[]): Promise<void> {
  if (fipIds.length === 0) return;
  await tables(db)
    .deleteFrom("bandwidth_floating_ips")
    .where("floatingip_id", "in", [...fipIds])
    .execute();
}

/**
 * Locks the floating IPs' rows until the transaction ends (PostgreSQL; SQLite runs one writer at
 * a time): putting one into a bandwidth and deleting it then happen one after the other.
 */
export async function lockFloatingIps(tx: NetworkTx, fipIds: readonly string[]): Promise<void> {
  if (tx.dialect !== "postgres" || fipIds.length === 0) return;
  await tx.db
    .selectFrom("floating_ips")
    .select("id")
    .where("id", "in", [...fipIds])
    .forUpdate()
    .execute();
}
