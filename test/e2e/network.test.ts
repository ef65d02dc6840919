import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { cliFor, type Env, type Row } from "./cli.ts";
import { startServer, type Server } from "./server.ts";

/**
 * Neutron v2.0 (networks, subnets, ports) through the real `openstack` CLI (python3-openstackclient)
 * against a `stratus serve` child process. The tests run in order on one server and build on each
 * other's resources; fixtures the CLI is not under test for (the member's project, user and role,
 * the shared network's subnet) are made with plain REST calls. Every CLI call costs about a second.
 * Expected values were checked against a real Neutron with the same commands.
 */

const ADMIN_PASSWORD = "e2e-admin-Secret-1";
const MEMBER_PASSWORD = "e2e-member-Pass-1";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const OPENSTACK_MAC = /^fa:16:3e(:[0-9a-f]{2}){3}$/;

let server: Server | undefined;
let adminToken = "";
let adminProjectId = "";
const roleIds = new Map<string, string>();

/** What the tests made, by their own names for it. */
const net = { tenant: "", vlan: "", shared: "" };
const sub = { v4: "", pool: "", noGateway: "", v6: "", shared: "" };
const port = { auto: "", fixed: "", mac: "", member: "" };
let autoMac = "";
let fixedMac = "";
/** Each port's fixed_ips as created. */
const portIps = new Map<string, FixedIp[]>();
let member = { projectId: "", userId: "", projectName: "e2e-net-member-project", userName: "e2e-net-member" };

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

async function call(
  method: string,
  url: string,
  options: { token?: string; body?: unknown } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers["x-auth-token"] = options.token;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(url, {
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

/** An admin Keystone call that must succeed; returns the body. */
async function identity<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await call(method, `${srv().authUrl}${path}`, {
    token: adminToken,
    ...(body !== undefined ? { body } : {}),
  });
  assert.ok(
    response.status >= 200 && response.status < 300,
    `${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`,
  );
  return response.body as T;
}

/** A Neutron call (`path` below /networking/v2.0), as the admin unless another token is given. */
function neutron(method: string, path: string, body?: unknown, token = adminToken): Promise<ApiResponse> {
  return call(method, `${srv().baseUrl}/networking/v2.0${path}`, {
    token,
    ...(body !== undefined ? { body } : {}),
  });
}

function neutronMessage(body: unknown): string {
  return (body as { NeutronError?: { message?: string } } | null)?.NeutronError?.message ?? "";
}

async function passwordToken(user: string, password: string, project: string): Promise<ApiResponse> {
  return call("POST", `${srv().authUrl}/auth/tokens`, {
    body: {
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: user, domain: { id: "default" }, password } },
        },
        scope: { project: { name: project, domain: { id: "default" } } },
      },
    },
  });
}

// ---------------------------------------------------------------------------------------------
// CLI helpers

/** The admin's environment, as `source admin-openrc.sh` gives it. */
function adminEnv(): Env {
  return srv().openrc;
}

function memberEnv(): Env {
  return {
    OS_AUTH_URL: srv().authUrl,
    OS_IDENTITY_API_VERSION: "3",
    OS_REGION_NAME: "RegionOne",
    OS_USERNAME: member.userName,
    OS_PASSWORD: MEMBER_PASSWORD,
    OS_PROJECT_NAME: member.projectName,
    OS_USER_DOMAIN_NAME: "Default",
    OS_PROJECT_DOMAIN_NAME: "Default",
  };
}

const { ok, json, fails } = cliFor(srv);

const byId = (a: Row, b: Row) => String(a.ID).localeCompare(String(b.ID));

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

interface NetworkOut {
  id: string;
  name: string;
  description: string;
  project_id: string;
  status: string;
  admin_state_up: boolean;
  shared: boolean;
  mtu: number;
  "router:external": boolean;
  port_security_enabled: boolean;
  "provider:network_type": string | null;
  "provider:physical_network": string | null;
  "provider:segmentation_id": number | null;
  subnets: string[];
  tags: string[];
  revision_number: number;
  created_at: string;
  updated_at: string;
}

interface Pool {
  start: string;
  end: string;
}

