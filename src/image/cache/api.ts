import type { AuthContext } from "../../http/auth.ts";
import { permits, reader, requireAuth, type ImageDeps } from "../deps.ts";
import { HTTPBadRequest, HTTPForbidden, HTTPNotFound } from "../errors.ts";
import { selectImage } from "../store.ts";
import type { ImageCache } from "./cache.ts";
import { clean, prune, type CleanResult, type PruneResult } from "./maintenance.ts";
import * as store from "./store.ts";

/**
 * Glance's cache management API (v2.14) as domain functions. As Glance's: the policy check comes
 * first (cache_list, cache_image, cache_delete; admin-only by default) and refuses with webob's
 * bare 403, then a site without a cache answers 404.
 */
function cacheFor(deps: ImageDeps, authIn: AuthContext | null, action: string): ImageCache {
  const auth = requireAuth(authIn);
  if (!permits(auth, action, {})) throw new HTTPForbidden("Access was denied to this resource.");
  if (deps.cache === undefined) throw new HTTPNotFound("Caching via API is not supported at this site.");
  return deps.cache;
}

async function existingImage(deps: ImageDeps, id: string) {
  const row = await selectImage(reader(deps), id);
  if (row === undefined) throw new HTTPNotFound(`Image ${id} not found.`);
  return row;
}

export interface CachedImage {
  image_id: string;
  hits: number;
  /** Unix seconds, as Glance reports them. */
  last_accessed: number;
  last_modified: number;
  size: number;
}

export interface CacheState {
  cached_images: CachedImage[];
  queued_images: string[];
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

/** GET /v2/cache */
export async function cacheState(deps: ImageDeps, auth: AuthContext | null): Promise<CacheState> {
  const cache = cacheFor(deps, auth, "cache_list");
  const db = cache.db(deps);
  const entries = await store.selectEntries(db, cache.node);
  return {
    cached_images: entries.map((e) => ({
      image_id: e.image_id,
      hits: e.hits,
      last_accessed: seconds(e.last_accessed),
      last_modified: seconds(e.last_modified),
      size: e.size,
    })),
    queued_images: await store.selectQueue(db, cache.node),
  };
}

/** PUT /v2/cache/{image_id}: queued for the prefetcher (202). */
export async function queueImage(deps: ImageDeps, auth: AuthContext | null, id: string): Promise<void> {
  const cache = cacheFor(deps, auth, "cache_image");
  const row = await existingImage(deps, id);
  if (row.status !== "active")
    throw new HTTPBadRequest("Only images with status active can be targeted for queueing");
  // As Glance's queue_image: an image already in the cache is not queued again.
  const entry = await store.selectEntry(cache.db(deps), cache.node, id);
  if (entry?.checksum === row.checksum && (await cache.files.exists(id))) return;
  await store.enqueue(cache.db(deps), cache.node, id, deps.clock.now().toISOString());
}

/** DELETE /v2/cache/{image_id}: out of the cache and the queue. */
export async function deleteCacheEntry(deps: ImageDeps, auth: AuthContext | null, id: string): Promise<void> {
  const cache = cacheFor(deps, auth, "cache_delete");
  await existingImage(deps, id);
  await cache.forget(deps, id);
}

export type ClearTarget = "cache" | "queue" | "both";

/** DELETE /v2/cache with x-image-cache-clear-target: cache, queue, or (absent, empty) both. */
export async function clearCache(
  deps: ImageDeps,
  auth: AuthContext | null,
  header: string | undefined,
): Promise<{ cache_deleted?: number; queue_deleted?: number }> {
  const cache = cacheFor(deps, auth, "cache_delete");
  const target = (header ?? "").trim().toLowerCase() || "both";
  if (target !== "cache" && target !== "queue" && target !== "both")
    throw new HTTPBadRequest(
      "If provided 'x-image-cache-clear-target' must be 'cache', 'queue' or empty string.",
    );
  const db = cache.db(deps);
  const result: { cache_deleted?: number; queue_deleted?: number } = {};
  if (target !== "queue") {
    const entries = await store.selectEntries(db, cache.node);
    for (const entry of entries) {
      await store.deleteEntry(db, cache.node, entry.image_id);
      await cache.files.remove(entry.image_id);
    }
    result.cache_deleted = entries.length;
  }
  if (target !== "cache") result.queue_deleted = await store.clearQueue(db, cache.node);
  return result;
}

/** POST /v2/cache/clean: the cleaner, now. */
export async function cleanCache(deps: ImageDeps, auth: AuthContext | null): Promise<CleanResult> {
  const cache = cacheFor(deps, auth, "cache_delete");
  return cache.exclusive(() => clean(cache, deps));
}

/** POST /v2/cache/prune: the pruner, now. */
export async function pruneCache(deps: ImageDeps, auth: AuthContext | null): Promise<PruneResult> {
  const cache = cacheFor(deps, auth, "cache_delete");
  return cache.exclusive(() => prune(cache, deps));
}
