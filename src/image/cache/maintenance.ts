import { Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { reader, type ImageDeps } from "../deps.ts";
import { selectImage, selectLocations } from "../store.ts";
import { openLocations } from "../stores/locations.ts";
import type { ImageRow } from "../tables.ts";
import type { ImageCache } from "./cache.ts";
import * as store from "./store.ts";

/**
 * The reference design's three cache jobs: the pruner (size limit, least recently used first),
 * the cleaner (stalled incomplete files, copies of images gone or no longer active, files and
 * rows without each other) and the prefetcher (works the queue). Run through
 * `ImageCache.exclusive`, periodically and from the API.
 */

/** A complete file with no row is left this long: its fill may be committing right now. */
const ORPHAN_GRACE_MS = 60_000;

export interface PruneResult {
  pruned_images: string[];
  freed_bytes: number;
  cache_size: number;
  max_size: number;
}

export async function prune(cache: ImageCache, deps: ImageDeps): Promise<PruneResult> {
  const db = cache.db(deps);
  const max = cache.settings.maxSize;
  let size = await store.totalSize(db, cache.node);
  const pruned: string[] = [];
  let freed = 0;
  if (size > max) {
    for (const entry of await store.selectLeastRecentlyUsed(db, cache.node)) {
      if (size <= max) break;
      await cache.forget(deps, entry.image_id);
      pruned.push(entry.image_id);
      size -= entry.size;
      freed += entry.size;
    }
  }
  return { pruned_images: pruned, freed_bytes: freed, cache_size: size, max_size: max };
}

export interface CleanResult {
  /** Incomplete files older than the stall time, and complete files no row describes. */
  removed_files: number;
  /** Images whose copy went: deleted, not active, data changed, or the file was missing. */
  removed_images: string[];
}

export async function clean(cache: ImageCache, deps: ImageDeps): Promise<CleanResult> {
  const now = deps.clock.now().getTime();
  const files = await cache.files.list();
  let removedFiles = 0;
  for (const file of files.filter((f) => f.incomplete)) {
    if (now - file.mtimeMs <= cache.settings.stallTime * 1000) continue;
    await cache.files.remove(file.id, true);
    removedFiles += 1;
  }
  const complete = new Set(files.filter((f) => !f.incomplete).map((f) => f.id));
  const entries = await store.selectEntries(cache.db(deps), cache.node);
  const removedImages: string[] = [];
  for (const entry of entries) {
    const image = await selectImage(reader(deps), entry.image_id);
    const valid = image?.status === "active" && image.checksum === entry.checksum;
    if (valid && complete.has(entry.image_id)) continue;
    await cache.forget(deps, entry.image_id);
    removedImages.push(entry.image_id);
  }
  const described = new Set(entries.map((e) => e.image_id));
  for (const file of files.filter((f) => !f.incomplete && !described.has(f.id))) {
    if (now - file.mtimeMs <= ORPHAN_GRACE_MS) continue;
    await cache.files.remove(file.id);
    removedFiles += 1;
  }
  return { removed_files: removedFiles, removed_images: removedImages };
}

export interface PrefetchResult {
  prefetched: string[];
  /** Left queued, to be tried again on the next run (the store failed, or a fill was under way). */
  failed: string[];
  /** Taken off the queue without caching: gone, not active, no data, or bigger than the cache. */
  dropped: string[];
}

export async function prefetch(cache: ImageCache, deps: ImageDeps): Promise<PrefetchResult> {
  const db = cache.db(deps);
  const result: PrefetchResult = { prefetched: [], failed: [], dropped: [] };
  for (const id of await store.selectQueue(db, cache.node)) {
    const row = await selectImage(reader(deps), id);
    if (row?.status !== "active" || row.size === null || row.size > cache.settings.maxSize) {
      await store.dequeue(db, cache.node, id);
      result.dropped.push(id);
      continue;
    }
    const cached = await store.selectEntry(db, cache.node, id);
    if (cached !== undefined && cached.checksum === row.checksum && (await cache.files.exists(id))) {
      await store.dequeue(db, cache.node, id);
      result.prefetched.push(id);
      continue;
    }
    const list = (await copyIntoCache(cache, deps, row)) ? result.prefetched : result.failed;
    list.push(id);
  }
  return result;
}

/** Streams the image from its first readable location into the cache; true once committed. */
async function copyIntoCache(cache: ImageCache, deps: ImageDeps, row: ImageRow): Promise<boolean> {
  const data = await openFromStore(deps, row.id);
  if (data === null) return false;
  const fill = await cache.fill(deps, row, data);
  if (fill === null) {
    data.destroy();
    return false;
  }
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  await pipeline(fill.stream, sink).catch(() => undefined);
  return fill.done;
}

/** As a download reads it: the first location whose store answers (stores/locations.ts). */
async function openFromStore(deps: ImageDeps, id: string): Promise<Readable | null> {
  const locations = await selectLocations(reader(deps), id);
  return openLocations(deps.stores, locations).catch(() => null);
}

/** One periodic run: clean, then prefetch, then prune (so the prefetched respect the limit). */
export async function maintain(cache: ImageCache, deps: ImageDeps): Promise<void> {
  await clean(cache, deps);
  await prefetch(cache, deps);
  await prune(cache, deps);
}
