import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ADMIN_PASSWORD, call, passwordToken, startTestApp, type TestApp } from "../helpers/app.ts";

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

test("version discovery lists v3 at /identity and /identity/v3", async () => {
  const root = await call(t.app, null, "GET", "/identity");
  assert.equal(root.statusCode, 300);
  assert.equal(root.json().versions.values[0].id, "v3.14");
  const v3 = await call(t.app, null, "GET", "/identity/v3");
  assert.equal(v3.json().version.status, "stable");
  assert.match(String(v3.headers["x-openstack-request-id"]), /^req-[0-9a-f-]{36}$/);
});

test("a password token carries user, project, roles (with inferred ones) and the catalog", async () => {
  const response = await call(t.app, null, "POST", "/identity/v3/auth/tokens", {
    auth: {
      identity: {
        methods: ["password"],
        password: { user: { name: "admin", domain: { name: "Default" }, password: ADMIN_PASSWORD } },
      },
      scope: { project: { name: "admin", domain: { id: "default" } } },
    },
  });
  assert.equal(response.statusCode, 201);
  assert.ok(response.headers["x-subject-token"]);
  const token = response.json().token;
  assert.deepEqual(token.methods, ["password"]);
  assert.equal(token.user.name, "admin");
  assert.deepEqual(token.user.domain, { id: "default", name: "Default" });
  assert.equal(token.project.name, "admin");
  assert.deepEqual(token.roles.map((r: { name: string }) => r.name).sort(), ["admin", "member", "reader"]);
  assert.match(token.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.equal(token.audit_ids.length, 1);
  const types = token.catalog.map((s: { type: string }) => s.type);
  for (const type of [
    "identity",
    "network",
    "image",
    "compute",
    "metric",
    "alarming",
    "rating",
    "load-balancer",
  ]) {
    assert.ok(types.includes(type), `catalog has ${type}`);
  }
  const identity = token.catalog.find((s: { type: string }) => s.type === "identity");
  assert.deepEqual(identity.endpoints.map((e: { interface: string }) => e.interface).sort(), [
    "admin",
    "internal",
    "public",
  ]);
  assert.equal(identity.endpoints[0].url, "http://localhost/identity");
});

test("nocatalog, unscoped, system and domain scopes", async () => {
  const identity = {
    methods: ["password"],
    password: { user: { name: "admin", domain: { id: "default" }, password: ADMIN_PASSWORD } },
  };
  const issue = (scope: unknown, query = "") =>
    call(t.app, null, "POST", `/identity/v3/auth/tokens${query}`, {
      auth: { identity, ...(scope ? { scope } : {}) },
    });
  const noCatalog = (
    await issue({ project: { name: "admin", domain: { id: "default" } } }, "?nocatalog")
  ).json().token;
  assert.equal(noCatalog.catalog, undefined);
  const unscoped = (await issue(undefined)).json().token;
  assert.equal(unscoped.project, undefined);
  assert.equal(unscoped.roles, undefined);
  const system = (await issue({ system: { all: true } })).json().token;
  assert.deepEqual(system.system, { all: true });
  const domain = await issue({ domain: { id: "default" } });
  assert.equal(domain.statusCode, 401, "admin has no role on the Default domain");
  assert.match(domain.json().error.message, /has no access to domain/);
});

test("wrong password, unknown user and disabled user all get the same 401", async () => {
  const attempt = (name: string, password: string) =>
    call(t.app, null, "POST", "/identity/v3/auth/tokens", {
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name, domain: { id: "default" }, password } },
        },
      },
    });
  const wrong = await attempt("admin", "nope");
  const unknown = await attempt("nobody", "nope");
  for (const response of [wrong, unknown]) {
    assert.equal(response.statusCode, 401);
    assert.deepEqual(response.json(), {
      error: {
        code: 401,
        title: "Unauthorized",
        message: "The request you have made requires authentication.",
      },
    });
  }
});

test("malformed auth bodies are 400 in Keystone's error shape", async () => {
  const response = await call(t.app, null, "POST", "/identity/v3/auth/tokens", {
    auth: { identity: { methods: [] } },
  });
  assert.equal(response.statusCode, 400);
  assert.equal(response.json().error.title, "Bad Request");
  assert.match(response.json().error.message, /Invalid input for field/);
});

