import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import * as domains from "../domains.ts";
import * as groups from "../groups.ts";
import * as projects from "../projects.ts";
import {
  Bodies,
  DomainCreate,
  DomainUpdate,
  GroupCreate,
  GroupUpdate,
  ProjectCreate,
  ProjectUpdate,
  UserCreate,
  UserUpdate,
} from "../schemas.ts";
import * as users from "../users.ts";
import type { IdentityDeps } from "../deps.ts";
import { flag, list, many, noContent, params, registerCrud, text } from "./wire.ts";

/** Domains, projects (and their tags), users and groups. */
export function registerResourceRoutes(root: FastifyInstance, deps: IdentityDeps): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  registerCrud(app, {
    key: "domain",
    create: { body: DomainCreate, run: (auth, input) => domains.createDomain(deps, auth, input) },
    update: { body: DomainUpdate, run: (auth, id, input) => domains.updateDomain(deps, auth, id, input) },
    get: (auth, id) => domains.getDomain(deps, auth, id),
    list: (auth, q) =>
      domains.listDomains(deps, auth, { name: text(q, "name"), enabled: flag(q, "enabled") }),
    remove: (auth, id) => domains.deleteDomain(deps, auth, id),
  });
  registerCrud(app, {
    key: "project",
    create: { body: ProjectCreate, run: (auth, input) => projects.createProject(deps, auth, input) },
    update: { body: ProjectUpdate, run: (auth, id, input) => projects.updateProject(deps, auth, id, input) },
    get: (auth, id) => projects.getProject(deps, auth, id),
    list: (auth, q) =>
      projects.listProjects(deps, auth, {
        name: text(q, "name"),
        enabled: flag(q, "enabled"),
        domain_id: text(q, "domain_id"),
        parent_id: text(q, "parent_id"),
        tags: list(q, "tags"),
        tags_any: list(q, "tags-any"),
        not_tags: list(q, "not-tags"),
        not_tags_any: list(q, "not-tags-any"),
      }),
    remove: (auth, id) => projects.deleteProject(deps, auth, id),
  });
  registerCrud(app, {
    key: "user",
    create: { body: UserCreate, run: (auth, input) => users.createUser(deps, auth, input) },
    update: { body: UserUpdate, run: (auth, id, input) => users.updateUser(deps, auth, id, input) },
    get: (auth, id) => users.getUser(deps, auth, id),
    list: (auth, q) =>
      users.listUsers(deps, auth, {
        name: text(q, "name"),
        enabled: flag(q, "enabled"),
        domain_id: text(q, "domain_id"),
      }),
    remove: (auth, id) => users.deleteUser(deps, auth, id),
  });
  registerCrud(app, {
    key: "group",
    create: { body: GroupCreate, run: (auth, input) => groups.createGroup(deps, auth, input) },
    update: { body: GroupUpdate, run: (auth, id, input) => groups.updateGroup(deps, auth, id, input) },
    get: (auth, id) => groups.getGroup(deps, auth, id),
    list: (auth, q) =>
      groups.listGroups(deps, auth, { name: text(q, "name"), domain_id: text(q, "domain_id") }),
    remove: (auth, id) => groups.deleteGroup(deps, auth, id),
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
