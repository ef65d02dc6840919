import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { cliFor, type Env, type Row } from "./cli.ts";
import { startServer, testDialect, type Server } from "./server.ts";

/**
 * Keystone v3 through the real `openstack` CLI (python3-openstackclient) against a `stratus serve`
 * child process. Fixtures the CLI is not under test for are made with plain REST calls; every
 * CLI call costs about a second, so each one is made to count.
 */

const ADMIN_PASSWORD = "e2e-admin-Secret-1";
const HEX_ID = /^[0-9a-f]{32}$/;

let server: Server | undefined;
let adminToken = "";
let adminProjectId = "";
let adminUserId = "";
const roleIds = new Map<string, string>();

function srv(): Server {
  assert.ok(server, "the server did not start");
  return server;
}

// ---------------------------------------------------------------------------------------------
// REST helpers (fixtures and server-side checks)

interface ApiResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

async function api(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers["x-auth-token"] = options.token;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${srv().authUrl}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === "" ? null : (JSON.parse(text) as unknown),
    headers: response.headers,
  };
}

/** An admin REST call that must succeed; returns the body. */
async function adminApi<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await api(method, path, { token: adminToken, ...(body !== undefined ? { body } : {}) });
  assert.ok(
    response.status >= 200 && response.status < 300,
    `${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`,
  );
  return response.body as T;
}

async function passwordToken(user: string, password: string, project?: string): Promise<ApiResponse> {
  return api("POST", "/auth/tokens", {
    body: {
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: user, domain: { id: "default" }, password } },
        },
        ...(project !== undefined
          ? { scope: { project: { name: project, domain: { id: "default" } } } }
          : {}),
      },
    },
  });
}

interface Ref {
  id: string;
  name: string;
}

async function makeProject(name: string): Promise<Ref> {
  return (await adminApi<{ project: Ref }>("POST", "/projects", { project: { name } })).project;
}

async function makeUser(name: string, password: string): Promise<Ref> {
  return (await adminApi<{ user: Ref }>("POST", "/users", { user: { name, password } })).user;
}

async function grant(projectId: string, userId: string, role: string): Promise<void> {
  const roleId = roleIds.get(role);
  assert.ok(roleId, `no role ${role}`);
  await adminApi("PUT", `/projects/${projectId}/users/${userId}/roles/${roleId}`);
}

function errorMessage(body: unknown): string {
  return (body as { error?: { message?: string } } | null)?.error?.message ?? "";
}

// ---------------------------------------------------------------------------------------------
// CLI helpers

function common(): Record<string, string> {
  return { OS_AUTH_URL: srv().authUrl, OS_IDENTITY_API_VERSION: "3", OS_REGION_NAME: "RegionOne" };
}

function passwordEnv(user: string, password: string, project: string): Env {
  return {
    ...common(),
    OS_USERNAME: user,
    OS_PASSWORD: password,
    OS_PROJECT_NAME: project,
    OS_USER_DOMAIN_NAME: "Default",
    OS_PROJECT_DOMAIN_NAME: "Default",
  };
}

/** The admin's environment, as `source admin-openrc.sh` gives it. */
function adminEnv(): Env {
  return srv().openrc;
}

const { explain, cli, ok, json, fails } = cliFor(srv);

interface TokenOut {
  id: string;
  project_id: string;
  user_id: string;
  expires: string;
}

interface ProjectOut {
  id: string;
  name: string;
  description: string;
  domain_id: string;
  enabled: boolean;
  is_domain: boolean;
  parent_id: string;
  tags: string[];
}

interface UserOut {
  id: string;
  name: string;
  domain_id: string;
  enabled: boolean;
  email?: string;
  description?: string;
  default_project_id?: string;
  password?: unknown;
}

/** OSC prints times as 2026-01-02T03:04:05+0000. */
function parseCliTime(value: string): number {
  return Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, "$1:$2"));
}

// ---------------------------------------------------------------------------------------------

before(
  async () => {
    server = await startServer(ADMIN_PASSWORD);
    const auth = await passwordToken("admin", ADMIN_PASSWORD, "admin");
    assert.equal(auth.status, 201, JSON.stringify(auth.body));
    adminToken = auth.headers.get("x-subject-token") ?? "";
    const token = (auth.body as { token: { user: { id: string }; project: { id: string } } }).token;
    adminUserId = token.user.id;
    adminProjectId = token.project.id;
    const { roles } = await adminApi<{ roles: Ref[] }>("GET", "/roles");
    for (const role of roles) roleIds.set(role.name, role.id);
  },
  { timeout: 60_000 },
);

