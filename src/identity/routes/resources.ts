import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import * as domains from "../domains.ts";
import * as groups from "../groups.ts";
import * as projects from "../projects.ts";
import { Bodies } from "../schemas.ts";
import * as users from "../users.ts";
import type { IdentityDeps } from "../deps.ts";
import { flag, list, many, noContent, one, params, query, text } from "./wire.ts";

/** Domains, projects (and their tags), users and groups. */
export function registerResourceRoutes(root: FastifyInstance, deps: IdentityDeps): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.post("/v3/domains", { schema: { body: Bodies.domain } }, async (req, reply) =>
    reply
      .code(201)
      .send(one(req, "domain", "domains", await domains.createDomain(deps, req.auth, req.body.domain))),
  );
  app.get("/v3/domains", async (req) => {
    const q = query(req);
    return many(
      req,
      "domains",
      "domains",
      await domains.listDomains(deps, req.auth, { name: text(q, "name"), enabled: flag(q, "enabled") }),
    );
  });
  app.get("/v3/domains/:id", async (req) =>
    one(req, "domain", "domains", await domains.getDomain(deps, req.auth, params(req).id ?? "")),
  );
  app.patch("/v3/domains/:id", { schema: { body: Bodies.domainUpdate } }, async (req) =>
    one(
      req,
      "domain",
      "domains",
      await domains.updateDomain(deps, req.auth, params(req).id ?? "", req.body.domain),
    ),
  );
  app.delete("/v3/domains/:id", async (req, reply) => {
    await domains.deleteDomain(deps, req.auth, params(req).id ?? "");
    await noContent(reply);
  });

  app.post("/v3/projects", { schema: { body: Bodies.project } }, async (req, reply) =>
    reply
      .code(201)
      .send(one(req, "project", "projects", await projects.createProject(deps, req.auth, req.body.project))),
  );
  app.get("/v3/projects", async (req) => {
    const q = query(req);
    const found = await projects.listProjects(deps, req.auth, {
      name: text(q, "name"),
      enabled: flag(q, "enabled"),
      domain_id: text(q, "domain_id"),
      parent_id: text(q, "parent_id"),
      tags: list(q, "tags"),
      tags_any: list(q, "tags-any"),
      not_tags: list(q, "not-tags"),
      not_tags_any: list(q, "not-tags-any"),
    });
    return many(req, "projects", "projects", found);
  });
  app.get("/v3/projects/:id", async (req) =>
    one(req, "project", "projects", await projects.getProject(deps, req.auth, params(req).id ?? "")),
  );
  app.patch("/v3/projects/:id", { schema: { body: Bodies.projectUpdate } }, async (req) =>
    one(
      req,
      "project",
      "projects",
      await projects.updateProject(deps, req.auth, params(req).id ?? "", req.body.project),
    ),
  );
  app.delete("/v3/projects/:id", async (req, reply) => {
    await projects.deleteProject(deps, req.auth, params(req).id ?? "");
    await noContent(reply);
  });
  app.get("/v3/projects/:id/tags", async (req) => ({
    tags: (await projects.getProject(deps, req.auth, params(req).id ?? "")).tags,
  }));
  app.put("/v3/projects/:id/tags", async (req) => {
    const tags = (req.body as { tags?: unknown } | undefined)?.tags;
    const wanted = Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === "string") : [];
    return { tags: await projects.setProjectTags(deps, req.auth, params(req).id ?? "", () => wanted) };
  });
  app.delete("/v3/projects/:id/tags", async (req, reply) => {
    await projects.setProjectTags(deps, req.auth, params(req).id ?? "", () => []);
    await noContent(reply);
  });
  app.get("/v3/projects/:id/tags/:tag", async (req, reply) => {
    const { id = "", tag = "" } = params(req);
    if (!(await projects.getProject(deps, req.auth, id)).tags.includes(tag)) return reply.code(404).send();
    await noContent(reply);
  });
  app.put("/v3/projects/:id/tags/:tag", async (req, reply) => {
    const { id = "", tag = "" } = params(req);
    await projects.setProjectTags(deps, req.auth, id, (tags) => [...tags, tag]);
    return reply.code(201).send();
  });
  app.delete("/v3/projects/:id/tags/:tag", async (req, reply) => {
    const { id = "", tag = "" } = params(req);
    await projects.setProjectTags(deps, req.auth, id, (tags) => tags.filter((t) => t !== tag));
    await noContent(reply);
  });

  app.post("/v3/users", { schema: { body: Bodies.user } }, async (req, reply) =>
    reply.code(201).send(one(req, "user", "users", await users.createUser(deps, req.auth, req.body.user))),
  );
  app.get("/v3/users", async (req) => {
    const q = query(req);
    const found = await users.listUsers(deps, req.auth, {
      name: text(q, "name"),
      enabled: flag(q, "enabled"),
      domain_id: text(q, "domain_id"),
    });
    return many(req, "users", "users", found);
  });
  app.get("/v3/users/:id", async (req) =>
    one(req, "user", "users", await users.getUser(deps, req.auth, params(req).id ?? "")),
  );
  app.patch("/v3/users/:id", { schema: { body: Bodies.userUpdate } }, async (req) =>
    one(req, "user", "users", await users.updateUser(deps, req.auth, params(req).id ?? "", req.body.user)),
  );
  app.delete("/v3/users/:id", async (req, reply) => {
    await users.deleteUser(deps, req.auth, params(req).id ?? "");
    await noContent(reply);
  });
  app.post("/v3/users/:id/password", { schema: { body: Bodies.password } }, async (req, reply) => {
    await users.changePassword(deps, req.auth, params(req).id ?? "", req.body.user);
    await noContent(reply);
  });
  app.get("/v3/users/:id/projects", async (req) =>
    many(req, "projects", "projects", await projects.listUserProjects(deps, req.auth, params(req).id ?? "")),
  );
  app.get("/v3/users/:id/groups", async (req) =>
    many(req, "groups", "groups", await groups.listUserGroups(deps, req.auth, params(req).id ?? "")),
  );

  app.post("/v3/groups", { schema: { body: Bodies.group } }, async (req, reply) =>
    reply
      .code(201)
      .send(one(req, "group", "groups", await groups.createGroup(deps, req.auth, req.body.group))),
  );
  app.get("/v3/groups", async (req) => {
    const q = query(req);
    return many(
      req,
      "groups",
      "groups",
      await groups.listGroups(deps, req.auth, { name: text(q, "name"), domain_id: text(q, "domain_id") }),
    );
  });
  app.get("/v3/groups/:id", async (req) =>
    one(req, "group", "groups", await groups.getGroup(deps, req.auth, params(req).id ?? "")),
  );
  app.patch("/v3/groups/:id", { schema: { body: Bodies.groupUpdate } }, async (req) =>
    one(
      req,
      "group",
      "groups",
      await groups.updateGroup(deps, req.auth, params(req).id ?? "", req.body.group),
    ),
  );
  app.delete("/v3/groups/:id", async (req, reply) => {
    await groups.deleteGroup(deps, req.auth, params(req).id ?? "");
    await noContent(reply);
  });
  app.get("/v3/groups/:id/users", async (req) =>
    many(req, "users", "users", await groups.listGroupUsers(deps, req.auth, params(req).id ?? "")),
  );
  for (const [method, action] of [
    ["PUT", "add"],
    ["HEAD", "check"],
    ["DELETE", "remove"],
  ] as const) {
    app.route({
      method,
      url: "/v3/groups/:group/users/:user",
      handler: async (req, reply) => {
        const { group = "", user = "" } = params(req);
        await groups.changeMembership(deps, req.auth, action, group, user);
        await noContent(reply);
      },
    });
  }
}
