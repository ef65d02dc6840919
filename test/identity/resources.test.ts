import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, passwordToken, startTestApp, type TestApp } from "../helpers/app.ts";

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const admin = (method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD", url: string, body?: unknown) =>
  call(t.app, t.adminToken, method, `/identity${url}`, body);

async function create(
  kind: string,
  body: Record<string, unknown>,
): Promise<{ id: string; [k: string]: unknown }> {
  const response = await admin("POST", `/v3/${kind}s`, { [kind]: body });
  assert.equal(response.statusCode, 201, response.body);
  return response.json()[kind];
}

test("project lifecycle with tags, filters and Keystone's errors", async () => {
  const project = await create("project", { name: "web", description: "front end", tags: ["prod", "eu"] });
  assert.equal(project.domain_id, "default");
  assert.equal(project.parent_id, "default");
  assert.deepEqual(project.tags, ["eu", "prod"]);
  assert.match(
    (project.links as { self: string }).self,
    new RegExp(`^http://localhost(:80)?/identity/v3/projects/${project.id}$`),
  );

  const duplicate = await admin("POST", "/v3/projects", { project: { name: "web" } });
  assert.equal(duplicate.statusCode, 409);
  assert.deepEqual(Object.keys(duplicate.json().error), ["code", "title", "message"]);
  assert.equal(duplicate.json().error.title, "Conflict");

  const child = await create("project", { name: "web-child", parent_id: project.id });
  assert.equal(child.parent_id, project.id);
  assert.equal((await admin("DELETE", `/v3/projects/${project.id}`)).statusCode, 403, "not a leaf");

  const byTag = (await admin("GET", "/v3/projects?tags=prod"))
    .json()
    .projects.map((p: { name: string }) => p.name);
  assert.deepEqual(byTag, ["web"]);
  const notTag = (await admin("GET", "/v3/projects?not-tags-any=prod"))
    .json()
    .projects.map((p: { name: string }) => p.name);
  assert.ok(notTag.includes("admin") && !notTag.includes("web"));
  assert.equal((await admin("PUT", `/v3/projects/${project.id}/tags/new`)).statusCode, 201);
  assert.equal((await admin("GET", `/v3/projects/${project.id}/tags/new`)).statusCode, 204);
  assert.deepEqual((await admin("GET", `/v3/projects/${project.id}/tags`)).json().tags, [
    "eu",
    "new",
    "prod",
  ]);

  const updated = await admin("PATCH", `/v3/projects/${project.id}`, {
    project: { enabled: false, description: "off" },
  });
  assert.equal(updated.json().project.enabled, false);
  const disabled = (await admin("GET", "/v3/projects?enabled=false"))
    .json()
    .projects.map((p: { name: string }) => p.name);
  assert.deepEqual(disabled, ["web"]);

  assert.equal((await admin("DELETE", `/v3/projects/${child.id}`)).statusCode, 204);
  assert.equal((await admin("DELETE", `/v3/projects/${project.id}`)).statusCode, 204);
  const gone = await admin("GET", `/v3/projects/${project.id}`);
  assert.equal(gone.statusCode, 404);
  assert.deepEqual(gone.json(), {
    error: { code: 404, title: "Not Found", message: `Could not find project: ${project.id}.` },
  });
  const bad = await admin("POST", "/v3/projects", { project: { name: "" } });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error.message, /Invalid input for field 'name': '' is too short/);
});

