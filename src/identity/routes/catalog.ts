import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import * as credentials from "../app-credentials.ts";
import * as catalog from "../catalog.ts";
import type { IdentityDeps } from "../deps.ts";
import { Bodies } from "../schemas.ts";
import { many, noContent, one, params, query, text } from "./wire.ts";

/** Regions, services, endpoints and application credentials. */
export function registerCatalogRoutes(root: FastifyInstance, deps: IdentityDeps): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.post("/v3/regions", { schema: { body: Bodies.region } }, async (req, reply) =>
    reply
      .code(201)
      .send(one(req, "region", "regions", await catalog.createRegion(deps, req.auth, req.body.region))),
  );
  app.get("/v3/regions", async (req) =>
    many(
      req,
      "regions",
      "regions",
      await catalog.listRegions(deps, req.auth, { parent_region_id: text(query(req), "parent_region_id") }),
    ),
  );
  app.get("/v3/regions/:id", async (req) =>
    one(req, "region", "regions", await catalog.getRegion(deps, req.auth, params(req).id ?? "")),
  );
  app.patch("/v3/regions/:id", { schema: { body: Bodies.regionUpdate } }, async (req) =>
    one(
      req,
      "region",
      "regions",
      await catalog.updateRegion(deps, req.auth, params(req).id ?? "", req.body.region),
    ),
  );
  app.delete("/v3/regions/:id", async (req, reply) => {
    await catalog.deleteRegion(deps, req.auth, params(req).id ?? "");
    await noContent(reply);
  });

  app.post("/v3/services", { schema: { body: Bodies.service } }, async (req, reply) =>
    reply
      .code(201)
      .send(one(req, "service", "services", await catalog.createService(deps, req.auth, req.body.service))),
  );
  app.get("/v3/services", async (req) => {
    const q = query(req);
    return many(
      req,
      "services",
      "services",
      await catalog.listServices(deps, req.auth, { type: text(q, "type"), name: text(q, "name") }),
    );
  });
  app.get("/v3/services/:id", async (req) =>
    one(req, "service", "services", await catalog.getService(deps, req.auth, params(req).id ?? "")),
  );
  app.patch("/v3/services/:id", { schema: { body: Bodies.serviceUpdate } }, async (req) =>
    one(
      req,
      "service",
      "services",
      await catalog.updateService(deps, req.auth, params(req).id ?? "", req.body.service),
    ),
  );
  app.delete("/v3/services/:id", async (req, reply) => {
    await catalog.deleteService(deps, req.auth, params(req).id ?? "");
    await noContent(reply);
  });

  app.post("/v3/endpoints", { schema: { body: Bodies.endpoint } }, async (req, reply) =>
    reply
      .code(201)
      .send(
        one(req, "endpoint", "endpoints", await catalog.createEndpoint(deps, req.auth, req.body.endpoint)),
      ),
  );
  app.get("/v3/endpoints", async (req) => {
    const q = query(req);
    const filters = {
      interface: text(q, "interface"),
      service_id: text(q, "service_id"),
      region_id: text(q, "region_id"),
    };
    return many(req, "endpoints", "endpoints", await catalog.listEndpoints(deps, req.auth, filters));
  });
  app.get("/v3/endpoints/:id", async (req) =>
    one(req, "endpoint", "endpoints", await catalog.getEndpoint(deps, req.auth, params(req).id ?? "")),
  );
  app.patch("/v3/endpoints/:id", { schema: { body: Bodies.endpointUpdate } }, async (req) =>
    one(
      req,
      "endpoint",
      "endpoints",
      await catalog.updateEndpoint(deps, req.auth, params(req).id ?? "", req.body.endpoint),
    ),
  );
  app.delete("/v3/endpoints/:id", async (req, reply) => {
    await catalog.deleteEndpoint(deps, req.auth, params(req).id ?? "");
    await noContent(reply);
  });

  const credentialsPath = (userId: string) => `users/${userId}/application_credentials`;
  app.post(
    "/v3/users/:user/application_credentials",
    { schema: { body: Bodies.appCredential } },
    async (req, reply) => {
      const userId = params(req).user ?? "";
      const created = await credentials.createAppCredential(
        deps,
        req.auth,
        userId,
        req.body.application_credential,
      );
      return reply.code(201).send(one(req, "application_credential", credentialsPath(userId), created));
    },
  );
  app.get("/v3/users/:user/application_credentials", async (req) => {
    const userId = params(req).user ?? "";
    const found = await credentials.listAppCredentials(deps, req.auth, userId, {
      name: text(query(req), "name"),
    });
    return many(req, "application_credentials", credentialsPath(userId), found);
  });
  app.get("/v3/users/:user/application_credentials/:id", async (req) => {
    const { user = "", id = "" } = params(req);
    return one(
      req,
      "application_credential",
      credentialsPath(user),
      await credentials.getAppCredential(deps, req.auth, user, id),
    );
  });
  app.delete("/v3/users/:user/application_credentials/:id", async (req, reply) => {
    const { user = "", id = "" } = params(req);
    await credentials.deleteAppCredential(deps, req.auth, user, id);
    await noContent(reply);
  });
}
