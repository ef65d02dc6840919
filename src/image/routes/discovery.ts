import type { FastifyInstance, FastifyRequest } from "fastify";
import { imageSchema, imagesSchema } from "../schemas/image.ts";
import { memberSchema, membersSchema } from "../schemas/member.ts";
import type { StoreRegistry } from "../stores/index.ts";

/**
 * The versions whose behaviour is built: up to 2.7 (os_hidden, multihash). 2.6's import is not
 * built but the version is cumulative; clients discover import through /v2/info/import, absent.
 */
const VERSIONS = ["2.7", "2.6", "2.5", "2.4", "2.3", "2.2", "2.1", "2.0"];

export function imageBaseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/image`;
}

function versions(request: FastifyRequest) {
  const href = `${imageBaseUrl(request)}/v2/`;
  return {
    versions: VERSIONS.map((id, i) => ({
      id: `v${id}`,
      status: i === 0 ? "CURRENT" : "SUPPORTED",
      links: [{ rel: "self", href }],
    })),
  };
}

/** Version discovery (300 at the root, 200 at /versions, as Glance), schemas, stores. */
export function registerDiscovery(app: FastifyInstance, stores: StoreRegistry): void {
  app.get("/", async (req, reply) => reply.code(300).send(versions(req)));
  app.get("/versions", async (req) => versions(req));
  app.get("/v2/schemas/image", async () => imageSchema());
  app.get("/v2/schemas/images", async () => imagesSchema());
  app.get("/v2/schemas/member", async () => memberSchema());
  app.get("/v2/schemas/members", async () => membersSchema());
  app.get("/v2/info/stores", async () => ({
    stores: stores.list().map((store) => ({
      id: store.id,
      description: store.description,
      ...(store === stores.default ? { default: true } : {}),
    })),
  }));
}
