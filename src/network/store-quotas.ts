import { sql, type Kysely } from "kysely";
import type { NetworkTx } from "./deps.ts";
import type { NetworkTables } from "./tables.ts";

/** Queries for quota limits and usage. */
type Db = Kysely<NetworkTables>;

export async function selectLimits(
  db: Db,
  projectId?: string,
): Promise<Array<{ project_id: string; resource: string; hard_limit: number }>> {
  let query = db.selectFrom("network_quotas").selectAll().orderBy("project_id").orderBy("resource");
  if (projectId !== undefined) query = query.where("project_id", "=", projectId);
  return query.execute();
}

export async function upsertLimit(db: Db, projectId: string, resource: string, limit: number): Promise<void> {
  await db
    .insertInto("network_quotas")
    .values({ project_id: projectId, resource, hard_limit: limit })
    .onConflict((oc) => oc.columns(["project_id", "resource"]).doUpdateSet({ hard_limit: limit }))
    .execute();
}

export async function deleteLimits(db: Db, projectId: string): Promise<void> {
  await db.deleteFrom("network_quotas").where("project_id", "=", projectId).execute();
}

/** Tables whose rows count against a quota, by resource name. */
export const COUNTED = {
  network: "networks",
  subnet: "subnets",
  port: "ports",
  security_group: "security_groups",
  security_group_rule: "security_group_rules",
} as const;
export type CountedResource = keyof typeof COUNTED;

export async function countOwned(db: Db, resource: CountedResource, projectId: string): Promise<number> {
  const result = await sql<{
    n: number | string;
  }>`select count(*) as n from ${sql.table(COUNTED[resource])} where project_id = ${projectId}`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Serialises a project's quota checks until the transaction ends, so two concurrent creations
 * cannot both see room for one more. SQLite runs one transaction at a time already.
 */
export async function lockProjectQuota(tx: NetworkTx, projectId: string): Promise<void> {
  if (tx.dialect === "postgres")
    await sql`select pg_advisory_xact_lock(hashtext(${`quota:${projectId}`}))`.execute(tx.db);
}