interface SubnetOut {
  id: string;
  name: string;
  description: string;
  network_id: string;
  project_id: string;
  ip_version: number;
  cidr: string;
  gateway_ip: string | null;
  allocation_pools: Pool[];
  dns_nameservers: string[];
  host_routes: Array<{ destination: string; nexthop: string }>;
  enable_dhcp: boolean;
  ipv6_ra_mode: string | null;
  ipv6_address_mode: string | null;
  revision_number: number;
}

interface FixedIp {
  subnet_id: string;
  ip_address: string;
}

interface PortOut {
  id: string;
  name: string;
  description: string;
  network_id: string;
  project_id: string;
  mac_address: string;
  status: string;
  admin_state_up: boolean;
  fixed_ips: FixedIp[];
  device_id: string;
  device_owner: string;
  binding_vnic_type: string;
  binding_vif_type: string;
  revision_number: number;
}

/** The SLAAC address of `mac` in a /64 written as `prefix` ("fd00:e2e::"), as Neutron prints it. */
function eui64(prefix: string, mac: string): string {
  const b = mac.split(":").map((h) => parseInt(h, 16));
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0] = b;
  const groups = [((b0 ^ 2) << 8) | b1, (b2 << 8) | 0xff, 0xfe00 | b3, (b4 << 8) | b5];
  return prefix + groups.map((g) => g.toString(16)).join(":");
}

/** The last octet of an address in 10.0.0.0/24, checked to be one. */
function hostOf(address: string | undefined): number {
  const match = /^10\.0\.0\.(\d+)$/.exec(address ?? "");
  assert.ok(match, `${address} is not in 10.0.0.0/24`);
  return Number(match[1]);
}

// ---------------------------------------------------------------------------------------------

before(
  async () => {
    server = await startServer(ADMIN_PASSWORD);
    const auth = await passwordToken("admin", ADMIN_PASSWORD, "admin");
    assert.equal(auth.status, 201, JSON.stringify(auth.body));
    adminToken = auth.headers.get("x-subject-token") ?? "";
    adminProjectId = (auth.body as { token: { project: { id: string } } }).token.project.id;
    const { roles } = await identity<{ roles: Array<{ id: string; name: string }> }>("GET", "/roles");
    for (const role of roles) roleIds.set(role.name, role.id);
  },
  { timeout: 60_000 },
);

after(async () => {
  if (server === undefined) return;
  const exit = await server.stop();
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, server.output());
});

test("network create: a VXLAN tenant network, a VLAN provider network, a shared network", async () => {
  const env = adminEnv();
  const tenant = await json<NetworkOut>(env, ["network", "create", "--description", "E2E tenant", "e2e-net"]);
  net.tenant = tenant.id;
  assert.match(tenant.id, UUID);
  assert.equal(tenant.name, "e2e-net");
  assert.equal(tenant.description, "E2E tenant");
  assert.equal(tenant.project_id, adminProjectId);
  assert.equal(tenant.status, "ACTIVE");
  assert.equal(tenant.admin_state_up, true);
  assert.equal(tenant.shared, false);
  assert.equal(tenant["router:external"], false);
  assert.equal(tenant.port_security_enabled, true);
  // A tenant network is a VXLAN segment: 50 bytes of encapsulation off 1500.
  assert.equal(tenant.mtu, 1450);
  assert.equal(tenant["provider:network_type"], "vxlan");
  assert.equal(tenant["provider:physical_network"], null);
  const vni = tenant["provider:segmentation_id"];
  assert.ok(typeof vni === "number" && vni >= 1 && vni <= 65535, `VNI ${vni}`);
  assert.deepEqual(tenant.subnets, []);
  assert.deepEqual(tenant.tags, []);
  assert.equal(tenant.revision_number, 1);
  assert.match(tenant.created_at, TIMESTAMP);
  assert.equal(tenant.updated_at, tenant.created_at);

  const vlan = await json<NetworkOut>(env, [
    "network",
    "create",
    "--provider-network-type",
    "vlan",
    "--provider-physical-network",
    "physnet1",
    "--provider-segment",
    "1234",
    "e2e-vlan",
  ]);
  net.vlan = vlan.id;
  assert.deepEqual(
    {
      type: vlan["provider:network_type"],
      physnet: vlan["provider:physical_network"],
      segment: vlan["provider:segmentation_id"],
      mtu: vlan.mtu,
      status: vlan.status,
      shared: vlan.shared,
    },
    { type: "vlan", physnet: "physnet1", segment: 1234, mtu: 1500, status: "ACTIVE", shared: false },
  );

  const shared = await json<NetworkOut>(env, ["network", "create", "--share", "e2e-shared"]);
  net.shared = shared.id;
  assert.equal(shared.shared, true);
  assert.equal(shared["provider:network_type"], "vxlan");
  assert.notEqual(shared["provider:segmentation_id"], vni, "each network has its own VNI");
});

