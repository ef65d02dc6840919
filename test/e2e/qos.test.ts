import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { cliFor, type Env, type Row } from "./cli.ts";
import { startServer, type Server } from "./server.ts";

/**
 * Neutron QoS [qos, qos-bw-limit-direction, qos-fip, qos-gateway-ip] through the real `openstack`
 * CLI against a `stratus serve` child process. The tests run in order on one server: a policy with
 * a bandwidth limit and a DSCP mark, attached to a port, a network, a floating IP and a router
 * gateway, and its deletion refused while it is in use.
 */

const ADMIN_PASSWORD = "e2e-qos-admin-Secret-1";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let server: Server | undefined;
const ids = { policy: "", network: "", port: "", public: "", fip: "", router: "" };

function srv(): Server {
  assert.ok(server, "the server did not start");
  return server;
}

const { ok, json, fails } = cliFor(srv);
const admin = (): Env => srv().openrc;

before(
  async () => {
    server = await startServer(ADMIN_PASSWORD);
  },
  { timeout: 60_000 },
);

after(async () => {
  if (server === undefined) return;
  const exit = await server.stop();
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, server.output());
});

test("network qos policy create / show", async () => {
  const created = await json<Row>(admin(), ["network", "qos", "policy", "create", "--share", "gold"]);
  assert.match(String(created.id), UUID);
  assert.equal(created.name, "gold");
  assert.equal(created.shared, true);
  ids.policy = String(created.id);
  const shown = await json<Row>(admin(), ["network", "qos", "policy", "show", "gold"]);
  assert.equal(shown.id, ids.policy);
});

test("network qos rule create: bandwidth limit (egress, then a refused second egress) and DSCP mark", async () => {
  const limit = await json<Row>(admin(), [
    "network",
    "qos",
    "rule",
    "create",
    "--type",
    "bandwidth-limit",
    "--max-kbps",
    "10000",
    "--max-burst-kbits",
    "8000",
    "--egress",
    "gold",
  ]);
  assert.equal(limit.max_kbps, 10000);
  assert.equal(limit.max_burst_kbps, 8000);
  assert.equal(limit.direction, "egress");
  const again = await fails(admin(), [
    "network",
    "qos",
    "rule",
    "create",
    "--type",
    "bandwidth-limit",
    "--max-kbps",
    "5",
    "--egress",
    "gold",
  ]);
  assert.match(again.stderr, /conflicts with rule/);
  const mark = await json<Row>(admin(), [
    "network",
    "qos",
    "rule",
    "create",
    "--type",
    "dscp-marking",
    "--dscp-mark",
    "26",
    "gold",
  ]);
  assert.equal(mark.dscp_mark, 26);
});

test("network qos rule list and rule type list", async () => {
  const rules = await json<Row[]>(admin(), ["network", "qos", "rule", "list", "gold"]);
  assert.deepEqual(rules.map((rule) => rule.Type).sort(), ["bandwidth_limit", "dscp_marking"]);
  assert.ok(rules.every((rule) => rule["QoS Policy ID"] === ids.policy));
  const types = await json<Row[]>(admin(), ["network", "qos", "rule", "type", "list"]);
  assert.deepEqual(types.map((type) => type.Type).sort(), ["bandwidth_limit", "dscp_marking"]);
});

test("port set --qos-policy and network set --qos-policy", async () => {
  ids.network = (await json<Row>(admin(), ["network", "create", "inside"])).id as string;
  await ok(admin(), [
    "subnet",
    "create",
    "--network",
    "inside",
    "--subnet-range",
    "10.7.0.0/24",
    "inside-sub",
  ]);
  ids.port = (await json<Row>(admin(), ["port", "create", "--network", "inside", "vm"])).id as string;
  await ok(admin(), ["port", "set", "--qos-policy", "gold", "vm"]);
  assert.equal((await json<Row>(admin(), ["port", "show", "vm"])).qos_policy_id, ids.policy);
  await ok(admin(), ["network", "set", "--qos-policy", "gold", "inside"]);
  assert.equal((await json<Row>(admin(), ["network", "show", "inside"])).qos_policy_id, ids.policy);
});

test("floating ip set --qos-policy and router set --external-gateway --qos-policy", async () => {
  ids.public = (await json<Row>(admin(), ["network", "create", "--external", "public"])).id as string;
  await ok(admin(), [
    "subnet",
    "create",
    "--network",
    "public",
    "--subnet-range",
    "203.0.113.0/24",
    "public-sub",
  ]);
  ids.fip = (await json<Row>(admin(), ["floating", "ip", "create", "public"])).id as string;
  await ok(admin(), ["floating", "ip", "set", "--qos-policy", "gold", ids.fip]);
  assert.equal((await json<Row>(admin(), ["floating", "ip", "show", ids.fip])).qos_policy_id, ids.policy);
  ids.router = (await json<Row>(admin(), ["router", "create", "edge"])).id as string;
  await ok(admin(), ["router", "set", "--external-gateway", "public", "--qos-policy", "gold", "edge"]);
  const router = await json<Row>(admin(), ["router", "show", "edge"]);
  const gateway = router.external_gateway_info as Record<string, unknown>;
  assert.equal(gateway.network_id, ids.public);
  assert.equal(gateway.qos_policy_id, ids.policy);
});

test("network qos policy delete is refused while the policy is in use, then succeeds", async () => {
  const refused = await fails(admin(), ["network", "qos", "policy", "delete", "gold"]);
  assert.match(refused.stderr, new RegExp(`QoS Policy ${ids.policy} is used by port ${ids.port}`));
  await ok(admin(), ["port", "unset", "--qos-policy", "vm"]);
  await ok(admin(), ["network", "set", "--no-qos-policy", "inside"]);
  await ok(admin(), ["floating", "ip", "unset", "--qos-policy", ids.fip]);
  await ok(admin(), ["router", "set", "--no-qos-policy", "edge"]);
  await ok(admin(), ["network", "qos", "policy", "delete", "gold"]);
  const left = await json<Row[]>(admin(), ["network", "qos", "policy", "list"]);
  assert.deepEqual(left, []);
});
