import { sql, type Kysely, type Selectable, type SqlBool } from "kysely";
import type { ListQuery } from "../lib/list-query.ts";
import { selectPage, type Visibility } from "./store.ts";
import type { NetworkTables } from "./tables.ts";
import { precompiled } from "../db/precompiled.ts";
import { targetedAccess } from "./store-rbac.ts";

/** Queries for subnets and the addresses allocated from them. */
type Db = Kysely<NetworkTables>;
export type SubnetRow = Selectable<NetworkTables["subnets"]>;

export function selectSubnet(db: Db, id: string): Promise<SubnetRow | undefined> {
  return db.selectFrom("subnets").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Precompiled: every port creation reads its network's subnets. */
export const selectSubnetsOfNetwork = precompiled(1, (db: Db, networkId: string) =>
  db
    .selectFrom("subnets")
    .selectAll()
    .where("network_id", "=", networkId)
    .orderBy("created_at")
    .orderBy("id"),
);

/** Subnets are visible with their network: own project, shared or external, or named by an RBAC entry. */
export function selectSubnets(db: Db, query: ListQuery, visibility: Visibility): Promise<SubnetRow[]> {
  const scope = visibility.all
    ? undefined
    : sql<SqlBool>`(${sql.ref("project_id")} = ${visibility.project_id ?? ""} or ${sql.ref("network_id")} in (select id from networks where shared = 1 or external = 1 or ${targetedAccess(visibility.project_id ?? "")}))`;
  return selectPage<SubnetRow>(db, "subnets", query, scope);
}

export async function subnetIdsByNetwork(
  db: Db,
  networkIds: readonly string[],
): Promise<Map<string, string[]>> {
  const ids = new Map<string, string[]>();
  if (networkIds.length === 0) return ids;
  const rows = await db
    .selectFrom("subnets")
    .select(["id", "network_id"])
    .where("network_id", "in", [...networkIds])
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  for (const row of rows) ids.set(row.network_id, [...(ids.get(row.network_id) ?? []), row.id]);
  return ids;
}

export async function insertSubnet(db: Db, row: SubnetRow): Promise<void> {
  await db.insertInto("subnets").values(row).execute();
}

export async function deleteSubnetRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("network_tags").where("resource_id", "=", id).execute();
  await db.deleteFrom("subnets").where("id", "=", id).execute();
}

export async function countAllocations(
  db: Db,
  column: "subnet_id" | "network_id",
  id: string,
): Promise<number> {
  const row = await db
    .selectFrom("ip_allocations")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where(column, "=", id)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deleteAllocations(db: Db, subnetId: string): Promise<void> {
  await db.deleteFrom("ip_allocations").where("subnet_id", "=", subnetId).execute();
}

export async function allocatedAddresses(db: Db, subnetId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("ip_allocations")
    .select("ip_address")
    .where("subnet_id", "=", subnetId)
    .execute();
  return rows.map((row) => row.ip_address);
}
