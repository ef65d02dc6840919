import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";

let t: TestApp;
let memberToken = "";
let otherToken = "";
before(async () => {
  t = await startTestApp();
  memberToken = await userInNewProject(t, "alpha");
  otherToken = await userInNewProject(t, "beta");
});
after(() => t.close());

const net = (token: string, method: "GET" | "POST" | "PUT" | "DELETE", url: string, body?: unknown) =>
  call(t.app, token, method, `/networking${url}`, body);

test("discovery, resources and an extension list of what is implemented", async () => {
  const versions = (await net(t.adminToken, "GET", "/")).json();
  assert.equal(versions.versions[0].id, "v2.0");
  assert.equal(versions.versions[0].status, "CURRENT");
  const resources = (await net(t.adminToken, "GET", "/v2.0/")).json().resources;
  assert.ok(resources.some((r: { collection: string }) => r.collection === "networks"));
  const aliases = (await net(t.adminToken, "GET", "/v2.0/extensions"))
    .json()
    .extensions.map((e: { alias: string }) => e.alias);
  for (const alias of [
    "provider",
    "external-net",
    "net-mtu",
    "standard-attr-tag",
    "revision-if-match",
    "filter-validation",
    "fwaas_v2",
  ]) {
    assert.ok(aliases.includes(alias), alias);
  }
  for (const unbuilt of ["dvr", "l3-ha", "trunk"])
    assert.ok(!aliases.includes(unbuilt), `${unbuilt}: nothing unimplemented is advertised`);
  assert.equal(
    (await net(t.adminToken, "GET", "/v2.0/extensions/provider")).json().extension.alias,
    "provider",
  );
  const missing = await net(t.adminToken, "GET", "/v2.0/extensions/nope");
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().NeutronError.type, "HTTPNotFound");
});

test("a member creates a VXLAN network with Neutron's defaults; provider attributes are hidden from it", async () => {
  const response = await net(memberToken, "POST", "/v2.0/networks", { network: { name: "web" } });
  assert.equal(response.statusCode, 201);
  const network = response.json().network;
  assert.equal(network.status, "ACTIVE");
  assert.equal(network.mtu, 1450);
  assert.equal(network.admin_state_up, true);
  assert.equal(network.shared, false);
  assert.equal(network["router:external"], false);
  assert.equal(network.revision_number, 1);
  assert.equal(network.tenant_id, network.project_id);
  assert.equal(network["provider:network_type"], undefined);
  const asAdmin = (await net(t.adminToken, "GET", `/v2.0/networks/${network.id}`)).json().network;
  assert.equal(asAdmin["provider:network_type"], "vxlan");
  assert.ok(asAdmin["provider:segmentation_id"] >= 1);
});

test("other projects' networks are not found; shared ones are visible to all", async () => {
  const mine = (await net(memberToken, "POST", "/v2.0/networks", { network: { name: "private" } })).json()
    .network;
  const hidden = await net(otherToken, "GET", `/v2.0/networks/${mine.id}`);
  assert.equal(hidden.statusCode, 404);
  assert.deepEqual(hidden.json(), {
    NeutronError: { type: "NetworkNotFound", message: `Network ${mine.id} could not be found.`, detail: "" },
  });
  assert.equal((await net(otherToken, "DELETE", `/v2.0/networks/${mine.id}`)).statusCode, 404);
  const shared = (
    await net(t.adminToken, "POST", "/v2.0/networks", { network: { name: "common", shared: true } })
  ).json().network;
  const seen = (await net(otherToken, "GET", "/v2.0/networks"))
    .json()
    .networks.map((n: { name: string }) => n.name);
  assert.ok(seen.includes("common") && !seen.includes("private"));
  assert.equal(
    (await net(otherToken, "PUT", `/v2.0/networks/${shared.id}`, { network: { name: "mine" } })).statusCode,
    403,
  );
});

test("admin-only attributes are refused for members with PolicyNotAuthorized", async () => {
  for (const attr of [{ shared: true }, { "router:external": true }, { "provider:network_type": "vlan" }]) {
    const response = await net(memberToken, "POST", "/v2.0/networks", { network: { name: "x", ...attr } });
    assert.equal(response.statusCode, 403, JSON.stringify(attr));
    assert.equal(response.json().NeutronError.type, "PolicyNotAuthorized");
  }
  const names = (await net(t.adminToken, "GET", "/v2.0/networks?name=x")).json().networks;
  assert.deepEqual(names, [], "nothing was created");
});

