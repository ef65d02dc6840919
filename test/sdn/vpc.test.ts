import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, type TestApp } from "../helpers/app.ts";

/** VPC route tables and network ACLs made through the API, realised by the controller, proven by traces. */

let t: TestApp;
const ids = { vpc: "", router: "", front: "", back: "", frontVm: "", backVm: "", appliance: "", table: "" };
const nets = { front: "", back: "" };

type Method = "GET" | "POST" | "PUT" | "DELETE";
const api = (method: Method, url: string, body?: unknown) =>
  call(t.app, t.adminToken, method, `/networking/v2.0${url}`, body);

async function ok<T>(method: Method, url: string, body: unknown, code = 200): Promise<T> {
  const response = await api(method, url, body);
  assert.equal(response.statusCode, code, response.body);
  return Object.values(response.json<Record<string, T>>())[0]!;
}
const created = <T = { id: string }>(url: string, body: unknown) => ok<T>("POST", url, body, 201);

interface Hop {
  step: string;
  decision: string;
  detail: string;
  rule_id: string | null;
  object: { name: string } | null;
}
interface Traced {
  verdict: string;
  hops: Hop[];
  reply?: { verdict: string; hops: Hop[] };
}
async function traced(body: Record<string, unknown>): Promise<Traced> {
  return ok<Traced>("POST", "/traces", { trace: { protocol: "tcp", destination_port: 22, ...body } });
}
const step = (result: { hops: Hop[] }, name: string) => result.hops.find((hop) => hop.step === name);

before(async () => {
  t = await startTestApp();
  const external = (await created("/networks", { network: { name: "ext", "router:external": true } })).id;
  await created("/subnets", { subnet: { network_id: external, cidr: "203.0.113.0/24", ip_version: 4 } });
  const vpc = await created<{ id: string; router_id: string; main_route_table_id: string }>("/vpcs", {
    vpc: { name: "web", cidrs: ["10.10.0.0/16"] },
  });
  ids.vpc = vpc.id;
  ids.router = vpc.router_id;
  await ok("PUT", `/routers/${ids.router}`, { router: { external_gateway_info: { network_id: external } } });
  const subnet = (name: string, cidr: string) =>
    created<{ id: string; network_id: string }>(`/vpcs/${ids.vpc}/subnets`, {
      subnet: { name, cidr, availability_zone: "nova" },
    });
  const front = await subnet("front", "10.10.1.0/24");
  const back = await subnet("back", "10.10.2.0/24");
  [ids.front, ids.back, nets.front, nets.back] = [front.id, back.id, front.network_id, back.network_id];
  const port = async (network: string, extra: Record<string, unknown> = {}) =>
    (await created("/ports", { port: { network_id: network, "binding:host_id": "compute-1", ...extra } })).id;
  ids.frontVm = await port(nets.front);
  ids.backVm = await port(nets.back);
  ids.appliance = await port(nets.back, { port_security_enabled: false });
  const groups = (await ok<{ security_groups: string[] }>("GET", `/ports/${ids.backVm}`, undefined))
    .security_groups;
  await created("/security-group-rules", {
    security_group_rule: { security_group_id: groups[0], direction: "ingress", protocol: "tcp" },
  });
  await t.ctx.sdn.reconcileNow();
});
after(() => t.close());

test("a custom route table sends its subnet's internet traffic through an appliance; the main table's subnet goes out by SNAT", async () => {
  ids.table = (
    await created("/route-tables", {
      route_table: {
        name: "via-appliance",
        vpc_id: ids.vpc,
        routes: [{ destination: "0.0.0.0/0", nexthop_type: "port", nexthop: ids.appliance }],
      },
    })
  ).id;
  await ok("PUT", `/route-tables/${ids.table}/associate_subnets`, { subnet_ids: [ids.front] });
  await t.ctx.sdn.reconcileNow();
  const front = await traced({ source_port_id: ids.frontVm, destination_ip_address: "8.8.8.8" });
  assert.equal(front.verdict, "delivered");
  const route = step(front, "route")!;
  assert.equal(route.rule_id, ids.table);
  assert.match(route.detail, /route table via-appliance/);
  assert.equal(front.hops.at(-1)!.object?.name, ids.appliance);
  const back = await traced({ source_port_id: ids.backVm, destination_ip_address: "8.8.8.8" });
  assert.equal(back.verdict, "delivered");
  assert.equal(step(back, "nat")?.decision, "translate");
});

