import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import * as rbacMigration from "../../src/db/migrations/0009-network-rbac.ts";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";

let t: TestApp;
/** Tokens and project ids: A owns the networks, B and C are the projects access is granted to. */
const p = { a: "", b: "", c: "" };
const token = { a: "", b: "", c: "" };

before(async () => {
  t = await startTestApp();
  token.a = await userInNewProject(t, "rbac-a");
  token.b = await userInNewProject(t, "rbac-b");
  token.c = await userInNewProject(t, "rbac-c");
  for (const key of ["a", "b", "c"] as const) p[key] = (await network(token[key], "probe")).project_id;
});
after(() => t.close());

type Method = "GET" | "POST" | "PUT" | "DELETE";
const net = (tok: string, method: Method, url: string, body?: unknown) =>
  call(t.app, tok, method, `/networking/v2.0${url}`, body);

async function network(tok: string, name: string, extra: Record<string, unknown> = {}) {
  const response = await net(tok, "POST", "/networks", { network: { name, ...extra } });
  assert.equal(response.statusCode, 201, response.body);
  return response.json().network as { id: string; project_id: string };
}

async function grant(tok: string, objectId: string, target: string, action = "access_as_shared") {
  const response = await net(tok, "POST", "/rbac-policies", {
    rbac_policy: { object_type: "network", object_id: objectId, action, target_tenant: target },
  });
  assert.equal(response.statusCode, 201, response.body);
  return response.json().rbac_policy as { id: string };
}

async function port(tok: string, networkId: string) {
  const response = await net(tok, "POST", "/ports", { port: { network_id: networkId } });
  assert.equal(response.statusCode, 201, response.body);
  return response.json().port.id as string;
}

const seen = async (tok: string, id: string) => (await net(tok, "GET", `/networks/${id}`)).statusCode === 200;
const listed = async (tok: string, id: string, query = "") =>
  (await net(tok, "GET", `/networks${query}`)).json().networks.some((n: { id: string }) => n.id === id);

test("the extension is advertised and a policy has Neutron's fields", async () => {
  const aliases = (await net(token.a, "GET", "/extensions"))
    .json()
    .extensions.map((e: { alias: string }) => e.alias);
  assert.ok(aliases.includes("rbac-policies"));
  const net1 = await network(token.a, "fields");
  const response = await net(token.a, "POST", "/rbac-policies", {
    rbac_policy: {
      object_type: "network",
      object_id: net1.id,
      action: "access_as_shared",
      target_tenant: p.b,
    },
  });
  assert.equal(response.statusCode, 201);
  const policy = response.json().rbac_policy;
  assert.deepEqual(policy, {
    id: policy.id,
    project_id: p.a,
    tenant_id: p.a,
    object_type: "network",
    object_id: net1.id,
    action: "access_as_shared",
    target_tenant: p.b,
  });
  assert.deepEqual((await net(token.a, "GET", `/rbac-policies/${policy.id}`)).json().rbac_policy, policy);
  const mine = (await net(token.a, "GET", `/rbac-policies?object_id=${net1.id}`)).json().rbac_policies;
  assert.deepEqual(mine, [policy]);
  const events = await t.ctx.db
    .as<{ events: { seq: number; type: string; resource_id: string | null } }>()
    .selectFrom("events")
    .select("type")
    .where("resource_id", "=", policy.id)
    .execute();
  assert.deepEqual(
    events.map((e) => e.type),
    ["rbac_policy.create.end"],
  );
});

