import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { cliFor, type Env, type Row } from "./cli.ts";
import { startServer, type Server } from "./server.ts";

/**
 * FWaaS v2 [fwaas_v2] through the real `openstack` CLI (python3-neutronclient's OSC plugin) against
 * a `stratus serve` child process, in order on one server: a rule, a policy holding it, rules added
 * and removed, a group on a router interface port, and the deletion of a policy in use refused.
 */

const ADMIN_PASSWORD = "e2e-fwaas-admin-Secret-1";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let server: Server | undefined;
const ids = { ssh: "", web: "", policy: "", port: "", group: "" };

function srv(): Server {
  assert.ok(server, "the server did not start");
  return server;
}

const { ok, json, fails } = cliFor(srv);
const admin = (): Env => srv().openrc;

before(
  async () => {
    server = await startServer(ADMIN_PASSWORD);
    await ok(admin(), ["network", "create", "inside"]);
    await ok(admin(), [
      "subnet",
      "create",
      "inside-v4",
      "--network",
      "inside",
      "--subnet-range",
      "10.7.0.0/24",
    ]);
    await ok(admin(), ["router", "create", "edge"]);
    await ok(admin(), ["router", "add", "subnet", "edge", "inside-v4"]);
    const ports = await json<Row[]>(admin(), ["port", "list", "--device-owner", "network:router_interface"]);
    assert.equal(ports.length, 1);
    ids.port = String(ports[0]!.ID);
  },
  { timeout: 120_000 },
);

after(async () => {
  if (server === undefined) return;
  const exit = await server.stop();
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, server.output());
});

test("firewall group rule create / show", async () => {
  const ssh = await json<Row>(admin(), [
    "firewall",
    "group",
    "rule",
    "create",
    "--name",
    "ssh",
    "--protocol",
    "tcp",
    "--destination-port",
    "22",
    "--action",
    "allow",
  ]);
  assert.match(String(ssh.id ?? ssh.ID), UUID);
  ids.ssh = String(ssh.id ?? ssh.ID);
  const web = await json<Row>(admin(), [
    "firewall",
    "group",
    "rule",
    "create",
    "--name",
    "web",
    "--protocol",
    "tcp",
    "--destination-port",
    "80:81",
    "--action",
    "allow",
  ]);
  ids.web = String(web.id ?? web.ID);
  const shown = await json<Row>(admin(), ["firewall", "group", "rule", "show", "ssh"]);
  assert.equal(shown.destination_port ?? shown["Destination Port"], "22");
  assert.equal(shown.action ?? shown.Action, "allow");
});

test("firewall group policy create --firewall-rule, add rule, remove rule", async () => {
  const created = await json<Row>(admin(), [
    "firewall",
    "group",
    "policy",
    "create",
    "--firewall-rule",
    "ssh",
    "acl",
  ]);
  ids.policy = String(created.id ?? created.ID);
  assert.match(ids.policy, UUID);
  await ok(admin(), ["firewall", "group", "policy", "add", "rule", "acl", "web", "--insert-after", "ssh"]);
  const rulesOf = async () => {
    const shown = await json<Row>(admin(), ["firewall", "group", "policy", "show", "acl"]);
    return shown.firewall_rules ?? shown["Firewall Rules"];
  };
  assert.deepEqual(await rulesOf(), [ids.ssh, ids.web]);
  await ok(admin(), ["firewall", "group", "policy", "remove", "rule", "acl", "web"]);
  assert.deepEqual(await rulesOf(), [ids.ssh]);
  const listed = await json<Row[]>(admin(), ["firewall", "group", "policy", "list"]);
  assert.ok(listed.some((row) => row.ID === ids.policy));
});

test("firewall group create --ingress-firewall-policy --port <router interface>", async () => {
  const created = await json<Row>(admin(), [
    "firewall",
    "group",
    "create",
    "--name",
    "subnet-acl",
    "--ingress-firewall-policy",
    "acl",
    "--port",
    ids.port,
  ]);
  ids.group = String(created.id ?? created.ID);
  const shown = await json<Row>(admin(), ["firewall", "group", "show", "subnet-acl"]);
  assert.equal(shown.ingress_firewall_policy_id ?? shown["Ingress Policy ID"], ids.policy);
  assert.deepEqual(shown.ports ?? shown.Ports, [ids.port]);
  assert.equal(shown.status ?? shown.Status, "ACTIVE");
  const listed = await json<Row[]>(admin(), ["firewall", "group", "list"]);
  assert.deepEqual(
    listed.map((row) => row.ID),
    [ids.group],
  );
});

test("deleting a policy in use is refused; unbound, everything goes", async () => {
  const refused = await fails(admin(), ["firewall", "group", "policy", "delete", "acl"]);
  assert.match(refused.stderr + refused.stdout, /being used|in use/i);
  await ok(admin(), ["firewall", "group", "unset", "--port", ids.port, "subnet-acl"]);
  await ok(admin(), ["firewall", "group", "delete", "subnet-acl"]);
  await ok(admin(), ["firewall", "group", "policy", "delete", "acl"]);
  await ok(admin(), ["firewall", "group", "rule", "delete", "ssh", "web"]);
  assert.deepEqual(await json<Row[]>(admin(), ["firewall", "group", "rule", "list"]), []);
});
