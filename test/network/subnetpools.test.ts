import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";

// Messages follow Neutron's (neutron-lib exceptions, SubnetPoolReader, SubnetAllocator); where
// Stratus answers otherwise on purpose, a comment says so.

let t: TestApp;
let memberToken = "";
let otherToken = "";
let memberProject = "";
before(async () => {
  t = await startTestApp();
  memberToken = await userInNewProject(t, "alpha");
  otherToken = await userInNewProject(t, "beta");
  memberProject = (await net(memberToken, "POST", "/v2.0/networks", { network: {} })).json().network
    .project_id;
});
after(() => t.close());

type Method = "GET" | "POST" | "PUT" | "DELETE";
const net = (token: string, method: Method, url: string, body?: unknown) =>
  call(t.app, token, method, `/networking${url}`, body);

async function makePool(token: string, pool: Record<string, unknown>) {
  const response = await net(token, "POST", "/v2.0/subnetpools", { subnetpool: { name: "p", ...pool } });
  assert.equal(response.statusCode, 201, response.body);
  return response.json().subnetpool;
}

async function makeNetwork(token: string) {
  const response = await net(token, "POST", "/v2.0/networks", { network: { name: "n" } });
  assert.equal(response.statusCode, 201, response.body);
  return response.json().network as { id: string };
}

const subnetFrom = (token: string, networkId: string, subnet: Record<string, unknown>) =>
  net(token, "POST", "/v2.0/subnets", { subnet: { network_id: networkId, ip_version: 4, ...subnet } });

async function makeSubnet(token: string, networkId: string, subnet: Record<string, unknown>) {
  const response = await subnetFrom(token, networkId, subnet);
  assert.equal(response.statusCode, 201, response.body);
  return response.json().subnet;
}

test("create, show, list, update and delete a pool, with Neutron's defaults", async () => {
  const pool = await makePool(memberToken, { name: "pool-a", prefixes: ["10.10.0.0/16"], description: "d" });
  const { id, created_at, updated_at, ...rest } = pool;
  assert.match(id, /^[0-9a-f-]{36}$/);
  assert.equal(updated_at, created_at);
  assert.deepEqual(rest, {
    name: "pool-a",
    tenant_id: memberProject,
    project_id: memberProject,
    prefixes: ["10.10.0.0/16"],
    ip_version: 4,
    default_prefixlen: "8",
    min_prefixlen: "8",
    max_prefixlen: "32",
    default_quota: null,
    is_default: false,
    shared: false,
    address_scope_id: null,
    description: "d",
    tags: [],
    revision_number: 0,
  });
  assert.deepEqual((await net(memberToken, "GET", `/v2.0/subnetpools/${id}`)).json().subnetpool, pool);
  const listed = (await net(memberToken, "GET", "/v2.0/subnetpools")).json().subnetpools;
  assert.ok(listed.some((p: { id: string }) => p.id === id));

  const v6 = await makePool(memberToken, { prefixes: ["2001:db8:0:0::/48"] });
  assert.deepEqual(
    [v6.ip_version, v6.prefixes, v6.min_prefixlen, v6.max_prefixlen, v6.default_prefixlen],
    [6, ["2001:db8::/48"], "64", "128", "64"],
    "read back, the lengths are strings, as Neutron answers them",
  );

  const updated = await net(memberToken, "PUT", `/v2.0/subnetpools/${id}`, {
    subnetpool: { name: "renamed", prefixes: ["10.10.0.0/16", "10.11.0.0/16"], default_prefixlen: 24 },
  });
  assert.equal(updated.statusCode, 200, updated.body);
  const after = updated.json().subnetpool;
  assert.deepEqual(after.prefixes, ["10.10.0.0/15"], "adjacent prefixes are compacted");
  assert.equal(after.name, "renamed");
  assert.equal(after.default_prefixlen, 24, "an update answers numbers, as Neutron does");
  assert.ok(!("default_quota" in after) && !("address_scope_id" in after));
  assert.equal(after.revision_number, 1);

  assert.equal(
    (await net(memberToken, "PUT", `/v2.0/subnetpools/${id}`, { subnetpool: { name: "x" } })).statusCode,
    200,
  );
  const stale = await t.app.inject({
    method: "PUT",
    url: `/networking/v2.0/subnetpools/${id}`,
    headers: { "x-auth-token": memberToken, "if-match": "revision_number=1" },
    payload: { subnetpool: { name: "z" } },
  });
  expectNeutronError(
    stale,
    412,
    "RevisionNumberConstraintFailed",
    "Constrained to 1, but current revision is 2",
  );

  assert.equal((await net(memberToken, "DELETE", `/v2.0/subnetpools/${id}`)).statusCode, 204);
  expectNeutronError(
    await net(memberToken, "GET", `/v2.0/subnetpools/${id}`),
    404,
    "SubnetPoolNotFound",
    `Subnet pool ${id} could not be found.`,
  );
  expectNeutronError(
    await net(memberToken, "DELETE", `/v2.0/subnetpools/${id}`),
    404,
    "SubnetPoolNotFound",
    `Subnet pool ${id} could not be found.`,
  );
});

