import type { ImageDeps } from "../deps.ts";
import type { ImageCache } from "./cache.ts";
import { maintain, prefetch } from "./maintenance.ts";

/**
 * The cache's periodic jobs (Glance runs cache-cleaner, cache-prefetcher and cache-pruner from
 * cron or a periodic task): every `interval` seconds one run of clean, prefetch and prune; the
 * auto-prefetch policy also asks for a prefetch as soon as it queues an image. `stop` waits for
 * a run in progress, so the database is never closed under it.
 */
export function startCacheWorkers(deps: ImageDeps, cache: ImageCache): { stop(): Promise<void> } {
  let stopped = false;
  const run = (job: () => Promise<unknown>) => {
    if (!stopped) void cache.exclusive(job).catch(() => undefined);
  };
  const timer = setInterval(() => run(() => maintain(cache, deps)), cache.settings.interval * 1000);
  timer.unref();
  cache.onQueued = () => run(() => prefetch(cache, deps));
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      cache.onQueued = undefined;
      await cache.idle();
    },
  };
}

/**
 * Start-up: incomplete files are a dead process's unfinished fills (one process per data dir),
 * and would keep their images from being cached until the stall time passed.
 */
export async function recoverCache(cache: ImageCache): Promise<void> {
  for (const file of await cache.files.list()) if (file.incomplete) await cache.files.remove(file.id, true);
}

/** For the image service: recover, start the periodic jobs; the returned function stops them. */
export async function startImageCache(deps: ImageDeps): Promise<() => Promise<void>> {
  if (deps.cache === undefined) return async () => undefined;
  await recoverCache(deps.cache);
  const workers = startCacheWorkers(deps, deps.cache);
  return () => workers.stop();
}