test("a blackhole route drops, naming its table; removing it restores the route", async () => {
  await ok("PUT", `/route-tables/${ids.table}/add_routes`, {
    routes: [{ destination: "10.99.0.0/16", nexthop_type: "blackhole" }],
  });
  await t.ctx.sdn.reconcileNow();
  const dropped = await traced({ source_port_id: ids.frontVm, destination_ip_address: "10.99.0.5" });
  assert.equal(dropped.verdict, "dropped");
  assert.equal(dropped.hops.at(-1)!.rule_id, ids.table);
  assert.match(dropped.hops.at(-1)!.detail, /blackhole/);
  await ok("PUT", `/route-tables/${ids.table}/remove_routes`, {
    routes: [{ destination: "10.99.0.0/16", nexthop_type: "blackhole" }],
  });
  await t.ctx.sdn.reconcileNow();
  const after = await traced({ source_port_id: ids.frontVm, destination_ip_address: "10.99.0.5" });
  assert.equal(step(after, "route")?.rule_id, ids.table, "the default route via the appliance again");
});

test("a firewall group on the back subnet is a stateless ACL: ssh gets in, its reply is dropped; the stateful group alone lets it back", async () => {
  const before = await traced({ source_port_id: ids.frontVm, destination_port_id: ids.backVm });
  assert.equal(before.reply?.verdict, "delivered");
  const legs = await api("GET", `/ports?device_owner=network:router_interface&network_id=${nets.back}`);
  const leg = legs.json<{ ports: Array<{ id: string }> }>().ports[0]!.id;
  const rule = (destination_port: string) =>
    created("/fwaas/firewall_rules", {
      firewall_rule: { protocol: "tcp", destination_port, action: "allow" },
    });
  const policy = async (name: string, ruleId: string) =>
    (await created("/fwaas/firewall_policies", { firewall_policy: { name, firewall_rules: [ruleId] } })).id;
  const ssh = (await rule("22")).id;
  const https = (await rule("443")).id;
  const group = await created("/fwaas/firewall_groups", {
    firewall_group: {
      name: "back-acl",
      egress_firewall_policy_id: await policy("into-back", ssh),
      ingress_firewall_policy_id: await policy("out-of-back", https),
      ports: [leg],
    },
  });
  await t.ctx.sdn.reconcileNow();
  const result = await traced({ source_port_id: ids.frontVm, destination_port_id: ids.backVm });
  assert.equal(result.verdict, "delivered");
  assert.equal(step(result, "network_acl")?.rule_id, ssh);
  assert.equal(result.reply?.verdict, "dropped");
  const denied = result.reply.hops.at(-1)!;
  assert.equal(denied.step, "network_acl");
  assert.match(denied.detail, /stateless/);
  assert.equal(denied.object?.name, `nacl-${group.id}-ingress`);
});

test("a VPC across two zones: subnets in different zones reach each other through the VPC router", async () => {
  for (const name of ["az-east", "az-west"]) await created("/sdn/zones", { zone: { name } });
  const multi = await created<{ id: string; router_id: string }>("/vpcs", {
    vpc: { name: "multi", cidrs: ["10.20.0.0/16"], availability_zones: ["az-east", "az-west"] },
  });
  const subnet = (name: string, cidr: string, zone: string) =>
    created<{ id: string; network_id: string; availability_zone: string }>(`/vpcs/${multi.id}/subnets`, {
      subnet: { name, cidr, availability_zone: zone },
    });
  const east = await subnet("east", "10.20.1.0/24", "az-east");
  const west = await subnet("west", "10.20.2.0/24", "az-west");
  assert.deepEqual([east.availability_zone, west.availability_zone], ["az-east", "az-west"]);
  const port = async (network: string) =>
    (await created("/ports", { port: { network_id: network, "binding:host_id": "compute-1" } })).id;
  const [a, b] = [await port(east.network_id), await port(west.network_id)];
  await t.ctx.sdn.reconcileNow();
  const result = await traced({ source_port_id: a, destination_port_id: b });
  assert.equal(result.verdict, "delivered", JSON.stringify(result.hops));
  assert.ok(result.hops.some((hop) => hop.step === "router_port" || hop.step === "route"));
  assert.equal(result.reply?.verdict, "delivered");
});