test("network list, list --share and show", async () => {
  const env = adminEnv();
  const listed = await json<Row[]>(env, ["network", "list"]);
  assert.deepEqual(
    listed.sort(byId),
    [
      { ID: net.tenant, Name: "e2e-net", Subnets: [] },
      { ID: net.vlan, Name: "e2e-vlan", Subnets: [] },
      { ID: net.shared, Name: "e2e-shared", Subnets: [] },
    ].sort(byId),
  );

  const sharedOnly = await json<Row[]>(env, ["network", "list", "--share"]);
  assert.deepEqual(sharedOnly, [{ ID: net.shared, Name: "e2e-shared", Subnets: [] }]);

  const shown = await json<NetworkOut>(env, ["network", "show", "e2e-vlan"]);
  assert.equal(shown.id, net.vlan);
  assert.equal(shown.name, "e2e-vlan");
  assert.equal(shown["provider:network_type"], "vlan");
  assert.equal(shown["provider:physical_network"], "physnet1");
  assert.equal(shown["provider:segmentation_id"], 1234);
  assert.equal(shown.mtu, 1500);
  assert.equal(shown.revision_number, 1);
});

test("network set --name --description --tag, list --tags, unset --tag", async () => {
  const env = adminEnv();
  await ok(env, [
    "network",
    "set",
    "--name",
    "e2e-vlan-renamed",
    "--description",
    "Renamed VLAN",
    "--tag",
    "red",
    "--tag",
    "blue",
    "e2e-vlan",
  ]);

  // --tags is "all of these"; the network is the only one with both.
  const tagged = await json<Row[]>(env, ["network", "list", "--long", "--tags", "red,blue"]);
  assert.equal(tagged.length, 1, JSON.stringify(tagged));
  const [row] = tagged;
  assert.deepEqual(
    {
      ID: row?.ID,
      Name: row?.Name,
      Status: row?.Status,
      Project: row?.Project,
      Shared: row?.Shared,
      "Network Type": row?.["Network Type"],
      Tags: row?.Tags,
    },
    {
      ID: net.vlan,
      Name: "e2e-vlan-renamed",
      Status: "ACTIVE",
      Project: adminProjectId,
      Shared: false,
      "Network Type": "vlan",
      Tags: ["blue", "red"],
    },
  );

  await ok(env, ["network", "unset", "--tag", "red", "e2e-vlan-renamed"]);
  const shown = await json<NetworkOut>(env, ["network", "show", net.vlan]);
  assert.equal(shown.name, "e2e-vlan-renamed");
  assert.equal(shown.description, "Renamed VLAN");
  assert.deepEqual(shown.tags, ["blue"]);
  // One revision for the name and description, one per tag update (as Neutron counts them).
  assert.equal(shown.revision_number, 4);
  assert.ok(shown.updated_at >= shown.created_at, `${shown.updated_at} < ${shown.created_at}`);
});