test("other projects' policies do not exist for them, even the target's", async () => {
  const net1 = await network(token.a, "hidden-policy");
  const policy = await grant(token.a, net1.id, p.b);
  for (const tok of [token.b, token.c]) {
    expectNeutronError(
      await net(tok, "GET", `/rbac-policies/${policy.id}`),
      404,
      "RbacPolicyNotFound",
      `RBAC policy of type unknown with ID ${policy.id} not found`,
    );
    assert.deepEqual((await net(tok, "GET", `/rbac-policies?object_id=${net1.id}`)).json().rbac_policies, []);
    assert.equal((await net(tok, "DELETE", `/rbac-policies/${policy.id}`)).statusCode, 404);
    const put = await net(tok, "PUT", `/rbac-policies/${policy.id}`, { rbac_policy: { target_tenant: p.c } });
    assert.equal(put.statusCode, 404);
  }
  const all = (await net(t.adminToken, "GET", `/rbac-policies?object_id=${net1.id}`)).json().rbac_policies;
  assert.deepEqual(
    all.map((r: { id: string }) => r.id),
    [policy.id],
  );
  const tags = await net(token.a, "PUT", `/rbac-policies/${policy.id}/tags/red`);
  expectNeutronError(tags, 404, "HTTPNotFound", "The resource could not be found.");
  assert.equal((await net(token.a, "GET", `/rbac-policies/${policy.id}/tags`)).statusCode, 404);
});

test("access_as_shared: B sees the network and attaches ports only while a policy names it", async () => {
  const shared = await network(token.a, "to-b");
  assert.equal(await seen(token.b, shared.id), false);
  expectNeutronError(
    await net(token.b, "POST", "/ports", { port: { network_id: shared.id } }),
    404,
    "NetworkNotFound",
    `Network ${shared.id} could not be found.`,
  );
  const policy = await grant(token.a, shared.id, p.b);
  const asB = (await net(token.b, "GET", `/networks/${shared.id}`)).json().network;
  assert.equal(asB.shared, true, "shared for the project it is shared with, as Neutron shows it");
  assert.equal((await net(token.a, "GET", `/networks/${shared.id}`)).json().network.shared, false);
  assert.equal(await listed(token.b, shared.id), true);
  assert.equal(await listed(token.b, shared.id, "?shared=true"), true);
  assert.equal(await listed(token.b, shared.id, "?shared=false"), false);
  assert.equal(await listed(token.c, shared.id), false);
  assert.equal(await seen(token.c, shared.id), false);

  const subnet = await net(token.a, "POST", "/subnets", {
    subnet: { network_id: shared.id, cidr: "10.9.0.0/24", ip_version: 4 },
  });
  assert.equal(subnet.statusCode, 201);
  // The subnets come with the network: B sees them, C does not.
  const subnetId = subnet.json().subnet.id as string;
  assert.equal((await net(token.b, "GET", `/subnets/${subnetId}`)).statusCode, 200);
  const bSubnets = (await net(token.b, "GET", `/subnets?network_id=${shared.id}`)).json().subnets;
  assert.deepEqual(
    bSubnets.map((x: { id: string }) => x.id),
    [subnetId],
  );
  assert.equal((await net(token.c, "GET", `/subnets/${subnetId}`)).statusCode, 404);
  assert.deepEqual((await net(token.c, "GET", `/subnets?network_id=${shared.id}`)).json().subnets, []);
  const created = await net(token.b, "POST", "/ports", { port: { network_id: shared.id } });
  assert.equal(created.statusCode, 201);
  assert.match(created.json().port.fixed_ips[0].ip_address, /^10\.9\.0\./);
  const portId = created.json().port.id as string;
  expectNeutronError(
    await net(token.a, "DELETE", `/rbac-policies/${policy.id}`),
    409,
    "RbacPolicyInUse",
    `RBAC policy on object ${shared.id} cannot be removed because other objects depend on it.\n` +
      `Details: Unable to reconfigure sharing settings for network ${shared.id}. Multiple tenants are using it.`,
  );
  assert.equal((await net(token.b, "DELETE", `/ports/${portId}`)).statusCode, 204);
  assert.equal((await net(token.a, "DELETE", `/rbac-policies/${policy.id}`)).statusCode, 204);
  assert.equal(await seen(token.b, shared.id), false);
  assert.equal(await listed(token.b, shared.id), false);
});

