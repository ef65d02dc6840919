import { sql, type Kysely, type RawBuilder, type Selectable, type SqlBool } from "kysely";
import {
  afterMarker,
  effectiveSorts,
  filterConditions,
  orderByClause,
  type ListQuery,
} from "../lib/list-query.ts";
import { externalAnywhere, sharedWith, targetedAccess } from "./store-rbac.ts";
import type { NetworkTables } from "./tables.ts";
import { precompiled } from "../db/precompiled.ts";

/** Queries for networks, segments and tags. */
type Db = Kysely<NetworkTables>;
export type NetworkRow = Selectable<NetworkTables["networks"]>;

/** Who may see a row: everything for admins, else own project plus shared/external (RBAC) networks. */
export interface Visibility {
  all: boolean;
  project_id: string | null;
}

const networkById = precompiled(1, (db: Db, id: string) =>
  db.selectFrom("networks").selectAll().where("id", "=", id),
);

/** Precompiled: every port and subnet creation reads its network. */
export async function selectNetwork(db: Db, id: string): Promise<NetworkRow | undefined> {
  return (await networkById(db, id))[0];
}

/**
 * One SQL query: own networks, those shared or external for everyone (the wildcard RBAC entries,
 * mirrored in the shared/external columns), and those an RBAC entry names the project in.
 */
export function selectNetworks(db: Db, query: ListQuery, visibility: Visibility): Promise<NetworkRow[]> {
  const project = visibility.project_id ?? "";
  const scope = visibility.all
    ? undefined
    : sql<SqlBool>`(${sql.ref("project_id")} = ${project} or ${sql.ref("shared")} = 1 or ${sql.ref("external")} = 1 or ${targetedAccess(project)})`;
  const { rest, conditions } = rbacFilters(query, visibility.project_id);
  return selectPage<NetworkRow>(db, "networks", rest, scope, conditions);
}

/**
 * `shared` and `router:external` filter on RBAC entries, as in Neutron: shared means shared with
 * the caller or everyone, external means any access_as_external entry (not just the wildcard).
 */
function rbacFilters(query: ListQuery, projectId: string | null) {
  const rewrite = (column: string) => (column === "shared" ? sharedWith(projectId) : externalAnywhere());
  const conditions = query.filters
    .filter((f) => f.column === "shared" || f.column === "external")
    .map(({ column, values }) => {
      const wanted = new Set(values.map((v) => v === 1));
      if (wanted.size === 2) return sql<SqlBool>`1 = 1`;
      return wanted.has(true) ? rewrite(column) : sql<SqlBool>`not ${rewrite(column)}`;
    });
  const filters = query.filters.filter((f) => f.column !== "shared" && f.column !== "external");
  return { rest: { ...query, filters }, conditions };
}

/**
 * One page of a collection: the caller's scope, the filters, tag filters, keyset pagination after
 * the marker, and the sort order with id as tie-breaker. Shared by every Neutron collection.
 */
export async function selectPage<Row extends { id: string }>(
  db: Db,
  table: keyof NetworkTables,
  query: ListQuery,
  scope: RawBuilder<SqlBool> | undefined,
  extraConditions: ReadonlyArray<RawBuilder<SqlBool>> = [],
): Promise<Row[]> {
  const sorts = effectiveSorts(query);
  const conditions = [
    ...(scope ? [scope] : []),
    ...filterConditions(query),
    ...tagConditions(query.extra),
    ...extraConditions,
  ];
  if (query.marker !== undefined) {
    const marker = await sql<
      Record<string, unknown>
    >`select * from ${sql.table(table)} where id = ${query.marker}`.execute(db);
    const row = marker.rows[0];
    if (row !== undefined) conditions.push(afterMarker(sorts, row));
  }
  const where = conditions.length > 0 ? sql`where ${sql.join(conditions, sql` and `)}` : sql``;
  const limit = query.limit !== undefined ? sql`limit ${query.limit}` : sql``;
  const result =
    await sql<Row>`select * from ${sql.table(table)} ${where} order by ${orderByClause(sorts)} ${limit}`.execute(
      db,
    );
  return query.pageReverse ? result.rows.reverse() : result.rows;
}

export async function insertNetwork(db: Db, row: NetworkRow): Promise<void> {
  await db.insertInto("networks").values(row).execute();
}

export async function deleteNetworkRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("network_tags").where("resource_id", "=", id).execute();
  await db.deleteFrom("segment_allocations").where("network_id", "=", id).execute();
  await db.deleteFrom("networks").where("id", "=", id).execute();
}

