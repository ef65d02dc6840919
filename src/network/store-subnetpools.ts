import { sql, type Kysely, type Selectable, type SqlBool } from "kysely";
import type { ListQuery } from "../lib/list-query.ts";
import type { NetworkTx } from "./deps.ts";
import { selectPage, type Visibility } from "./store.ts";
import type { NetworkTables } from "./tables.ts";

/** Queries for subnet pools and the subnets allocated from them. */
type Db = Kysely<NetworkTables>;
export type SubnetpoolRow = Selectable<NetworkTables["subnetpools"]>;

export function selectPool(db: Db, id: string): Promise<SubnetpoolRow | undefined> {
  return db.selectFrom("subnetpools").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * The pool, locked until the transaction ends, so allocations from it (and its updates and
 * deletion) take turns. SQLite runs one write transaction at a time already.
 */
export function selectPoolForUpdate(tx: NetworkTx, id: string): Promise<SubnetpoolRow | undefined> {
  const query = tx.db.selectFrom("subnetpools").selectAll().where("id", "=", id);
  return (tx.dialect === "postgres" ? query.forUpdate() : query).executeTakeFirst();
}

/** Own pools and shared ones; everything for admins. */
export function selectPools(db: Db, query: ListQuery, visibility: Visibility): Promise<SubnetpoolRow[]> {
  const scope = visibility.all
    ? undefined
    : sql<SqlBool>`(${sql.ref("project_id")} = ${visibility.project_id ?? ""} or ${sql.ref("shared")} = 1)`;
  return selectPage<SubnetpoolRow>(db, "subnetpools", query, scope);
}

export function selectDefaultPool(db: Db, version: number): Promise<SubnetpoolRow | undefined> {
  return db
    .selectFrom("subnetpools")
    .selectAll()
    .where("ip_version", "=", version)
    .where("is_default", "=", 1)
    .executeTakeFirst();
}

/** Makes concurrent attempts to set a default pool take turns (PostgreSQL; SQLite is serial). */
export async function lockDefaultPools(tx: NetworkTx): Promise<void> {
  if (tx.dialect === "postgres")
    await sql`select pg_advisory_xact_lock(hashtext(${"subnetpool:default"}))`.execute(tx.db);
}

export async function insertPool(db: Db, row: SubnetpoolRow): Promise<void> {
  await db.insertInto("subnetpools").values(row).execute();
}

export async function deletePoolRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("network_tags").where("resource_id", "=", id).execute();
  await db.deleteFrom("subnetpools").where("id", "=", id).execute();
}

/** The CIDRs allocated from the pool, with the project of each subnet. */
export function poolAllocations(
  db: Db,
  poolId: string,
): Promise<Array<{ cidr: string; project_id: string }>> {
  return db
    .selectFrom("subnets")
    .select(["cidr", "project_id"])
    .where("subnetpool_id", "=", poolId)
    .execute();
}

export async function poolInUse(db: Db, poolId: string): Promise<boolean> {
  const row = await db
    .selectFrom("subnets")
    .select("id")
    .where("subnetpool_id", "=", poolId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