test("prefixes are normalised and compacted; subnet_allocation is listed", async () => {
  const pool = await makePool(memberToken, {
    prefixes: ["10.20.1.0/24", "10.20.0.0/24", "10.20.0.128/25", "10.20.3.0/24"],
  });
  assert.deepEqual(pool.prefixes, ["10.20.0.0/23", "10.20.3.0/24"]);
  const v6 = await makePool(memberToken, { prefixes: ["2001:db8:5::1/64"] });
  assert.deepEqual(v6.prefixes, ["2001:db8:5::/64"], "IPv6 host bits are cleared, as netaddr does");
  const ext = await net(memberToken, "GET", "/v2.0/extensions/subnet_allocation");
  assert.equal(ext.statusCode, 200);
  assert.equal(ext.json().extension.name, "Subnet Allocation");
});

test("validation errors on create", async () => {
  const create = (pool: Record<string, unknown>) =>
    net(memberToken, "POST", "/v2.0/subnetpools", { subnetpool: pool });
  expectNeutronError(
    await create({ prefixes: ["10.0.0.0/8"] }),
    400,
    "HTTPBadRequest",
    "Failed to parse request. Required attribute 'name' not specified",
  );
  expectNeutronError(
    await create({ name: "p" }),
    400,
    "HTTPBadRequest",
    "Failed to parse request. Required attribute 'prefixes' not specified",
  );
  expectNeutronError(
    await create({ name: "  ", prefixes: ["10.0.0.0/8"] }),
    400,
    "HTTPBadRequest",
    "Invalid input for name. Reason: '  ' Blank strings are not permitted.",
  );
  expectNeutronError(
    await create({ name: "p", prefixes: [] }),
    400,
    "EmptySubnetPoolPrefixList",
    "Empty subnet pool prefix list.",
  );
  expectNeutronError(
    await create({ name: "p", prefixes: ["10.0.0.0/8", "2001:db8::/32"] }),
    400,
    "PrefixVersionMismatch",
    "Cannot mix IPv4 and IPv6 prefixes in a subnet pool.",
  );
  expectNeutronError(
    await create({ name: "p", prefixes: ["10.0.0.1/24"] }),
    400,
    "HTTPBadRequest",
    "Invalid input for prefixes. Reason: '10.0.0.1/24' isn't a recognized IP subnet cidr, '10.0.0.0/24' is recommended.",
  );
  expectNeutronError(
    await create({ name: "p", prefixes: ["bogus"] }),
    400,
    "HTTPBadRequest",
    "Invalid input for prefixes. Reason: 'bogus' is not a valid IP subnet.",
  );
  expectNeutronError(
    await create({ name: "p", prefixes: "10.0.0.0/8" }),
    400,
    "HTTPBadRequest",
    "Invalid input for prefixes. Reason: '10.0.0.0/8' is not a list.",
  );
  expectNeutronError(
    await create({ name: "p", prefixes: ["10.0.0.0/8", "10.0.0.0/8"] }),
    400,
    "HTTPBadRequest",
    "Invalid input for prefixes. Reason: Duplicate items in the list: '10.0.0.0/8'.",
  );
  const bounds = (extra: Record<string, unknown>) =>
    create({ name: "p", prefixes: ["10.0.0.0/8"], ...extra });
  expectNeutronError(
    await bounds({ min_prefixlen: 24, max_prefixlen: 16 }),
    400,
    "IllegalSubnetPoolPrefixBounds",
    "Illegal prefix bounds: min_prefixlen=24, max_prefixlen=16.",
  );
  expectNeutronError(
    await bounds({ max_prefixlen: 33 }),
    400,
    "IllegalSubnetPoolPrefixBounds",
    "Illegal prefix bounds: max_prefixlen=33, ip_version_max=32.",
  );
  expectNeutronError(
    await bounds({ min_prefixlen: 16, default_prefixlen: 12 }),
    400,
    "IllegalSubnetPoolPrefixBounds",
    "Illegal prefix bounds: default_prefixlen=12, min_prefixlen=16.",
  );
  expectNeutronError(
    await bounds({ max_prefixlen: 24, default_prefixlen: 28 }),
    400,
    "IllegalSubnetPoolPrefixBounds",
    "Illegal prefix bounds: default_prefixlen=28, max_prefixlen=24.",
  );
  expectNeutronError(
    await bounds({ min_prefixlen: -1 }),
    400,
    "HTTPBadRequest",
    "Invalid input for min_prefixlen. Reason: '-1' should be non-negative.",
  );
  expectNeutronError(
    await bounds({ default_prefixlen: "x" }),
    400,
    "InvalidInput",
    "Invalid input for operation: 'x' is not an integer.",
  );
  expectNeutronError(
    await bounds({ ip_version: 4 }),
    400,
    "HTTPBadRequest",
    "Attribute 'ip_version' not allowed in POST",
  );
  expectNeutronError(await bounds({ bogus: 1 }), 400, "HTTPBadRequest", "Unrecognized attribute(s) 'bogus'");
  const scope = "7f2c3c35-5c4b-4b8e-9d2a-1b0c8f0e6a11";
  // Address scopes are not implemented, so any named one is missing.
  expectNeutronError(
    await bounds({ address_scope_id: scope }),
    404,
    "AddressScopeNotFound",
    `Address scope ${scope} could not be found.`,
  );
  const ok = await bounds({ min_prefixlen: "16", max_prefixlen: 28 });
  assert.equal(ok.statusCode, 201);
  assert.deepEqual(
    [ok.json().subnetpool.min_prefixlen, ok.json().subnetpool.default_prefixlen],
    ["16", "16"],
    "default_prefixlen defaults to min_prefixlen",
  );
});

