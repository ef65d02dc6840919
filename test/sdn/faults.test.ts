import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";

/** Fault injection through the topology API, seen in statuses and traces (issue item 7). */

let t: TestApp;
let member = "";
const ids = { inside: "", external: "", router: "", vm: "", other: "", tor: "", gateway: "" };

type Method = "GET" | "POST" | "PUT" | "DELETE";
const api = (method: Method, url: string, body?: unknown, token = t.adminToken) =>
  call(t.app, token, method, `/networking/v2.0${url}`, body);

async function created(url: string, body: Record<string, unknown>, token = t.adminToken) {
  const response = await api("POST", url, body, token);
  assert.equal(response.statusCode, 201, response.body);
  return String(Object.values(response.json<Record<string, { id: string }>>())[0]!.id);
}

async function status(url: string): Promise<string> {
  const response = await api("GET", url);
  return String(Object.values(response.json<Record<string, { status: string }>>())[0]!.status);
}

const setState = async (kind: "hosts" | "devices", id: string, state: "up" | "down") => {
  const member = kind === "hosts" ? "host" : "device";
  const response = await api("PUT", `/sdn/${kind}/${id}`, { [member]: { state } });
  assert.equal(response.statusCode, 200, response.body);
  await t.ctx.sdn.reconcileNow();
};

async function traced(from: string, to: Record<string, string>, token = t.adminToken) {
  const response = await api(
    "POST",
    "/traces",
    { trace: { source_port_id: from, ...to, protocol: "icmp" } },
    token,
  );
  assert.equal(response.statusCode, 200, response.body);
  return response.json<{ trace: { verdict: string; hops: Array<{ step: string; detail: string }> } }>().trace;
}

before(async () => {
  t = await startTestApp();
  member = await userInNewProject(t, "faults");
  ids.external = await created("/networks", { network: { name: "ext", "router:external": true } });
  await created("/subnets", { subnet: { network_id: ids.external, cidr: "203.0.113.0/24", ip_version: 4 } });
  ids.inside = await created("/networks", { network: { name: "inside" } }, member);
  const subnet = await created(
    "/subnets",
    { subnet: { network_id: ids.inside, cidr: "10.1.0.0/24", ip_version: 4 } },
    member,
  );
  ids.router = await created(
    "/routers",
    { router: { name: "r", external_gateway_info: { network_id: ids.external } } },
    member,
  );
  await api("PUT", `/routers/${ids.router}/add_router_interface`, { subnet_id: subnet }, member);
  const zone = await created("/sdn/zones", { zone: { name: "az1" } });
  const spine = await created("/sdn/devices", { device: { name: "spine-1", kind: "spine", zone_id: zone } });
  ids.tor = await created("/sdn/devices", { device: { name: "tor-1", kind: "tor", zone_id: zone } });
  ids.gateway = await created("/sdn/devices", { device: { name: "gw-1", kind: "gateway", zone_id: zone } });
  const host1 = await created("/sdn/hosts", { host: { name: "compute-1", zone_id: zone } });
  await created("/sdn/hosts", { host: { name: "compute-2", zone_id: zone } });
  const link = (a: [string, string], b: [string, string]) =>
    created("/sdn/links", { link: { a_kind: a[0], a_id: a[1], b_kind: b[0], b_id: b[1] } });
  await link(["host", host1], ["device", ids.tor]);
  await link(["device", ids.tor], ["device", spine]);
  await link(["device", ids.gateway], ["device", spine]);
  const project = (await api("GET", `/networks/${ids.inside}`)).json<{ network: { project_id: string } }>();
  const bound = (host: string) =>
    created("/ports", {
      port: { network_id: ids.inside, project_id: project.network.project_id, "binding:host_id": host },
    });
  ids.vm = await bound("compute-1");
  ids.other = await bound("compute-2");
  await t.ctx.sdn.reconcileNow();
});
after(() => t.close());

test("a TOR down takes its hosts' ports DOWN, the tracer names the fault, and up restores", async () => {
  assert.equal(await status(`/ports/${ids.vm}`), "ACTIVE");
  await setState("devices", ids.tor, "down");
  assert.equal(await status(`/ports/${ids.vm}`), "DOWN");
  assert.equal(await status(`/ports/${ids.other}`), "ACTIVE", "compute-2 has no link to tor-1");
  const admin = await traced(ids.other, { destination_port_id: ids.vm });
  assert.equal(admin.verdict, "dropped");
  const hop = admin.hops.at(-1)!;
  assert.equal(hop.step, "chassis");
  assert.match(hop.detail, /host compute-1, which is down \(device tor-1 is down\)/);
  // The tenant learns there is a fault, not which device.
  const tenant = await traced(ids.other, { destination_port_id: ids.vm }, member);
  assert.equal(tenant.hops.at(-1)!.step, "chassis");
  assert.match(tenant.hops.at(-1)!.detail, /physical infrastructure/);
  assert.doesNotMatch(JSON.stringify(tenant), /tor-1/);
  await setState("devices", ids.tor, "up");
  assert.equal(await status(`/ports/${ids.vm}`), "ACTIVE");
  assert.equal((await traced(ids.other, { destination_port_id: ids.vm })).verdict, "delivered");
});

test("with its only gateway down a router is ERROR and north-south traffic drops; up restores", async () => {
  assert.equal(await status(`/routers/${ids.router}`), "ACTIVE");
  await setState("devices", ids.gateway, "down");
  assert.equal(await status(`/routers/${ids.router}`), "ERROR");
  const out = await traced(ids.other, { destination_ip_address: "8.8.8.8" });
  assert.equal(out.verdict, "dropped");
  assert.match(out.hops.at(-1)!.detail, /no gateway chassis up to carry it: gw-1 \(marked down\) down/);
  await setState("devices", ids.gateway, "up");
  assert.equal(await status(`/routers/${ids.router}`), "ACTIVE");
  assert.equal((await traced(ids.other, { destination_ip_address: "8.8.8.8" })).verdict, "delivered");
});
