import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, passwordToken, startTestApp, type TestApp } from "../helpers/app.ts";

let t: TestApp;
let projectA = "";
let projectB = "";
before(async () => {
  t = await startTestApp();
  const admin = (url: string, body?: unknown, method: "POST" | "PUT" | "GET" = "POST") =>
    call(t.app, t.adminToken, method, `/identity${url}`, body);
  projectA = (await admin("/v3/projects", { project: { name: "a" } })).json().project.id;
  projectB = (await admin("/v3/projects", { project: { name: "b" } })).json().project.id;
  const roles = new Map<string, string>(
    (await admin("/v3/roles", undefined, "GET"))
      .json()
      .roles.map((r: { id: string; name: string }) => [r.name, r.id]),
  );
  for (const [name, role] of [
    ["mia", "member"],
    ["rey", "reader"],
  ] as const) {
    const user = (await admin("/v3/users", { user: { name, password: "pw" } })).json().user.id;
    await admin(`/v3/projects/${projectA}/users/${user}/roles/${roles.get(role) ?? ""}`, undefined, "PUT");
  }
});
after(() => t.close());

test("a member cannot create users: 403 in Keystone's shape", async () => {
  const token = await passwordToken(t.app, "mia", "pw", "a");
  const response = await call(t.app, token, "POST", "/identity/v3/users", { user: { name: "eve" } });
  assert.equal(response.statusCode, 403);
  assert.deepEqual(response.json(), {
    error: {
      code: 403,
      title: "Forbidden",
      message: "You are not authorized to perform the requested action: identity:create_user.",
    },
  });
  assert.equal(
    (await call(t.app, t.adminToken, "GET", "/identity/v3/users?name=eve")).json().users.length,
    0,
  );
});

test("a reader sees only its own project; another project is not found", async () => {
  const token = await passwordToken(t.app, "rey", "pw", "a");
  const list = (await call(t.app, token, "GET", "/identity/v3/projects")).json().projects;
  assert.deepEqual(
    list.map((p: { id: string }) => p.id),
    [projectA],
  );
  assert.equal((await call(t.app, token, "GET", `/identity/v3/projects/${projectA}`)).statusCode, 200);
  const other = await call(t.app, token, "GET", `/identity/v3/projects/${projectB}`);
  assert.equal(other.statusCode, 404);
  assert.equal(other.json().error.message, `Could not find project: ${projectB}.`);
  assert.equal(
    (
      await call(t.app, token, "PATCH", `/identity/v3/projects/${projectA}`, {
        project: { description: "x" },
      })
    ).statusCode,
    403,
  );
  await assert.rejects(passwordToken(t.app, "rey", "pw", "b"), /401/);
});

test("no token is 401 on every protected resource", async () => {
  for (const url of [
    "/identity/v3/projects",
    "/identity/v3/users",
    "/identity/v3/role_assignments",
    "/identity/v3/auth/catalog",
  ]) {
    const response = await call(t.app, null, "GET", url);
    assert.equal(response.statusCode, 401, url);
    assert.equal(response.json().error.title, "Unauthorized");
  }
});

test("application credentials: secret once, roles limited to the creator's, usable to authenticate", async () => {
  const token = await passwordToken(t.app, "mia", "pw", "a");
  const me = (
    await t.app.inject({
      method: "GET",
      url: "/identity/v3/auth/tokens",
      headers: { "x-auth-token": token, "x-subject-token": token },
    })
  ).json().token.user.id;
  const tooMuch = await call(t.app, token, "POST", `/identity/v3/users/${me}/application_credentials`, {
    application_credential: { name: "ci", roles: [{ name: "admin" }] },
  });
  assert.equal(tooMuch.statusCode, 404, "cannot delegate a role the creator does not have");
  const created = await call(t.app, token, "POST", `/identity/v3/users/${me}/application_credentials`, {
    application_credential: { name: "ci", roles: [{ name: "reader" }] },
  });
  assert.equal(created.statusCode, 201);
  const credential = created.json().application_credential;
  assert.ok(credential.secret.length >= 32);
  assert.equal(credential.project_id, projectA);
  const shown = (
    await call(t.app, token, "GET", `/identity/v3/users/${me}/application_credentials/${credential.id}`)
  ).json();
  assert.equal(shown.application_credential.secret, undefined, "the secret is shown only once");

  const auth = await call(t.app, null, "POST", "/identity/v3/auth/tokens", {
    auth: {
      identity: {
        methods: ["application_credential"],
        application_credential: { id: credential.id, secret: credential.secret },
      },
    },
  });
  assert.equal(auth.statusCode, 201);
  const body = auth.json().token;
  assert.equal(body.project.id, projectA);
  assert.deepEqual(
    body.roles.map((r: { name: string }) => r.name),
    ["reader"],
  );
  assert.equal(body.application_credential.id, credential.id);
  const wrong = await call(t.app, null, "POST", "/identity/v3/auth/tokens", {
    auth: {
      identity: {
        methods: ["application_credential"],
        application_credential: { id: credential.id, secret: "nope" },
      },
    },
  });
  assert.equal(wrong.statusCode, 401);

  const appToken = String(auth.headers["x-subject-token"]);
  assert.equal(
    (await call(t.app, token, "DELETE", `/identity/v3/users/${me}/application_credentials/${credential.id}`))
      .statusCode,
    204,
  );
  assert.equal(
    (await call(t.app, appToken, "GET", "/identity/v3/auth/catalog")).statusCode,
    401,
    "tokens die with the credential",
  );
});