test("updates: prefixes may only grow, bounds are re-checked, shared is read-only", async () => {
  const pool = await makePool(memberToken, {
    prefixes: ["10.30.0.0/16"],
    min_prefixlen: 20,
    max_prefixlen: 28,
  });
  const update = (body: Record<string, unknown>) =>
    net(memberToken, "PUT", `/v2.0/subnetpools/${pool.id}`, { subnetpool: body });
  expectNeutronError(
    await update({ prefixes: ["10.30.0.0/17"] }),
    400,
    "IllegalSubnetPoolPrefixUpdate",
    "Illegal update to prefixes: Existing prefixes must be a subset of the new prefixes.",
  );
  expectNeutronError(
    await update({ prefixes: [] }),
    400,
    "IllegalSubnetPoolPrefixUpdate",
    "Illegal update to prefixes: Existing prefixes must be a subset of the new prefixes.",
  );
  expectNeutronError(
    await update({ prefixes: ["10.30.0.0/16", "2001:db8::/32"] }),
    400,
    "PrefixVersionMismatch",
    "Cannot mix IPv4 and IPv6 prefixes in a subnet pool.",
  );
  expectNeutronError(
    await update({ default_prefixlen: 29 }),
    400,
    "IllegalSubnetPoolPrefixBounds",
    "Illegal prefix bounds: default_prefixlen=29, max_prefixlen=28.",
  );
  expectNeutronError(
    await update({ min_prefixlen: 24 }),
    400,
    "IllegalSubnetPoolPrefixBounds",
    "Illegal prefix bounds: default_prefixlen=20, min_prefixlen=24.",
  );
  expectNeutronError(
    await update({ shared: true }),
    400,
    "HTTPBadRequest",
    "Cannot update read-only attribute shared",
  );
  expectNeutronError(
    await update({ ip_version: 6 }),
    400,
    "HTTPBadRequest",
    "Cannot update read-only attribute ip_version",
  );
  const grown = await update({ prefixes: ["10.30.0.0/15"], max_prefixlen: 30, default_quota: 1024 });
  assert.equal(grown.statusCode, 200, grown.body);
  assert.deepEqual(grown.json().subnetpool.prefixes, ["10.30.0.0/15"]);
  assert.equal(grown.json().subnetpool.max_prefixlen, 30);
  assert.equal(
    (await net(memberToken, "GET", `/v2.0/subnetpools/${grown.json().subnetpool.id}`)).json().subnetpool
      .default_quota,
    1024,
  );
  assert.equal(grown.json().subnetpool.revision_number, 1, "refused updates changed nothing");
});

