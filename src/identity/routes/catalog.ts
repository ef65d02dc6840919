import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import * as credentials from "../app-credentials.ts";
import * as catalog from "../catalog.ts";
import type { IdentityDeps } from "../deps.ts";
import {
  Bodies,
  EndpointCreate,
  EndpointUpdate,
  RegionCreate,
  RegionUpdate,
  ServiceCreate,
  ServiceUpdate,
} from "../schemas.ts";
import { many, noContent, one, params, query, registerCrud, text } from "./wire.ts";

/** Regions, services, endpoints and application credentials. */
export function registerCatalogRoutes(root: FastifyInstance, deps: IdentityDeps): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  registerCrud(app, {
    key: "region",
    create: { body: RegionCreate, run: (auth, input) => catalog.createRegion(deps, auth, input) },
    update: { body: RegionUpdate, run: (auth, id, input) => catalog.updateRegion(deps, auth, id, input) },
    get: (auth, id) => catalog.getRegion(deps, auth, id),
    list: (auth, q) => catalog.listRegions(deps, auth, { parent_region_id: text(q, "parent_region_id") }),
    remove: (auth, id) => catalog.deleteRegion(deps, auth, id),
  });
  registerCrud(app, {
    key: "service",
    create: { body: ServiceCreate, run: (auth, input) => catalog.createService(deps, auth, input) },
    update: { body: ServiceUpdate, run: (auth, id, input) => catalog.updateService(deps, auth, id, input) },
    get: (auth, id) => catalog.getService(deps, auth, id),
    list: (auth, q) => catalog.listServices(deps, auth, { type: text(q, "type"), name: text(q, "name") }),
    remove: (auth, id) => catalog.deleteService(deps, auth, id),
  });
  registerCrud(app, {
    key: "endpoint",
    create: { body: EndpointCreate, run: (auth, input) => catalog.createEndpoint(deps, auth, input) },
    update: { body: EndpointUpdate, run: (auth, id, input) => catalog.updateEndpoint(deps, auth, id, input) },
    get: (auth, id) => catalog.getEndpoint(deps, auth, id),
    list: (auth, q) =>
      catalog.listEndpoints(deps, auth, {
        interface: text(q, "interface"),
        service_id: text(q, "service_id"),
        region_id: text(q, "region_id"),
      }),
    remove: (auth, id) => catalog.deleteEndpoint(deps, auth, id),
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
