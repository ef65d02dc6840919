import type { FastifyInstance, FastifyRequest } from "fastify";
import { imageSchema, imagesSchema } from "../schemas/image.ts";
import { memberSchema, membersSchema } from "../schemas/member.ts";

/**
 * The versions whose behaviour is built, newest first: 2.6 interoperable import, 2.7 os_hidden
 * and multihash, 2.8-2.11 multi-store and copy-image, 2.12 image tasks, 2.13 usage, 2.14-2.16 the
 * cache API — which, as in Glance, makes 2.16 CURRENT only where the cache is on (2.15 otherwise).
 */
const VERSIONS = Array.from({ length: 17 }, (_, minor) => `2.${16 - minor}`);

export function imageBaseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/image`;
}

function versions(request: FastifyRequest, cached: boolean) {
  const href = `${imageBaseUrl(request)}/v2/`;
  return {
    versions: VERSIONS.slice(cached ? 0 : 1).map((id, i) => ({
      id: `v${id}`,
      status: i === 0 ? "CURRENT" : "SUPPORTED",
      links: [{ rel: "self", href }],
    })),
  };
}

/** Version discovery (300 at the root, 200 at /versions, as Glance) and schemas. */
export function registerDiscovery(app: FastifyInstance, cached: boolean): void {
  app.get("/", async (req, reply) => reply.code(300).send(versions(req, cached)));
  app.get("/versions", async (req) => versions(req, cached));
  app.get("/v2/schemas/image", async () => imageSchema());
  app.get("/v2/schemas/images", async () => imagesSchema());
  app.get("/v2/schemas/member", async () => memberSchema());
  app.get("/v2/schemas/members", async () => membersSchema());
}
