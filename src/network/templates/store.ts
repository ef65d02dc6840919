import { sql, type Kysely, type SqlBool } from "kysely";
import type { ListQuery } from "../../lib/list-query.ts";
import { DEVICE_OWNER } from "../device-owners.ts";
import { selectPage, type Visibility } from "../store.ts";
import type { NetworkTables } from "../tables.ts";

/** Queries for network templates and their instances (migration 0023). */

export type NetworkTemplateRow = {
  id: string;
  /** '' for the shipped examples, which belong to no project. */
  project_id: string;
  name: string;
  description: string;
  shared: number;
  read_only: number;
  parameters: string;
  resources: string;
  revision_number: number;
  created_at: string;
  updated_at: string;
};

export type TemplateInstanceRow = {
  id: string;
  project_id: string;
  template_id: string;
  vpc_id: string;
  name: string;
  parameters: string;
  resources: string;
  status: string;
  revision_number: number;
  created_at: string;
  updated_at: string;
};

export type TemplateTables = {
  network_templates: NetworkTemplateRow;
  network_template_instances: TemplateInstanceRow;
};

type Db = Kysely<NetworkTables>;
const tables = (db: Db) => db.withTables<TemplateTables>();
/** selectPage serves every Neutron collection; it is keyed by NetworkTables' names. */
const pageOf = <Row extends { id: string }>(
  db: Db,
  table: keyof TemplateTables,
  query: ListQuery,
  scope: ReturnType<typeof sql<SqlBool>> | undefined,
) => selectPage<Row>(db, table as unknown as keyof NetworkTables, query, scope);

export function selectTemplate(db: Db, id: string): Promise<NetworkTemplateRow | undefined> {
  return tables(db).selectFrom("network_templates").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Own templates and shared ones (admins: all). */
export function selectTemplates(
  db: Db,
  query: ListQuery,
  visibility: Visibility,
): Promise<NetworkTemplateRow[]> {
  const scope = visibility.all
    ? undefined
    : sql<SqlBool>`(${sql.ref("project_id")} = ${visibility.project_id ?? ""} or ${sql.ref("shared")} = 1)`;
  return pageOf<NetworkTemplateRow>(db, "network_templates", query, scope);
}

export async function insertTemplate(db: Db, row: NetworkTemplateRow): Promise<void> {
  await tables(db).insertInto("network_templates").values(row).execute();
}

/** The shipped examples: inserted once, then kept as the code says (their content only). */
export async function upsertShipped(db: Db, row: NetworkTemplateRow): Promise<void> {
  await tables(db)
    .insertInto("network_templates")
    .values(row)
    .onConflict((oc) =>
      oc.column("id").doUpdateSet({
        name: row.name,
        description: row.description,
        parameters: row.parameters,
        resources: row.resources,
      }),
    )
    .execute();
}

export async function deleteTemplateRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("network_tags").where("resource_id", "=", id).execute();
  await tables(db).deleteFrom("network_templates").where("id", "=", id).execute();
}

export async function instancesOfTemplate(db: Db, templateId: string): Promise<string[]> {
  const rows = await tables(db)
    .selectFrom("network_template_instances")
    .select("id")
    .where("template_id", "=", templateId)
    .orderBy("id")
    .execute();
  return rows.map((row) => row.id);
}

export function selectInstance(db: Db, id: string): Promise<TemplateInstanceRow | undefined> {
  return tables(db)
    .selectFrom("network_template_instances")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
}

export function selectInstances(
  db: Db,
  query: ListQuery,
  visibility: Visibility,
): Promise<TemplateInstanceRow[]> {
  const scope = visibility.all
    ? undefined
    : sql<SqlBool>`${sql.ref("project_id")} = ${visibility.project_id ?? ""}`;
  return pageOf<TemplateInstanceRow>(db, "network_template_instances", query, scope);
}

export async function insertInstance(db: Db, row: TemplateInstanceRow): Promise<void> {
  await tables(db).insertInto("network_template_instances").values(row).execute();
}

export async function deleteInstanceRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("network_tags").where("resource_id", "=", id).execute();
  await tables(db).deleteFrom("network_template_instances").where("id", "=", id).execute();
}

/** The router's interface port on a subnet (what a network ACL binds to). */
export async function interfacePortOn(
  db: Db,
  routerId: string,
  subnetId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom("ports")
    .innerJoin("ip_allocations", "ip_allocations.port_id", "ports.id")
    .select("ports.id as id")
    .where("ports.device_id", "=", routerId)
    .where("ports.device_owner", "=", DEVICE_OWNER.routerInterface)
    .where("ip_allocations.subnet_id", "=", subnetId)
    .executeTakeFirst();
  return row?.id;
}

/** Ports on the network other than those Neutron made for it (router legs, DHCP): a user's. */
export async function userPortsOn(db: Db, networkId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("ports")
    .select(["id", "device_owner"])
    .where("network_id", "=", networkId)
    .orderBy("id")
    .execute();
  return rows.filter((row) => !row.device_owner.startsWith("network:")).map((row) => row.id);
}