after(async () => {
  if (server === undefined) return;
  const exit = await server.stop();
  const output = server.output();
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, output);
  assert.ok(output.includes("Received SIGTERM, shutting down"), "no shutdown message");
});

test("serve prints its URL and database, and writes a working admin-openrc.sh", () => {
  const { baseUrl, database, openrc } = srv();
  assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(baseUrl, "http://127.0.0.1:0", "--port 0 must report the port it picked");
  assert.equal(database, testDialect());
  assert.deepEqual(openrc, {
    OS_AUTH_URL: `${baseUrl}/identity/v3`,
    OS_USERNAME: "admin",
    OS_PASSWORD: ADMIN_PASSWORD,
    OS_PROJECT_NAME: "admin",
    OS_USER_DOMAIN_NAME: "Default",
    OS_PROJECT_DOMAIN_NAME: "Default",
    OS_REGION_NAME: "RegionOne",
    OS_IDENTITY_API_VERSION: "3",
    OS_INTERFACE: "public",
  });
});

test("token issue: a project-scoped admin token that the server validates", async () => {
  const startedAt = Date.now();
  const token = await json<TokenOut>(adminEnv(), ["token", "issue"]);
  assert.deepEqual(Object.keys(token).sort(), ["expires", "id", "project_id", "user_id"]);
  assert.equal(token.project_id, adminProjectId);
  assert.equal(token.user_id, adminUserId);
  assert.ok(token.id.length > 20, token.id);
  // The default TTL is an hour.
  const expires = parseCliTime(token.expires);
  assert.ok(expires > startedAt + 3_500_000 && expires <= Date.now() + 3_600_000, token.expires);

  const validated = await api("GET", "/auth/tokens", {
    token: adminToken,
    headers: { "x-subject-token": token.id },
  });
  assert.equal(validated.status, 200, JSON.stringify(validated.body));
  const body = validated.body as { token: { user: Ref; project: Ref; methods: string[] } };
  assert.equal(body.token.user.name, "admin");
  assert.equal(body.token.project.name, "admin");
  assert.deepEqual(body.token.methods, ["password"]);
});

test("token revoke: the revoked token is refused, other tokens still work", async () => {
  const { id } = await json<TokenOut>(adminEnv(), ["token", "issue"]);
  const tokenEnv: Env = {
    ...common(),
    OS_AUTH_TYPE: "token",
    OS_TOKEN: id,
    OS_PROJECT_NAME: "admin",
    OS_PROJECT_DOMAIN_NAME: "Default",
  };
  const listed = await json<Row[]>(tokenEnv, ["project", "list"]);
  assert.ok(
    listed.some((row) => row.Name === "admin"),
    JSON.stringify(listed),
  );
  assert.equal((await api("GET", "/auth/projects", { token: id })).status, 200);

  await ok(adminEnv(), ["token", "revoke", id]);

  const refused = await api("GET", "/auth/projects", { token: id });
  assert.equal(refused.status, 401);
  assert.equal(errorMessage(refused.body), "The request you have made requires authentication.");
  const viaCli = await fails(tokenEnv, ["project", "list"]);
  assert.match(viaCli.stderr, /requires authentication\. \(HTTP 401\)/);
  // Only that token: the admin's other token is unaffected.
  assert.equal((await api("GET", "/auth/projects", { token: adminToken })).status, 200);
});

test("project create, show, set, list and delete", async () => {
  const env = adminEnv();
  const created = await json<ProjectOut>(env, [
    "project",
    "create",
    "--description",
    "E2E project",
    "--tag",
    "alpha",
    "--tag",
    "beta",
    "e2e-project",
  ]);
  assert.match(created.id, HEX_ID);
  assert.equal(created.name, "e2e-project");
  assert.equal(created.description, "E2E project");
  assert.equal(created.domain_id, "default");
  assert.equal(created.parent_id, "default");
  assert.equal(created.enabled, true);
  assert.equal(created.is_domain, false);
  assert.deepEqual(created.tags, ["alpha", "beta"]);

  const shown = await json<ProjectOut>(env, ["project", "show", "e2e-project"]);
  assert.deepEqual(shown, created);

  await ok(env, ["project", "set", "--description", "Changed", "--disable", "--tag", "gamma", created.id]);
  const changed = await json<ProjectOut>(env, ["project", "show", created.id]);
  assert.equal(changed.description, "Changed");
  assert.equal(changed.enabled, false);
  // `--tag` on set adds to the existing tags.
  assert.deepEqual([...changed.tags].sort(), ["alpha", "beta", "gamma"]);

  await ok(env, ["project", "set", "--enable", created.id]);
  const listed = await json<Row[]>(env, ["project", "list", "--long"]);
  assert.deepEqual(
    listed.find((row) => row.ID === created.id),
    {
      ID: created.id,
      Name: "e2e-project",
      "Domain ID": "default",
      Description: "Changed",
      Enabled: true,
    },
  );
  assert.ok(
    listed.some((row) => row.ID === adminProjectId && row.Name === "admin"),
    JSON.stringify(listed),
  );

  await ok(env, ["project", "delete", created.id]);
  const gone = await api("GET", `/projects/${created.id}`, { token: adminToken });
  assert.equal(gone.status, 404);
  assert.equal(errorMessage(gone.body), `Could not find project: ${created.id}.`);
});

