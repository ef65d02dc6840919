import { sql, type Kysely } from "kysely";

/**
 * Glance's metadata definitions catalog: namespaces (keyed by a surrogate id so a rename is one
 * row), and under each its objects, properties (the JSON schema kept as text), tags and
 * resource-type associations. Children go with their namespace (cascade).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("metadef_namespaces")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("namespace", "text", (c) => c.notNull().unique())
    .addColumn("display_name", "text")
    .addColumn("description", "text")
    .addColumn("visibility", "text", (c) => c.notNull())
    .addColumn("protected", "integer", (c) => c.notNull().defaultTo(sql`0`))
    .addColumn("owner", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  // Objects, properties and tags share a shape: a name unique within the namespace.
  const child = (table: string) =>
    db.schema
      .createTable(table)
      .addColumn("namespace_id", "text", (c) =>
        c.notNull().references("metadef_namespaces.id").onDelete("cascade"),
      )
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ["namespace_id", "name"]);
  await child("metadef_objects")
    .addColumn("description", "text")
    .addColumn("required", "text", (c) => c.notNull())
    .addColumn("properties", "text", (c) => c.notNull())
    .execute();
  await child("metadef_properties")
    .addColumn("json_schema", "text", (c) => c.notNull())
    .execute();
  await child("metadef_tags").execute();

  await db.schema
    .createTable("metadef_resource_types")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("protected", "integer", (c) => c.notNull().defaultTo(sql`0`))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("metadef_namespace_resource_types")
    .addColumn("namespace_id", "text", (c) =>
      c.notNull().references("metadef_namespaces.id").onDelete("cascade"),
    )
    .addColumn("resource_type", "text", (c) => c.notNull().references("metadef_resource_types.name"))
    .addColumn("prefix", "text")
    .addColumn("properties_target", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("metadef_namespace_resource_types_pk", ["namespace_id", "resource_type"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "metadef_namespace_resource_types",
    "metadef_resource_types",
    "metadef_tags",
    "metadef_properties",
    "metadef_objects",
    "metadef_namespaces",
  ])
    await db.schema.dropTable(table).execute();
}