test("users keep extra attributes, change their own password, and lose tokens when disabled", async () => {
  const project = await create("project", { name: "team" });
  const user = await create("user", {
    name: "alice",
    password: "pw-1",
    email: "alice@example.org",
    default_project_id: project.id,
  });
  assert.equal(user.email, "alice@example.org");
  assert.equal(user.password, undefined, "the password is never returned");
  assert.equal(
    (await admin("PUT", `/v3/projects/${project.id}/users/${user.id}/roles/${await roleId("member")}`))
      .statusCode,
    204,
  );

  // No scope given: the token is scoped to the default project.
  const token = await passwordToken(t.app, "alice", "pw-1", null);
  const own = (await call(t.app, token, "GET", "/identity/v3/auth/tokens")).statusCode;
  assert.equal(own, 404, "no X-Subject-Token");
  const body = (
    await t.app.inject({
      method: "GET",
      url: "/identity/v3/auth/tokens",
      headers: { "x-auth-token": token, "x-subject-token": token },
    })
  ).json();
  assert.equal(body.token.project.id, project.id);

  const wrongOriginal = await call(t.app, token, "POST", `/identity/v3/users/${user.id}/password`, {
    user: { password: "pw-2", original_password: "nope" },
  });
  assert.equal(wrongOriginal.statusCode, 401);
  const changed = await call(t.app, token, "POST", `/identity/v3/users/${user.id}/password`, {
    user: { password: "pw-2", original_password: "pw-1" },
  });
  assert.equal(changed.statusCode, 204);
  assert.equal(
    (await call(t.app, token, "GET", "/identity/v3/auth/projects")).statusCode,
    401,
    "old tokens are revoked",
  );
  t.clock.advance(1); // revocations cover tokens issued up to and including their millisecond
  const fresh = await passwordToken(t.app, "alice", "pw-2", "team");

  assert.equal((await admin("PATCH", `/v3/users/${user.id}`, { user: { enabled: false } })).statusCode, 200);
  assert.equal(
    (await call(t.app, fresh, "GET", "/identity/v3/auth/projects")).statusCode,
    401,
    "disabled user",
  );
  await assert.rejects(passwordToken(t.app, "alice", "pw-2", "team"));
  assert.equal((await admin("GET", "/v3/users?name=alice")).json().users.length, 1);
  assert.equal((await admin("DELETE", `/v3/users/${user.id}`)).statusCode, 204);
  assert.equal((await admin("GET", `/v3/users/${user.id}`)).statusCode, 404);
});

async function roleId(name: string): Promise<string> {
  const [role] = (await admin("GET", `/v3/roles?name=${name}`)).json().roles as Array<{ id: string }>;
  assert.ok(role, `role ${name}`);
  return role.id;
}

test("groups grant roles to their members; role_assignments expands them with effective", async () => {
  const project = await create("project", { name: "ops" });
  const group = await create("group", { name: "operators" });
  const user = await create("user", { name: "bob", password: "pw" });
  assert.equal((await admin("PUT", `/v3/groups/${group.id}/users/${user.id}`)).statusCode, 204);
  assert.equal((await admin("HEAD", `/v3/groups/${group.id}/users/${user.id}`)).statusCode, 204);
  assert.deepEqual(
    (await admin("GET", `/v3/users/${user.id}/groups`)).json().groups.map((g: { name: string }) => g.name),
    ["operators"],
  );
  await assert.rejects(passwordToken(t.app, "bob", "pw", "ops"), /401/);

  const member = await roleId("member");
  assert.equal(
    (await admin("PUT", `/v3/projects/${project.id}/groups/${group.id}/roles/${member}`)).statusCode,
    204,
  );
  const token = await passwordToken(t.app, "bob", "pw", "ops");
  assert.ok(token);

  const direct = (await admin("GET", `/v3/role_assignments?scope.project.id=${project.id}`)).json()
    .role_assignments;
  assert.equal(direct.length, 1);
  assert.equal(direct[0].group.id, group.id);
  const effective = (
    await admin("GET", `/v3/role_assignments?scope.project.id=${project.id}&effective&include_names`)
  ).json().role_assignments;
  const names = effective.map((a: { role: { name: string } }) => a.role.name).sort();
  assert.deepEqual(names, ["member", "reader"], "member implies reader");
  assert.equal(effective[0].user.name, "bob");
  assert.equal(effective[0].scope.project.name, "ops");
  assert.match(effective[0].links.membership, new RegExp(`/v3/groups/${group.id}/users/${user.id}$`));

  assert.equal((await admin("DELETE", `/v3/groups/${group.id}/users/${user.id}`)).statusCode, 204);
  assert.equal(
    (await call(t.app, token, "GET", "/identity/v3/auth/projects")).statusCode,
    401,
    "roles are resolved at validation",
  );
  assert.equal(
    (await admin("DELETE", `/v3/projects/${project.id}/groups/${group.id}/roles/${member}`)).statusCode,
    204,
  );
  assert.equal(
    (await admin("DELETE", `/v3/projects/${project.id}/groups/${group.id}/roles/${member}`)).statusCode,
    404,
  );
});