test("retargeting moves access, and is refused while the old target has ports", async () => {
  const moving = await network(token.a, "moving");
  const policy = await grant(token.a, moving.id, p.b);
  const portId = await port(token.b, moving.id);
  const move = () =>
    net(token.a, "PUT", `/rbac-policies/${policy.id}`, { rbac_policy: { target_tenant: p.c } });
  assert.equal((await move()).statusCode, 409);
  assert.equal((await move()).json().NeutronError.type, "RbacPolicyInUse");
  await net(token.b, "DELETE", `/ports/${portId}`);
  const moved = await move();
  assert.equal(moved.statusCode, 200);
  assert.equal(moved.json().rbac_policy.target_tenant, p.c);
  assert.equal(await seen(token.b, moving.id), false);
  assert.equal(await seen(token.c, moving.id), true);
  expectNeutronError(
    await net(token.a, "PUT", `/rbac-policies/${policy.id}`, {
      rbac_policy: { action: "access_as_external" },
    }),
    400,
    "HTTPBadRequest",
    "Cannot update read-only attribute action",
  );
  expectNeutronError(
    await net(token.a, "PUT", `/rbac-policies/${policy.id}`, { rbac_policy: { target_tenant: "*" } }),
    403,
    "PolicyNotAuthorized",
    "(rule:update_rbac_policy and rule:update_rbac_policy:target_tenant) is disallowed by policy",
  );
  // Retargeting onto an existing entry would duplicate it.
  const other = await grant(token.a, moving.id, p.b);
  const dup = await net(token.a, "PUT", `/rbac-policies/${other.id}`, {
    rbac_policy: { target_tenant: p.c },
  });
  expectNeutronError(dup, 409, "DuplicateRbacPolicy", "An RBAC policy already exists with those values.");
});

test("bad input is a 400 with Neutron's words; duplicates are a 409", async () => {
  const target = await network(token.a, "validation");
  const body = (extra: Record<string, unknown>) => ({
    rbac_policy: {
      object_type: "network",
      object_id: target.id,
      action: "access_as_shared",
      target_tenant: p.b,
      ...extra,
    },
  });
  const cases: Array<[Record<string, unknown>, string, string]> = [
    [
      { object_type: "qos_policy" },
      "InvalidInput",
      "Invalid input for operation: 'qos_policy' is not a valid RBAC object type.",
    ],
    [
      { action: "access_as_readonly" },
      "InvalidActionForType",
      "Invalid action 'access_as_readonly' for object type 'network'. Valid actions: ('access_as_shared', 'access_as_external')",
    ],
    [
      { object_id: "nope" },
      "HTTPBadRequest",
      "Invalid input for object_id. Reason: 'nope' is not a valid UUID.",
    ],
    [
      { target_tenant: 7 },
      "HTTPBadRequest",
      "Invalid input for target_tenant. Reason: '7' is not a valid string.",
    ],
    [{ name: "x" }, "HTTPBadRequest", "Unrecognized attribute(s) 'name'"],
  ];
  for (const [extra, type, message] of cases)
    expectNeutronError(await net(token.a, "POST", "/rbac-policies", body(extra)), 400, type, message);
  const missing = await net(token.a, "POST", "/rbac-policies", {
    rbac_policy: { object_type: "network", object_id: target.id, action: "access_as_shared" },
  });
  expectNeutronError(
    missing,
    400,
    "HTTPBadRequest",
    "Failed to parse request. Required attribute 'target_tenant' not specified",
  );
  expectNeutronError(
    await net(token.a, "POST", "/rbac-policies", body({ target_tenant: "*" })),
    403,
    "PolicyNotAuthorized",
    "((((rule:create_rbac_policy and rule:create_rbac_policy:object_type) and rule:create_rbac_policy:object_id) and rule:create_rbac_policy:target_tenant) and rule:create_rbac_policy:action) is disallowed by policy",
  );
  assert.equal(
    (await net(token.a, "POST", "/rbac-policies", body({ object_type: " Network " }))).statusCode,
    201,
  );
  expectNeutronError(
    await net(token.a, "POST", "/rbac-policies", body({})),
    409,
    "DuplicateRbacPolicy",
    "An RBAC policy already exists with those values.",
  );
  const bulk = await net(token.a, "POST", "/rbac-policies", {
    rbac_policies: [body({ target_tenant: p.c }).rbac_policy, body({}).rbac_policy],
  });
  assert.equal(bulk.statusCode, 409, "bulk is all or nothing");
  assert.equal(await seen(token.c, target.id), false);
});