test("bad input is a 400 in Neutron's shape and changes nothing", async () => {
  const cases: Array<[unknown, string, string]> = [
    [
      { network: { name: 5 } },
      "HTTPBadRequest",
      "Invalid input for name. Reason: '5' is not a valid string.",
    ],
    [{ network: { bogus: 1 } }, "HTTPBadRequest", "Unrecognized attribute(s) 'bogus'"],
    [
      { network: { admin_state_up: "zz" } },
      "InvalidInput",
      "Invalid input for operation: 'zz' cannot be converted to boolean.",
    ],
    [{ network: { status: "DOWN" } }, "HTTPBadRequest", "Attribute 'status' not allowed in POST"],
    [{ nothing: {} }, "HTTPBadRequest", "Unable to find 'network' in request body"],
  ];
  for (const [body, type, message] of cases) {
    const response = await net(memberToken, "POST", "/v2.0/networks", body);
    assert.equal(response.statusCode, 400, JSON.stringify(body));
    assert.deepEqual(response.json(), { NeutronError: { type, message, detail: "" } });
  }
  const garbage = await t.app.inject({
    method: "POST",
    url: "/networking/v2.0/networks",
    headers: { "x-auth-token": memberToken, "content-type": "application/json" },
    payload: "garbage",
  });
  assert.equal(garbage.json().NeutronError.message, "Body contains invalid data");
  const unknownFilter = await net(memberToken, "GET", "/v2.0/networks?foo=1");
  assert.equal(unknownFilter.json().NeutronError.message, "['foo'] is invalid attribute for filtering");
  const noToken = await call(t.app, null, "GET", "/networking/v2.0/networks");
  assert.equal(noToken.statusCode, 401);
  assert.equal(noToken.json().error.code, 401);
});

test("provider networks: VLAN ids are unique, flat once per physnet, bad types refused", async () => {
  const create = (network: Record<string, unknown>) =>
    net(t.adminToken, "POST", "/v2.0/networks", { network });
  const vlan = await create({
    name: "v",
    "provider:network_type": "vlan",
    "provider:physical_network": "physnet1",
    "provider:segmentation_id": 1234,
  });
  assert.equal(vlan.statusCode, 201);
  assert.equal(vlan.json().network.mtu, 1500);
  const again = await create({
    name: "v2",
    "provider:network_type": "vlan",
    "provider:physical_network": "physnet1",
    "provider:segmentation_id": 1234,
  });
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().NeutronError.type, "VlanIdInUse");
  assert.equal(
    (await create({ name: "f", "provider:network_type": "flat", "provider:physical_network": "public" }))
      .statusCode,
    201,
  );
  const flat2 = await create({
    name: "f2",
    "provider:network_type": "flat",
    "provider:physical_network": "public",
  });
  assert.equal(flat2.json().NeutronError.type, "FlatNetworkInUse");
  const bad = await create({ name: "b", "provider:network_type": "token-ring" });
  assert.equal(bad.statusCode, 400);
  // Deleting frees the segment.
  assert.equal(
    (await net(t.adminToken, "DELETE", `/v2.0/networks/${vlan.json().network.id}`)).statusCode,
    204,
  );
  const v3 = { name: "v3", "provider:network_type": "vlan", "provider:segmentation_id": 1234 };
  const unplaced = await create(v3);
  assert.equal(unplaced.statusCode, 400, "as in Neutron, a VLAN id needs its physical network");
  assert.equal(
    unplaced.json().NeutronError.message,
    "Invalid input for operation: segmentation_id requires physical_network for VLAN provider network.",
  );
  assert.equal((await create({ ...v3, "provider:physical_network": "physnet1" })).statusCode, 201);
});

test("concurrent creations never share a segment", async () => {
  const responses = await Promise.all(
    Array.from({ length: 16 }, (_, i) =>
      net(t.adminToken, "POST", "/v2.0/networks", {
        network: { name: `c${i}`, "provider:network_type": "geneve" },
      }),
    ),
  );
  const ids = responses.map((r) => r.json().network["provider:segmentation_id"] as number);
  assert.equal(new Set(ids).size, 16);
});