test("subnet create: defaults, an explicit pool with DNS and routes, no gateway, IPv6 SLAAC", async () => {
  const env = adminEnv();
  const v4 = await json<SubnetOut>(env, [
    "subnet",
    "create",
    "--network",
    "e2e-net",
    "--subnet-range",
    "10.0.0.0/24",
    "e2e-v4",
  ]);
  sub.v4 = v4.id;
  assert.match(v4.id, UUID);
  assert.equal(v4.name, "e2e-v4");
  assert.equal(v4.network_id, net.tenant);
  assert.equal(v4.project_id, adminProjectId);
  assert.equal(v4.ip_version, 4);
  assert.equal(v4.cidr, "10.0.0.0/24");
  assert.equal(v4.gateway_ip, "10.0.0.1");
  assert.deepEqual(v4.allocation_pools, [{ start: "10.0.0.2", end: "10.0.0.254" }]);
  assert.equal(v4.enable_dhcp, true);
  assert.deepEqual(v4.dns_nameservers, []);
  assert.deepEqual(v4.host_routes, []);
  assert.equal(v4.ipv6_ra_mode, null);
  assert.equal(v4.ipv6_address_mode, null);
  assert.equal(v4.revision_number, 0);

  const pool = await json<SubnetOut>(env, [
    "subnet",
    "create",
    "--network",
    "e2e-vlan-renamed",
    "--subnet-range",
    "10.1.0.0/24",
    "--allocation-pool",
    "start=10.1.0.100,end=10.1.0.199",
    "--dns-nameserver",
    "8.8.8.8",
    "--dns-nameserver",
    "1.1.1.1",
    "--host-route",
    "destination=192.168.0.0/16,gateway=10.1.0.254",
    "e2e-pool",
  ]);
  sub.pool = pool.id;
  assert.equal(pool.network_id, net.vlan);
  assert.equal(pool.gateway_ip, "10.1.0.1");
  assert.deepEqual(pool.allocation_pools, [{ start: "10.1.0.100", end: "10.1.0.199" }]);
  assert.deepEqual(pool.dns_nameservers, ["8.8.8.8", "1.1.1.1"]);
  assert.deepEqual(pool.host_routes, [{ destination: "192.168.0.0/16", nexthop: "10.1.0.254" }]);

  const noGateway = await json<SubnetOut>(env, [
    "subnet",
    "create",
    "--network",
    "e2e-vlan-renamed",
    "--subnet-range",
    "10.2.0.0/24",
    "--gateway",
    "none",
    "e2e-no-gateway",
  ]);
  sub.noGateway = noGateway.id;
  assert.equal(noGateway.gateway_ip, null);
  // Without a gateway the pool starts at the first host address.
  assert.deepEqual(noGateway.allocation_pools, [{ start: "10.2.0.1", end: "10.2.0.254" }]);

  const v6 = await json<SubnetOut>(env, [
    "subnet",
    "create",
    "--network",
    "e2e-net",
    "--ip-version",
    "6",
    "--subnet-range",
    "fd00:e2e::/64",
    "--ipv6-ra-mode",
    "slaac",
    "--ipv6-address-mode",
    "slaac",
    "e2e-v6",
  ]);
  sub.v6 = v6.id;
  assert.equal(v6.ip_version, 6);
  assert.equal(v6.cidr, "fd00:e2e::/64");
  assert.equal(v6.ipv6_ra_mode, "slaac");
  assert.equal(v6.ipv6_address_mode, "slaac");
  // IPv6's default gateway is the subnet-router anycast address, the network address itself.
  assert.equal(v6.gateway_ip, "fd00:e2e::");
  assert.deepEqual(v6.allocation_pools, [{ start: "fd00:e2e::1", end: "fd00:e2e::ffff:ffff:ffff:ffff" }]);
});

test("subnet list --network, subnet set, and an overlapping subnet is refused", async () => {
  const env = adminEnv();
  const listed = await json<Row[]>(env, ["subnet", "list", "--network", "e2e-net"]);
  assert.deepEqual(
    listed.sort(byId),
    [
      { ID: sub.v4, Name: "e2e-v4", Network: net.tenant, Subnet: "10.0.0.0/24" },
      { ID: sub.v6, Name: "e2e-v6", Network: net.tenant, Subnet: "fd00:e2e::/64" },
    ].sort(byId),
  );

  // --allocation-pool and --dns-nameserver on set add to what the subnet has.
  await ok(env, [
    "subnet",
    "set",
    "--name",
    "e2e-pool-b",
    "--description",
    "Two pools",
    "--allocation-pool",
    "start=10.1.0.10,end=10.1.0.19",
    "--dns-nameserver",
    "9.9.9.9",
    "--no-host-route",
    "e2e-pool",
  ]);
  const changed = await json<SubnetOut>(env, ["subnet", "show", sub.pool]);
  assert.equal(changed.name, "e2e-pool-b");
  assert.equal(changed.description, "Two pools");
  assert.deepEqual(changed.allocation_pools, [
    { start: "10.1.0.10", end: "10.1.0.19" },
    { start: "10.1.0.100", end: "10.1.0.199" },
  ]);
  assert.deepEqual(changed.dns_nameservers, ["9.9.9.9", "8.8.8.8", "1.1.1.1"]);
  assert.deepEqual(changed.host_routes, []);
  assert.equal(changed.gateway_ip, "10.1.0.1");
  assert.equal(changed.revision_number, 1);

  const overlap = await fails(env, [
    "subnet",
    "create",
    "--network",
    "e2e-net",
    "--subnet-range",
    "10.0.0.128/25",
    "e2e-overlap",
  ]);
  assert.match(overlap.stderr, /BadRequestException: 400/);
  assert.match(
    overlap.stderr,
    new RegExp(
      escape(
        `Invalid input for operation: Requested subnet with cidr: 10.0.0.128/25 for network: ${net.tenant} overlaps with another subnet.`,
      ),
    ),
  );
  const subnets = await neutron("GET", `/subnets?network_id=${net.tenant}`);
  assert.equal((subnets.body as { subnets: unknown[] }).subnets.length, 2, "no third subnet");
});

