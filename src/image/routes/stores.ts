import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ImageDeps } from "../deps.ts";
import { deleteFromStore, listStores, listStoresDetail } from "../multi-store.ts";

const param = (req: FastifyRequest, name: string) => (req.params as Record<string, string>)[name] ?? "";

/** Glance's multi-store API: /v2/info/stores(/detail) and DELETE /v2/stores/{store_id}/{image_id}. */
export function registerStoreRoutes(app: FastifyInstance, deps: ImageDeps): void {
  app.get("/v2/info/stores", async (req) => listStores(deps, req.auth));
  app.get("/v2/info/stores/detail", async (req) => listStoresDetail(deps, req.auth));
  app.delete("/v2/stores/:store/:image", async (req, reply) => {
    await deleteFromStore(deps, req.auth, param(req, "store"), param(req, "image"));
    return reply.code(204).send();
  });
}
