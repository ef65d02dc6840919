import Fastify, { LogController, type FastifyInstance } from "fastify";
import type { AppContext } from "./context.ts";
import { registerPipeline } from "./http/pipeline.ts";
import { identityService } from "./identity/index.ts";
import { createImageCache } from "./image/cache/cache.ts";
import { imageService } from "./image/index.ts";
import { createStores } from "./image/stores/index.ts";
import { networkService } from "./network/index.ts";
import { requestId } from "./lib/ids.ts";
import { serviceCatalog } from "./services.ts";

/** Catalog types this version serves; the rest answer 501. */
const SERVED = new Set(["identity", "network", "image"]);

/** The Fastify root with every service mounted at its prefix; `listen` is the caller's business. */
export async function buildApp(
  ctx: AppContext,
  options: { logger?: boolean } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: ctx.config.logLevel } : false,
    // One line per request comes from the pipeline; Fastify's own two lines are off.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "req_id" }),
    genReqId: () => requestId(),
    exposeHeadRoutes: false,
    bodyLimit: 1024 * 1024,
    // A Neutron tag in a URL (PUT .../tags/{tag}) may be 255 characters, percent-encoded up to 9 bytes
    // each; Fastify's default of 100 would answer 414 before Neutron's own length check.
    maxParamLength: 255 * 9,
    // verbose: errors carry the offending value, which OpenStack's messages quote.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, verbose: true } },
  });
  registerPipeline(app, { authenticate: (token) => ctx.tokens.validate(token) });
  const deps = { db: ctx.db, events: ctx.events, clock: ctx.clock };
  await app.register(identityService(deps, ctx.tokens), { prefix: "/identity" });
  await app.register(
    networkService({
      ...deps,
      segments: ctx.config.segments,
      paginationMaxLimit: ctx.config.paginationMaxLimit,
      tracer: ctx.sdn,
    }),
    { prefix: "/networking" },
  );
  await app.register(
    imageService({
      ...deps,
      stores: createStores(ctx.config.dataDir, ctx.config.imageStores, ctx.config.imageS3),
      sizeCap: ctx.config.imageSizeCap,
      propertyQuota: ctx.config.imagePropertyQuota,
      scrubTime: ctx.config.imageScrubTime,
      tagQuota: ctx.config.imageTagQuota,
      memberQuota: ctx.config.imageMemberQuota,
      ...createImageCache(ctx.config.dataDir, ctx.config.imageCache),
      importing: { dataDir: ctx.config.dataDir, filter: ctx.config.imageImportFilter },
    }),
    { prefix: "/image" },
  );

  // Services in the catalog that this version does not serve yet answer clearly instead of 404.
  for (const entry of serviceCatalog.filter((s) => !SERVED.has(s.type))) {
    app.all(`${entry.path}/*`, async (_req, reply) =>
      reply.code(501).send({
        error: {
          code: 501,
          title: "Not Implemented",
          message: `The ${entry.type} service is not available in this version of Stratus yet.`,
        },
      }),
    );
  }
  app.get("/", async () => ({
    name: "stratus",
    services: serviceCatalog.map((s) => ({ type: s.type, path: s.path })),
  }));
  return app;
}