test("port create: a chosen address, a taken address, automatic addresses and MAC, a chosen MAC", async () => {
  const env = adminEnv();
  // The chosen address first, so that no automatic allocation can have taken it.
  const fixed = await json<PortOut>(env, [
    "port",
    "create",
    "--network",
    "e2e-net",
    "--fixed-ip",
    "subnet=e2e-v4,ip-address=10.0.0.50",
    "e2e-port-fixed",
  ]);
  port.fixed = fixed.id;
  fixedMac = fixed.mac_address;
  portIps.set(fixed.id, fixed.fixed_ips);
  // Asking for an IPv4 address does not opt the port out of SLAAC: every port gets that address.
  assert.deepEqual(fixed.fixed_ips, [
    { subnet_id: sub.v4, ip_address: "10.0.0.50" },
    { subnet_id: sub.v6, ip_address: eui64("fd00:e2e::", fixed.mac_address) },
  ]);

  const taken = await fails(env, [
    "port",
    "create",
    "--network",
    "e2e-net",
    "--fixed-ip",
    "subnet=e2e-v4,ip-address=10.0.0.50",
    "e2e-port-taken",
  ]);
  assert.match(taken.stderr, /ConflictException: 409/);
  assert.match(
    taken.stderr,
    new RegExp(escape(`IP address 10.0.0.50 already allocated in subnet ${sub.v4}`)),
  );
  const named = await neutron("GET", "/ports?name=e2e-port-taken");
  assert.deepEqual((named.body as { ports: unknown[] }).ports, [], "the refused port was not created");

  const auto = await json<PortOut>(env, ["port", "create", "--network", "e2e-net", "e2e-port-auto"]);
  port.auto = auto.id;
  autoMac = auto.mac_address;
  portIps.set(auto.id, auto.fixed_ips);
  assert.match(auto.id, UUID);
  assert.equal(auto.name, "e2e-port-auto");
  assert.equal(auto.network_id, net.tenant);
  assert.equal(auto.project_id, adminProjectId);
  // Nothing binds it to a host, so it stays DOWN.
  assert.equal(auto.status, "DOWN");
  assert.equal(auto.admin_state_up, true);
  assert.match(auto.mac_address, OPENSTACK_MAC);
  assert.equal(auto.device_owner, "");
  assert.equal(auto.device_id, "");
  assert.equal(auto.binding_vnic_type, "normal");
  assert.equal(auto.binding_vif_type, "unbound");
  assert.equal(auto.revision_number, 1);
  // One address from the IPv4 pool, and the SLAAC subnet's EUI-64 address for the MAC.
  assert.equal(auto.fixed_ips.length, 2, JSON.stringify(auto.fixed_ips));
  const [v4, v6] = auto.fixed_ips;
  assert.equal(v4?.subnet_id, sub.v4);
  const host = hostOf(v4?.ip_address);
  assert.ok(host >= 2 && host <= 254, `${v4?.ip_address} is outside the pool`);
  assert.deepEqual(v6, { subnet_id: sub.v6, ip_address: eui64("fd00:e2e::", auto.mac_address) });

  const mac = await json<PortOut>(env, [
    "port",
    "create",
    "--network",
    "e2e-net",
    "--mac-address",
    "fa:16:3e:00:e2:e2",
    "e2e-port-mac",
  ]);
  port.mac = mac.id;
  portIps.set(mac.id, mac.fixed_ips);
  assert.equal(mac.mac_address, "fa:16:3e:00:e2:e2");
  assert.equal(mac.fixed_ips.length, 2, JSON.stringify(mac.fixed_ips));
  assert.deepEqual(mac.fixed_ips[1], { subnet_id: sub.v6, ip_address: "fd00:e2e::f816:3eff:fe00:e2e2" });
});

