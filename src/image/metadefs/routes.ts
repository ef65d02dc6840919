import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ImageDeps } from "../deps.ts";
import { HTTPNotFound } from "../errors.ts";
import * as namespaces from "./namespaces.ts";
import * as objects from "./objects.ts";
import * as properties from "./properties.ts";
import * as resourceTypes from "./resource-types.ts";
import { METADEF_SCHEMAS } from "./schemas.ts";
import { seedMetadefs } from "./seed.ts";
import * as tags from "./tags.ts";

/** /v2/metadefs and /v2/schemas/metadefs: HTTP only, one domain call per route. */
const NS = "/v2/metadefs/namespaces/:ns";

const p = (req: FastifyRequest) => req.params as Record<string, string>;
const ns = (req: FastifyRequest) => p(req).ns ?? "";
const name = (req: FastifyRequest) => p(req).name ?? "";
const noContent = (reply: FastifyReply) => reply.code(204).send();

/** Seeds the catalog on first start, then registers the routes. */
export async function registerMetadefs(app: FastifyInstance, deps: ImageDeps): Promise<void> {
  await seedMetadefs(deps);
  app.get("/v2/schemas/metadefs/:name", async (req) => {
    const schema = Object.hasOwn(METADEF_SCHEMAS, name(req)) ? METADEF_SCHEMAS[name(req)] : undefined;
    if (schema === undefined) throw new HTTPNotFound();
    return schema;
  });
  app.get("/v2/metadefs/resource_types", async (req) => resourceTypes.listResourceTypes(deps, req.auth));
  registerNamespaces(app, deps);
  registerObjects(app, deps);
  registerProperties(app, deps);
  registerTags(app, deps);
  app.get(`${NS}/resource_types`, async (req) => resourceTypes.listAssociations(deps, req.auth, ns(req)));
  app.post(`${NS}/resource_types`, async (req, reply) =>
    reply.code(201).send(await resourceTypes.associate(deps, req.auth, ns(req), req.body)),
  );
  app.delete(`${NS}/resource_types/:name`, async (req, reply) => {
    await resourceTypes.dissociate(deps, req.auth, ns(req), name(req));
    return noContent(reply);
  });
}

function registerNamespaces(app: FastifyInstance, deps: ImageDeps): void {
  app.get("/v2/metadefs/namespaces", async (req) =>
    namespaces.listNamespaces(deps, req.auth, req.query as Record<string, string | string[]>),
  );
  app.post("/v2/metadefs/namespaces", async (req, reply) =>
    reply.code(201).send(await namespaces.createNamespace(deps, req.auth, req.body)),
  );
  app.get(NS, async (req) => namespaces.getNamespace(deps, req.auth, ns(req)));
  app.put(NS, async (req) => namespaces.updateNamespace(deps, req.auth, ns(req), req.body));
  app.delete(NS, async (req, reply) => {
    await namespaces.deleteNamespace(deps, req.auth, ns(req));
    return noContent(reply);
  });
}

function registerObjects(app: FastifyInstance, deps: ImageDeps): void {
  app.get(`${NS}/objects`, async (req) => objects.listObjects(deps, req.auth, ns(req)));
  app.post(`${NS}/objects`, async (req, reply) =>
    reply.code(201).send(await objects.createObject(deps, req.auth, ns(req), req.body)),
  );
  app.delete(`${NS}/objects`, async (req, reply) => {
    await tags.deleteAll(deps, req.auth, ns(req), "metadef_objects");
    return noContent(reply);
  });
  app.get(`${NS}/objects/:name`, async (req) => objects.getObject(deps, req.auth, ns(req), name(req)));
  app.put(`${NS}/objects/:name`, async (req) =>
    objects.updateObject(deps, req.auth, ns(req), name(req), req.body),
  );
  app.delete(`${NS}/objects/:name`, async (req, reply) => {
    await objects.deleteObject(deps, req.auth, ns(req), name(req));
    return noContent(reply);
  });
}

function registerProperties(app: FastifyInstance, deps: ImageDeps): void {
  app.get(`${NS}/properties`, async (req) => properties.listProperties(deps, req.auth, ns(req)));
  app.post(`${NS}/properties`, async (req, reply) =>
    reply.code(201).send(await properties.createProperty(deps, req.auth, ns(req), req.body)),
  );
  app.delete(`${NS}/properties`, async (req, reply) => {
    await tags.deleteAll(deps, req.auth, ns(req), "metadef_properties");
    return noContent(reply);
  });
  app.get(`${NS}/properties/:name`, async (req) =>
    properties.getProperty(deps, req.auth, ns(req), name(req)),
  );
  app.put(`${NS}/properties/:name`, async (req) =>
    properties.updateProperty(deps, req.auth, ns(req), name(req), req.body),
  );
  app.delete(`${NS}/properties/:name`, async (req, reply) => {
    await properties.deleteProperty(deps, req.auth, ns(req), name(req));
    return noContent(reply);
  });
}

function registerTags(app: FastifyInstance, deps: ImageDeps): void {
  app.get(`${NS}/tags`, async (req) => tags.listTags(deps, req.auth, ns(req)));
  app.post(`${NS}/tags`, async (req, reply) => {
    const append = String(req.headers["x-openstack-append"] ?? "").toLowerCase() === "true";
    return reply.code(201).send(await tags.createTags(deps, req.auth, ns(req), req.body, append));
  });
  app.delete(`${NS}/tags`, async (req, reply) => {
    await tags.deleteAll(deps, req.auth, ns(req), "metadef_tags");
    return noContent(reply);
  });
  app.get(`${NS}/tags/:name`, async (req) => tags.getTag(deps, req.auth, ns(req), name(req)));
  app.post(`${NS}/tags/:name`, async (req, reply) =>
    reply.code(201).send(await tags.createTag(deps, req.auth, ns(req), name(req))),
  );
  app.put(`${NS}/tags/:name`, async (req) => tags.updateTag(deps, req.auth, ns(req), name(req), req.body));
  app.delete(`${NS}/tags/:name`, async (req, reply) => {
    await tags.deleteTag(deps, req.auth, ns(req), name(req));
    return noContent(reply);
  });
}