test("validate, check and revoke a token; a revoked token is 401 everywhere", async () => {
  const token = await passwordToken(t.app, "admin", ADMIN_PASSWORD, "admin");
  const headers = { "x-auth-token": t.adminToken, "x-subject-token": token };
  const validated = await t.app.inject({ method: "GET", url: "/identity/v3/auth/tokens", headers });
  assert.equal(validated.statusCode, 200);
  assert.equal(validated.json().token.project.name, "admin");
  assert.equal(
    (await t.app.inject({ method: "HEAD", url: "/identity/v3/auth/tokens", headers })).statusCode,
    200,
  );
  assert.equal(
    (await t.app.inject({ method: "DELETE", url: "/identity/v3/auth/tokens", headers })).statusCode,
    204,
  );
  assert.equal(
    (await t.app.inject({ method: "GET", url: "/identity/v3/auth/tokens", headers })).statusCode,
    404,
  );
  const use = await call(t.app, token, "GET", "/identity/v3/auth/projects");
  assert.equal(use.statusCode, 401);
  // The admin's own token is untouched by revoking another one.
  assert.equal((await call(t.app, t.adminToken, "GET", "/identity/v3/auth/projects")).statusCode, 200);
});

test("a rescoped token keeps the original audit id and cannot outlive it", async () => {
  const unscoped = await passwordToken(t.app, "admin", ADMIN_PASSWORD, null);
  const response = await call(t.app, null, "POST", "/identity/v3/auth/tokens", {
    auth: {
      identity: { methods: ["token"], token: { id: unscoped } },
      scope: { project: { name: "admin", domain: { id: "default" } } },
    },
  });
  assert.equal(response.statusCode, 201);
  const rescoped = response.json().token;
  const original = (
    await t.app.inject({
      method: "GET",
      url: "/identity/v3/auth/tokens",
      headers: { "x-auth-token": t.adminToken, "x-subject-token": unscoped },
    })
  ).json().token;
  assert.equal(rescoped.audit_ids[1], original.audit_ids[0]);
  assert.equal(rescoped.expires_at, original.expires_at);
});

test("tokens expire after their lifetime (1 h by default)", async () => {
  const token = await passwordToken(t.app, "admin", ADMIN_PASSWORD, "admin");
  assert.equal((await call(t.app, token, "GET", "/identity/v3/auth/catalog")).statusCode, 200);
  t.clock.advance(3600 * 1000 + 1);
  assert.equal((await call(t.app, token, "GET", "/identity/v3/auth/catalog")).statusCode, 401);
  t.adminToken = await passwordToken(t.app, "admin", ADMIN_PASSWORD, "admin");
});

test("a tampered token is rejected", async () => {
  const token = t.adminToken;
  const tampered = token.slice(0, 20) + (token[20] === "A" ? "B" : "A") + token.slice(21);
  assert.equal((await call(t.app, tampered, "GET", "/identity/v3/auth/catalog")).statusCode, 401);
});

test("/v3/auth/catalog, /v3/auth/projects, /v3/auth/domains and /v3/auth/system", async () => {
  const catalog = (await call(t.app, t.adminToken, "GET", "/identity/v3/auth/catalog")).json();
  assert.ok(catalog.catalog.length >= 8);
  const projects = (await call(t.app, t.adminToken, "GET", "/identity/v3/auth/projects")).json();
  assert.deepEqual(
    projects.projects.map((p: { name: string }) => p.name),
    ["admin"],
  );
  const domains = (await call(t.app, t.adminToken, "GET", "/identity/v3/auth/domains")).json();
  assert.deepEqual(domains.domains, []);
  const system = (await call(t.app, t.adminToken, "GET", "/identity/v3/auth/system")).json();
  assert.deepEqual(system.system, [{ all: true }]);
  assert.equal((await call(t.app, null, "GET", "/identity/v3/auth/catalog")).statusCode, 401);
});

test("revocations are pruned once every token they could match has expired", async () => {
  const count = async () =>
    (await t.ctx.db.as<{ revocations: { id: number } }>().selectFrom("revocations").select("id").execute())
      .length;
  const revoke = async () => {
    const token = await passwordToken(t.app, "admin", ADMIN_PASSWORD, "admin");
    const headers = { "x-auth-token": token, "x-subject-token": token };
    assert.equal(
      (await t.app.inject({ method: "DELETE", url: "/identity/v3/auth/tokens", headers })).statusCode,
      204,
    );
  };
  await revoke();
  const before = await count();
  t.clock.advance(8 * 24 * 3600 * 1000);
  t.adminToken = await passwordToken(t.app, "admin", ADMIN_PASSWORD, "admin");
  await revoke();
  assert.equal(await count(), 1, `the ${before} older revocations were pruned`);
});
