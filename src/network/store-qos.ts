import { sql, type Kysely, type Selectable, type SqlBool } from "kysely";
import type { ListQuery } from "../lib/list-query.ts";
import { selectPage, type Visibility } from "./store.ts";
import type { NetworkTables } from "./tables.ts";

/** Queries for QoS policies, their rules and what uses them. */
type Db = Kysely<NetworkTables>;
export type QosPolicyRow = Selectable<NetworkTables["qos_policies"]>;
export type BandwidthLimitRuleRow = Selectable<NetworkTables["qos_bandwidth_limit_rules"]>;
export type DscpMarkingRuleRow = Selectable<NetworkTables["qos_dscp_marking_rules"]>;
export type RuleTable = "qos_bandwidth_limit_rules" | "qos_dscp_marking_rules";

/** A policy's rules, each kind in creation-independent id order (rules have no timestamps). */
export interface PolicyRules {
  bandwidth_limit: BandwidthLimitRuleRow[];
  dscp_marking: DscpMarkingRuleRow[];
}

export function selectPolicy(db: Db, id: string): Promise<QosPolicyRow | undefined> {
  return db.selectFrom("qos_policies").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Own policies and shared ones; all for admins. */
export function selectPolicies(db: Db, query: ListQuery, visibility: Visibility): Promise<QosPolicyRow[]> {
  const scope = visibility.all
    ? undefined
    : sql<SqlBool>`(${sql.ref("project_id")} = ${visibility.project_id ?? ""} or ${sql.ref("shared")} = 1)`;
  return selectPage<QosPolicyRow>(db, "qos_policies", query, scope);
}

export async function insertPolicy(db: Db, row: QosPolicyRow): Promise<void> {
  await db.insertInto("qos_policies").values(row).execute();
}

export async function deletePolicyRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("network_tags").where("resource_id", "=", id).execute();
  await db.deleteFrom("qos_bandwidth_limit_rules").where("qos_policy_id", "=", id).execute();
  await db.deleteFrom("qos_dscp_marking_rules").where("qos_policy_id", "=", id).execute();
  await db.deleteFrom("qos_policies").where("id", "=", id).execute();
}

/** The rules of the given policies (two queries whatever their number). */
export async function rulesOf(db: Db, policyIds: readonly string[]): Promise<Map<string, PolicyRules>> {
  const byPolicy = new Map<string, PolicyRules>();
  if (policyIds.length === 0) return byPolicy;
  const ids = [...policyIds];
  const [limits, marks] = await Promise.all([
    db
      .selectFrom("qos_bandwidth_limit_rules")
      .selectAll()
      .where("qos_policy_id", "in", ids)
      .orderBy("id")
      .execute(),
    db
      .selectFrom("qos_dscp_marking_rules")
      .selectAll()
      .where("qos_policy_id", "in", ids)
      .orderBy("id")
      .execute(),
  ]);
  const entry = (id: string) => {
    const rules = byPolicy.get(id) ?? { bandwidth_limit: [], dscp_marking: [] };
    byPolicy.set(id, rules);
    return rules;
  };
  for (const row of limits) entry(row.qos_policy_id).bandwidth_limit.push(row);
  for (const row of marks) entry(row.qos_policy_id).dscp_marking.push(row);
  return byPolicy;
}

export function selectRules<Row extends { id: string }>(
  db: Db,
  table: RuleTable,
  policyId: string,
  query: ListQuery,
): Promise<Row[]> {
  return selectPage<Row>(db, table, query, sql<SqlBool>`${sql.ref("qos_policy_id")} = ${policyId}`);
}

export async function selectRule<Row>(
  db: Db,
  table: RuleTable,
  policyId: string,
  id: string,
): Promise<Row | undefined> {
  const result =
    await sql<Row>`select * from ${sql.table(table)} where id = ${id} and qos_policy_id = ${policyId}`.execute(
      db,
    );
  return result.rows[0];
}

/** Inserts unless the policy's unique key (direction, or the one DSCP mark) is taken; false then. */
export async function claimRule(
  db: Db,
  table: RuleTable,
  row: BandwidthLimitRuleRow | DscpMarkingRuleRow,
): Promise<boolean> {
  const columns = table === "qos_bandwidth_limit_rules" ? ["qos_policy_id", "direction"] : ["qos_policy_id"];
  const entries = Object.entries(row);
  const inserted = await sql<{
    id: string;
  }>`insert into ${sql.table(table)} (${sql.join(entries.map(([c]) => sql.ref(c)))})
    values (${sql.join(entries.map(([, v]) => v))})
    on conflict (${sql.join(columns.map((c) => sql.ref(c)))}) do nothing returning id`.execute(db);
  return inserted.rows.length > 0;
}

export async function updateRuleRow(
  db: Db,
  table: RuleTable,
  id: string,
  changes: Record<string, unknown>,
): Promise<void> {
  const assignments = Object.entries(changes).map(([column, value]) => sql`${sql.ref(column)} = ${value}`);
  if (assignments.length === 0) return;
  await sql`update ${sql.table(table)} set ${sql.join(assignments)} where id = ${id}`.execute(db);
}

export async function deleteRuleRow(db: Db, table: RuleTable, id: string): Promise<void> {
  await sql`delete from ${sql.table(table)} where id = ${id}`.execute(db);
}

/** The first thing using the policy, in Neutron's binding order, with Neutron's type names. */
export async function policyUser(
  db: Db,
  policyId: string,
): Promise<{ type: string; id: string } | undefined> {
  const users = [
    ["port", "ports", "qos_policy_id"],
    ["network", "networks", "qos_policy_id"],
    ["fip", "floating_ips", "qos_policy_id"],
    ["router", "routers", "gw_qos_policy_id"],
  ] as const;
  for (const [type, table, column] of users) {
    const row = await sql<{
      id: string;
    }>`select id from ${sql.table(table)} where ${sql.ref(column)} = ${policyId} order by id limit 1`.execute(
      db,
    );
    const found = row.rows[0];
    if (found !== undefined) return { type, id: found.id };
  }
  return undefined;
}