test("user create, list, set, password set and delete", async () => {
  const env = adminEnv();
  const project = await makeProject("e2e-user-home");
  const created = await json<UserOut>(env, [
    "user",
    "create",
    "--password",
    "first-Pass-1",
    "--project",
    project.name,
    "--email",
    "alice@example.org",
    "--description",
    "Alice",
    "e2e-alice",
  ]);
  assert.match(created.id, HEX_ID);
  assert.equal(created.name, "e2e-alice");
  assert.equal(created.domain_id, "default");
  assert.equal(created.enabled, true);
  assert.equal(created.email, "alice@example.org");
  assert.equal(created.description, "Alice");
  assert.equal(created.default_project_id, project.id);
  assert.equal(created.password, undefined, "the password must never be echoed back");

  const listed = await json<Row[]>(env, ["user", "list"]);
  assert.ok(
    listed.some((row) => row.ID === created.id && row.Name === "e2e-alice"),
    JSON.stringify(listed),
  );
  assert.ok(
    listed.some((row) => row.ID === adminUserId && row.Name === "admin"),
    JSON.stringify(listed),
  );

  await ok(env, ["user", "set", "--email", "alice@example.com", "--description", "Alice B.", "e2e-alice"]);
  const changed = await json<UserOut>(env, ["user", "show", created.id]);
  assert.equal(changed.email, "alice@example.com");
  assert.equal(changed.description, "Alice B.");
  assert.equal(changed.default_project_id, project.id);

  // Self-service password change, as the user (who needs a role to get a scoped token).
  await grant(project.id, created.id, "member");
  await ok(passwordEnv("e2e-alice", "first-Pass-1", project.name), [
    "user",
    "password",
    "set",
    "--original-password",
    "first-Pass-1",
    "--password",
    "second-Pass-2",
  ]);
  assert.equal((await passwordToken("e2e-alice", "first-Pass-1", project.name)).status, 401);
  assert.equal((await passwordToken("e2e-alice", "second-Pass-2", project.name)).status, 201);

  await ok(env, ["user", "delete", "e2e-alice"]);
  const gone = await api("GET", `/users/${created.id}`, { token: adminToken });
  assert.equal(gone.status, 404);
  assert.equal(errorMessage(gone.body), `Could not find user: ${created.id}.`);
  assert.equal((await passwordToken("e2e-alice", "second-Pass-2", project.name)).status, 401);
});

test("group create, add user, contains user, remove user", async () => {
  const env = adminEnv();
  const user = await makeUser("e2e-bob", "bob-Pass-1");
  const group = await json<{ id: string; name: string; description: string; domain_id: string }>(env, [
    "group",
    "create",
    "--description",
    "E2E group",
    "e2e-group",
  ]);
  assert.match(group.id, HEX_ID);
  assert.deepEqual(
    { name: group.name, description: group.description, domain_id: group.domain_id },
    { name: "e2e-group", description: "E2E group", domain_id: "default" },
  );

  await ok(env, ["group", "add", "user", "e2e-group", "e2e-bob"]);
  const members = await adminApi<{ users: Ref[] }>("GET", `/groups/${group.id}/users`);
  assert.deepEqual(
    members.users.map((u) => u.id),
    [user.id],
  );
  const contains = await cli(env, ["group", "contains", "user", "e2e-group", "e2e-bob"]);
  assert.equal(contains.code, 0, explain(["group", "contains", "user"], contains));
  assert.equal(contains.stdout.trim(), "e2e-bob in group e2e-group");

  await ok(env, ["group", "remove", "user", "e2e-group", "e2e-bob"]);
  const notContains = await cli(env, ["group", "contains", "user", "e2e-group", "e2e-bob"]);
  // OSC reports a non-member on stderr and still exits 0.
  assert.equal(notContains.stdout, "");
  assert.equal(notContains.stderr.trim(), "e2e-bob not in group e2e-group");
  assert.deepEqual((await adminApi<{ users: Ref[] }>("GET", `/groups/${group.id}/users`)).users, []);
});

