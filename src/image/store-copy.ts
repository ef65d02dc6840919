import { createHash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { reader, write, type ImageDeps } from "./deps.ts";
import { HTTPConflict, ImageNotFound, StoreDataMismatch, UnknownStore } from "./errors.ts";
import { timestamp } from "./images.ts";
import * as store from "./store.ts";
import { imageStores, openLocations, readable } from "./stores/locations.ts";

export { imageStores };

/** Statuses whose image may still gain a copy (Glance's copy-image keeps the image active). */
const COPYABLE = new Set(["active", "importing"]);

/**
 * Copies an image's bytes into another store (Glance's copy-image import method): streams them
 * from the first readable location into `storeId`, checks size and md5 against the image row,
 * then records the new location. The caller authorizes and reports (events, task result).
 * Throws 400 for an unknown store, 404 for a missing image, 409 when the image is already there
 * (or is not active), StoreDataMismatch when the copy differs from the recorded checksum.
 */
export async function copyImageToStore(deps: ImageDeps, imageId: string, storeId: string): Promise<void> {
  const target = deps.stores.get(storeId);
  if (target === undefined) throw new UnknownStore(storeId);
  const db = reader(deps);
  const row = await store.selectImage(db, imageId);
  if (row === undefined) throw new ImageNotFound(imageId);
  if (!COPYABLE.has(row.status) || row.size === null) throw notCopyable(row.status);
  if ((await imageStores(db, imageId)).includes(storeId)) throw new AlreadyInStore(storeId);
  const locations = await store.selectLocations(db, imageId);
  if (!readable(deps.stores, locations)) throw notCopyable(row.status);
  const source = await openLocations(deps.stores, locations);
  const check = new Md5Counter();
  source.on("error", (error) => check.destroy(error));
  // A target that fails closes the check only: release the source (file handle, S3 socket).
  check.once("close", () => source.destroy());
  const stored = await target.put(source.pipe(check));
  if (check.size !== row.size || (row.checksum !== null && check.md5 !== row.checksum)) {
    await target.delete(stored.location);
    throw new StoreDataMismatch(imageId, storeId);
  }
  const outcome = await write(deps, async (tx) => {
    const now = await store.selectImageForUpdate(tx.db, tx.dialect, imageId);
    if (now === undefined || !COPYABLE.has(now.status)) return "gone" as const;
    if ((await imageStores(tx.db, imageId)).includes(storeId)) return "there" as const;
    const at = timestamp(deps);
    await store.insertLocation(tx.db, imageId, storeId, stored.location, at);
    await store.updateImageRow(tx.db, imageId, { updated_at: at });
    return "copied" as const;
  });
  if (outcome === "copied") return;
  // The image was deleted (or copied there by someone else) while the bytes travelled.
  await target.delete(stored.location);
  throw outcome === "gone" ? new ImageNotFound(imageId) : new AlreadyInStore(storeId);
}

class AlreadyInStore extends HTTPConflict {
  constructor(storeId: string) {
    super(`Image is already present at store '${storeId}'`);
  }
}

function notCopyable(status: string): HTTPConflict {
  return new HTTPConflict(`Image data cannot be copied while the image status is '${status}'`);
}

/** Passes bytes through, counting them and hashing them with md5 (the image's `checksum`). */
class Md5Counter extends Transform {
  size = 0;
  private readonly hash = createHash("md5");
  private digest: string | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    this.hash.update(chunk);
    done(null, chunk);
  }

  get md5(): string {
    this.digest ??= this.hash.digest("hex");
    return this.digest;
  }
}
