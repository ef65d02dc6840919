import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { adminToken, startServer, stratus, type Server } from "./server.ts";

/**
 * The physical topology end to end: a zone, spine, TOR, gateway and hosts made over HTTP, then
 * `stratus topology` prints the tree and `stratus topology device down` injects a fault.
 */

const ADMIN_PASSWORD = "e2e-topology-admin-Secret-1";
let server: Server | undefined;
let token = "";

function srv(): Server {
  assert.ok(server, "the server did not start");
  return server;
}

async function post(path: string, member: string, body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${srv().baseUrl}/networking/v2.0${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-auth-token": token },
    body: JSON.stringify({ [member]: body }),
  });
  const text = await response.text();
  assert.equal(response.status, 201, text);
  return (JSON.parse(text) as Record<string, { id: string }>)[member]?.id ?? "";
}

const linked = (a: [string, string], b: [string, string]) =>
  post("/sdn/links", "link", { a_kind: a[0], a_id: a[1], b_kind: b[0], b_id: b[1] });

before(
  async () => {
    server = await startServer(ADMIN_PASSWORD);
    token = await adminToken(srv());
    const zone = await post("/sdn/zones", "zone", { name: "hall-a", vlan_ranges: ["physnet1:100:199"] });
    const spine = await post("/sdn/devices", "device", { name: "spine-1", kind: "spine", zone_id: zone });
    const tor = await post("/sdn/devices", "device", {
      name: "tor-1",
      kind: "tor",
      zone_id: zone,
      vendor: "Huawei",
      model: "CE6881",
      driver: "huawei-ce",
    });
    const gateway = await post("/sdn/devices", "device", { name: "gw-1", kind: "gateway", zone_id: zone });
    const host = await post("/sdn/hosts", "host", { name: "compute-1", zone_id: zone });
    await post("/sdn/hosts", "host", { name: "spare-1" });
    await linked(["device", tor], ["device", spine]);
    await linked(["device", gateway], ["device", spine]);
    await linked(["host", host], ["device", tor]);
    const network = await post("/networks", "network", { name: "web" });
    await post("/ports", "port", { network_id: network, name: "vm1", "binding:host_id": "compute-1" });
  },
  { timeout: 120_000 },
);

after(async () => {
  if (server === undefined) return;
  const exit = await server.stop();
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, server.output());
});

test("stratus topology prints the tree with hosts under their TOR and ports under their host", async () => {
  const result = await stratus(srv().openrc, ["topology"]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const lines = result.stdout.split("\n");
  const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
  assert.match(lines[0] ?? "", /^zone hall-a \[vlan physnet1:100:199\]/);
  assert.ok(at(/^ {2}spine spine-1: up$/) > 0, result.stdout);
  assert.ok(
    at(/^ {2}tor tor-1 \(Huawei CE6881, driver huawei-ce, uplinks spine-1\): up$/) > at(/spine spine-1/),
    result.stdout,
  );
  assert.ok(at(/^ {4}host compute-1: up$/) > at(/tor tor-1/), result.stdout);
  assert.ok(at(/^ {6}port vm1 \S+ (DOWN|ACTIVE)$/) > at(/host compute-1/), result.stdout);
  assert.ok(at(/^ {2}gateway gw-1 \(uplinks spine-1\): up$/) > 0, result.stdout);
  assert.ok(at(/^\(no zone\)$/) < at(/^ {2}host spare-1: up$/), result.stdout);
  const asJson = await stratus(srv().openrc, ["topology", "--json"]);
  assert.equal(asJson.code, 0);
  const tree = JSON.parse(asJson.stdout) as { topology: { zones: Array<{ name: string }> } };
  assert.deepEqual(
    tree.topology.zones.map((zone) => zone.name),
    ["hall-a"],
  );
});

test("stratus topology device down marks the spine and what hangs below it DOWN; up clears it", async () => {
  const down = await stratus(srv().openrc, ["topology", "device", "down", "spine-1"]);
  assert.equal(down.code, 0, down.stdout + down.stderr);
  assert.match(down.stdout, /device spine-1: state down, status DOWN \(marked down\)/);
  const tree = (await stratus(srv().openrc, ["topology"])).stdout;
  assert.match(tree, /spine spine-1: DOWN \(marked down\)/);
  assert.match(tree, /tor tor-1 .*: DOWN \(device spine-1 is down\)/);
  assert.match(tree, /host compute-1: DOWN \(device tor-1 is down\)/);
  assert.match(tree, /gateway gw-1 .*: DOWN \(device spine-1 is down\)/);
  const hostDown = await stratus(srv().openrc, ["topology", "host", "down", "spare-1"]);
  assert.match(hostDown.stdout, /host spare-1: state down, status DOWN \(marked down\)/);
  assert.equal((await stratus(srv().openrc, ["topology", "device", "up", "spine-1"])).code, 0);
  assert.match((await stratus(srv().openrc, ["topology"])).stdout, /host compute-1: up/);
});

test("usage errors exit 2, API errors 1 with the message", async () => {
  const usage = await stratus(srv().openrc, ["topology", "switch", "down", "x"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /unknown subcommand 'switch'/);
  assert.equal((await stratus(srv().openrc, ["topology", "host", "sideways", "x"])).code, 2);
  const unknown = await stratus(srv().openrc, ["topology", "host", "down", "nowhere"]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no host named nowhere/);
  const noEnv = await stratus({}, ["topology"]);
  assert.equal(noEnv.code, 2);
  assert.match(noEnv.stderr, /OS_AUTH_URL is not set/);
});