test("visibility and policy: other projects' pools are 404, shared ones are seen; admin-only attributes", async () => {
  const mine = await makePool(memberToken, { prefixes: ["10.40.0.0/16"] });
  for (const [method, body] of [
    ["GET", undefined],
    ["PUT", { subnetpool: { name: "x" } }],
    ["DELETE", undefined],
  ] as const) {
    expectNeutronError(
      await net(otherToken, method, `/v2.0/subnetpools/${mine.id}`, body),
      404,
      "SubnetPoolNotFound",
      `Subnet pool ${mine.id} could not be found.`,
    );
  }
  const othersList = (await net(otherToken, "GET", "/v2.0/subnetpools")).json().subnetpools;
  assert.ok(!othersList.some((p: { id: string }) => p.id === mine.id));

  expectNeutronError(
    await net(memberToken, "POST", "/v2.0/subnetpools", {
      subnetpool: { name: "s", prefixes: ["10.41.0.0/16"], shared: true },
    }),
    403,
    "PolicyNotAuthorized",
    "(rule:create_subnetpool and rule:create_subnetpool:shared) is disallowed by policy",
  );
  expectNeutronError(
    await net(memberToken, "POST", "/v2.0/subnetpools", {
      subnetpool: { name: "s", prefixes: ["10.41.0.0/16"], is_default: true },
    }),
    403,
    "PolicyNotAuthorized",
    "(rule:create_subnetpool and rule:create_subnetpool:is_default) is disallowed by policy",
  );
  expectNeutronError(
    await net(memberToken, "PUT", `/v2.0/subnetpools/${mine.id}`, { subnetpool: { is_default: false } }),
    403,
    "PolicyNotAuthorized",
    "(rule:update_subnetpool and rule:update_subnetpool:is_default) is disallowed by policy",
  );
  // shared: false and is_default: false are the defaults, which anyone may state.
  await makePool(memberToken, { prefixes: ["10.42.0.0/16"], shared: false, is_default: false });

  const shared = await makePool(t.adminToken, { prefixes: ["10.43.0.0/16"], shared: true });
  const seen = await net(otherToken, "GET", `/v2.0/subnetpools/${shared.id}`);
  assert.equal(seen.statusCode, 200);
  assert.equal(seen.json().subnetpool.shared, true);
  expectNeutronError(
    await net(otherToken, "PUT", `/v2.0/subnetpools/${shared.id}`, { subnetpool: { name: "x" } }),
    403,
    "PolicyNotAuthorized",
    "rule:update_subnetpool is disallowed by policy",
  );
  expectNeutronError(
    await net(otherToken, "DELETE", `/v2.0/subnetpools/${shared.id}`),
    403,
    "PolicyNotAuthorized",
    "rule:delete_subnetpool is disallowed by policy",
  );
  // A member of another project allocates from the shared pool.
  const network = await makeNetwork(otherToken);
  const subnet = await makeSubnet(otherToken, network.id, { subnetpool_id: shared.id, prefixlen: 24 });
  assert.equal(subnet.cidr, "10.43.0.0/24");
  assert.equal(subnet.subnetpool_id, shared.id);

  const admins = (await net(t.adminToken, "GET", "/v2.0/subnetpools")).json().subnetpools;
  assert.ok(
    admins.some((p: { id: string }) => p.id === mine.id),
    "admins see every pool",
  );
  assert.equal((await call(t.app, null, "GET", "/networking/v2.0/subnetpools")).statusCode, 401);
});

