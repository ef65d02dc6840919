import type { Kysely } from "kysely";
import type { ImageTables } from "../tables.ts";

/** One cached image on one node (0019). Times are ISO text. */
export interface CacheEntryRow {
  node: string;
  image_id: string;
  size: number;
  checksum: string | null;
  hits: number;
  last_accessed: string;
  last_modified: string;
}

export interface CacheQueueRow {
  node: string;
  image_id: string;
  queued_at: string;
}

/** The image tables plus the cache's two (kept here: only the cache reads them). */
export interface ImageCacheTables extends ImageTables {
  image_cache_entries: CacheEntryRow;
  image_cache_queue: CacheQueueRow;
}

type Db = Kysely<ImageCacheTables>;

export async function selectEntries(db: Db, node: string): Promise<CacheEntryRow[]> {
  return db
    .selectFrom("image_cache_entries")
    .selectAll()
    .where("node", "=", node)
    .orderBy("image_id")
    .execute();
}

export async function selectEntry(db: Db, node: string, imageId: string): Promise<CacheEntryRow | undefined> {
  return db
    .selectFrom("image_cache_entries")
    .selectAll()
    .where("node", "=", node)
    .where("image_id", "=", imageId)
    .executeTakeFirst();
}

/** Least recently used first: the pruner's eviction order. */
export async function selectLeastRecentlyUsed(db: Db, node: string): Promise<CacheEntryRow[]> {
  return db
    .selectFrom("image_cache_entries")
    .selectAll()
    .where("node", "=", node)
    .orderBy("last_accessed")
    .orderBy("hits")
    .orderBy("image_id")
    .execute();
}

export async function totalSize(db: Db, node: string): Promise<number> {
  const row = await db
    .selectFrom("image_cache_entries")
    .select((eb) => eb.fn.sum<number | string | null>("size").as("total"))
    .where("node", "=", node)
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

/** A refill of an image replaces its entry (hits start again). */
export async function upsertEntry(db: Db, row: CacheEntryRow): Promise<void> {
  await db
    .insertInto("image_cache_entries")
    .values(row)
    .onConflict((c) =>
      c.columns(["node", "image_id"]).doUpdateSet({
        size: row.size,
        checksum: row.checksum,
        hits: 0,
        last_accessed: row.last_accessed,
        last_modified: row.last_modified,
      }),
    )
    .execute();
}

/** Counts a hit; false when no entry holds these bytes (none, or cached before a change). */
export async function countHit(
  db: Db,
  node: string,
  imageId: string,
  checksum: string | null,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable("image_cache_entries")
    .set((eb) => ({ hits: eb("hits", "+", 1), last_accessed: at }))
    .where("node", "=", node)
    .where("image_id", "=", imageId)
    .where("checksum", checksum === null ? "is" : "=", checksum)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteEntry(db: Db, node: string, imageId: string): Promise<boolean> {
  const result = await db
    .deleteFrom("image_cache_entries")
    .where("node", "=", node)
    .where("image_id", "=", imageId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function selectQueue(db: Db, node: string): Promise<string[]> {
  const rows = await db
    .selectFrom("image_cache_queue")
    .select("image_id")
    .where("node", "=", node)
    .orderBy("queued_at")
    .orderBy("image_id")
    .execute();
  return rows.map((r) => r.image_id);
}

/** Queues once: queueing a queued image again changes nothing. */
export async function enqueue(db: Db, node: string, imageId: string, at: string): Promise<void> {
  await db
    .insertInto("image_cache_queue")
    .values({ node, image_id: imageId, queued_at: at })
    .onConflict((c) => c.columns(["node", "image_id"]).doNothing())
    .execute();
}

export async function dequeue(db: Db, node: string, imageId: string): Promise<boolean> {
  const result = await db
    .deleteFrom("image_cache_queue")
    .where("node", "=", node)
    .where("image_id", "=", imageId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function clearQueue(db: Db, node: string): Promise<number> {
  const result = await db.deleteFrom("image_cache_queue").where("node", "=", node).executeTakeFirst();
  return Number(result.numDeletedRows);
}
