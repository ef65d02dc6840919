import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { loadTopologyState } from "../../src/network/topology/state.ts";
import type { NetworkTables } from "../../src/network/tables.ts";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";

/** [sdn-topology]: zones, hosts, devices, links, the tree, effective status, events, admin-only. */

let t: TestApp;
let memberToken = "";

before(async () => {
  t = await startTestApp();
  memberToken = await userInNewProject(t, "topology-member");
});
after(() => t.close());

type Method = "GET" | "POST" | "PUT" | "DELETE";
const sdn = (method: Method, url: string, body?: unknown, token = t.adminToken) =>
  call(t.app, token, method, `/networking/v2.0${url}`, body);

async function created<T = Record<string, unknown>>(
  url: string,
  member: string,
  body: Record<string, unknown>,
) {
  const response = await sdn("POST", url, { [member]: body });
  assert.equal(response.statusCode, 201, response.body);
  return response.json()[member] as T & { id: string };
}

const zone = (name: string, extra: Record<string, unknown> = {}) =>
  created("/sdn/zones", "zone", { name, ...extra });
const device = (name: string, kind: string, extra: Record<string, unknown> = {}) =>
  created<{ status: string; status_reason: string | null }>("/sdn/devices", "device", {
    name,
    kind,
    ...extra,
  });
const host = (name: string, extra: Record<string, unknown> = {}) =>
  created<{ status: string; chassis_id: string }>("/sdn/hosts", "host", { name, ...extra });
const link = (a: [string, string], b: [string, string]) =>
  created("/sdn/links", "link", { a_kind: a[0], a_id: a[1], b_kind: b[0], b_id: b[1] });

async function eventTypes(since: number): Promise<string[]> {
  const rows = await t.ctx.db
    .as<{ events: { seq: number; type: string } }>()
    .selectFrom("events")
    .select(["seq", "type"])
    .where("seq", ">", since)
    .where("type", "like", "sdn_%")
    .orderBy("seq")
    .execute();
  return rows.map((row) => row.type);
}

