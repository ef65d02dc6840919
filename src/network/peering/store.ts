import { sql, type Kysely, type Selectable, type SqlBool } from "kysely";
import type { ListQuery } from "../../lib/list-query.ts";
import type { NetworkTx } from "../deps.ts";
import { selectPage } from "../store.ts";
import type { NetworkTables } from "../tables.ts";

/** Queries for VPC peerings (table vpc_peerings, migration 0020). */
export type PeeringTables = {
  vpc_peerings: {
    id: string;
    project_id: string;
    name: string;
    description: string;
    request_vpc_id: string;
    accept_vpc_id: string;
    accept_project_id: string;
    status: string;
    pair_key: string;
    transit_cidr: string;
    revision_number: number;
    created_at: string;
    updated_at: string;
  };
};
export type PeeringRow = Selectable<PeeringTables["vpc_peerings"]>;
type Db = Kysely<NetworkTables>;

const peerings = (db: Db) => db.withTables<PeeringTables>();

/** The two VPCs in a stable order: one peering per pair, whichever side asked. */
export const pairKey = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);

export function selectPeering(db: Db, id: string): Promise<PeeringRow | undefined> {
  return peerings(db).selectFrom("vpc_peerings").selectAll().where("id", "=", id).executeTakeFirst();
}

export function selectPeeringByPair(db: Db, key: string): Promise<PeeringRow | undefined> {
  return peerings(db).selectFrom("vpc_peerings").selectAll().where("pair_key", "=", key).executeTakeFirst();
}

/**
 * A page of the peerings `projectId` takes part in (either side), or all for admins; `vpcId`
 * (Huawei's vpc_id filter) keeps those with that VPC on either side.
 */
export function selectPeerings(
  db: Db,
  query: ListQuery,
  projectId: string | null,
  vpcIds: readonly string[],
): Promise<PeeringRow[]> {
  const scope =
    projectId === null
      ? undefined
      : sql<SqlBool>`(${sql.ref("project_id")} = ${projectId} or ${sql.ref("accept_project_id")} = ${projectId})`;
  const byVpc =
    vpcIds.length === 0
      ? []
      : [
          sql<SqlBool>`(${sql.ref("request_vpc_id")} in (${sql.join(vpcIds)}) or ${sql.ref("accept_vpc_id")} in (${sql.join(vpcIds)}))`,
        ];
  // selectPage only names the table in SQL: the peering table is not in NetworkTables.
  return selectPage<PeeringRow>(db, "vpc_peerings" as keyof NetworkTables, query, scope, byVpc);
}

/** The peerings a VPC takes part in, on either side. */
export function peeringsOfVpc(db: Db, vpcId: string): Promise<PeeringRow[]> {
  return peerings(db)
    .selectFrom("vpc_peerings")
    .selectAll()
    .where((eb) => eb.or([eb("request_vpc_id", "=", vpcId), eb("accept_vpc_id", "=", vpcId)]))
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

export function allPeerings(db: Db): Promise<PeeringRow[]> {
  return peerings(db).selectFrom("vpc_peerings").selectAll().orderBy("id").execute();
}

export async function usedTransitCidrs(db: Db): Promise<Set<string>> {
  const rows = await peerings(db).selectFrom("vpc_peerings").select("transit_cidr").execute();
  return new Set(rows.map((row) => row.transit_cidr));
}

export async function insertPeering(db: Db, row: PeeringRow): Promise<void> {
  await peerings(db).insertInto("vpc_peerings").values(row).execute();
}

export async function deletePeeringRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("network_tags").where("resource_id", "=", id).execute();
  await peerings(db).deleteFrom("vpc_peerings").where("id", "=", id).execute();
}

/** Route tables with a route whose next hop is this peering. */
export async function tablesRoutingVia(db: Db, peeringId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("route_table_routes")
    .select("route_table_id")
    .distinct()
    .where("nexthop_type", "=", "peering")
    .where("nexthop", "=", peeringId)
    .orderBy("route_table_id")
    .execute();
  return rows.map((row) => row.route_table_id);
}

/**
 * Peerings are created one at a time cloud-wide on PostgreSQL, so the duplicate check and the
 * transit address choice cannot race (SQLite runs one transaction at a time already).
 */
export async function lockPeerings(tx: NetworkTx): Promise<void> {
  if (tx.dialect === "postgres")
    await sql`select pg_advisory_xact_lock(hashtext(${"vpc-peerings"}))`.execute(tx.db);
}