test("port list --network and --fixed-ip, port set --no-fixed-ip --fixed-ip, port show, port delete", async () => {
  const env = adminEnv();
  const listed = await json<Row[]>(env, ["port", "list", "--network", "e2e-net"]);
  const row = (id: string, name: string, mac: string) => ({
    ID: id,
    Name: name,
    "MAC Address": mac,
    "Fixed IP Addresses": portIps.get(id),
    Status: "DOWN",
  });
  assert.deepEqual(
    listed.sort(byId),
    [
      row(port.auto, "e2e-port-auto", autoMac),
      row(port.fixed, "e2e-port-fixed", fixedMac),
      row(port.mac, "e2e-port-mac", "fa:16:3e:00:e2:e2"),
    ].sort(byId),
  );

  const byAddress = await json<Row[]>(env, ["port", "list", "--fixed-ip", "ip-address=10.0.0.50"]);
  assert.deepEqual(byAddress, [row(port.fixed, "e2e-port-fixed", fixedMac)]);

  // Replace the automatic IPv4 address with a chosen free one; the SLAAC address stays.
  const used = new Set([...portIps.values()].flat().map((ip) => ip.ip_address));
  const previous = portIps.get(port.auto)?.[0]?.ip_address ?? "";
  const target = ["10.0.0.60", "10.0.0.61", "10.0.0.62"].find((a) => !used.has(a)) ?? "";
  await ok(env, [
    "port",
    "set",
    "--no-fixed-ip",
    "--fixed-ip",
    `subnet=e2e-v4,ip-address=${target}`,
    "--name",
    "e2e-port-moved",
    "--description",
    "Moved",
    "e2e-port-auto",
  ]);
  const moved = await json<PortOut>(env, ["port", "show", port.auto]);
  assert.equal(moved.name, "e2e-port-moved");
  assert.equal(moved.description, "Moved");
  assert.equal(moved.mac_address, autoMac);
  assert.deepEqual(moved.fixed_ips, [
    { subnet_id: sub.v4, ip_address: target },
    { subnet_id: sub.v6, ip_address: eui64("fd00:e2e::", autoMac) },
  ]);
  assert.equal(moved.revision_number, 2);
  const released = await neutron("GET", `/ports?fixed_ips=ip_address%3D${previous}`);
  assert.deepEqual((released.body as { ports: unknown[] }).ports, [], `${previous} was released`);

  await ok(env, ["port", "delete", "e2e-port-mac"]);
  const gone = await neutron("GET", `/ports/${port.mac}`);
  assert.equal(gone.status, 404);
  assert.equal(neutronMessage(gone.body), `Port ${port.mac} could not be found.`);
  const left = await neutron("GET", `/ports?network_id=${net.tenant}`);
  assert.deepEqual(
    (left.body as { ports: PortOut[] }).ports.map((p) => p.id).sort(),
    [port.auto, port.fixed].sort(),
  );
});

test("a network or a subnet whose addresses ports use cannot be deleted", async () => {
  const env = adminEnv();
  const network = await fails(env, ["network", "delete", "e2e-net"]);
  assert.match(network.stderr, /ConflictException: 409/);
  const inUse = new RegExp(
    escape(
      `Unable to complete operation on network ${net.tenant}. There are one or more ports still in use on the network, id for these ports is: `,
    ) + "([0-9a-f,-]+)\\.",
  ).exec(network.stderr);
  assert.ok(inUse, network.stderr);
  assert.deepEqual(inUse[1]?.split(",").sort(), [port.auto, port.fixed].sort());
  assert.match(network.stderr, /1 of 1 networks failed to delete\./);

  const subnet = await fails(env, ["subnet", "delete", "e2e-v4"]);
  assert.match(subnet.stderr, /ConflictException: 409/);
  assert.match(
    subnet.stderr,
    new RegExp(
      escape(
        `Unable to complete operation on subnet ${sub.v4}: One or more ports have an IP allocation from this subnet.`,
      ),
    ),
  );
  assert.equal((await neutron("GET", `/networks/${net.tenant}`)).status, 200);
  assert.equal((await neutron("GET", `/subnets/${sub.v4}`)).status, 200);
});