async function lastSeq(): Promise<number> {
  const row = await t.ctx.db
    .as<{ events: { seq: number } }>()
    .selectFrom("events")
    .select((eb) => eb.fn.max("seq").as("seq"))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

test("the extension is listed and every call is admin-only", async () => {
  const extension = (await sdn("GET", "/extensions/sdn-topology")).json().extension;
  assert.equal(extension.name, "SDN physical topology");
  for (const url of ["/sdn/zones", "/sdn/hosts", "/sdn/devices", "/sdn/links", "/sdn/topology"])
    expectNeutronError(await sdn("GET", url, undefined, memberToken), 403, "PolicyNotAuthorized");
  expectNeutronError(
    await sdn("POST", "/sdn/hosts", { host: { name: "x" } }, memberToken),
    403,
    "PolicyNotAuthorized",
    "rule:create_sdn_host is disallowed by policy",
  );
  const z = await zone("policy-zone");
  expectNeutronError(
    await sdn("PUT", `/sdn/zones/${z.id}`, { zone: { description: "x" } }, memberToken),
    403,
    "PolicyNotAuthorized",
  );
  expectNeutronError(
    await sdn("DELETE", `/sdn/zones/${z.id}`, undefined, memberToken),
    403,
    "PolicyNotAuthorized",
  );
  assert.equal((await sdn("GET", "/sdn/zones", undefined, null as unknown as string)).statusCode, 401);
  assert.equal((await sdn("DELETE", `/sdn/zones/${z.id}`)).statusCode, 204);
});

test("zones: CRUD, validation, overlaps and events", async () => {
  const since = await lastSeq();
  const z1 = await zone("az-1", {
    description: "first hall",
    vlan_ranges: ["physnet1:100:199"],
    vni_ranges: ["1000:1999"],
    public_ip_pools: ["203.0.113.0/25"],
  });
  assert.deepEqual(Object.keys(z1).sort(), [
    "created_at",
    "description",
    "id",
    "name",
    "public_ip_pools",
    "updated_at",
    "vlan_ranges",
    "vni_ranges",
  ]);
  assert.deepEqual((await sdn("GET", `/sdn/zones/${z1.id}`)).json().zone, z1);
  const clash = (body: Record<string, unknown>) =>
    sdn("POST", "/sdn/zones", { zone: { name: "az-2", ...body } });
  expectNeutronError(
    await clash({ vlan_ranges: ["physnet1:150:300"] }),
    409,
    "SdnZoneRangeOverlap",
    "The VLAN range physnet1:150:300 overlaps physnet1:100:199 of SDN zone az-1.",
  );
  expectNeutronError(await clash({ vni_ranges: ["1999:2000"] }), 409, "SdnZoneRangeOverlap");
  expectNeutronError(
    await clash({ public_ip_pools: ["203.0.113.64/26"] }),
    409,
    "SdnZoneRangeOverlap",
    "The public IP pool 203.0.113.64/26 overlaps 203.0.113.0/25 of SDN zone az-1.",
  );
  expectNeutronError(await clash({ name: "az-1" }), 409, "SdnNameInUse");
  for (const bad of [
    { vlan_ranges: ["physnet1:0:10"] },
    { vlan_ranges: ["physnet1:20:10"] },
    { vlan_ranges: ["physnet1:4000:4095"] },
    { vlan_ranges: ["10:20"] },
    { vni_ranges: ["1:16777216"] },
    { vni_ranges: ["1:10", "5:20"] },
    { public_ip_pools: ["203.0.113.1/24"] },
    { name: "" },
    { name: "nova" },
    { colour: "blue" },
  ])
    expectNeutronError(await clash(bad), 400, bad.name === "nova" ? "InvalidInput" : "HTTPBadRequest");
  // Another physnet, disjoint VNIs and pools: fine.
  const z2 = await zone("az-2", {
    vlan_ranges: ["physnet2:100:199"],
    vni_ranges: ["2000:2999"],
    public_ip_pools: ["203.0.113.128/25"],
  });
  expectNeutronError(
    await sdn("PUT", `/sdn/zones/${z2.id}`, { zone: { vni_ranges: ["1500:2500"] } }),
    409,
    "SdnZoneRangeOverlap",
  );
  const renamed = (await sdn("PUT", `/sdn/zones/${z2.id}`, { zone: { description: "second" } })).json().zone;
  assert.equal(renamed.description, "second");
  expectNeutronError(await sdn("PUT", `/sdn/zones/${z2.id}`, { zone: { id: "x" } }), 400, "HTTPBadRequest");
  expectNeutronError(
    await sdn("PUT", `/sdn/zones/${z2.id}`, { zone: { name: "az-1" } }),
    409,
    "SdnNameInUse",
  );
  const names = (await sdn("GET", "/sdn/zones?sort_key=name&sort_dir=desc&fields=name")).json().zones;
  assert.deepEqual(names, [{ name: "az-2" }, { name: "az-1" }]);
  assert.deepEqual((await sdn("GET", "/sdn/zones?name=az-1")).json().zones, [z1]);
  const page = (await sdn("GET", "/sdn/zones?limit=1&sort_key=name&sort_dir=asc")).json();
  assert.deepEqual([page.zones.length, page.zones_links[0].rel], [1, "next"]);
  expectNeutronError(await sdn("GET", "/sdn/zones?colour=blue"), 400, "HTTPBadRequest");
  expectNeutronError(await sdn("PUT", `/sdn/zones/${z1.id}/tags/red`), 404, "HTTPNotFound");
  const h = await host("in-az-2", { zone_id: z2.id });
  expectNeutronError(await sdn("DELETE", `/sdn/zones/${z2.id}`), 409, "SdnZoneInUse");
  assert.equal((await sdn("DELETE", `/sdn/hosts/${h.id}`)).statusCode, 204);
  for (const id of [z1.id, z2.id]) assert.equal((await sdn("DELETE", `/sdn/zones/${id}`)).statusCode, 204);
  expectNeutronError(await sdn("GET", `/sdn/zones/${z1.id}`), 404, "SdnZoneNotFound");
  expectNeutronError(await sdn("DELETE", `/sdn/zones/${z1.id}`), 404, "SdnZoneNotFound");
  assert.deepEqual(await eventTypes(since), [
    "sdn_zone.create.end",
    "sdn_zone.create.end",
    "sdn_zone.update.end",
    "sdn_host.create.end",
    "sdn_host.delete.end",
    "sdn_zone.delete.end",
    "sdn_zone.delete.end",
  ]);
});

test("hosts and devices: fields, validation, unknown zone, unique names", async () => {
  const z = await zone("hd-zone");
  const h = await host("hd-host", { zone_id: z.id, tunnel_ip: "192.0.2.10" });
  assert.equal(h.status, "up");
  assert.match(h.chassis_id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(Object.keys(h).sort(), [
    "chassis_id",
    "created_at",
    "id",
    "name",
    "state",
    "status",
    "status_reason",
    "tunnel_ip",
    "updated_at",
    "zone_id",
  ]);
  const d = await device("hd-tor", "tor", {
    vendor: "Huawei",
    model: "CE6881",
    driver: "huawei-ce",
    zone_id: z.id,
    management_ip: "10.0.0.5",
  });
  assert.deepEqual([d.status, d.status_reason], ["up", null]);
  expectNeutronError(await sdn("POST", "/sdn/hosts", { host: { name: "hd-host" } }), 409, "SdnNameInUse");
  expectNeutronError(
    await sdn("POST", "/sdn/devices", { device: { name: "hd-tor", kind: "tor" } }),
    409,
    "SdnNameInUse",
  );
  const ghost = "00000000-0000-4000-8000-000000000000";
  expectNeutronError(
    await sdn("POST", "/sdn/hosts", { host: { name: "h2", zone_id: ghost } }),
    404,
    "SdnZoneNotFound",
  );
  for (const bad of [
    { kind: "router" },
    { kind: "tor", management_ip: "not-an-ip" },
    { kind: "tor", state: "sideways" },
    {},
  ])
    expectNeutronError(
      await sdn("POST", "/sdn/devices", { device: { name: "d2", ...bad } }),
      400,
      "HTTPBadRequest",
    );
  expectNeutronError(
    await sdn("PUT", `/sdn/devices/${d.id}`, { device: { kind: "spine" } }),
    400,
    "HTTPBadRequest",
  );
  expectNeutronError(
    await sdn("PUT", `/sdn/hosts/${h.id}`, { host: { status: "down" } }),
    400,
    "HTTPBadRequest",
  );
  expectNeutronError(await sdn("GET", `/sdn/hosts/${ghost}`), 404, "SdnHostNotFound");
  expectNeutronError(
    await sdn("PUT", `/sdn/devices/${ghost}`, { device: { state: "down" } }),
    404,
    "SdnDeviceNotFound",
  );
  assert.deepEqual((await sdn("GET", "/sdn/devices?kind=tor&fields=name")).json().devices, [
    { name: "hd-tor" },
  ]);
  assert.deepEqual((await sdn("GET", `/sdn/hosts?zone_id=${z.id}&fields=name`)).json().hosts, [
    { name: "hd-host" },
  ]);
  const bulk = await sdn("POST", "/sdn/hosts", { hosts: [{ name: "bulk-1" }, { name: "bulk-2" }] });
  assert.equal(bulk.statusCode, 201);
  assert.equal(bulk.json().hosts.length, 2);
  const bulkDup = await sdn("POST", "/sdn/hosts", { hosts: [{ name: "bulk-3" }, { name: "bulk-1" }] });
  expectNeutronError(bulkDup, 409, "SdnNameInUse");
  assert.deepEqual((await sdn("GET", "/sdn/hosts?name=bulk-3")).json().hosts, []);
});

test("links: endpoints must exist, no self link, no duplicate; deleting a node removes its links", async () => {
  const tor = await device("l-tor", "tor");
  const h = await host("l-host");
  const ghost = "00000000-0000-4000-8000-000000000001";
  expectNeutronError(
    await sdn("POST", "/sdn/links", { link: { a_kind: "host", a_id: h.id, b_kind: "device", b_id: ghost } }),
    404,
    "SdnLinkEndpointNotFound",
    `Link endpoint b: SDN device ${ghost} could not be found.`,
  );
  expectNeutronError(
    await sdn("POST", "/sdn/links", {
      link: { a_kind: "device", a_id: h.id, b_kind: "device", b_id: tor.id },
    }),
    404,
    "SdnLinkEndpointNotFound",
  );
  expectNeutronError(
    await sdn("POST", "/sdn/links", { link: { a_kind: "host", a_id: h.id, b_kind: "host", b_id: h.id } }),
    400,
    "InvalidInput",
  );
  expectNeutronError(
    await sdn("POST", "/sdn/links", { link: { a_kind: "cable", a_id: h.id, b_kind: "host", b_id: tor.id } }),
    400,
    "HTTPBadRequest",
  );
  const l = await link(["host", h.id], ["device", tor.id]);
  expectNeutronError(
    await sdn("POST", "/sdn/links", { link: { a_kind: "device", a_id: tor.id, b_kind: "host", b_id: h.id } }),
    409,
    "SdnLinkExists",
  );
  const updated = (
    await sdn("PUT", `/sdn/links/${l.id}`, { link: { speed_mbps: 25000, a_interface: "eth0" } })
  ).json().link;
  assert.deepEqual([updated.speed_mbps, updated.a_interface], [25000, "eth0"]);
  expectNeutronError(await sdn("PUT", `/sdn/links/${l.id}`, { link: { b_id: h.id } }), 400, "HTTPBadRequest");
  assert.deepEqual((await sdn("GET", `/sdn/links?a_id=${h.id}`)).json().links, [updated]);
  const since = await lastSeq();
  assert.equal((await sdn("DELETE", `/sdn/devices/${tor.id}`)).statusCode, 204);
  expectNeutronError(await sdn("GET", `/sdn/links/${l.id}`), 404, "SdnLinkNotFound");
  assert.deepEqual(await eventTypes(since), ["sdn_link.delete.end", "sdn_device.delete.end"]);
  await sdn("DELETE", `/sdn/hosts/${h.id}`);
});

test("effective status host -> tor -> spine, the tree, availability zones and the SDN loader", async () => {
  const z = await zone("fabric", { vlan_ranges: ["physnet9:10:20"] });
  const [s1, s2] = [
    await device("spine-1", "spine", { zone_id: z.id }),
    await device("spine-2", "spine", { zone_id: z.id }),
  ];
  const tor = await device("tor-1", "tor", { zone_id: z.id, vendor: "Huawei", driver: "huawei-ce" });
  const gw = await device("gw-1", "gateway", { zone_id: z.id });
  await device("fw-1", "firewall", { zone_id: z.id });
  const h = await host("compute-7", { zone_id: z.id });
  await host("loose-host");
  for (const spine of [s1, s2]) {
    await link(["device", tor.id], ["device", spine.id]);
    await link(["device", gw.id], ["device", spine.id]);
  }
  await link(["host", h.id], ["device", tor.id]);
  const network = (await sdn("POST", "/networks", { network: { name: "topo-net" } })).json().network;
  const port = (
    await sdn("POST", "/ports", {
      port: { network_id: network.id, name: "vm", "binding:host_id": "compute-7" },
    })
  ).json().port;

  const zoneState = async () =>
    (await sdn("GET", "/availability_zones?name=fabric&resource=network")).json().availability_zones[0]
      ?.state;
  assert.equal(await zoneState(), "available");
  const since = await lastSeq();
  for (const spine of [s1, s2]) {
    const response = await sdn("PUT", `/sdn/devices/${spine.id}`, { device: { state: "down" } });
    assert.deepEqual(
      [response.json().device.status, response.json().device.status_reason],
      ["down", "marked down"],
    );
  }
  assert.deepEqual(await eventTypes(since), ["sdn_device.update.end", "sdn_device.update.end"]);
  const torNow = (await sdn("GET", `/sdn/devices/${tor.id}`)).json().device;
  assert.deepEqual(
    [torNow.state, torNow.status, torNow.status_reason],
    ["up", "down", "devices spine-1, spine-2 are down"],
  );
  const hostNow = (await sdn("GET", `/sdn/hosts/${h.id}`)).json().host;
  assert.deepEqual([hostNow.status, hostNow.status_reason], ["down", "device tor-1 is down"]);
  assert.equal(await zoneState(), "unavailable");

  const tree = (await sdn("GET", "/sdn/topology")).json().topology;
  const fabric = tree.zones.find((entry: { name: string }) => entry.name === "fabric");
  assert.deepEqual(
    fabric.spines.map((d: { name: string }) => d.name),
    ["spine-1", "spine-2"],
  );
  assert.deepEqual(
    fabric.tors.map((d: { name: string; uplinks: string[]; hosts: string[] }) => [
      d.name,
      d.uplinks,
      d.hosts,
    ]),
    [["tor-1", ["spine-1", "spine-2"], ["compute-7"]]],
  );
  assert.deepEqual(fabric.gateways[0].status_reason, "devices spine-1, spine-2 are down");
  assert.deepEqual(
    fabric.appliances.map((d: { name: string }) => d.name),
    ["fw-1"],
  );
  assert.deepEqual(fabric.hosts[0].ports, [
    { id: port.id, name: "vm", status: port.status, device_owner: "" },
  ]);
  assert.ok(tree.unplaced.hosts.some((entry: { name: string }) => entry.name === "loose-host"));

  const state = await loadTopologyState(t.ctx.db.as<NetworkTables>());
  assert.deepEqual(
    state.hosts.find((c) => c.name === "compute-7"),
    {
      name: "compute-7",
      zone: "fabric",
      up: false,
      reason: "device tor-1 is down",
    },
  );
  assert.deepEqual(
    state.hosts.find((c) => c.name === "loose-host"),
    { name: "loose-host", zone: "", up: true, reason: null },
  );
  assert.deepEqual(
    state.gateways.map((c) => [c.name, c.up]),
    [["gw-1", false]],
  );

  await sdn("PUT", `/sdn/devices/${s2.id}`, { device: { state: "up" } });
  assert.equal((await sdn("GET", `/sdn/hosts/${h.id}`)).json().host.status, "up");
  assert.equal(await zoneState(), "available");
});
