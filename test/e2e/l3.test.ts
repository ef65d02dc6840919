import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { cliFor, type Env, type Row } from "./cli.ts";
import { startServer, type Server } from "./server.ts";

/**
 * Routers, floating IPs, port forwarding, security groups, tags, quotas, subnet pools and RBAC
 * through the real `openstack` CLI against a `stratus serve` child process. The tests run in order
 * on one server and build on each other's resources, as a user would: external network, tenant
 * network, router with a gateway and an interface, a port, a floating IP bound to it.
 */

const ADMIN_PASSWORD = "e2e-l3-admin-Secret-1";
const MEMBER_PASSWORD = "e2e-l3-member-Pass-1";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let server: Server | undefined;
const ids = { public: "", publicSubnet: "", private: "", privateSubnet: "", router: "", vm: "", vm2: "" };
let fip = { id: "", address: "" };

function srv(): Server {
  assert.ok(server, "the server did not start");
  return server;
}

const { ok, json, fails } = cliFor(srv);
const admin = (): Env => srv().openrc;
const member = (): Env => ({
  ...srv().openrc,
  OS_USERNAME: "e2e-l3-member",
  OS_PASSWORD: MEMBER_PASSWORD,
  OS_PROJECT_NAME: "e2e-l3-project",
});

before(
  async () => {
    server = await startServer(ADMIN_PASSWORD);
    await ok(admin(), ["project", "create", "e2e-l3-project"]);
    await ok(admin(), ["user", "create", "--password", MEMBER_PASSWORD, "e2e-l3-member"]);
    await ok(admin(), ["role", "add", "--project", "e2e-l3-project", "--user", "e2e-l3-member", "member"]);
  },
  { timeout: 60_000 },
);

after(async () => {
  if (server === undefined) return;
  const exit = await server.stop();
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, server.output());
});

interface GatewayInfo {
  network_id: string;
  enable_snat: boolean;
  external_fixed_ips: Array<{ subnet_id: string; ip_address: string }>;
}

test("router create --external-gateway, router add subnet, router show lists the interface", async () => {
  ids.public = (await json<{ id: string }>(admin(), ["network", "create", "--external", "public"])).id;
  ids.publicSubnet = (
    await json<{ id: string }>(admin(), [
      "subnet",
      "create",
      "--network",
      "public",
      "--subnet-range",
      "203.0.113.0/24",
      "--no-dhcp",
      "public-sub",
    ])
  ).id;
  ids.private = (await json<{ id: string }>(member(), ["network", "create", "private"])).id;
  ids.privateSubnet = (
    await json<{ id: string }>(member(), [
      "subnet",
      "create",
      "--network",
      "private",
      "--subnet-range",
      "10.1.0.0/24",
      "private-sub",
    ])
  ).id;
  const router = await json<{ id: string; status: string; external_gateway_info: GatewayInfo }>(member(), [
    "router",
    "create",
    "--external-gateway",
    "public",
    "edge",
  ]);
  ids.router = router.id;
  assert.match(router.id, UUID);
  assert.equal(router.status, "ACTIVE");
  assert.equal(router.external_gateway_info.network_id, ids.public);
  assert.equal(router.external_gateway_info.enable_snat, true);
  assert.equal(router.external_gateway_info.external_fixed_ips[0]?.subnet_id, ids.publicSubnet);

  await ok(member(), ["router", "add", "subnet", "edge", "private-sub"]);
  const shown = await json<{ interfaces_info: Array<{ ip_address: string; subnet_id: string }> }>(member(), [
    "router",
    "show",
    "edge",
  ]);
  assert.deepEqual(
    shown.interfaces_info.map((i) => [i.subnet_id, i.ip_address]),
    [[ids.privateSubnet, "10.1.0.1"]],
  );
  // A member may not choose SNAT: that is the admin's call, as in Neutron.
  const denied = await fails(member(), [
    "router",
    "set",
    "--external-gateway",
    "public",
    "--disable-snat",
    "edge",
  ]);
  assert.match(denied.stderr, /disallowed by policy/);
});