test("a member: no private network of the admin, no provider network, a port on the shared one", async () => {
  // Fixtures: a project with a member, and a subnet on the admin's shared network.
  member = {
    ...member,
    projectId: (
      await identity<{ project: { id: string } }>("POST", "/projects", {
        project: { name: member.projectName },
      })
    ).project.id,
  };
  member.userId = (
    await identity<{ user: { id: string } }>("POST", "/users", {
      user: { name: member.userName, password: MEMBER_PASSWORD },
    })
  ).user.id;
  await identity(
    "PUT",
    `/projects/${member.projectId}/users/${member.userId}/roles/${roleIds.get("member")}`,
  );
  const created = await neutron("POST", "/subnets", {
    subnet: { network_id: net.shared, ip_version: 4, cidr: "192.168.50.0/24", name: "e2e-shared-v4" },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  sub.shared = (created.body as { subnet: { id: string } }).subnet.id;
  const env = memberEnv();

  // Another project's private network does not exist for the member.
  const hidden = await fails(env, ["network", "show", net.tenant]);
  assert.match(hidden.stderr, new RegExp(`No Network found for ${net.tenant}`));
  const lookups = srv()
    .requests()
    .filter(
      (r) =>
        r.method === "GET" &&
        r.path === `/networking/v2.0/networks/${net.tenant}` &&
        r.user_id === member.userId,
    );
  assert.ok(lookups.length > 0, "the CLI asked for the network by id");
  for (const lookup of lookups) assert.equal(lookup.status, 404);

  // Provider attributes are the admin's.
  const provider = await fails(env, [
    "network",
    "create",
    "--provider-network-type",
    "vlan",
    "e2e-member-vlan",
  ]);
  assert.match(
    provider.stderr,
    /HttpException: 403.*\(rule:create_network and rule:create_network:provider:network_type\) is disallowed by policy/,
  );
  const named = await neutron("GET", "/networks?name=e2e-member-vlan");
  assert.deepEqual((named.body as { networks: unknown[] }).networks, [], "nothing was created");

  // The shared network is visible, with its subnet, and without the provider details.
  const listed = await json<Row[]>(env, ["network", "list"]);
  assert.deepEqual(listed, [{ ID: net.shared, Name: "e2e-shared", Subnets: [sub.shared] }]);

  const own = await json<PortOut>(env, ["port", "create", "--network", "e2e-shared", "e2e-member-port"]);
  port.member = own.id;
  assert.equal(own.project_id, member.projectId);
  assert.equal(own.network_id, net.shared);
  assert.equal(own.status, "DOWN");
  assert.match(own.mac_address, OPENSTACK_MAC);
  assert.equal(own.fixed_ips.length, 1, JSON.stringify(own.fixed_ips));
  assert.equal(own.fixed_ips[0]?.subnet_id, sub.shared);
  const last = Number(/^192\.168\.50\.(\d+)$/.exec(own.fixed_ips[0]?.ip_address ?? "")?.[1]);
  assert.ok(last >= 2 && last <= 254, `${own.fixed_ips[0]?.ip_address} is outside the pool`);
});

test("deleting a SLAAC subnet takes its automatic addresses off the ports", async () => {
  const env = adminEnv();
  await ok(env, ["subnet", "delete", "e2e-v6"]);
  const shown = await json<PortOut>(env, ["port", "show", port.fixed]);
  assert.deepEqual(shown.fixed_ips, [{ subnet_id: sub.v4, ip_address: "10.0.0.50" }]);
});

test("delete everything: ports, then networks with their subnets", async () => {
  const env = adminEnv();
  // The admin removes the member's port too: it would keep the shared network in use.
  await ok(env, ["port", "delete", port.auto, port.fixed, port.member]);
  await ok(env, ["network", "delete", "e2e-net", "e2e-vlan-renamed", "e2e-shared"]);

  const listed = await json<Row[]>(env, ["network", "list"]);
  assert.deepEqual(listed, []);
  // The subnets went with their networks, and the addresses with the ports.
  assert.deepEqual(((await neutron("GET", "/subnets")).body as { subnets: unknown[] }).subnets, []);
  assert.deepEqual(((await neutron("GET", "/ports")).body as { ports: unknown[] }).ports, []);
  for (const id of Object.values(sub)) {
    const gone = await neutron("GET", `/subnets/${id}`);
    assert.equal(gone.status, 404);
    assert.equal(neutronMessage(gone.body), `Subnet ${id} could not be found.`);
  }
});