test("only the network's owner or an admin grants access to it", async () => {
  const privateNet = await network(token.a, "not-yours");
  expectNeutronError(
    await net(token.b, "POST", "/rbac-policies", {
      rbac_policy: {
        object_type: "network",
        object_id: privateNet.id,
        action: "access_as_shared",
        target_tenant: p.b,
      },
    }),
    404,
    "NetworkNotFound",
    `Network ${privateNet.id} could not be found.`,
  );
  await grant(token.a, privateNet.id, p.b);
  expectNeutronError(
    await net(token.b, "POST", "/rbac-policies", {
      rbac_policy: {
        object_type: "network",
        object_id: privateNet.id,
        action: "access_as_shared",
        target_tenant: p.c,
      },
    }),
    400,
    "InvalidInput",
    "Invalid input for operation: Only admins can manipulate policies on networks they do not own.",
  );
  const byAdmin = await grant(t.adminToken, privateNet.id, p.c);
  assert.equal(await seen(token.c, privateNet.id), true);
  assert.equal((await net(t.adminToken, "DELETE", `/rbac-policies/${byAdmin.id}`)).statusCode, 204);
});

test("shared=true is the wildcard access_as_shared entry, and back", async () => {
  const common = await network(t.adminToken, "common", { project_id: p.a, shared: true });
  const entries = (await net(t.adminToken, "GET", `/rbac-policies?object_id=${common.id}`)).json()
    .rbac_policies;
  assert.deepEqual(
    entries.map((e: Record<string, string>) => [e.project_id, e.action, e.target_tenant]),
    [[p.a, "access_as_shared", "*"]],
  );
  assert.equal((await net(token.c, "GET", `/networks/${common.id}`)).json().network.shared, true);
  const portId = await port(token.b, common.id);
  expectNeutronError(
    await net(t.adminToken, "PUT", `/networks/${common.id}`, { network: { shared: false } }),
    409,
    "InvalidSharedSetting",
    "Unable to reconfigure sharing settings for network common. Multiple tenants are using it.",
  );
  expectNeutronError(
    await net(token.a, "DELETE", `/rbac-policies/${entries[0].id}`),
    409,
    "RbacPolicyInUse",
    `RBAC policy on object ${common.id} cannot be removed because other objects depend on it.\n` +
      `Details: Unable to reconfigure sharing settings for network ${common.id}. Multiple tenants are using it.`,
  );
  // A policy naming B keeps B's port reachable, so the wildcard may go.
  await grant(token.a, common.id, p.b);
  const unshared = await net(t.adminToken, "PUT", `/networks/${common.id}`, { network: { shared: false } });
  assert.equal(unshared.statusCode, 200, unshared.body);
  assert.equal(unshared.json().network.shared, false);
  assert.equal(await seen(token.c, common.id), false);
  assert.equal(await seen(token.b, common.id), true);
  await net(token.b, "DELETE", `/ports/${portId}`);

  // The wildcard made through the API shares the network with everyone just the same.
  const wildcard = await grant(t.adminToken, common.id, "*");
  assert.equal((await net(token.c, "GET", `/networks/${common.id}`)).json().network.shared, true);
  assert.equal(await listed(token.c, common.id), true);
  assert.equal((await net(t.adminToken, "DELETE", `/rbac-policies/${wildcard.id}`)).statusCode, 204);
  assert.equal(await listed(token.c, common.id), false);
  assert.equal((await net(token.a, "GET", `/networks/${common.id}`)).json().network.shared, false);
});

