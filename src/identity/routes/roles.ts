import type { FastifyInstance, FastifyRequest } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import * as assignments from "../assignments.ts";
import type { IdentityDeps } from "../deps.ts";
import * as roles from "../roles.ts";
import { Bodies } from "../schemas.ts";
import type { ActorType, TargetType } from "../tables.ts";
import { baseUrl, flag, many, noContent, one, params, query, selfUrl, text, withLink } from "./wire.ts";

/** Roles, role inference, grants and GET /v3/role_assignments. */
export function registerRoleRoutes(root: FastifyInstance, deps: IdentityDeps): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  app.post("/v3/roles", { schema: { body: Bodies.role } }, async (req, reply) =>
    reply.code(201).send(one(req, "role", "roles", await roles.createRole(deps, req.auth, req.body.role))),
  );
  app.get("/v3/roles", async (req) =>
    many(req, "roles", "roles", await roles.listRoles(deps, req.auth, { name: text(query(req), "name") })),
  );
  app.get("/v3/roles/:id", async (req) =>
    one(req, "role", "roles", await roles.getRole(deps, req.auth, params(req).id ?? "")),
  );
  app.patch("/v3/roles/:id", { schema: { body: Bodies.roleUpdate } }, async (req) =>
    one(req, "role", "roles", await roles.updateRole(deps, req.auth, params(req).id ?? "", req.body.role)),
  );
  app.delete("/v3/roles/:id", async (req, reply) => {
    await roles.deleteRole(deps, req.auth, params(req).id ?? "");
    await noContent(reply);
  });

  const inference = (
    req: FastifyRequest,
    rule: { prior_role: { id: string }; implies: { id: string } | Array<{ id: string }> },
  ) => ({
    prior_role: withLink(req, "roles", rule.prior_role),
    implies: Array.isArray(rule.implies)
      ? rule.implies.map((r) => withLink(req, "roles", r))
      : withLink(req, "roles", rule.implies),
  });
  app.get("/v3/roles/:prior/implies", async (req) => {
    const [rule] = await roles.listRoleInferences(deps, req.auth, params(req).prior ?? "");
    return { role_inference: rule ? inference(req, rule) : null };
  });
  app.get("/v3/role_inferences", async (req) => ({
    role_inferences: (await roles.listRoleInferences(deps, req.auth)).map((rule) => inference(req, rule)),
  }));
  for (const [method, action, status] of [
    ["PUT", "create", 201],
    ["GET", "check", 200],
    ["HEAD", "check", 204],
    ["DELETE", "delete", 204],
  ] as const) {
    app.route({
      method,
      url: "/v3/roles/:prior/implies/:implied",
      handler: async (req, reply) => {
        const { prior = "", implied = "" } = params(req);
        const rule = await roles.changeImpliedRole(deps, req.auth, action, prior, implied);
        return status === 204
          ? noContent(reply)
          : reply.code(status).send({ role_inference: inference(req, rule) });
      },
    });
  }

  for (const target of ["projects", "domains", "system"] as const) {
    for (const actor of ["users", "groups"] as const) {
      const base =
        target === "system"
          ? `/v3/system/${actor}/:actor/roles`
          : `/v3/${target}/:target/${actor}/:actor/roles`;
      const grantOf = (req: FastifyRequest): assignments.Grant => ({
        actor_type: actor.slice(0, -1) as ActorType,
        actor_id: params(req).actor ?? "",
        target_type: (target === "system" ? "system" : target.slice(0, -1)) as TargetType,
        target_id: target === "system" ? "all" : (params(req).target ?? ""),
      });
      app.get(base, async (req) =>
        many(req, "roles", "roles", await assignments.listGrants(deps, req.auth, grantOf(req))),
      );
      for (const [method, action] of [
        ["PUT", "create"],
        ["HEAD", "check"],
        ["GET", "check"],
        ["DELETE", "delete"],
      ] as const) {
        app.route({
          method,
          url: `${base}/:role`,
          handler: async (req, reply) => {
            await assignments.changeGrant(deps, req.auth, action, grantOf(req), params(req).role ?? "");
            await noContent(reply);
          },
        });
      }
    }
  }

  app.get("/v3/role_assignments", async (req) => {
    const q = query(req);
    const found = await assignments.listRoleAssignments(
      deps,
      req.auth,
      {
        user_id: text(q, "user.id"),
        group_id: text(q, "group.id"),
        role_id: text(q, "role.id"),
        project_id: text(q, "scope.project.id"),
        domain_id: text(q, "scope.domain.id"),
        system: text(q, "scope.system") !== undefined,
        effective: flag(q, "effective"),
        include_names: flag(q, "include_names"),
      },
      baseUrl(req),
    );
    return {
      role_assignments: found,
      links: { self: selfUrl(req), previous: null, next: null },
    };
  });
}