test("router set --route, router add route and router remove route", async () => {
  await ok(member(), ["router", "set", "--route", "destination=10.9.0.0/16,gateway=10.1.0.10", "edge"]);
  const added = await json<{ routes: Array<{ destination: string; nexthop: string }> }>(member(), [
    "router",
    "add",
    "route",
    "--route",
    "destination=10.8.0.0/16,gateway=10.1.0.11",
    "edge",
  ]);
  // New routes come after the ones already there, as Neutron keeps them.
  assert.deepEqual(added.routes, [
    { destination: "10.9.0.0/16", nexthop: "10.1.0.10" },
    { destination: "10.8.0.0/16", nexthop: "10.1.0.11" },
  ]);
  const bad = await fails(member(), [
    "router",
    "add",
    "route",
    "--route",
    "destination=10.7.0.0/16,gateway=8.8.8.8",
    "edge",
  ]);
  assert.match(bad.stderr, /the nexthop is not connected with router/);
  await ok(member(), ["router", "set", "--no-route", "edge"]);
  assert.deepEqual((await json<{ routes: unknown[] }>(member(), ["router", "show", "edge"])).routes, []);
});

test("floating ip create --port: bound through the router; the interface and router cannot go", async () => {
  ids.vm = (await json<{ id: string }>(member(), ["port", "create", "--network", "private", "vm"])).id;
  const created = await json<{
    id: string;
    floating_ip_address: string;
    port_id: string;
    fixed_ip_address: string;
    router_id: string;
    status: string;
  }>(member(), ["floating", "ip", "create", "--port", "vm", "public"]);
  fip = { id: created.id, address: created.floating_ip_address };
  assert.match(created.floating_ip_address, /^203\.0\.113\./);
  assert.equal(created.port_id, ids.vm);
  assert.equal(created.router_id, ids.router);
  assert.match(created.fixed_ip_address, /^10\.1\.0\./);
  assert.equal(created.status, "DOWN");

  const listed = await json<Row[]>(member(), ["floating", "ip", "list", "--port", "vm"]);
  assert.deepEqual(
    listed.map((row) => row["Floating IP Address"]),
    [fip.address],
  );
  const inUse = await fails(member(), ["router", "remove", "subnet", "edge", "private-sub"]);
  assert.match(inUse.stderr, /required by one or more floating IPs/);
  const busy = await fails(member(), ["router", "delete", "edge"]);
  assert.match(busy.stderr, /has ports still attached/);

  await ok(member(), ["floating", "ip", "unset", "--port", fip.id]);
  const unbound = await json<{ port_id: string | null; router_id: string | null }>(member(), [
    "floating",
    "ip",
    "show",
    fip.id,
  ]);
  assert.deepEqual([unbound.port_id, unbound.router_id], [null, null]);
  await ok(member(), ["floating", "ip", "set", "--port", "vm", fip.id]);
  assert.equal(
    (await json<{ port_id: string }>(member(), ["floating", "ip", "show", fip.id])).port_id,
    ids.vm,
  );
});

test("floating ip port forwarding create and list; a second rule on the same port is refused", async () => {
  const vm2 = await json<{ id: string; fixed_ips: Array<{ ip_address: string }> }>(member(), [
    "port",
    "create",
    "--network",
    "private",
    "vm2",
  ]);
  ids.vm2 = vm2.id;
  const spare = await json<{ id: string }>(member(), ["floating", "ip", "create", "public"]);
  const forward = [
    "floating",
    "ip",
    "port",
    "forwarding",
    "create",
    "--internal-ip-address",
    vm2.fixed_ips[0]?.ip_address ?? "",
    "--port",
    "vm2",
    "--internal-protocol-port",
    "22",
    "--external-protocol-port",
    "2222",
    "--protocol",
    "tcp",
    spare.id,
  ];
  const rule = await json<{ external_port: number; internal_port: number; protocol: string }>(
    member(),
    forward,
  );
  assert.deepEqual([rule.external_port, rule.internal_port, rule.protocol], [2222, 22, "tcp"]);
  const rules = await json<Row[]>(member(), ["floating", "ip", "port", "forwarding", "list", spare.id]);
  assert.deepEqual(
    rules.map((row) => [row["External Port"], row.Protocol]),
    [[2222, "tcp"]],
  );
  await fails(member(), forward);
  await ok(member(), ["floating", "ip", "delete", spare.id]);
});

