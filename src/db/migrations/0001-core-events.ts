import { sql, type Kysely } from "kysely";
import { isPostgres } from "../migrate.ts";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("events")
    .addColumn("seq", isPostgres(db) ? "bigserial" : "integer", (c) =>
      isPostgres(db) ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("project_id", "text")
    .addColumn("resource_id", "text")
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("event_cursors")
    .addColumn("consumer", "text", (c) => c.primaryKey())
    .addColumn("position", "bigint", (c) => c.notNull().defaultTo(sql`0`))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("event_cursors").execute();
  await db.schema.dropTable("events").execute();
}