/** Claims a segment; false when someone holds it already (never raises, so a PG transaction survives). */
export async function claimSegment(
  db: Db,
  segment: { network_type: string; physical_network: string; segmentation_id: number; network_id: string },
): Promise<boolean> {
  const row = await db
    .insertInto("segment_allocations")
    .values(segment)
    .onConflict((oc) => oc.columns(["network_type", "physical_network", "segmentation_id"]).doNothing())
    .returning("segmentation_id")
    .executeTakeFirst();
  return row !== undefined;
}

export async function selectClaimedSegments(db: Db, type: string, physnet: string): Promise<number[]> {
  const rows = await db
    .selectFrom("segment_allocations")
    .select("segmentation_id")
    .where("network_type", "=", type)
    .where("physical_network", "=", physnet)
    .execute();
  return rows.map((row) => row.segmentation_id);
}

export async function selectTags(db: Db, ids: readonly string[]): Promise<Map<string, string[]>> {
  const tags = new Map<string, string[]>();
  if (ids.length === 0) return tags;
  const rows = await db
    .selectFrom("network_tags")
    .selectAll()
    .where("resource_id", "in", [...ids])
    .orderBy("tag")
    .execute();
  for (const row of rows) tags.set(row.resource_id, [...(tags.get(row.resource_id) ?? []), row.tag]);
  return tags;
}

export async function replaceTags(db: Db, id: string, tags: readonly string[]): Promise<void> {
  await db.deleteFrom("network_tags").where("resource_id", "=", id).execute();
  if (tags.length > 0) {
    await db
      .insertInto("network_tags")
      .values([...new Set(tags)].map((tag) => ({ resource_id: id, tag })))
      .execute();
  }
}

/** Tables of resources with standard attributes (revision_number, updated_at). */
export type RevisionedTable =
  | "networks"
  | "subnets"
  | "ports"
  | "security_groups"
  | "routers"
  | "floating_ips"
  | "subnetpools"
  | "qos_policies"
  | "vpcs"
  | "route_tables"
  | "vpc_peerings"
  | "nat_gateways"
  | "snat_rules"
  | "dnat_rules"
  | "bandwidths"
  | "network_templates"
  | "network_template_instances"
  | "firewall_groups"
  | "firewall_policies"
  | "firewall_rules";

/**
 * Saves `changes` as the row's next revision: every change bumps revision_number and updated_at
 * (standard-attr-revisions). Returns the row as it now stands.
 */
export async function saveRevision<Row extends { id: string; revision_number: number; updated_at: string }>(
  db: Db,
  table: RevisionedTable,
  row: Row,
  changes: Partial<Row>,
  now: string,
): Promise<Row> {
  const next: Row = { ...row, ...changes, revision_number: row.revision_number + 1, updated_at: now };
  const set = { ...changes, revision_number: next.revision_number, updated_at: now };
  const assignments = Object.entries(set).map(([column, value]) => sql`${sql.ref(column)} = ${value}`);
  await sql`update ${sql.table(table)} set ${sql.join(assignments)} where id = ${row.id}`.execute(db);
  return next;
}

/** Applies a tag change to a resource; returns its new tags, sorted and without duplicates. */
export async function changeTags(
  db: Db,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  const next = [...new Set(change((await selectTags(db, [id])).get(id) ?? []))].sort();
  await replaceTags(db, id, next);
  return next;
}

/** tags (all), tags-any, not-tags (not all), not-tags-any; values are comma-separated lists. */
export function tagConditions(extra: ListQuery["extra"]) {
  const list = (name: string) => (extra[name] ?? []).flatMap((v) => v.split(",")).filter((t) => t !== "");
  const having = (tags: string[]) =>
    sql`${sql.ref("id")} in (select resource_id from network_tags where tag in (${sql.join(tags)}) group by resource_id having count(*) = ${tags.length})`;
  const anyOf = (tags: string[]) =>
    sql`${sql.ref("id")} in (select resource_id from network_tags where tag in (${sql.join(tags)}))`;
  const conditions = [];
  const all = [...new Set(list("tags"))];
  const any = list("tags-any");
  const notAll = [...new Set(list("not-tags"))];
  const notAny = list("not-tags-any");
  if (all.length) conditions.push(sql<SqlBool>`${having(all)}`);
  if (any.length) conditions.push(sql<SqlBool>`${anyOf(any)}`);
  if (notAll.length) conditions.push(sql<SqlBool>`not ${having(notAll)}`);
  if (notAny.length) conditions.push(sql<SqlBool>`not ${anyOf(notAny)}`);
  return conditions;
}
