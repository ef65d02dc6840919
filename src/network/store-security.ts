import { sql, type Kysely, type Selectable, type SqlBool } from "kysely";
import type { ListQuery } from "../lib/list-query.ts";
import { selectPage, type Visibility } from "./store.ts";
import type { NetworkTables } from "./tables.ts";
import { precompiled } from "../db/precompiled.ts";

/** Queries for security groups and their rules. */
type Db = Kysely<NetworkTables>;
export type SecurityGroupRow = Selectable<NetworkTables["security_groups"]>;
export type RuleRow = Selectable<NetworkTables["security_group_rules"]>;

const ownProject = (visibility: Visibility) =>
  visibility.all ? undefined : sql<SqlBool>`${sql.ref("project_id")} = ${visibility.project_id ?? ""}`;

export function selectGroup(db: Db, id: string): Promise<SecurityGroupRow | undefined> {
  return db.selectFrom("security_groups").selectAll().where("id", "=", id).executeTakeFirst();
}

export function selectGroups(db: Db, query: ListQuery, visibility: Visibility): Promise<SecurityGroupRow[]> {
  return selectPage<SecurityGroupRow>(db, "security_groups", query, ownProject(visibility));
}

export function selectRules(db: Db, query: ListQuery, visibility: Visibility): Promise<RuleRow[]> {
  return selectPage<RuleRow>(db, "security_group_rules", query, ownProject(visibility));
}

export function selectRule(db: Db, id: string): Promise<RuleRow | undefined> {
  return db.selectFrom("security_group_rules").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function rulesOf(db: Db, groupIds: readonly string[]): Promise<Map<string, RuleRow[]>> {
  const rules = new Map<string, RuleRow[]>();
  if (groupIds.length === 0) return rules;
  const rows = await db
    .selectFrom("security_group_rules")
    .selectAll()
    .where("security_group_id", "in", [...groupIds])
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  for (const row of rows)
    rules.set(row.security_group_id, [...(rules.get(row.security_group_id) ?? []), row]);
  return rules;
}

export async function insertGroup(db: Db, row: SecurityGroupRow): Promise<void> {
  await db.insertInto("security_groups").values(row).execute();
}

export async function deleteGroupRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("network_tags").where("resource_id", "=", id).execute();
  await db.deleteFrom("security_group_rules").where("security_group_id", "=", id).execute();
  await db.deleteFrom("default_security_groups").where("security_group_id", "=", id).execute();
  await db.deleteFrom("security_groups").where("id", "=", id).execute();
}

export async function insertRule(db: Db, row: RuleRow): Promise<void> {
  await db.insertInto("security_group_rules").values(row).execute();
}

export async function deleteRuleRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("network_tags").where("resource_id", "=", id).execute();
  await db.deleteFrom("security_group_rules").where("id", "=", id).execute();
}

const defaultGroupRow = precompiled(1, (db: Db, projectId: string) =>
  db.selectFrom("default_security_groups").select("security_group_id").where("project_id", "=", projectId),
);

/** Precompiled: every port creation looks its project's default group up. */
export async function defaultGroupOf(db: Db, projectId: string): Promise<string | undefined> {
  return (await defaultGroupRow(db, projectId))[0]?.security_group_id;
}

/** Records the project's default group; false when another request recorded one first. */
export async function claimDefaultGroup(db: Db, projectId: string, groupId: string): Promise<boolean> {
  const row = await db
    .insertInto("default_security_groups")
    .values({ project_id: projectId, security_group_id: groupId })
    .onConflict((oc) => oc.column("project_id").doNothing())
    .returning("project_id")
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether any port uses the group (ports keep their groups as a JSON list). */
export async function groupInUse(db: Db, groupId: string): Promise<boolean> {
  const row = await db
    .selectFrom("ports")
    .select("id")
    .where("security_groups", "like", `%"${groupId}"%`)
    .executeTakeFirst();
  return row !== undefined;
}