test("roles, implied roles and their cycles", async () => {
  const a = await create("role", { name: "auditor" });
  const b = await create("role", { name: "observer" });
  assert.equal((await admin("POST", "/v3/roles", { role: { name: "auditor" } })).statusCode, 409);
  assert.equal((await admin("PUT", `/v3/roles/${a.id}/implies/${b.id}`)).statusCode, 201);
  assert.equal((await admin("HEAD", `/v3/roles/${a.id}/implies/${b.id}`)).statusCode, 204);
  assert.equal((await admin("PUT", `/v3/roles/${b.id}/implies/${a.id}`)).statusCode, 400, "cycle");
  const implied = (await admin("GET", `/v3/roles/${a.id}/implies`)).json().role_inference;
  assert.deepEqual(
    implied.implies.map((r: { name: string }) => r.name),
    ["observer"],
  );
  const all = (await admin("GET", "/v3/role_inferences")).json().role_inferences;
  assert.ok(all.some((rule: { prior_role: { name: string } }) => rule.prior_role.name === "admin"));
  assert.equal((await admin("DELETE", `/v3/roles/${a.id}`)).statusCode, 204);
  assert.equal((await admin("GET", `/v3/roles/${a.id}`)).statusCode, 404);
});

test("domains must be disabled before deletion; regions, services and endpoints", async () => {
  const domain = await create("domain", { name: "acme" });
  assert.equal((await admin("DELETE", `/v3/domains/${domain.id}`)).statusCode, 403);
  await admin("PATCH", `/v3/domains/${domain.id}`, { domain: { enabled: false } });
  assert.equal((await admin("DELETE", `/v3/domains/${domain.id}`)).statusCode, 204);

  const region = await create("region", { id: "RegionTwo", description: "second" });
  assert.equal(region.id, "RegionTwo");
  const service = await create("service", { type: "dns", name: "designate" });
  const endpoint = await create("endpoint", {
    service_id: service.id,
    interface: "public",
    url: "http://dns.example/",
    region_id: "RegionTwo",
  });
  assert.equal(endpoint.region, "RegionTwo");
  assert.equal((await admin("DELETE", "/v3/regions/RegionTwo")).statusCode, 403, "region has endpoints");
  const filtered = (await admin("GET", `/v3/endpoints?service_id=${service.id}`)).json().endpoints;
  assert.equal(filtered.length, 1);
  const bad = await admin("POST", "/v3/endpoints", {
    endpoint: { service_id: service.id, interface: "sideways", url: "http://x/" },
  });
  assert.equal(bad.statusCode, 400);
  assert.equal((await admin("DELETE", `/v3/services/${service.id}`)).statusCode, 204);
  assert.equal(
    (await admin("GET", `/v3/endpoints/${endpoint.id}`)).statusCode,
    404,
    "endpoints go with their service",
  );
});

test("identity changes are written to the event log in the same transaction", async () => {
  const before = await t.ctx.events.latestSeq();
  const project = await create("project", { name: "evented" });
  await admin("DELETE", `/v3/projects/${project.id}`);
  const failed = await admin("POST", "/v3/projects", { project: { name: "admin" } });
  assert.equal(failed.statusCode, 409);
  const rows = await t.ctx.db
    .as<{ events: { seq: number; type: string; resource_id: string | null } }>()
    .selectFrom("events")
    .select(["type", "resource_id"])
    .where("seq", ">", before)
    .orderBy("seq")
    .execute();
  assert.deepEqual(rows, [
    { type: "identity.project.created", resource_id: project.id },
    { type: "identity.project.deleted", resource_id: project.id },
  ]);
});