test("security group create, rule create, a duplicate rule is refused, rule list", async () => {
  const group = await json<{ id: string; rules: Array<{ direction: string }> }>(member(), [
    "security",
    "group",
    "create",
    "web",
  ]);
  // Neutron gives a new group its two egress rules.
  assert.deepEqual(group.rules.map((r) => r.direction).sort(), ["egress", "egress"]);
  const rule = ["security", "group", "rule", "create", "--protocol", "tcp", "--dst-port", "80", "web"];
  await ok(member(), rule);
  const duplicate = await fails(member(), rule);
  assert.match(duplicate.stderr, /Security group rule already exists/);
  const rules = await json<Row[]>(member(), ["security", "group", "rule", "list", "web"]);
  assert.ok(rules.some((row) => row["Port Range"] === "80:80" && row["IP Protocol"] === "tcp"));
  await ok(member(), ["port", "set", "--security-group", "web", "vm"]);
  const vm = await json<{ security_group_ids: string[] }>(member(), ["port", "show", "vm"]);
  assert.ok(vm.security_group_ids.includes(group.id));
});

test("tags on routers and floating IPs", async () => {
  await ok(member(), ["router", "set", "--tag", "blue", "edge"]);
  await ok(member(), ["floating", "ip", "set", "--tag", "blue", fip.id]);
  const routers = await json<Row[]>(member(), ["router", "list", "--tags", "blue"]);
  assert.deepEqual(
    routers.map((row) => row.ID),
    [ids.router],
  );
  const fips = await json<Row[]>(member(), ["floating", "ip", "list", "--tags", "blue"]);
  assert.deepEqual(
    fips.map((row) => row.ID),
    [fip.id],
  );
});

test("quota set and quota list --network; the quota is enforced", async () => {
  await ok(admin(), ["quota", "set", "--routers", "1", "--floating-ips", "7", "e2e-l3-project"]);
  const quotas = await json<Row[]>(admin(), ["quota", "list", "--network"]);
  const mine = quotas.find((row) => row.Routers === 1);
  assert.ok(mine, JSON.stringify(quotas));
  assert.equal(mine["Floating IPs"], 7);
  const over = await fails(member(), ["router", "create", "second"]);
  assert.match(over.stderr, /Quota exceeded for resources: \['router'\]/);
  const denied = await fails(member(), ["quota", "set", "--routers", "5", "e2e-l3-project"]);
  assert.match(denied.stderr, /disallowed by policy|403/);
});

test("subnet pool create, subnet create --subnet-pool, network rbac create and delete", async () => {
  await ok(admin(), [
    "subnet",
    "pool",
    "create",
    "--share",
    "--pool-prefix",
    "10.100.0.0/16",
    "--default-prefix-length",
    "24",
    "e2e-pool",
  ]);
  await ok(member(), ["network", "create", "pooled"]);
  const pooled = await json<{ cidr: string }>(member(), [
    "subnet",
    "create",
    "--network",
    "pooled",
    "--subnet-pool",
    "e2e-pool",
    "--prefix-length",
    "26",
    "pooled-sub",
  ]);
  assert.equal(pooled.cidr, "10.100.0.0/26");
  const inUse = await fails(admin(), ["subnet", "pool", "delete", "e2e-pool"]);
  assert.match(inUse.stderr, /Subnet pool has existing allocations/);

  const lent = (await json<{ id: string }>(admin(), ["network", "create", "lent"])).id;
  await fails(member(), ["network", "show", lent]);
  const entry = await json<{ id: string; target_project_id: string }>(admin(), [
    "network",
    "rbac",
    "create",
    "--target-project",
    "e2e-l3-project",
    "--action",
    "access_as_shared",
    "--type",
    "network",
    "lent",
  ]);
  assert.equal((await json<{ id: string }>(member(), ["network", "show", lent])).id, lent);
  await ok(admin(), ["network", "rbac", "delete", entry.id]);
  await fails(member(), ["network", "show", lent]);
  await ok(admin(), ["network", "delete", "lent"]);
  await ok(member(), ["network", "delete", "pooled"]);
  await ok(admin(), ["subnet", "pool", "delete", "e2e-pool"]);
});

test("tear down: floating ip delete, router remove subnet, router unset --external-gateway, router delete", async () => {
  await ok(member(), ["floating", "ip", "delete", fip.id]);
  await ok(member(), ["router", "remove", "subnet", "edge", "private-sub"]);
  await ok(member(), ["router", "unset", "--external-gateway", "edge"]);
  assert.equal(
    (await json<{ external_gateway_info: unknown }>(member(), ["router", "show", "edge"]))
      .external_gateway_info,
    null,
  );
  await ok(member(), ["router", "delete", "edge"]);
  await ok(member(), ["port", "delete", "vm", "vm2"]);
  await ok(member(), ["network", "delete", "private"]);
  await ok(admin(), ["network", "delete", "public"]);
  assert.deepEqual(await json<Row[]>(member(), ["router", "list"]), []);
});
