import type { Kysely } from "kysely";

/**
 * Glance's tasks (import, export, clone): durable, so a task a dead process left `processing` is
 * found and re-run at start-up. `input` and `result` are JSON text; times ISO text; `expires_at`
 * is set when the task ends.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("image_tasks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("owner", "text")
    .addColumn("user_id", "text")
    .addColumn("request_id", "text")
    .addColumn("image_id", "text")
    .addColumn("input", "text", (c) => c.notNull())
    .addColumn("result", "text")
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("expires_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("image_tasks_status").on("image_tasks").column("status").execute();
  await db.schema.createIndex("image_tasks_image").on("image_tasks").column("image_id").execute();
  await db.schema.createIndex("image_tasks_owner").on("image_tasks").column("owner").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("image_tasks").execute();
}
