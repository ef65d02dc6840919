import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { cliFor, type Row } from "./cli.ts";
import { adminToken, startServer, stratus, type Server } from "./server.ts";

/**
 * A VPC made with plain HTTP ([vpc] has no CLI) stays an ordinary Neutron router and subnets to
 * the real `openstack` CLI: router show, subnet list --network and router remove subnet.
 */

const ADMIN_PASSWORD = "e2e-vpc-admin-Secret-1";

let server: Server | undefined;
let token = "";

function srv(): Server {
  assert.ok(server, "the server did not start");
  return server;
}

const { ok, json } = cliFor(srv);

async function http(method: string, path: string, body?: unknown): Promise<{ status: number; body: Row }> {
  const response = await fetch(`${srv().baseUrl}/networking/v2.0${path}`, {
    method,
    headers: { "x-auth-token": token, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? {} : (JSON.parse(text) as Row) };
}

before(
  async () => {
    server = await startServer(ADMIN_PASSWORD);
    token = await adminToken(srv());
  },
  { timeout: 60_000 },
);

after(async () => {
  if (server === undefined) return;
  const exit = await server.stop();
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, server.output());
});

test("a VPC's router and subnets work through the openstack CLI", async () => {
  const created = await http("POST", "/vpcs", { vpc: { name: "shop", cidrs: ["10.0.0.0/16"] } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const vpc = created.body.vpc as { id: string; router_id: string };
  const made = await http("POST", `/vpcs/${vpc.id}/subnets`, {
    subnet: { name: "web", cidr: "10.0.1.0/24" },
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const subnet = made.body.subnet as { id: string; network_id: string };

  const router = await json<{
    name: string;
    interfaces_info: Array<{ subnet_id: string; ip_address: string }>;
  }>(srv().openrc, ["router", "show", vpc.router_id]);
  assert.equal(router.name, "vpc-shop");
  assert.deepEqual(
    router.interfaces_info.map((i) => [i.subnet_id, i.ip_address]),
    [[subnet.id, "10.0.1.1"]],
  );
  const listed = await json<Row[]>(srv().openrc, ["subnet", "list", "--network", subnet.network_id]);
  assert.deepEqual(
    listed.map((row) => [row.ID, row.Subnet]),
    [[subnet.id, "10.0.1.0/24"]],
  );

  assert.equal((await http("DELETE", `/vpcs/${vpc.id}`)).status, 409);
  await ok(srv().openrc, ["router", "remove", "subnet", vpc.router_id, subnet.id]);
  assert.equal((await http("DELETE", `/vpcs/${vpc.id}`)).status, 204);
  assert.equal((await http("GET", `/routers/${vpc.router_id}`)).status, 404);
});

test("stratus vpc show prints the VPC as a tree; usage errors exit 2, an unknown VPC 1", async () => {
  const vpc = (await http("POST", "/vpcs", { vpc: { name: "tree", cidrs: ["10.5.0.0/16", "10.6.0.0/16"] } }))
    .body.vpc as { id: string };
  const subnet = async (name: string, cidr: string) =>
    (
      (await http("POST", `/vpcs/${vpc.id}/subnets`, { subnet: { name, cidr } })).body.subnet as {
        id: string;
      }
    ).id;
  const front = await subnet("front", "10.5.1.0/24");
  await subnet("back", "10.6.1.0/24");
  const table = await http("POST", "/route-tables", {
    route_table: {
      name: "isolated",
      vpc_id: vpc.id,
      routes: [{ destination: "192.0.2.0/24", nexthop_type: "blackhole" }],
    },
  });
  assert.equal(table.status, 201, JSON.stringify(table.body));
  const tableId = (table.body.route_table as { id: string }).id;
  const frontNet = ((await http("GET", `/subnets/${front}`)).body.subnet as { network_id: string })
    .network_id;
  for (const host of ["compute-2", "compute-1"]) {
    const port = await http("POST", "/ports", { port: { network_id: frontNet, "binding:host_id": host } });
    assert.equal(port.status, 201, JSON.stringify(port.body));
  }
  const moved = await http("PUT", `/route-tables/${tableId}/associate_subnets`, { subnet_ids: [front] });
  assert.equal(moved.status, 200, JSON.stringify(moved.body));

  const shown = await stratus(srv().openrc, ["vpc", "show", "tree"]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /^VPC tree \(.+\) ACTIVE$/m);
  assert.match(shown.stdout, /CIDRs: 10\.5\.0\.0\/16 \(primary\), 10\.6\.0\.0\/16/);
  assert.match(shown.stdout, /front 10\.5\.1\.0\/24 {2}route table isolated {2}hosts compute-1, compute-2/);
  assert.match(shown.stdout, /back 10\.6\.1\.0\/24 {2}route table /);
  assert.match(
    shown.stdout,
    /isolated \(.+\)\n {6}10\.5\.0\.0\/16 -> local\n {6}10\.6\.0\.0\/16 -> local\n {6}192\.0\.2\.0\/24 -> blackhole/,
  );
  const asJson = await stratus(srv().openrc, ["vpc", "show", vpc.id, "--json"]);
  assert.equal(asJson.code, 0, asJson.stderr);
  assert.equal((JSON.parse(asJson.stdout) as { subnets: unknown[] }).subnets.length, 2);
  assert.equal((await stratus(srv().openrc, ["vpc", "list"])).code, 2);
  const missing = await stratus(srv().openrc, ["vpc", "show", "no-such-vpc"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no VPC named no-such-vpc/);
});

test("stratus vpc show adds peerings, NAT gateways with their rules, floating IPs and bandwidths", async () => {
  const made = async (path: string, body: unknown): Promise<Row> => {
    const response = await http("POST", path, body);
    assert.equal(response.status, 201, `${path}: ${JSON.stringify(response.body)}`);
    return Object.values(response.body)[0] as Row;
  };
  const external = await made("/networks", { network: { name: "edge-ext", "router:external": true } });
  await made("/subnets", { subnet: { network_id: external.id, cidr: "203.0.113.0/24", ip_version: 4 } });
  const vpc = await made("/vpcs", { vpc: { name: "outer", cidrs: ["10.50.0.0/16"] } });
  const peer = await made("/vpcs", { vpc: { name: "inner", cidrs: ["10.60.0.0/16"] } });
  const gatewayInfo = { router: { external_gateway_info: { network_id: external.id } } };
  assert.equal((await http("PUT", `/routers/${String(vpc.router_id)}`, gatewayInfo)).status, 200);
  const subnet = await made(`/vpcs/${String(vpc.id)}/subnets`, {
    subnet: { name: "app", cidr: "10.50.1.0/24" },
  });
  const server = await made("/ports", { port: { network_id: subnet.network_id } });
  const serverIp = (server.fixed_ips as Array<{ ip_address: string }>)[0]?.ip_address ?? "";
  const peering = await made("/vpc/peerings", {
    peering: {
      name: "outer-inner",
      request_vpc_info: { vpc_id: vpc.id },
      accept_vpc_info: { vpc_id: peer.id },
    },
  });
  const gateway = await made("/nat-gateways", { nat_gateway: { name: "egress", vpc_id: vpc.id } });
  const shared = await made("/floatingips", { floatingip: { floating_network_id: external.id } });
  await made("/snat-rules", {
    snat_rule: { nat_gateway_id: gateway.id, cidr: "10.50.1.0/24", floating_ip_id: shared.id },
  });
  await made("/dnat-rules", {
    dnat_rule: {
      nat_gateway_id: gateway.id,
      floating_ip_id: shared.id,
      port_id: server.id,
      protocol: "tcp",
      internal_service_port: 80,
      external_service_port: 8080,
    },
  });
  await made("/bandwidths", {
    bandwidth: { name: "pool", size: 20, share_type: "WHOLE", publicip_info: [{ publicip_id: shared.id }] },
  });

  const shown = await stratus(srv().openrc, ["vpc", "show", "outer"]);
  assert.equal(shown.code, 0, shown.stderr);
  const address = String(shared.floating_ip_address);
  assert.match(shown.stdout, new RegExp(`outer-inner ACTIVE <-> VPC ${String(peer.id)}`));
  assert.match(shown.stdout, new RegExp(`egress \\(${String(gateway.id)}\\) spec 1 ACTIVE`));
  assert.match(shown.stdout, new RegExp(`SNAT 10\\.50\\.1\\.0/24 -> ${address.replace(/\./g, "\\.")}`));
  assert.match(shown.stdout, new RegExp(`DNAT tcp ${address.replace(/\./g, "\\.")}:8080 -> ${serverIp}:80`));
  assert.match(shown.stdout, new RegExp(`pool 20 Mbit/s shared: ${address.replace(/\./g, "\\.")}`));
  assert.ok(peering.id);
});
