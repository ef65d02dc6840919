import { sql, type Kysely } from "kysely";

/** Subnet pools, and the pool each subnet's CIDR came from. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("subnetpools")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("ip_version", "integer", (c) => c.notNull())
    .addColumn("prefixes", "text", (c) => c.notNull())
    .addColumn("default_prefixlen", "integer", (c) => c.notNull())
    .addColumn("min_prefixlen", "integer", (c) => c.notNull())
    .addColumn("max_prefixlen", "integer", (c) => c.notNull())
    .addColumn("default_quota", "integer")
    .addColumn("shared", "integer", (c) => c.notNull().defaultTo(sql`0`))
    .addColumn("is_default", "integer", (c) => c.notNull().defaultTo(sql`0`))
    .addColumn("address_scope_id", "text")
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("subnetpools_project").on("subnetpools").column("project_id").execute();
  // At most one default pool per IP version, whatever races to set it.
  await db.schema
    .createIndex("subnetpools_one_default")
    .on("subnetpools")
    .column("ip_version")
    .unique()
    .where(sql.ref("is_default"), "=", 1)
    .execute();

  await db.schema.alterTable("subnets").addColumn("subnetpool_id", "text").execute();
  await db.schema.createIndex("subnets_subnetpool").on("subnets").column("subnetpool_id").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("subnets_subnetpool").execute();
  await db.schema.alterTable("subnets").dropColumn("subnetpool_id").execute();
  await db.schema.dropTable("subnetpools").execute();
}
