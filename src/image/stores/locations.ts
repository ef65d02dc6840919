import type { Kysely } from "kysely";
import type { Readable } from "node:stream";
import { StoreReadFailed } from "../errors.ts";
import type { ImageTables } from "../tables.ts";
import type { StoreRegistry } from "./index.ts";
import type { ByteRange } from "./store.ts";

/** An image_locations row, as far as reading needs it. */
export interface Location {
  image_id: string;
  store: string;
  url: string;
  created_at: string;
}

/**
 * Opens the image's bytes from the first location (oldest first) that answers: a store that is not configured
 * any more, or fails to open its object, passes to the next (Glance's location strategy).
 * Rejects with StoreReadFailed (503) when none answers.
 */
export async function openLocations(
  stores: StoreRegistry,
  locations: readonly Location[],
  range?: ByteRange,
): Promise<Readable> {
  const oldestFirst = [...locations].sort((a, b) => a.created_at.localeCompare(b.created_at));
  for (const location of oldestFirst) {
    const store = stores.get(location.store);
    if (store === undefined) continue;
    try {
      return await store.get(location.url, range);
    } catch {
      // the next location, if any
    }
  }
  throw new StoreReadFailed(locations[0]?.image_id ?? "");
}

/** True when at least one location names a configured store. */
export function readable(stores: StoreRegistry, locations: readonly Location[]): boolean {
  return locations.some((l) => stores.get(l.store) !== undefined);
}

/** The ids of the stores holding the image, in the order its locations were added. */
export async function imageStores(db: Kysely<ImageTables>, imageId: string): Promise<string[]> {
  return (await storesByImage(db, [imageId])).get(imageId) ?? [];
}

/** For the image view's `stores`: each image's store ids (images without data are absent). */
export async function storesByImage(
  db: Kysely<ImageTables>,
  ids: readonly string[],
): Promise<Map<string, string[]>> {
  const byImage = new Map<string, string[]>();
  if (ids.length === 0) return byImage;
  const rows = await db
    .selectFrom("image_locations")
    .select(["image_id", "store"])
    .where("image_id", "in", ids)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  for (const row of rows) {
    const stores = byImage.get(row.image_id) ?? [];
    if (!stores.includes(row.store)) stores.push(row.store);
    byImage.set(row.image_id, stores);
  }
  return byImage;
}
