import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { buildApp } from "../../src/app.ts";
import { loadConfig, type Config } from "../../src/config.ts";
import { createContext, type AppContext } from "../../src/context.ts";
import { bootstrapIdentity } from "../../src/identity/bootstrap.ts";
import { FakeClock, type Clock } from "../../src/lib/clock.ts";
import { serviceCatalog } from "../../src/services.ts";
import { testDbUrl } from "./db.ts";

export const ADMIN_PASSWORD = "admin-secret";

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  clock: FakeClock;
  /** A project-scoped admin token. */
  adminToken: string;
  close(): Promise<void>;
}

/**
 * A fresh app on a fresh database (in-memory SQLite, or its own PostgreSQL schema when
 * STRATUS_TEST_DB=postgres), bootstrapped like `stratus serve`.
 */
export async function startTestApp(
  options: { clock?: Clock; config?: Partial<Config> } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), "stratus-test-"));
  const { url, options: dbOptions, drop } = await testDbUrl();
  const config = {
    ...loadConfig(["--data-dir", dataDir, "--db", url]),
    adminPassword: ADMIN_PASSWORD,
    ...options.config,
  };
  const clock = (options.clock as FakeClock | undefined) ?? new FakeClock(new Date());
  const ctx = await createContext(config, { clock, db: dbOptions });
  await bootstrapIdentity(
    { db: ctx.db, events: ctx.events, clock },
    {
      baseUrl: "http://localhost",
      region: "RegionOne",
      adminPassword: ADMIN_PASSWORD,
      services: serviceCatalog,
    },
    () => ADMIN_PASSWORD,
  );
  const app = await buildApp(ctx);
  const adminToken = await passwordToken(app, "admin", ADMIN_PASSWORD, "admin");
  return {
    app,
    ctx,
    clock,
    adminToken,
    close: async () => {
      await app.close();
      await ctx.close();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Issues a project-scoped token (or unscoped when project is null); throws on failure. */
export async function passwordToken(
  app: FastifyInstance,
  user: string,
  password: string,
  project: string | null,
): Promise<string> {
  const response = await app.inject({
    method: "POST",
    url: "/identity/v3/auth/tokens",
    payload: {
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: user, domain: { id: "default" }, password } },
        },
        ...(project !== null ? { scope: { project: { name: project, domain: { id: "default" } } } } : {}),
      },
    },
  });
  if (response.statusCode !== 201)
    throw new Error(`token for ${user}: ${response.statusCode} ${response.body}`);
  return String(response.headers["x-subject-token"]);
}

/** A JSON request to the app with a token. */
export function call(
  app: FastifyInstance,
  token: string | null,
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD",
  url: string,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url,
    headers: { accept: "application/json", ...(token === null ? {} : { "x-auth-token": token }) },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

/** Makes a project with one user holding `role` on it; returns the user's project-scoped token. */
export async function userInNewProject(t: TestApp, project: string, role = "member"): Promise<string> {
  const admin = (method: "POST" | "PUT" | "GET", url: string, body?: unknown) =>
    call(t.app, t.adminToken, method, `/identity${url}`, body);
  const roleId: string = (await admin("GET", `/v3/roles?name=${role}`)).json().roles[0].id;
  const projectId: string = (await admin("POST", "/v3/projects", { project: { name: project } })).json()
    .project.id;
  const user = { name: `${project}-user`, password: "pw" };
  const userId: string = (await admin("POST", "/v3/users", { user })).json().user.id;
  await admin("PUT", `/v3/projects/${projectId}/users/${userId}/roles/${roleId}`);
  return passwordToken(t.app, user.name, user.password, project);
}
