import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AuthenticationRequired } from "../identity/errors.ts";
import { StratusError } from "../lib/errors.ts";
import { startImageCache } from "./cache/workers.ts";
import type { ImageDeps } from "./deps.ts";
import {
  HTTPBadRequest,
  HTTPNotFound,
  HTTPRequestRangeNotSatisfiable,
  HTTPUnsupportedMediaType,
} from "./errors.ts";
import { startScrubber } from "./delayed-delete.ts";
import { errorBody, errorMedia } from "./error-body.ts";
import { recoverUploads } from "./image-data.ts";
import { registerMetadefs } from "./metadefs/routes.ts";
import { registerCacheRoutes } from "./routes/cache.ts";
import { registerDiscovery } from "./routes/discovery.ts";
import { registerStoreRoutes } from "./routes/stores.ts";
import { registerImportRoutes } from "./routes/import.ts";
import { registerTaskRoutes } from "./routes/tasks.ts";
import { recoverStaging } from "./import/stage.ts";
import { startTaskRunner } from "./tasks/runner.ts";
import { JSON_PATCH, registerImageRoutes } from "./routes/images.ts";

/** Glance v2 under /image: discovery, schemas, images, data, tags, members, webob's error body. */
export function imageService(deps: ImageDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    await recoverUploads(deps);
    // Import and tasks: staged data of a dead process, then its unfinished tasks (re-run).
    await recoverStaging(deps);
    const tasks = await startTaskRunner(deps, (error) => app.log.error({ err: error }, "image task failed"));
    app.addHook("onClose", async () => tasks.stop());
    const stopScrubber = startScrubber(deps, (error) =>
      app.log.error({ err: error }, "image scrubber failed"),
    );
    app.addHook("onClose", async () => stopScrubber());
    const stopCache = await startImageCache(deps);
    app.addHook("onClose", async () => stopCache());
    app.setErrorHandler(renderError);
    app.setNotFoundHandler((_req, reply) => send(reply, new HTTPNotFound()));
    // Image data is passed on as the raw stream, never buffered (and not held to bodyLimit).
    app.addContentTypeParser("application/octet-stream", (_req, payload, done) => done(null, payload));
    app.addContentTypeParser(JSON_PATCH, { parseAs: "string" }, (_req, body, done) => {
      try {
        done(null, JSON.parse(String(body)) as unknown);
      } catch {
        done(new HTTPBadRequest("Malformed JSON in request body."), undefined);
      }
    });
    // Before any body parser: a JSON body sent as image data is 415, not a JSON syntax error.
    app.addHook("onRequest", async (req) => {
      const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
      const path = req.url.split("?")[0] ?? "";
      if (
        req.method === "PUT" &&
        path.includes("/v2/images/") &&
        (path.endsWith("/file") || path.endsWith("/stage")) &&
        type !== "application/octet-stream"
      )
        throw new HTTPUnsupportedMediaType();
      if (req.method === "PATCH" && type !== JSON_PATCH) throw new HTTPUnsupportedMediaType();
    });
    registerDiscovery(app, deps.cache !== undefined);
    registerStoreRoutes(app, deps);
    registerImageRoutes(app, deps);
    registerImportRoutes(app, deps, tasks);
    registerTaskRoutes(app, deps, tasks);
    registerCacheRoutes(app, deps);
    await registerMetadefs(app, deps);
  };
}

/** webob's error body, as the client's Accept asks (error-body.ts). */
function send(reply: FastifyReply, error: StratusError) {
  if (error instanceof HTTPRequestRangeNotSatisfiable) reply.header("content-range", `bytes */${error.size}`);
  const media = errorMedia(reply.request.headers.accept);
  const { type, body } = errorBody(media, error.status, error.title, error.message);
  return reply.code(error.status).type(type).send(body);
}

function renderError(error: FastifyError | StratusError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AuthenticationRequired) {
    return reply.code(401).send({ error: { code: 401, title: "Unauthorized", message: error.message } });
  }
  if (error instanceof StratusError) return send(reply, error);
  if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return send(reply, new HTTPUnsupportedMediaType());
  if (error.code === "FST_ERR_CTP_INVALID_JSON_BODY" || error.code === "FST_ERR_CTP_EMPTY_JSON_BODY")
    return send(reply, new HTTPBadRequest("Malformed JSON in request body."));
  const status = typeof error.statusCode === "number" ? error.statusCode : 500;
  if (status < 500) return send(reply, new HTTPBadRequest(error.message));
  request.log.error({ err: error }, "unhandled error");
  const { type, body } = errorBody(errorMedia(request.headers.accept), 500, "Internal Server Error", "");
  return reply.code(500).type(type).send(body);
}
