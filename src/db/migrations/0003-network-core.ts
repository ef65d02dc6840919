import { sql, type Kysely } from "kysely";

// Booleans are 0/1 integers, timestamps ISO text, lists JSON text (as in every migration).
const TRUE = sql`1`;
const FALSE = sql`0`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("networks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("admin_state_up", "integer", (c) => c.notNull().defaultTo(TRUE))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("shared", "integer", (c) => c.notNull().defaultTo(FALSE))
    .addColumn("external", "integer", (c) => c.notNull().defaultTo(FALSE))
    .addColumn("mtu", "integer", (c) => c.notNull())
    .addColumn("port_security_enabled", "integer", (c) => c.notNull().defaultTo(TRUE))
    .addColumn("network_type", "text", (c) => c.notNull())
    .addColumn("physical_network", "text")
    .addColumn("segmentation_id", "integer")
    .addColumn("availability_zone_hints", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("revision_number", "integer", (c) => c.notNull().defaultTo(sql`1`))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("networks_project").on("networks").column("project_id").execute();

  // One row per segment in use: the primary key is what makes concurrent allocation safe.
  await db.schema
    .createTable("segment_allocations")
    .addColumn("network_type", "text", (c) => c.notNull())
    .addColumn("physical_network", "text", (c) => c.notNull())
    .addColumn("segmentation_id", "integer", (c) => c.notNull())
    .addColumn("network_id", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("segment_allocations_pk", [
      "network_type",
      "physical_network",
      "segmentation_id",
    ])
    .execute();

  // Tags of every Neutron resource (ids are UUIDs, unique across resource types).
  await db.schema
    .createTable("network_tags")
    .addColumn("resource_id", "text", (c) => c.notNull())
    .addColumn("tag", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("network_tags_pk", ["resource_id", "tag"])
    .execute();
  await db.schema.createIndex("network_tags_tag").on("network_tags").column("tag").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("network_tags").execute();
  await db.schema.dropTable("segment_allocations").execute();
  await db.schema.dropTable("networks").execute();
}
