import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { StratusError } from "../lib/errors.ts";
import { violationMessage } from "../lib/validation.ts";
import type { IdentityDeps } from "./deps.ts";
import { registerAuthRoutes } from "./routes/auth.ts";
import { registerCatalogRoutes } from "./routes/catalog.ts";
import { registerResourceRoutes } from "./routes/resources.ts";
import { registerRoleRoutes } from "./routes/roles.ts";
import { baseUrl } from "./routes/wire.ts";
import type { TokenService } from "./tokens.ts";

/** Keystone v3 under /identity: version discovery, every resource, and Keystone's error body. */
export function identityService(deps: IdentityDeps, tokens: TokenService) {
  return async (app: FastifyInstance): Promise<void> => {
    app.setErrorHandler(renderError);
    app.setNotFoundHandler((_req, reply) =>
      reply.code(404).send(envelope(404, "Not Found", "The resource could not be found.")),
    );
    app.get("/", async (req, reply) => reply.code(300).send({ versions: { values: [version(req)] } }));
    app.get("/v3", async (req) => ({ version: version(req) }));
    registerAuthRoutes(app, deps, tokens);
    registerResourceRoutes(app, deps);
    registerRoleRoutes(app, deps);
    registerCatalogRoutes(app, deps);
  };
}

function version(req: FastifyRequest) {
  return {
    id: "v3.14",
    status: "stable",
    updated: "2020-04-07T00:00:00Z",
    links: [{ rel: "self", href: `${baseUrl(req)}/v3/` }],
    "media-types": [{ base: "application/json", type: "application/vnd.openstack.identity-v3+json" }],
  };
}

const MALFORMED_BODY =
  "Expecting to find valid JSON in request body. The server could not comply with the request since it is " +
  "either malformed or otherwise incorrect. The client is assumed to be in error.";

function envelope(code: number, title: string, message: string) {
  return { error: { code, title, message } };
}

function renderError(error: FastifyError | StratusError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof StratusError) {
    return reply.code(error.status).send(envelope(error.status, error.title, error.message));
  }
  if ("validation" in error && error.validation) {
    // Of a union's failed branches, the union's own error says it best.
    const violation = error.validation.find((v) => v.keyword === "anyOf") ?? error.validation[0];
    return reply
      .code(400)
      .send(envelope(400, "Bad Request", violation ? violationMessage(violation) : error.message));
  }
  if (error.code === "FST_ERR_CTP_INVALID_JSON_BODY" || error.code === "FST_ERR_CTP_EMPTY_JSON_BODY") {
    return reply.code(400).send(envelope(400, "Bad Request", MALFORMED_BODY));
  }
  const status = "statusCode" in error && typeof error.statusCode === "number" ? error.statusCode : 500;
  if (status < 500) return reply.code(status).send(envelope(status, "Bad Request", error.message));
  request.log.error({ err: error }, "unhandled error");
  return reply
    .code(500)
    .send(
      envelope(
        500,
        "Internal Server Error",
        "An unexpected error prevented the server from fulfilling your request.",
      ),
    );
}
