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
  router: "routers",
  floatingip: "floating_ips",
  subnetpool: "subnetpools",
  rbac_policy: "rbac_policies",
  vpc: "vpcs",
  vpc_peering: "vpc_peerings",
  bandwidth: "bandwidths",
  nat_gateway: "nat_gateways",
  snat_rule: "snat_rules",
  dnat_rule: "dnat_rules",
} as const;
export type CountedResource = keyof typeof COUNTED;

export async function countOwned(db: Db, resource: CountedResource, projectId: string): Promise<number> {
  const result = await sql<{
    n: number | string;
  }>`select count(*) as n from ${sql.table(COUNTED[resource])} where project_id = ${projectId}`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * The project's own limit for `resource` (null: none set, the default applies) and, only when the
 * effective limit is not -1 (unlimited), how many it owns: one query on the hot path of every
 * create instead of a read of all the project's limits plus a count.
 */
export async function limitAndUsage(
  db: Db,
  resource: CountedResource,
  projectId: string,
  defaultLimit: number,
): Promise<{ limit: number | null; used: number | null }> {
  const result = await sql<{ hard_limit: number | null; used: number | string | null }>`
    select q.hard_limit, case when coalesce(q.hard_limit, ${defaultLimit}) >= 0
      then (select count(*) from ${sql.table(COUNTED[resource])} where project_id = ${projectId}) end as used
    from (select (select hard_limit from network_quotas
      where project_id = ${projectId} and resource = ${resource}) as hard_limit) q`.execute(db);
  const row = result.rows[0];
  return {
    limit: row?.hard_limit ?? null,
    used: row?.used === null || row?.used === undefined ? null : Number(row.used),
  };
}

/**
 * Serialises a project's quota checks until the transaction ends, so two concurrent creations
 * cannot both see room for one more. SQLite runs one transaction at a time already.
 */
export async function lockProjectQuota(tx: NetworkTx, projectId: string): Promise<void> {
  if (tx.dialect === "postgres")
    await sql`select pg_advisory_xact_lock(hashtext(${`quota:${projectId}`}))`.execute(tx.db);
}
