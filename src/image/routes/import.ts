import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ImageDeps } from "../deps.ts";
import { IMPORT_METHODS, importImage, importInfo } from "../import/request.ts";
import { stageImageData } from "../import/stage.ts";
import type { TaskRunner } from "../tasks/runner.ts";

const id = (req: FastifyRequest) => (req.params as Record<string, string>).id ?? "";

/** Interoperable import: /v2/info/import, stage, import. HTTP only. */
export function registerImportRoutes(app: FastifyInstance, deps: ImageDeps, runner: TaskRunner): void {
  app.get("/v2/info/import", async () => importInfo());
  // Glance announces the methods when an image is created; openstacksdk's `--import` needs it.
  app.addHook("onSend", async (req, reply) => {
    if (req.method === "POST" && req.routeOptions.url?.endsWith("/v2/images") && reply.statusCode === 201)
      reply.header("openstack-image-import-methods", IMPORT_METHODS.join(","));
  });
  app.put("/v2/images/:id/stage", async (req, reply) => {
    const length = req.headers["content-length"];
    await stageImageData(deps, req.auth, id(req), req.raw, length === undefined ? undefined : Number(length));
    return reply.code(204).send();
  });
  app.post("/v2/images/:id/import", async (req, reply) => {
    const header = req.headers["x-image-meta-store"];
    await importImage(
      deps,
      req.auth,
      id(req),
      req.body,
      typeof header === "string" ? header : undefined,
      req.id,
    );
    runner.wake();
    return reply.code(202).send();
  });
}