test("filters, fields, sorting and tags", async () => {
  const a = await makePool(otherToken, { name: "flt-a", prefixes: ["10.50.0.0/16"], default_prefixlen: 24 });
  const b = await makePool(otherToken, { name: "flt-b", prefixes: ["2001:db8:50::/48"] });
  const names = async (query: string) =>
    (await net(otherToken, "GET", `/v2.0/subnetpools?${query}`))
      .json()
      .subnetpools.map((p: { name: string }) => p.name);
  assert.deepEqual(await names("name=flt-a"), ["flt-a"]);
  assert.deepEqual(await names("ip_version=6&name=flt-a&name=flt-b"), ["flt-b"]);
  assert.deepEqual(await names("default_prefixlen=24&name=flt-a"), ["flt-a"]);
  assert.deepEqual(await names("name=flt-a&name=flt-b&sort_key=name&sort_dir=desc"), ["flt-b", "flt-a"]);
  const fields = (await net(otherToken, "GET", `/v2.0/subnetpools/${a.id}?fields=id&fields=prefixes`)).json();
  assert.deepEqual(fields, { subnetpool: { id: a.id, prefixes: ["10.50.0.0/16"] } });
  expectNeutronError(
    await net(otherToken, "GET", "/v2.0/subnetpools?bogus=1"),
    400,
    "HTTPBadRequest",
    "['bogus'] is invalid attribute for filtering",
  );

  assert.equal((await net(otherToken, "PUT", `/v2.0/subnetpools/${b.id}/tags/red`)).statusCode, 201);
  const tagged = (await net(otherToken, "GET", `/v2.0/subnetpools/${b.id}`)).json().subnetpool;
  assert.deepEqual(tagged.tags, ["red"]);
  assert.equal(tagged.revision_number, 1);
  assert.deepEqual(await names("tags=red"), ["flt-b"]);
  assert.deepEqual(await names("not-tags=red&name=flt-a&name=flt-b"), ["flt-a"]);
});

