import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // Only limits that differ from the defaults are stored, as in Neutron.
  await db.schema
    .createTable("network_quotas")
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("resource", "text", (c) => c.notNull())
    .addColumn("hard_limit", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("network_quotas_pk", ["project_id", "resource"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("network_quotas").execute();
}
