import { sql, type Kysely } from "kysely";

/**
 * Application network templates and their instances. A template's parameters and resource specs
 * are JSON text; `read_only` marks the shipped examples (owned by no project: project_id ''). An
 * instance records what it made, in creation order, so it can be deleted as a unit.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("network_templates")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("shared", "integer", (c) => c.notNull().defaultTo(sql`0`))
    .addColumn("read_only", "integer", (c) => c.notNull().defaultTo(sql`0`))
    .addColumn("parameters", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("resources", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("network_templates_project")
    .on("network_templates")
    .column("project_id")
    .execute();

  await db.schema
    .createTable("network_template_instances")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("template_id", "text", (c) => c.notNull().references("network_templates.id"))
    .addColumn("vpc_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("parameters", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("resources", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("network_template_instances_project")
    .on("network_template_instances")
    .column("project_id")
    .execute();
  await db.schema
    .createIndex("network_template_instances_template")
    .on("network_template_instances")
    .column("template_id")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["network_template_instances", "network_templates"])
    await db.schema.dropTable(table).execute();
}
