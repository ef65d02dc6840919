import { hostname } from "node:os";
import { join } from "node:path";
import type { Kysely } from "kysely";
import type { Readable } from "node:stream";
import type { ImageCacheConfig } from "../../config.ts";
import type { ImageDeps } from "../deps.ts";
import type { ByteRange } from "../stores/store.ts";
import type { ImageRow } from "../tables.ts";
import { DownloadWindow } from "./auto-prefetch.ts";
import { CacheDir, CacheFiller, type Filled } from "./files.ts";
import { prune } from "./maintenance.ts";
import * as store from "./store.ts";

/** The chunk size a hit is read with: big reads keep a local file at disk speed. */
const HIT_CHUNK = 1 << 20;

/**
 * The image cache in front of downloads (Glance's image cache): a node-local directory of
 * verified copies with their metadata in the database (hits, last access, size, the prefetch
 * queue). A hit streams the local file with nothing on the path but the download's byte counter;
 * a whole-image miss streams from the store and fills the cache on the way. Maintenance (clean,
 * prefetch, prune: maintenance.ts) runs one job at a time through `exclusive`.
 */
export class ImageCache {
  readonly files: CacheDir;
  /** Which node's cache a row describes: each API process keeps its own directory. */
  readonly node: string;
  private readonly window: DownloadWindow | null;
  private chain: Promise<unknown> = Promise.resolve();
  /** Set by the workers: runs the prefetcher soon (the auto-prefetch policy's kick). */
  onQueued: (() => void) | undefined;

  constructor(
    dir: string,
    readonly settings: ImageCacheConfig,
  ) {
    this.files = new CacheDir(dir);
    this.node = `${hostname()}:${dir}`;
    const auto = settings.autoPrefetch;
    this.window = auto === null ? null : new DownloadWindow(auto.count, auto.window * 1000);
  }

  db(deps: ImageDeps): Kysely<store.ImageCacheTables> {
    return deps.db.as<store.ImageCacheTables>();
  }

  /**
   * The download hook: the image's bytes (or `range` of them) from the cache when it holds a copy
   * of this image's data, else from `fromStore`, filling the cache when the whole image is read.
   */
  async read(
    deps: ImageDeps,
    row: ImageRow,
    range: ByteRange | undefined,
    fromStore: () => Promise<Readable>,
  ): Promise<Readable> {
    // A deactivated (or otherwise not active) image is never served from, nor kept in, the cache.
    if (row.status !== "active") await this.forget(deps, row.id);
    else {
      const hit = await this.hit(deps, row, range);
      if (hit !== null) return hit;
    }
    const data = await fromStore();
    await this.noteDownload(deps, row.id);
    const whole = range === undefined && row.status === "active" && row.size !== null;
    if (!whole || (row.size ?? 0) > this.settings.maxSize) return data;
    return (await this.fill(deps, row, data))?.stream ?? data;
  }

  private async hit(deps: ImageDeps, row: ImageRow, range: ByteRange | undefined): Promise<Readable | null> {
    const handle = await this.files.open(row.id);
    if (handle === null) return null;
    const at = deps.clock.now().toISOString();
    if (!(await store.countHit(this.db(deps), this.node, row.id, row.checksum, at))) {
      await handle.close();
      return null;
    }
    const span = range === undefined ? {} : { start: range.start, end: range.end };
    return handle.createReadStream({ ...span, highWaterMark: HIT_CHUNK });
  }

  /**
   * Tees `data` into a new cache file; null when another fill of the image is under way. `done`
   * settles once the copy is committed (true) or discarded (false).
   */
  async fill(
    deps: ImageDeps,
    row: ImageRow,
    data: Readable,
  ): Promise<{ stream: Readable; done: Promise<boolean> } | null> {
    const file = await this.files.create(row.id);
    if (file === null) return null;
    let settle: (ok: boolean) => void = () => undefined;
    const done = new Promise<boolean>((resolve) => (settle = resolve));
    const filler = new CacheFiller(file, async (filled) => {
      const ok = filled !== null && this.matches(row, filled);
      try {
        if (ok) await this.commit(deps, row, filled);
        else await this.files.remove(row.id, true);
      } finally {
        settle(ok);
      }
    });
    data.on("error", (error) => filler.destroy(error));
    // pipe() does not pass a destroy upstream: a fill abandoned (client gone) releases the store.
    filler.once("close", () => data.destroy());
    return { stream: data.pipe(filler), done };
  }

  private matches(row: ImageRow, filled: Filled): boolean {
    return filled.size === row.size && (row.checksum === null || filled.checksum === row.checksum);
  }

  private async commit(deps: ImageDeps, row: ImageRow, filled: Filled): Promise<void> {
    await this.files.complete(row.id);
    const now = deps.clock.now().toISOString();
    await store.upsertEntry(this.db(deps), {
      node: this.node,
      image_id: row.id,
      size: filled.size,
      checksum: row.checksum,
      hits: 0,
      last_accessed: now,
      last_modified: now,
    });
    await store.dequeue(this.db(deps), this.node, row.id);
    // The size limit holds after every fill, not only when the periodic pruner runs. Not through
    // `exclusive`: a prefetch (itself a job there) commits through here too.
    await prune(this, deps).catch(() => undefined);
  }

  /** Drops the image's copy and queue entry (deleted, deactivated, or asked to). */
  async forget(deps: ImageDeps, imageId: string): Promise<{ cached: boolean; queued: boolean }> {
    const db = this.db(deps);
    const cached = await store.deleteEntry(db, this.node, imageId);
    const queued = await store.dequeue(db, this.node, imageId);
    await this.files.remove(imageId);
    return { cached, queued };
  }

  /** The auto-prefetch policy: enough recent downloads from the store queue the image. */
  private async noteDownload(deps: ImageDeps, imageId: string): Promise<void> {
    const now = deps.clock.now();
    if (this.window === null || !this.window.record(imageId, now.getTime())) return;
    if (await store.selectEntry(this.db(deps), this.node, imageId)) return;
    await store.enqueue(this.db(deps), this.node, imageId, now.toISOString());
    this.onQueued?.();
  }

  /** Runs maintenance jobs one at a time (API calls and the periodic workers share the chain). */
  exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.chain.then(job, job);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Resolves once the jobs queued so far are done (app shutdown waits for it). */
  async idle(): Promise<void> {
    await this.chain;
  }
}

/** The deps field for the configured cache (`<data-dir>/image-cache`), or none when it is off. */
export function createImageCache(dataDir: string, settings: ImageCacheConfig | null): { cache?: ImageCache } {
  return settings === null ? {} : { cache: new ImageCache(join(dataDir, "image-cache"), settings) };
}
