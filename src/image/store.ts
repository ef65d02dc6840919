import type { Kysely } from "kysely";
import { uuid } from "../lib/ids.ts";
import type { ImageRow, ImageTables, MemberRow } from "./tables.ts";

/** Kysely queries over the image tables: free functions over a db (or a transaction's). */
type Db = Kysely<ImageTables>;

export async function selectImage(db: Db, id: string): Promise<ImageRow | undefined> {
  return db.selectFrom("images").selectAll().where("id", "=", id).executeTakeFirst();
}

/** On PostgreSQL the row is locked for the transaction, so state changes on one image queue up. */
export async function selectImageForUpdate(
  db: Db,
  dialect: string,
  id: string,
): Promise<ImageRow | undefined> {
  const query = db.selectFrom("images").selectAll().where("id", "=", id);
  return (dialect === "postgres" ? query.forUpdate() : query).executeTakeFirst();
}

export async function insertImage(db: Db, row: ImageRow): Promise<void> {
  await db.insertInto("images").values(row).execute();
}

export async function updateImageRow(db: Db, id: string, changes: Partial<ImageRow>): Promise<void> {
  await db.updateTable("images").set(changes).where("id", "=", id).execute();
}

export async function deleteImageRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("images").where("id", "=", id).execute();
}

export async function selectProperties(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, Record<string, string>>> {
  const byImage = new Map<string, Record<string, string>>();
  if (ids.length === 0) return byImage;
  const rows = await db.selectFrom("image_properties").selectAll().where("image_id", "in", ids).execute();
  for (const row of rows) {
    const props = byImage.get(row.image_id) ?? {};
    props[row.name] = row.value;
    byImage.set(row.image_id, props);
  }
  return byImage;
}

export async function selectTags(db: Db, ids: readonly string[]): Promise<Map<string, string[]>> {
  const byImage = new Map<string, string[]>();
  if (ids.length === 0) return byImage;
  const rows = await db
    .selectFrom("image_tags")
    .selectAll()
    .where("image_id", "in", ids)
    .orderBy("tag")
    .execute();
  for (const row of rows) byImage.set(row.image_id, [...(byImage.get(row.image_id) ?? []), row.tag]);
  return byImage;
}

/** Replaces the image's properties with `props`. */
export async function replaceProperties(db: Db, id: string, props: Record<string, string>): Promise<void> {
  await db.deleteFrom("image_properties").where("image_id", "=", id).execute();
  const rows = Object.entries(props).map(([name, value]) => ({ image_id: id, name, value }));
  if (rows.length > 0) await db.insertInto("image_properties").values(rows).execute();
}

export async function replaceTags(db: Db, id: string, tags: readonly string[]): Promise<void> {
  await db.deleteFrom("image_tags").where("image_id", "=", id).execute();
  const rows = [...new Set(tags)].map((tag) => ({ image_id: id, tag }));
  if (rows.length > 0) await db.insertInto("image_tags").values(rows).execute();
}

export async function insertTag(db: Db, id: string, tag: string): Promise<void> {
  await db
    .insertInto("image_tags")
    .values({ image_id: id, tag })
    .onConflict((c) => c.columns(["image_id", "tag"]).doNothing())
    .execute();
}

/** True when the tag was there. */
export async function deleteTag(db: Db, id: string, tag: string): Promise<boolean> {
  const result = await db
    .deleteFrom("image_tags")
    .where("image_id", "=", id)
    .where("tag", "=", tag)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function selectMember(
  db: Db,
  imageId: string,
  memberId: string,
): Promise<MemberRow | undefined> {
  return db
    .selectFrom("image_members")
    .selectAll()
    .where("image_id", "=", imageId)
    .where("member_id", "=", memberId)
    .executeTakeFirst();
}

export async function selectMembers(db: Db, imageId: string): Promise<MemberRow[]> {
  return db
    .selectFrom("image_members")
    .selectAll()
    .where("image_id", "=", imageId)
    .orderBy("created_at")
    .orderBy("member_id")
    .execute();
}

export async function selectLocations(db: Db, imageId: string) {
  return db.selectFrom("image_locations").selectAll().where("image_id", "=", imageId).execute();
}

/** Records that `storeId` holds the image's bytes at `url`. */
export async function insertLocation(
  db: Db,
  imageId: string,
  storeId: string,
  url: string,
  now: string,
): Promise<void> {
  await db
    .insertInto("image_locations")
    .values({ id: uuid(), image_id: imageId, store: storeId, url, created_at: now })
    .execute();
}

export async function deleteLocations(db: Db, imageId: string): Promise<void> {
  await db.deleteFrom("image_locations").where("image_id", "=", imageId).execute();
}