test("update with If-Match, tags, filters, fields, sorting and pagination", async () => {
  const made = [];
  for (const name of ["p-a", "p-b", "p-c", "p-d"]) {
    made.push(
      (await net(memberToken, "POST", "/v2.0/networks", { network: { name, description: "page" } })).json()
        .network,
    );
  }
  const first = made[0];
  const stale = await t.app.inject({
    method: "PUT",
    url: `/networking/v2.0/networks/${first.id}`,
    headers: { "x-auth-token": memberToken, "if-match": "revision_number=7" },
    payload: { network: { name: "renamed" } },
  });
  assert.equal(stale.statusCode, 412);
  assert.equal(stale.json().NeutronError.message, "Constrained to 7, but current revision is 1");
  const fresh = await t.app.inject({
    method: "PUT",
    url: `/networking/v2.0/networks/${first.id}`,
    headers: { "x-auth-token": memberToken, "if-match": "revision_number=1" },
    payload: { network: { description: "first" } },
  });
  assert.equal(fresh.json().network.revision_number, 2);
  assert.equal(
    (await net(memberToken, "PUT", `/v2.0/networks/${first.id}`, { network: { id: "x" } })).json()
      .NeutronError.message,
    "Cannot update read-only attribute id",
  );

  assert.equal((await net(memberToken, "PUT", `/v2.0/networks/${made[1].id}/tags/red`)).statusCode, 201);
  assert.deepEqual(
    (await net(memberToken, "PUT", `/v2.0/networks/${made[2].id}/tags`, { tags: ["red", "blue"] })).json()
      .tags,
    ["blue", "red"],
  );
  const red = (await net(memberToken, "GET", "/v2.0/networks?tags=red&fields=name")).json().networks;
  assert.deepEqual(red.map((n: { name: string }) => n.name).sort(), ["p-b", "p-c"]);
  assert.deepEqual(Object.keys(red[0]), ["name"]);
  const both = (await net(memberToken, "GET", "/v2.0/networks?tags=red,blue")).json().networks;
  assert.deepEqual(
    both.map((n: { name: string }) => n.name),
    ["p-c"],
  );
  const notRed = (await net(memberToken, "GET", "/v2.0/networks?not-tags-any=red&description=page")).json()
    .networks;
  assert.deepEqual(notRed.map((n: { name: string }) => n.name).sort(), ["p-d"]);
  const missingTag = await net(memberToken, "DELETE", `/v2.0/networks/${made[3].id}/tags/none`);
  assert.equal(missingTag.json().NeutronError.type, "TagNotFound");

  const orNames = (await net(memberToken, "GET", "/v2.0/networks?name=p-a&name=p-d")).json().networks;
  assert.equal(orNames.length, 2, "a repeated filter means OR");
  const sorted = (
    await net(memberToken, "GET", "/v2.0/networks?description=page&sort_key=name&sort_dir=desc")
  ).json().networks;
  assert.deepEqual(
    sorted.map((n: { name: string }) => n.name),
    ["p-d", "p-c", "p-b"],
  );

  const page1 = (
    await net(memberToken, "GET", "/v2.0/networks?description=page&sort_key=name&sort_dir=asc&limit=2")
  ).json();
  assert.deepEqual(
    page1.networks.map((n: { name: string }) => n.name),
    ["p-b", "p-c"],
  );
  const next = page1.networks_links.find((l: { rel: string }) => l.rel === "next").href as string;
  const page2 = (await net(memberToken, "GET", next.replace(/^.*\/networking/, ""))).json();
  assert.deepEqual(
    page2.networks.map((n: { name: string }) => n.name),
    ["p-d"],
  );
  const previous = page2.networks_links.find((l: { rel: string }) => l.rel === "previous").href as string;
  const back = (await net(memberToken, "GET", previous.replace(/^.*\/networking/, ""))).json();
  assert.deepEqual(
    back.networks.map((n: { name: string }) => n.name),
    ["p-b", "p-c"],
  );
  assert.equal((await net(memberToken, "GET", "/v2.0/networks?limit=x")).statusCode, 400);
});

test("bulk create is all or nothing; every change is in the event log", async () => {
  const before = await t.ctx.events.latestSeq();
  const bad = await net(memberToken, "POST", "/v2.0/networks", {
    networks: [{ name: "bulk-1" }, { name: "bulk-2", admin_state_up: "zz" }],
  });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual((await net(memberToken, "GET", "/v2.0/networks?name=bulk-1")).json().networks, []);
  const good = await net(memberToken, "POST", "/v2.0/networks", {
    networks: [{ name: "bulk-1" }, { name: "bulk-2" }],
  });
  assert.equal(good.statusCode, 201);
  assert.equal(good.json().networks.length, 2);
  const id = good.json().networks[0].id;
  await net(memberToken, "PUT", `/v2.0/networks/${id}`, { network: { name: "bulk-x" } });
  await net(memberToken, "DELETE", `/v2.0/networks/${id}`);
  const events = await t.ctx.db
    .as<{ events: { seq: number; type: string; resource_id: string | null } }>()
    .selectFrom("events")
    .select(["type", "resource_id"])
    .where("seq", ">", before)
    .where("resource_id", "=", id)
    .orderBy("seq")
    .execute();
  assert.deepEqual(
    events.map((e) => e.type),
    ["network.create.end", "network.update.end", "network.delete.end"],
  );
});

test("availability zones: listed, filtered, and checked in availability_zone_hints", async () => {
  const zones = (await net(memberToken, "GET", "/v2.0/availability_zones")).json().availability_zones;
  assert.deepEqual(zones, [
    { name: "nova", resource: "network", state: "available" },
    { name: "nova", resource: "router", state: "available" },
  ]);
  assert.deepEqual(
    (await net(memberToken, "GET", "/v2.0/availability_zones?resource=router")).json().availability_zones,
    [{ name: "nova", resource: "router", state: "available" }],
  );
  assert.deepEqual(
    (await net(memberToken, "GET", "/v2.0/availability_zones?resource=volume")).json().availability_zones,
    [],
  );
  assert.equal((await net(memberToken, "GET", "/v2.0/availability_zones?color=red")).statusCode, 400);
  const hinted = await net(memberToken, "POST", "/v2.0/networks", {
    network: { name: "az", availability_zone_hints: ["nova"] },
  });
  assert.deepEqual(hinted.json().network.availability_zone_hints, ["nova"]);
  const unknown = await net(memberToken, "POST", "/v2.0/networks", {
    network: { name: "az2", availability_zone_hints: ["mars"] },
  });
  assert.equal(unknown.statusCode, 404);
  assert.deepEqual(unknown.json(), {
    NeutronError: {
      type: "AvailabilityZoneNotFound",
      message: "AvailabilityZone mars could not be found.",
      detail: "",
    },
  });
});
