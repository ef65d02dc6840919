import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("security_groups")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("stateful", "integer", (c) => c.notNull().defaultTo(sql`1`))
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("security_groups_project").on("security_groups").column("project_id").execute();

  // One default group per project, even when two first requests race to create it.
  await db.schema
    .createTable("default_security_groups")
    .addColumn("project_id", "text", (c) => c.primaryKey())
    .addColumn("security_group_id", "text", (c) =>
      c.notNull().references("security_groups.id").onDelete("cascade"),
    )
    .execute();

  await db.schema
    .createTable("security_group_rules")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("security_group_id", "text", (c) =>
      c.notNull().references("security_groups.id").onDelete("cascade"),
    )
    .addColumn("direction", "text", (c) => c.notNull())
    .addColumn("ethertype", "text", (c) => c.notNull())
    .addColumn("protocol", "text")
    .addColumn("port_range_min", "integer")
    .addColumn("port_range_max", "integer")
    .addColumn("remote_ip_prefix", "text")
    .addColumn("remote_group_id", "text")
    .addColumn("description", "text")
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("security_group_rules_group")
    .on("security_group_rules")
    .column("security_group_id")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("security_group_rules").execute();
  await db.schema.dropTable("default_security_groups").execute();
  await db.schema.dropTable("security_groups").execute();
}