test("allocation by prefixlen, by default_prefixlen and by explicit cidr; never overlapping", async () => {
  const pool = await makePool(memberToken, {
    prefixes: ["10.60.0.0/22"],
    min_prefixlen: 22,
    max_prefixlen: 28,
    default_prefixlen: 26,
  });
  const network = await makeNetwork(memberToken);
  const first = await makeSubnet(memberToken, network.id, { subnetpool_id: pool.id });
  assert.equal(first.cidr, "10.60.0.0/26", "default_prefixlen");
  assert.equal(first.subnetpool_id, pool.id);
  assert.equal(first.gateway_ip, "10.60.0.1");
  assert.deepEqual(first.allocation_pools, [{ start: "10.60.0.2", end: "10.60.0.62" }]);
  const second = await makeSubnet(memberToken, network.id, { subnetpool_id: pool.id, prefixlen: 24 });
  assert.equal(second.cidr, "10.60.1.0/24", "the first free /24");
  // Best fit, as Neutron: the smallest free block that holds the size, so 10.60.0.64/28.
  const third = await makeSubnet(memberToken, network.id, { subnetpool_id: pool.id, prefixlen: 28 });
  assert.equal(third.cidr, "10.60.0.64/28");
  const explicit = await makeSubnet(memberToken, network.id, {
    subnetpool_id: pool.id,
    cidr: "10.60.3.0/25",
    gateway_ip: "10.60.3.126",
  });
  assert.equal(explicit.cidr, "10.60.3.0/25");
  assert.equal(explicit.gateway_ip, "10.60.3.126");

  const allocationError = (reason: string) => `Failed to allocate subnet: ${reason}.`;
  expectNeutronError(
    await subnetFrom(memberToken, network.id, { subnetpool_id: pool.id, cidr: "10.60.1.128/25" }),
    409,
    "SubnetAllocationError",
    allocationError("Cannot allocate requested subnet from the available set of prefixes"),
  );
  expectNeutronError(
    await subnetFrom(memberToken, network.id, { subnetpool_id: pool.id, cidr: "10.61.0.0/24" }),
    409,
    "SubnetAllocationError",
    allocationError("Cannot allocate requested subnet from the available set of prefixes"),
  );
  expectNeutronError(
    await subnetFrom(memberToken, network.id, { subnetpool_id: pool.id, prefixlen: 29 }),
    400,
    "MaxPrefixSubnetAllocationError",
    "Unable to allocate subnet with prefix length 29, maximum allowed prefix is 28.",
  );
  expectNeutronError(
    await subnetFrom(memberToken, network.id, { subnetpool_id: pool.id, prefixlen: 21 }),
    400,
    "MinPrefixSubnetAllocationError",
    "Unable to allocate subnet with prefix length 21, minimum allowed prefix is 22.",
  );
  expectNeutronError(
    await subnetFrom(memberToken, network.id, {
      subnetpool_id: pool.id,
      prefixlen: 24,
      cidr: "10.60.2.0/24",
    }),
    400,
    "BadRequest",
    "Bad subnets request: cidr and prefixlen must not be supplied together.",
  );
  expectNeutronError(
    await subnetFrom(memberToken, network.id, {
      subnetpool_id: pool.id,
      allocation_pools: [{ start: "10.60.2.10", end: "10.60.2.20" }],
    }),
    400,
    "BadRequest",
    "Bad subnets request: allocation_pools allowed only for specific subnet requests.",
  );
  expectNeutronError(
    await subnetFrom(memberToken, network.id, { subnetpool_id: pool.id, ip_version: 6 }),
    400,
    "BadRequest",
    "Bad subnets request: Cannot allocate IPv6 subnet from IPv4 subnet pool.",
  );
  const missing = "0b7d7a39-1cb7-4b55-8b4a-6a3c1f0e9d21";
  expectNeutronError(
    await subnetFrom(memberToken, network.id, { subnetpool_id: missing }),
    404,
    "SubnetPoolNotFound",
    `Subnet pool ${missing} could not be found.`,
  );
  expectNeutronError(
    await subnetFrom(memberToken, network.id, { subnetpool_id: "nope" }),
    400,
    "HTTPBadRequest",
    "Invalid input for subnetpool_id. Reason: 'nope' is not a valid UUID.",
  );
  expectNeutronError(
    await subnetFrom(memberToken, network.id, { cidr: "10.70.0.0/24" }),
    400,
    "NetworkSubnetPoolAffinityError",
    "Subnets hosted on the same network must be allocated from the same subnet pool.",
  );
  const listed = (
    await net(memberToken, "GET", `/v2.0/subnets?subnetpool_id=${pool.id}&sort_key=cidr&sort_dir=asc`)
  ).json().subnets;
  assert.deepEqual(
    listed.map((s: { cidr: string }) => s.cidr),
    ["10.60.0.0/26", "10.60.0.64/28", "10.60.1.0/24", "10.60.3.0/25"],
  );
});

