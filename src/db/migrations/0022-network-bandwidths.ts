import { type Kysely } from "kysely";

/**
 * Floating IP bandwidths: a dedicated one (PER, one floating IP) or a shared pool (WHOLE).
 * `bandwidth_floating_ips` is keyed by the floating IP, so a floating IP is in at most one
 * bandwidth even when two requests race for it: the insert itself decides. Its floating IP key
 * cascades: a floating IP deleted while it was being put in leaves no membership behind.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("bandwidths")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("size", "integer", (c) => c.notNull())
    .addColumn("share_type", "text", (c) => c.notNull())
    .addColumn("charge_mode", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("revision_number", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("bandwidths_project").on("bandwidths").column("project_id").execute();
  await db.schema
    .createTable("bandwidth_floating_ips")
    .addColumn("floatingip_id", "text", (c) =>
      c.primaryKey().references("floating_ips.id").onDelete("cascade"),
    )
    .addColumn("bandwidth_id", "text", (c) => c.notNull().references("bandwidths.id").onDelete("cascade"))
    .execute();
  await db.schema
    .createIndex("bandwidth_floating_ips_bandwidth")
    .on("bandwidth_floating_ips")
    .column("bandwidth_id")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("bandwidth_floating_ips").execute();
  await db.schema.dropTable("bandwidths").execute();
}
