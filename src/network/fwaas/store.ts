import { sql, type Kysely, type Selectable, type SqlBool } from "kysely";
import type { ListQuery } from "../../lib/list-query.ts";
import { selectPage, type Visibility } from "../store.ts";
import type { NetworkTables } from "../tables.ts";

/** Queries for FWaaS v2 rules, policies (with their ordered rules) and groups (with their ports). */
type Db = Kysely<NetworkTables>;
export type FirewallRuleRow = Selectable<NetworkTables["firewall_rules"]>;
export type FirewallPolicyRow = Selectable<NetworkTables["firewall_policies"]>;
export type FirewallGroupRow = Selectable<NetworkTables["firewall_groups"]>;
type FwaasTable = "firewall_rules" | "firewall_policies" | "firewall_groups";

/** Own rows and shared ones; all for admins. */
const ownOrShared = (visibility: Visibility) =>
  visibility.all
    ? undefined
    : sql<SqlBool>`(${sql.ref("project_id")} = ${visibility.project_id ?? ""} or ${sql.ref("shared")} = 1)`;

/** `id in (select <owner> from <table> where <member> in (...))`: Neutron's result filter hooks. */
function memberFilter(values: readonly string[] | undefined, table: string, owner: string, member: string) {
  if (values === undefined || values.length === 0) return [];
  return [
    sql<SqlBool>`${sql.ref("id")} in (select ${sql.ref(owner)} from ${sql.table(table)} where ${sql.ref(member)} in (${sql.join([...values])}))`,
  ];
}

export async function selectRow<T extends FwaasTable>(
  db: Db,
  table: T,
  id: string,
): Promise<Selectable<NetworkTables[T]> | undefined> {
  const result = await sql<
    Selectable<NetworkTables[T]>
  >`select * from ${sql.table(table)} where id = ${id}`.execute(db);
  return result.rows[0];
}

export function selectRules(db: Db, query: ListQuery, visibility: Visibility): Promise<FirewallRuleRow[]> {
  return selectPage<FirewallRuleRow>(db, "firewall_rules", query, ownOrShared(visibility));
}

export function selectRulesById(db: Db, ids: readonly string[]): Promise<FirewallRuleRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("firewall_rules")
    .selectAll()
    .where("id", "in", [...ids])
    .execute();
}

export function selectPolicies(
  db: Db,
  query: ListQuery,
  visibility: Visibility,
): Promise<FirewallPolicyRow[]> {
  const byRule = memberFilter(query.extra.firewall_rules, "firewall_policy_rules", "policy_id", "rule_id");
  return selectPage<FirewallPolicyRow>(db, "firewall_policies", query, ownOrShared(visibility), byRule);
}

export function selectGroups(db: Db, query: ListQuery, visibility: Visibility): Promise<FirewallGroupRow[]> {
  const byPort = memberFilter(query.extra.ports, "firewall_group_ports", "group_id", "port_id");
  return selectPage<FirewallGroupRow>(db, "firewall_groups", query, ownOrShared(visibility), byPort);
}

export async function insertRow<T extends FwaasTable>(
  db: Db,
  table: T,
  row: Selectable<NetworkTables[T]>,
): Promise<void> {
  const entries = Object.entries(row);
  await sql`insert into ${sql.table(table)} (${sql.join(entries.map(([name]) => sql.ref(name)))})
    values (${sql.join(entries.map(([, value]) => value))})`.execute(db);
}

/** Deletes the row and its tags; a policy's rule list and a group's ports go by cascade. */
export async function deleteRow(db: Db, table: FwaasTable, id: string): Promise<void> {
  await db.deleteFrom("network_tags").where("resource_id", "=", id).execute();
  await sql`delete from ${sql.table(table)} where id = ${id}`.execute(db);
}

/** Each policy's rule ids in order (one query). */
export async function rulesOfPolicies(db: Db, policyIds: readonly string[]): Promise<Map<string, string[]>> {
  const rows =
    policyIds.length === 0
      ? []
      : await db
          .selectFrom("firewall_policy_rules")
          .selectAll()
          .where("policy_id", "in", [...policyIds])
          .orderBy("policy_id")
          .orderBy("position")
          .execute();
  return groupBy(rows, "policy_id", "rule_id");
}

/** Each rule's policies, by policy id (one query). */
export async function policiesOfRules(db: Db, ruleIds: readonly string[]): Promise<Map<string, string[]>> {
  const rows =
    ruleIds.length === 0
      ? []
      : await db
          .selectFrom("firewall_policy_rules")
          .selectAll()
          .where("rule_id", "in", [...ruleIds])
          .orderBy("policy_id")
          .execute();
  return groupBy(rows, "rule_id", "policy_id");
}

/** Replaces a policy's rules with `ruleIds`, in that order. */
export async function setPolicyRules(db: Db, policyId: string, ruleIds: readonly string[]): Promise<void> {
  await db.deleteFrom("firewall_policy_rules").where("policy_id", "=", policyId).execute();
  if (ruleIds.length === 0) return;
  await db
    .insertInto("firewall_policy_rules")
    .values(ruleIds.map((rule_id, position) => ({ policy_id: policyId, rule_id, position })))
    .execute();
}

/** Each group's port ids, sorted (one query). */
export async function portsOfGroups(db: Db, groupIds: readonly string[]): Promise<Map<string, string[]>> {
  const rows =
    groupIds.length === 0
      ? []
      : await db
          .selectFrom("firewall_group_ports")
          .selectAll()
          .where("group_id", "in", [...groupIds])
          .orderBy("port_id")
          .execute();
  return groupBy(rows, "group_id", "port_id");
}

/**
 * Binds the ports to the group, replacing its previous ones. Returns the ports another group holds
 * (none bound then): the insert itself decides, so two racing groups cannot both take a port.
 */
export async function claimPorts(db: Db, groupId: string, portIds: readonly string[]): Promise<string[]> {
  await db.deleteFrom("firewall_group_ports").where("group_id", "=", groupId).execute();
  if (portIds.length === 0) return [];
  const claimed = await db
    .insertInto("firewall_group_ports")
    .values(portIds.map((port_id) => ({ port_id, group_id: groupId })))
    .onConflict((oc) => oc.column("port_id").doNothing())
    .returning("port_id")
    .execute();
  const taken = new Set(claimed.map((row) => row.port_id));
  return portIds.filter((id) => !taken.has(id));
}

/** The groups using a policy in either direction. */
export function groupsUsingPolicy(db: Db, policyId: string): Promise<FirewallGroupRow[]> {
  return db
    .selectFrom("firewall_groups")
    .selectAll()
    .where((eb) =>
      eb.or([
        eb("ingress_firewall_policy_id", "=", policyId),
        eb("egress_firewall_policy_id", "=", policyId),
      ]),
    )
    .orderBy("id")
    .execute();
}

export function selectPortOwners(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom("ports")
    .select(["id", "project_id", "device_owner"])
    .where("id", "in", [...ids])
    .execute();
}

/** Every row of a table (the SDN loader's full read). */
export async function selectAll<T extends FwaasTable>(
  db: Db,
  table: T,
): Promise<Array<Selectable<NetworkTables[T]>>> {
  const result = await sql<
    Selectable<NetworkTables[T]>
  >`select * from ${sql.table(table)} order by id`.execute(db);
  return result.rows;
}

function groupBy<Row extends Record<K | V, string>, K extends string, V extends string>(
  rows: readonly Row[],
  key: K,
  value: V,
): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const row of rows) map.set(row[key], [...(map.get(row[key]) ?? []), row[value]]);
  return map;
}