test("exhaustion is a 409 and deleting a subnet frees its prefix", async () => {
  const pool = await makePool(memberToken, {
    prefixes: ["10.80.0.0/24"],
    min_prefixlen: 24,
    default_prefixlen: 25,
  });
  const network = await makeNetwork(memberToken);
  const a = await makeSubnet(memberToken, network.id, { subnetpool_id: pool.id });
  const b = await makeSubnet(memberToken, network.id, { subnetpool_id: pool.id });
  assert.deepEqual([a.cidr, b.cidr], ["10.80.0.0/25", "10.80.0.128/25"]);
  expectNeutronError(
    await subnetFrom(memberToken, network.id, { subnetpool_id: pool.id }),
    409,
    "SubnetAllocationError",
    "Failed to allocate subnet: Insufficient prefix space to allocate subnet size /25.",
  );
  expectNeutronError(
    await net(memberToken, "DELETE", `/v2.0/subnetpools/${pool.id}`),
    400,
    "SubnetPoolDeleteError",
    "Unable to delete subnet pool: Subnet pool has existing allocations.",
  );
  assert.equal((await net(memberToken, "DELETE", `/v2.0/subnets/${a.id}`)).statusCode, 204);
  const again = await makeSubnet(memberToken, network.id, { subnetpool_id: pool.id });
  assert.equal(again.cidr, "10.80.0.0/25");
  // Growing the pool makes room again.
  await net(memberToken, "PUT", `/v2.0/subnetpools/${pool.id}`, {
    subnetpool: { prefixes: ["10.80.0.0/24", "10.80.1.0/24"] },
  });
  assert.equal((await makeSubnet(memberToken, network.id, { subnetpool_id: pool.id })).cidr, "10.80.1.0/25");
  for (const subnet of (await net(memberToken, "GET", `/v2.0/subnets?subnetpool_id=${pool.id}`)).json()
    .subnets)
    assert.equal((await net(memberToken, "DELETE", `/v2.0/subnets/${subnet.id}`)).statusCode, 204);
  assert.equal((await net(memberToken, "DELETE", `/v2.0/subnetpools/${pool.id}`)).statusCode, 204);
});

test("use_default_subnetpool: the default pool of the version, or 400; one default per version", async () => {
  const network = await makeNetwork(memberToken);
  expectNeutronError(
    await subnetFrom(memberToken, network.id, { use_default_subnetpool: true, ip_version: 6 }),
    400,
    "BadRequest",
    "Bad subnets request: No default subnetpool found for IPv6.",
  );
  const pool = await makePool(t.adminToken, {
    prefixes: ["2001:db8:90::/48"],
    is_default: true,
    shared: true,
  });
  expectNeutronError(
    await net(t.adminToken, "POST", "/v2.0/subnetpools", {
      subnetpool: { name: "second", prefixes: ["2001:db8:91::/48"], is_default: true },
    }),
    400,
    "InvalidInput",
    "Invalid input for operation: A default subnetpool for this IP family has already been set. Only one default may exist per IP family.",
  );
  const subnet = await makeSubnet(memberToken, network.id, { use_default_subnetpool: true, ip_version: 6 });
  assert.equal(subnet.cidr, "2001:db8:90::/64");
  assert.equal(subnet.subnetpool_id, pool.id);
  assert.equal(subnet.gateway_ip, "2001:db8:90::1", "a pool-chosen CIDR gets network + 1 as its gateway");
  expectNeutronError(
    await subnetFrom(memberToken, network.id, {
      use_default_subnetpool: true,
      subnetpool_id: pool.id,
      ip_version: 6,
    }),
    400,
    "BadRequest",
    "Bad subnets request: subnetpool_id and use_default_subnetpool cannot both be specified.",
  );
  // Demoting the default frees the role for another pool.
  const demoted = await net(t.adminToken, "PUT", `/v2.0/subnetpools/${pool.id}`, {
    subnetpool: { is_default: false },
  });
  assert.equal(demoted.json().subnetpool.is_default, false);
  const next = await makePool(t.adminToken, { prefixes: ["2001:db8:92::/48"], is_default: true });
  assert.equal(next.is_default, true);
});