test("access_as_external makes the network external for the projects it names", async () => {
  const outside = await network(token.a, "outside");
  const external = await grant(t.adminToken, outside.id, p.b, "access_as_external");
  const asB = (await net(token.b, "GET", `/networks/${outside.id}`)).json().network;
  assert.equal(asB["router:external"], true);
  assert.equal(asB.shared, false);
  assert.equal(
    (await net(token.a, "GET", `/networks/${outside.id}`)).json().network["router:external"],
    true,
  );
  assert.equal(await listed(token.b, outside.id, "?router:external=true"), true);
  assert.equal(await listed(token.a, outside.id, "?router:external=false"), false);
  assert.equal(await seen(token.c, outside.id), false);
  // B's router takes its gateway there; the entry then cannot go until the gateway does.
  await net(token.a, "POST", "/subnets", {
    subnet: { network_id: outside.id, cidr: "100.64.0.0/24", ip_version: 4 },
  });
  const router = await net(token.b, "POST", "/routers", {
    router: { name: "b-edge", external_gateway_info: { network_id: outside.id } },
  });
  assert.equal(router.statusCode, 201, router.body);
  expectNeutronError(
    await net(t.adminToken, "DELETE", `/rbac-policies/${external.id}`),
    409,
    "RbacPolicyInUse",
    `RBAC policy on object ${outside.id} cannot be removed because other objects depend on it.\n` +
      `Details: External network ${outside.id} cannot be updated to be non-external as it has existing gateway ports`,
  );
  await net(token.b, "DELETE", `/routers/${router.json().router.id}`);
  assert.equal((await net(t.adminToken, "DELETE", `/rbac-policies/${external.id}`)).statusCode, 204);
  assert.equal(await seen(token.b, outside.id), false);
  assert.equal(
    (await net(token.a, "GET", `/networks/${outside.id}`)).json().network["router:external"],
    false,
  );

  // router:external=true is the wildcard access_as_external entry; false removes every such entry.
  await net(t.adminToken, "PUT", `/networks/${outside.id}`, { network: { "router:external": true } });
  const wildcard = (
    await net(t.adminToken, "GET", `/rbac-policies?object_id=${outside.id}&action=access_as_external`)
  ).json().rbac_policies;
  assert.deepEqual(
    wildcard.map((e: { target_tenant: string }) => e.target_tenant),
    ["*"],
  );
  assert.equal(await seen(token.c, outside.id), true);
  await grant(token.a, outside.id, p.b, "access_as_external");
  await net(t.adminToken, "PUT", `/networks/${outside.id}`, { network: { "router:external": false } });
  assert.deepEqual(
    (await net(t.adminToken, "GET", `/rbac-policies?object_id=${outside.id}`)).json().rbac_policies,
    [],
  );
  assert.equal(await seen(token.b, outside.id), false);
});

test("deleting a network deletes its policies; the quota counts policies", async () => {
  const doomed = await network(token.a, "doomed");
  const policy = await grant(token.a, doomed.id, p.b);
  assert.equal((await net(token.a, "DELETE", `/networks/${doomed.id}`)).statusCode, 204);
  assert.equal((await net(token.a, "GET", `/rbac-policies/${policy.id}`)).statusCode, 404);

  const quota = await net(t.adminToken, "PUT", `/quotas/${p.c}`, { quota: { rbac_policy: 1 } });
  assert.equal(quota.statusCode, 200);
  const counted = await network(token.c, "counted");
  await grant(token.c, counted.id, p.a);
  expectNeutronError(
    await net(token.c, "POST", "/rbac-policies", {
      rbac_policy: {
        object_type: "network",
        object_id: counted.id,
        action: "access_as_shared",
        target_tenant: p.b,
      },
    }),
    409,
    "OverQuota",
    "Quota exceeded for resources: ['rbac_policy'].",
  );
  const details = (await net(token.c, "GET", `/quotas/${p.c}/details`)).json().quota;
  assert.deepEqual(details.rbac_policy, { limit: 1, used: 1, reserved: 0 });
});

test("the migration gives networks already shared or external their wildcard entries", async () => {
  const db = t.ctx.db.as<unknown>();
  await rbacMigration.down(db);
  const legacy = await network(t.adminToken, "legacy");
  await sql`update networks set shared = 1, external = 1 where id = ${legacy.id}`.execute(db);
  await rbacMigration.up(db);
  const entries = (await net(t.adminToken, "GET", `/rbac-policies?object_id=${legacy.id}`)).json()
    .rbac_policies;
  assert.deepEqual(entries.map((e: Record<string, string>) => [e.action, e.target_tenant]).sort(), [
    ["access_as_external", "*"],
    ["access_as_shared", "*"],
  ]);
  assert.equal(await seen(token.b, legacy.id), true);
});