test("role create, role add, role assignment list with names", async () => {
  const env = adminEnv();
  const project = await makeProject("e2e-role-project");
  await makeUser("e2e-carol", "carol-Pass-1");

  const role = await json<{ id: string; name: string; description: string | null; domain_id: string | null }>(
    env,
    ["role", "create", "--description", "E2E role", "e2e-auditor"],
  );
  assert.match(role.id, HEX_ID);
  assert.equal(role.name, "e2e-auditor");
  assert.equal(role.description, "E2E role");
  assert.equal(role.domain_id, null);

  await ok(env, ["role", "add", "--user", "e2e-carol", "--project", project.name, "member"]);
  await ok(env, ["role", "add", "--user", "e2e-carol", "--project", project.name, "e2e-auditor"]);

  const row = (roleName: string, user: string, projectName: string) => ({
    Role: roleName,
    User: `${user}@Default`,
    Group: "",
    Project: `${projectName}@Default`,
    Domain: "",
    System: "",
    Inherited: false,
  });
  const byRole = (a: Row, b: Row) => String(a.Role).localeCompare(String(b.Role));

  const direct = await json<Row[]>(env, [
    "role",
    "assignment",
    "list",
    "--user",
    "e2e-carol",
    "--project",
    project.name,
    "--names",
  ]);
  assert.deepEqual(direct.sort(byRole), [
    row("e2e-auditor", "e2e-carol", project.name),
    row("member", "e2e-carol", project.name),
  ]);

  // Effective assignments include what member implies (reader).
  const effective = await json<Row[]>(env, [
    "role",
    "assignment",
    "list",
    "--user",
    "e2e-carol",
    "--project",
    project.name,
    "--names",
    "--effective",
  ]);
  assert.deepEqual(effective.sort(byRole), [
    row("e2e-auditor", "e2e-carol", project.name),
    row("member", "e2e-carol", project.name),
    row("reader", "e2e-carol", project.name),
  ]);

  const all = await json<Row[]>(env, ["role", "assignment", "list", "--names"]);
  for (const expected of [
    row("admin", "admin", "admin"),
    row("member", "e2e-carol", project.name),
    row("e2e-auditor", "e2e-carol", project.name),
    { ...row("admin", "admin", ""), Project: "", System: "all" },
  ])
    assert.ok(
      all.some((r) => JSON.stringify(r) === JSON.stringify(expected)),
      `missing ${JSON.stringify(expected)} in ${JSON.stringify(all, null, 1)}`,
    );
});

test("catalog list: every service with the server's URLs", async () => {
  const { baseUrl } = srv();
  type Entry = { Name: string; Type: string; Endpoints: Array<Record<string, string>> };
  const catalog = await json<Entry[]>(adminEnv(), ["catalog", "list"]);
  const expected: Array<[type: string, name: string, path: string]> = [
    ["identity", "keystone", "/identity"],
    ["network", "neutron", "/networking"],
    ["image", "glance", "/image"],
    ["compute", "nova", "/compute/v2.1"],
    ["load-balancer", "octavia", "/load-balancer"],
  ];
  for (const [type, name, path] of expected) {
    const entry = catalog.find((e) => e.Type === type);
    assert.ok(entry, `no ${type} service in ${JSON.stringify(catalog)}`);
    assert.equal(entry.Name, name);
    assert.deepEqual(
      entry.Endpoints.map((e) => ({ interface: e.interface, region: e.region, url: e.url })).sort((a, b) =>
        String(a.interface).localeCompare(String(b.interface)),
      ),
      ["admin", "internal", "public"].map((iface) => ({
        interface: iface,
        region: "RegionOne",
        url: `${baseUrl}${path}`,
      })),
    );
  }
});

