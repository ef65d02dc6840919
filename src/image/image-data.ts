import { finished, Transform, type Readable, type TransformCallback } from "node:stream";
import type { AuthContext } from "../http/auth.ts";
import {
  authorize,
  emit,
  isAdmin,
  reader,
  requireAuth,
  write,
  type ImageDeps,
  type ImageTx,
} from "./deps.ts";
import {
  HTTPBadRequest,
  HTTPConflict,
  HTTPForbidden,
  HTTPGone,
  HTTPRequestRangeNotSatisfiable,
  ImageSizeLimitExceeded,
  StoreWriteFailed,
  UnknownStore,
} from "./errors.ts";
import { formatMatches, ImageMeter } from "./format.ts";
import { ownerTarget, visibleImage, visibleImageForUpdate } from "./image-access.ts";
import { loadView, timestamp } from "./images.ts";
import { assertTransition } from "./state.ts";
import * as store from "./store.ts";
import { openLocations, readable } from "./stores/locations.ts";
import type { ByteRange, ImageStore, StoredData } from "./stores/store.ts";
import type { ImageRow, ImageStatus } from "./tables.ts";

/**
 * Image data. An upload claims the image (queued -> saving) in one transaction, streams the body
 * through the meter (size cap, md5, sha512, format sniffing) into the default store, and
 * activates in a second transaction. Failures put the image back to queued (client gone, too
 * big, wrong format) or kill it (the store failed); the store removes partial bytes itself.
 */
export async function uploadImageData(
  deps: ImageDeps,
  authIn: AuthContext | null,
  id: string,
  body: Readable,
  contentLength: number | undefined,
  storeId?: string,
): Promise<void> {
  const auth = requireAuth(authIn);
  // X-Image-Meta-Store names the store (Glance's multi-store); none: the default store.
  const target = storeId === undefined ? deps.stores.default : deps.stores.get(storeId);
  if (target === undefined) throw new UnknownStore(storeId ?? "");
  await write(deps, async (tx) => {
    const row = await visibleImageForUpdate(tx.db, tx.dialect, auth, id);
    authorize(auth, "upload_image", ownerTarget(row));
    if (row.disk_format === null || row.container_format === null)
      throw new HTTPBadRequest("Properties disk_format, container_format must be set prior to saving data.");
    assertTransition(row.status, "saving");
    if (contentLength !== undefined && contentLength > deps.sizeCap) throw new ImageSizeLimitExceeded();
    await store.updateImageRow(tx.db, id, { status: "saving", updated_at: timestamp(deps) });
  });
  const meter = new ImageMeter(deps.sizeCap);
  let stored: StoredData;
  try {
    // A body that ends early (client gone) fails the meter, hence the store's write. The meter
    // failing (size cap) only unpipes the body, so the 413 can still be answered.
    body.pipe(meter);
    finished(body, (error) => {
      if (error) meter.destroy(error);
    });
    stored = await target.put(meter);
  } catch (error) {
    const clientFault = error instanceof ImageSizeLimitExceeded || isClientGone(error);
    await settle(deps, id, clientFault ? "queued" : "killed");
    throw clientFault ? error : new StoreWriteFailed();
  }
  const declared = (
    await reader(deps).selectFrom("images").select("disk_format").where("id", "=", id).executeTakeFirst()
  )?.disk_format;
  const detected = meter.sniffer.detect();
  if (declared != null && !formatMatches(declared, detected)) {
    await target.delete(stored.location);
    await settle(deps, id, "queued");
    throw new HTTPBadRequest(`Image data does not match disk_format ${declared} (the data is ${detected})`);
  }
  await activate(deps, id, meter, stored, target);
}

function isClientGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ECONNRESET" || code === "ERR_STREAM_PREMATURE_CLOSE" || code === "ECONNABORTED";
}

/** Ends a failed upload: saving -> queued (retryable) or killed, unless the image moved on. */
async function settle(deps: ImageDeps, id: string, to: ImageStatus): Promise<void> {
  await write(deps, async (tx) => {
    await tx.db
      .updateTable("images")
      .set({ status: to, updated_at: timestamp(deps) })
      .where("id", "=", id)
      .where("status", "=", "saving")
      .execute();
  });
}

async function activate(
  deps: ImageDeps,
  id: string,
  meter: ImageMeter,
  stored: StoredData,
  target: ImageStore,
): Promise<void> {
  const outcome = await write(deps, async (tx) => {
    const row = await store.selectImageForUpdate(tx.db, tx.dialect, id);
    if (row === undefined) return "gone" as const;
    if (row.status !== "saving") return "moved" as const;
    await activateRow(deps, tx, row, meter, [{ store: target.id, url: stored.location }]);
    return "active" as const;
  });
  if (outcome === "active") return;
  // Deleted (or changed) while the bytes were on their way: they belong to no image.
  await target.delete(stored.location);
  if (outcome === "gone")
    throw new HTTPGone(
      `Image ${id} could not be found after upload. The image may have been deleted during the upload.`,
    );
  throw new HTTPConflict(`Image ${id} changed state during the upload`);
}

