import type { FastifyInstance, FastifyRequest } from "fastify";
import * as cache from "../cache/api.ts";
import type { ImageDeps } from "../deps.ts";

const imageId = (req: FastifyRequest) => (req.params as Record<string, string>).image_id ?? "";

/** Glance's cache management API (v2.14), plus POST clean/prune: HTTP only. */
export function registerCacheRoutes(app: FastifyInstance, deps: ImageDeps): void {
  app.get("/v2/cache", async (req) => cache.cacheState(deps, req.auth));
  app.put("/v2/cache/:image_id", async (req, reply) => {
    await cache.queueImage(deps, req.auth, imageId(req));
    return reply.code(202).send();
  });
  app.delete("/v2/cache/:image_id", async (req, reply) => {
    await cache.deleteCacheEntry(deps, req.auth, imageId(req));
    return reply.code(204).send();
  });
  app.delete("/v2/cache", async (req, reply) => {
    const target = req.headers["x-image-cache-clear-target"];
    await cache.clearCache(deps, req.auth, Array.isArray(target) ? target[0] : target);
    return reply.code(204).send();
  });
  app.post("/v2/cache/clean", async (req) => cache.cleanCache(deps, req.auth));
  app.post("/v2/cache/prune", async (req) => cache.pruneCache(deps, req.auth));
}
