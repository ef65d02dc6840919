import type { FastifyInstance, FastifyRequest } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { AuthContext } from "../../http/auth.ts";
import { authorize, requireAuth, type IdentityDeps } from "../deps.ts";
import { TokenNotFound } from "../errors.ts";
import * as domains from "../domains.ts";
import * as projects from "../projects.ts";
import { Bodies } from "../schemas.ts";
import type { TokenService } from "../tokens.ts";
import { baseUrl, flag, many, noContent, query } from "./wire.ts";

/** POST/GET/HEAD/DELETE /v3/auth/tokens and the /v3/auth/* helpers. */
export function registerAuthRoutes(root: FastifyInstance, deps: IdentityDeps, tokens: TokenService): void {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();
  const withCatalog = (req: FastifyRequest) => flag(query(req), "nocatalog") !== true;

  app.post("/v3/auth/tokens", { schema: { body: Bodies.auth } }, async (req, reply) => {
    const { token, auth } = await tokens.issue(req.body.auth);
    return reply
      .code(201)
      .header("x-subject-token", token)
      .send({ token: await tokens.body(auth, withCatalog(req)) });
  });

  /** The token named in X-Subject-Token, once the caller may look at it. */
  const subject = async (req: FastifyRequest, action: string): Promise<AuthContext> => {
    const caller = requireAuth(req.auth);
    const header = req.headers["x-subject-token"];
    const token = typeof header === "string" ? header : "";
    if (token === "") throw new TokenNotFound("No token in the request");
    const target = await tokens.validate(token);
    if (target === null) throw new TokenNotFound("Could not recognize Fernet token");
    authorize(caller, action, { user_id: target.user_id });
    return target;
  };
  app.get("/v3/auth/tokens", async (req, reply) => {
    const target = await subject(req, "identity:validate_token");
    return reply
      .header("x-subject-token", req.headers["x-subject-token"])
      .send({ token: await tokens.body(target, withCatalog(req)) });
  });
  app.head("/v3/auth/tokens", async (req, reply) => {
    await subject(req, "identity:check_token");
    return reply.code(200).send();
  });
  app.delete("/v3/auth/tokens", async (req, reply) => {
    await tokens.revoke(await subject(req, "identity:revoke_token"));
    await noContent(reply);
  });

  app.get("/v3/auth/catalog", async (req) => {
    requireAuth(req.auth);
    return { catalog: await tokens.catalog(), links: { self: `${baseUrl(req)}/v3/auth/catalog` } };
  });
  app.get("/v3/auth/projects", async (req) => {
    const caller = requireAuth(req.auth);
    return many(req, "projects", "projects", await projects.listUserProjects(deps, caller, caller.user_id));
  });
  app.get("/v3/auth/domains", async (req) => {
    const caller = requireAuth(req.auth);
    const owned = await domains.listDomainsOfUser(deps, caller.user_id);
    return many(req, "domains", "domains", owned);
  });
  app.get("/v3/auth/system", async (req) => {
    const caller = requireAuth(req.auth);
    const hasSystem = await domains.hasSystemRole(deps, caller.user_id);
    return { system: hasSystem ? [{ all: true }] : [], links: { self: `${baseUrl(req)}/v3/auth/system` } };
  });
}