/**
 * Inside the caller's transaction: the image becomes active with what `meter` measured (digests,
 * size, virtual size), its bytes at `locations`, announced as Glance does (upload, activate).
 * Uploads and imports both end here.
 */
export async function activateRow(
  deps: ImageDeps,
  tx: ImageTx,
  row: ImageRow,
  meter: ImageMeter,
  locations: ReadonlyArray<{ store: string; url: string }>,
): Promise<void> {
  const now = timestamp(deps);
  const active: ImageRow = {
    ...row,
    ...meter.digests(),
    status: "active",
    size: meter.size,
    virtual_size: meter.sniffer.virtualSize(meter.size),
    updated_at: now,
  };
  await store.updateImageRow(tx.db, row.id, active);
  for (const location of locations)
    await store.insertLocation(tx.db, row.id, location.store, location.url, now);
  const view = await loadView(tx.db, active);
  await emit(deps, tx, "image.upload", row.id, row.owner, view);
  await emit(deps, tx, "image.activate", row.id, row.owner, view);
}

export interface Download {
  stream: Readable;
  size: number;
  checksum: string | null;
  /** Set for a 206 answer. */
  range?: ByteRange;
}

/** The image's bytes (or null: no data, 204); a deactivated image only for admins. */
export async function downloadImageData(
  deps: ImageDeps,
  authIn: AuthContext | null,
  id: string,
  rangeHeader: string | undefined,
): Promise<Download | null> {
  const auth = requireAuth(authIn);
  const db = reader(deps);
  const row = await visibleImage(db, auth, id);
  if (row.status === "deactivated" && !isAdmin(auth))
    throw new HTTPForbidden("The requested image has been deactivated. Image data download is forbidden.");
  const locations = await store.selectLocations(db, id);
  if (!readable(deps.stores, locations) || row.size === null) return null;
  const range = rangeHeader === undefined ? undefined : parseRange(rangeHeader, row.size);
  // Image cache (cache/cache.ts): a hit streams the local copy, a whole-image miss fills it.
  // Any store holding the image serves it: one that fails passes to the next (stores/locations.ts).
  const fromStore = () => openLocations(deps.stores, locations, range);
  const data = await (deps.cache ? deps.cache.read(deps, row, range, fromStore) : fromStore());
  const counter = new ByteCounter((bytes) => {
    const payload = {
      bytes_sent: bytes,
      image_id: id,
      owner_id: row.owner,
      receiver_tenant_id: auth.project_id,
      receiver_user_id: auth.user_id,
    };
    void write(deps, (tx) => emit(deps, tx, "image.send", id, row.owner, payload)).catch(() => undefined);
  });
  data.on("error", (error) => counter.destroy(error));
  // A client gone mid-download closes the counter only: release the source (file, cache fill).
  counter.once("close", () => data.destroy());
  return { stream: data.pipe(counter), size: row.size, checksum: row.checksum, ...(range ? { range } : {}) };
}

/** One `bytes=` range (first-last, first-, -suffix); 416 when it selects nothing. */
export function parseRange(header: string, size: number): ByteRange | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return undefined;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return undefined;
  const range =
    first === ""
      ? { start: Math.max(0, size - Number(last)), end: size - 1 }
      : { start: Number(first), end: last === "" ? size - 1 : Math.min(Number(last), size - 1) };
  if (range.start >= size || range.start > range.end || (first === "" && Number(last) === 0))
    throw new HTTPRequestRangeNotSatisfiable(size);
  return range;
}

/** Counts what leaves; reports once, when the stream ends or is abandoned. */
class ByteCounter extends Transform {
  private bytes = 0;
  private reported = false;

  constructor(private readonly report: (bytes: number) => void) {
    super();
    this.once("close", () => this.done());
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.done();
    callback();
  }

  private done(): void {
    if (this.reported) return;
    this.reported = true;
    this.report(this.bytes);
  }
}

/**
 * Start-up: an upload a dead process left `saving` goes back to queued (retryable), and the
 * stores drop partial files. Assumes one API process per data dir (the SQLite lock guarantees it).
 */
export async function recoverUploads(deps: ImageDeps): Promise<void> {
  await write(deps, async (tx) => {
    await tx.db
      .updateTable("images")
      .set({ status: "queued", updated_at: timestamp(deps) })
      .where("status", "=", "saving")
      .execute();
  });
  for (const each of deps.stores.list()) await each.cleanPartial();
}
