import type { Kysely } from "kysely";

/**
 * Glance's delayed delete: a deleted image with data waits in pending_delete until the scrubber
 * removes it (deleted_at + scrub time), and an admin may restore it to the status it had.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("images").addColumn("deleted_at", "text").execute();
  await db.schema.alterTable("images").addColumn("restore_status", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("images").dropColumn("restore_status").execute();
  await db.schema.alterTable("images").dropColumn("deleted_at").execute();
}
