import { sql, type Kysely } from "kysely";

/**
 * The image cache's metadata (the files live under `<data-dir>/image-cache`). Each API node has its
 * own cache directory, so rows are keyed by node as well as image (Glance's centralized_db
 * driver does the same). Times are ISO text; the API shows them as Unix seconds, as Glance does.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("image_cache_entries")
    .addColumn("node", "text", (c) => c.notNull())
    .addColumn("image_id", "text", (c) => c.notNull())
    .addColumn("size", "bigint", (c) => c.notNull())
    // The image's md5 when it was cached: a hit must still match the image.
    .addColumn("checksum", "text")
    .addColumn("hits", "integer", (c) => c.notNull().defaultTo(sql`0`))
    .addColumn("last_accessed", "text", (c) => c.notNull())
    .addColumn("last_modified", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("image_cache_entries_pk", ["node", "image_id"])
    .execute();
  await db.schema
    .createTable("image_cache_queue")
    .addColumn("node", "text", (c) => c.notNull())
    .addColumn("image_id", "text", (c) => c.notNull())
    .addColumn("queued_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("image_cache_queue_pk", ["node", "image_id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("image_cache_queue").execute();
  await db.schema.dropTable("image_cache_entries").execute();
}