test("quotas: the subnetpool count quota and the pool's default_quota", async () => {
  const token = await userInNewProject(t, "gamma");
  const projectId = (await net(token, "POST", "/v2.0/networks", { network: {} })).json().network.project_id;
  await net(t.adminToken, "PUT", `/v2.0/quotas/${projectId}`, { quota: { subnetpool: 1 } });
  const pool = await makePool(token, { prefixes: ["10.100.0.0/16"], min_prefixlen: 24, default_quota: 512 });
  expectNeutronError(
    await net(token, "POST", "/v2.0/subnetpools", { subnetpool: { name: "p", prefixes: ["10.101.0.0/16"] } }),
    409,
    "OverQuota",
    "Quota exceeded for resources: ['subnetpool'].",
  );
  const details = (await net(token, "GET", `/v2.0/quotas/${projectId}/details`)).json().quota;
  assert.deepEqual(details.subnetpool, { limit: 1, used: 1, reserved: 0 });
  // default_quota counts addresses: two /24s fit in 512, a third does not.
  const network = await makeNetwork(token);
  await makeSubnet(token, network.id, { subnetpool_id: pool.id });
  await makeSubnet(token, network.id, { subnetpool_id: pool.id });
  expectNeutronError(
    await subnetFrom(token, network.id, { subnetpool_id: pool.id }),
    409,
    "SubnetPoolQuotaExceeded",
    "Per-tenant subnet pool prefix quota exceeded.",
  );
});

test("8 concurrent allocations from a pool of 6: distinct prefixes, exactly 6 succeed", async () => {
  // Room for exactly six /30s: a /28 and a /29.
  const big = await makePool(memberToken, {
    prefixes: ["10.111.0.0/28", "10.111.0.16/29"],
    min_prefixlen: 28,
    max_prefixlen: 30,
    default_prefixlen: 30,
  });
  const networks = await Promise.all(Array.from({ length: 8 }, () => makeNetwork(memberToken)));
  const responses = await Promise.all(
    networks.map((network) => subnetFrom(memberToken, network.id, { subnetpool_id: big.id })),
  );
  const created = responses.filter((r) => r.statusCode === 201).map((r) => r.json().subnet.cidr as string);
  assert.equal(created.length, 6, responses.map((r) => r.body).join("\n"));
  assert.deepEqual([...created].sort(), [
    "10.111.0.0/30",
    "10.111.0.12/30",
    "10.111.0.16/30",
    "10.111.0.20/30",
    "10.111.0.4/30",
    "10.111.0.8/30",
  ]);
  for (const response of responses.filter((r) => r.statusCode !== 201)) {
    expectNeutronError(
      response,
      409,
      "SubnetAllocationError",
      "Failed to allocate subnet: Insufficient prefix space to allocate subnet size /30.",
    );
  }
});

test("events: subnetpool.create/update/delete.end in the same transaction", async () => {
  const pool = await makePool(memberToken, { prefixes: ["10.120.0.0/16"] });
  await net(memberToken, "PUT", `/v2.0/subnetpools/${pool.id}`, { subnetpool: { name: "ev" } });
  await net(memberToken, "DELETE", `/v2.0/subnetpools/${pool.id}`);
  const rows = await t.ctx.db
    .as<{ events: { seq: number; type: string; resource_id: string } }>()
    .selectFrom("events")
    .select("type")
    .where("resource_id", "=", pool.id)
    .orderBy("seq")
    .execute();
  assert.deepEqual(
    rows.map((r) => r.type),
    ["subnetpool.create.end", "subnetpool.update.end", "subnetpool.delete.end"],
  );
});
