import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";

/**
 * Neutron's network RBAC entries. The unique key is what makes a duplicate policy a conflict even
 * when two requests race; the (target_tenant, object_id) index serves the visibility EXISTS that
 * every non-admin network listing runs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("rbac_policies")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("object_type", "text", (c) => c.notNull())
    .addColumn("object_id", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_tenant", "text", (c) => c.notNull())
    .addUniqueConstraint("rbac_policies_unique", ["object_id", "action", "target_tenant", "object_type"])
    .execute();
  await db.schema
    .createIndex("rbac_policies_target")
    .on("rbac_policies")
    .columns(["target_tenant", "object_id"])
    .execute();
  await db.schema.createIndex("rbac_policies_project").on("rbac_policies").column("project_id").execute();
  await backfillWildcards(db);
}

/** Networks made shared or external before RBAC existed get the wildcard entries Neutron would have. */
async function backfillWildcards(db: Kysely<unknown>): Promise<void> {
  const rows = await sql<{
    id: string;
    project_id: string;
    shared: number;
    external: number;
  }>`select id, project_id, shared, external from networks where shared = 1 or external = 1`.execute(db);
  for (const row of rows.rows) {
    const actions = [
      ...(Number(row.shared) === 1 ? ["access_as_shared"] : []),
      ...(Number(row.external) === 1 ? ["access_as_external"] : []),
    ];
    for (const action of actions) {
      await sql`insert into rbac_policies (id, project_id, object_type, object_id, action, target_tenant)
        values (${randomUUID()}, ${row.project_id}, 'network', ${row.id}, ${action}, '*')`.execute(db);
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("rbac_policies").execute();
}