test("application credential: a member creates one and authenticates with it", async () => {
  const project = await makeProject("e2e-app-project");
  const user = await makeUser("e2e-dave", "dave-Pass-1");
  await grant(project.id, user.id, "member");
  const daveEnv = passwordEnv("e2e-dave", "dave-Pass-1", project.name);

  const credential = await json<{
    id: string;
    name: string;
    secret: string;
    project_id: string;
    user_id: string;
    roles: string;
    unrestricted: boolean;
    expires_at: string | null;
    description: string | null;
  }>(daveEnv, ["application", "credential", "create", "--description", "CI deploys", "e2e-ci"]);
  assert.match(credential.id, HEX_ID);
  assert.equal(credential.name, "e2e-ci");
  assert.equal(credential.description, "CI deploys");
  assert.equal(credential.project_id, project.id);
  assert.equal(credential.user_id, user.id);
  assert.equal(credential.unrestricted, false);
  assert.equal(credential.expires_at, null);
  assert.ok(credential.secret.length >= 32, "a generated secret");
  assert.deepEqual(credential.roles.split(/\s+/).sort(), ["member", "reader"]);

  // Authenticate with only the credential: no username, password or project.
  const token = await json<TokenOut>(
    {
      ...common(),
      OS_AUTH_TYPE: "v3applicationcredential",
      OS_APPLICATION_CREDENTIAL_ID: credential.id,
      OS_APPLICATION_CREDENTIAL_SECRET: credential.secret,
    },
    ["token", "issue"],
  );
  assert.equal(token.project_id, project.id);
  assert.equal(token.user_id, user.id);

  const validated = await api("GET", "/auth/tokens", {
    token: adminToken,
    headers: { "x-subject-token": token.id },
  });
  assert.equal(validated.status, 200, JSON.stringify(validated.body));
  const body = validated.body as { token: { methods: string[]; application_credential?: { id: string } } };
  assert.deepEqual(body.token.methods, ["application_credential"]);
  assert.equal(body.token.application_credential?.id, credential.id);
  assert.equal((await api("GET", "/auth/projects", { token: token.id })).status, 200);

  const listed = await json<Row[]>(daveEnv, ["application", "credential", "list"]);
  assert.deepEqual(
    listed.map((row) => [row.ID, row.Name, row["Project ID"]]),
    [[credential.id, "e2e-ci", project.id]],
  );
  // Deleting the credential ends the tokens issued with it.
  await ok(daveEnv, ["application", "credential", "delete", "e2e-ci"]);
  assert.equal((await api("GET", "/auth/projects", { token: token.id })).status, 401);
});

test("a wrong password is refused with 401", async () => {
  const result = await fails({ ...adminEnv(), OS_PASSWORD: "not-the-password" }, [
    "token",
    "issue",
    "-f",
    "json",
  ]);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /The request you have made requires authentication\. \(HTTP 401\)/);
  const last = srv()
    .requests()
    .filter((r) => r.method === "POST" && r.path === "/identity/v3/auth/tokens")
    .at(-1);
  assert.equal(last?.status, 401);
});

test("a project member may not create users (403)", async () => {
  const project = await makeProject("e2e-member-project");
  const user = await makeUser("e2e-erin", "erin-Pass-1");
  await grant(project.id, user.id, "member");

  const result = await fails(passwordEnv("e2e-erin", "erin-Pass-1", project.name), [
    "user",
    "create",
    "--password",
    "x-Pass-1",
    "e2e-intruder",
  ]);
  assert.match(
    result.stderr,
    /You are not authorized to perform the requested action: identity:create_user\. \(HTTP 403\)/,
  );
  assert.deepEqual((await adminApi<{ users: Ref[] }>("GET", "/users?name=e2e-intruder")).users, []);
});

test("a reader sees only their own project", async () => {
  const mine = await makeProject("e2e-reader-a");
  const other = await makeProject("e2e-reader-b");
  const user = await makeUser("e2e-frank", "frank-Pass-1");
  await grant(mine.id, user.id, "reader");
  const env = passwordEnv("e2e-frank", "frank-Pass-1", mine.name);

  const listed = await json<Row[]>(env, ["project", "list"]);
  assert.deepEqual(listed, [{ ID: mine.id, Name: mine.name }]);

  const shown = await json<ProjectOut>(env, ["project", "show", mine.id]);
  assert.equal(shown.name, mine.name);

  const result = await fails(env, ["project", "show", other.id]);
  // OSC turns the 404 into its own message; the server's answer is checked below.
  assert.match(result.stderr, new RegExp(`No project with a name or ID of '${other.id}' exists\\.`));
  const lookups = srv()
    .requests()
    .filter((r) => r.method === "GET" && r.path === `/identity/v3/projects/${other.id}`);
  assert.ok(lookups.length > 0, "the CLI asked for the project by id");
  for (const lookup of lookups) assert.deepEqual([lookup.status, lookup.user_id], [404, user.id]);

  const token = (await passwordToken("e2e-frank", "frank-Pass-1", mine.name)).headers.get("x-subject-token");
  assert.ok(token);
  const direct = await api("GET", `/projects/${other.id}`, { token });
  assert.equal(direct.status, 404);
  assert.equal(errorMessage(direct.body), `Could not find project: ${other.id}.`);
});
