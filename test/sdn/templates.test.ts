import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, type TestApp } from "../helpers/app.ts";

/** Network templates through the API, realised by the controller, proven by traces. */

let t: TestApp;
const THREE_TIER = "5f0d3c8e-7b1a-4c2e-9a51-3e7c1b2a0001";
const vm = { web: "", app: "", db: "" };
let vpcId = "";
let externalId = "";
const DMZ = "5f0d3c8e-7b1a-4c2e-9a51-3e7c1b2a0002";

type Method = "GET" | "POST" | "PUT" | "DELETE";
const api = (method: Method, url: string, body?: unknown) =>
  call(t.app, t.adminToken, method, `/networking/v2.0${url}`, body);

async function ok<T>(method: Method, url: string, body: unknown, code = 200): Promise<T> {
  const response = await api(method, url, body);
  assert.equal(response.statusCode, code, response.body);
  return (response.body === "" ? {} : Object.values(response.json<Record<string, T>>())[0]) as T;
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
const traced = (body: Record<string, unknown>) =>
  ok<Traced>("POST", "/traces", { trace: { protocol: "tcp", ...body } });
interface Instance {
  id: string;
  resources: Array<{ type: string; name: string; id: string }>;
}

before(async () => {
  t = await startTestApp();
  const external = (await created("/networks", { network: { name: "ext", "router:external": true } })).id;
  externalId = external;
  await created("/subnets", { subnet: { network_id: external, cidr: "203.0.113.0/24", ip_version: 4 } });
  const vpc = await created<{ id: string; router_id: string }>("/vpcs", {
    vpc: { name: "shop", cidrs: ["10.0.0.0/16"] },
  });
  vpcId = vpc.id;
  await ok("PUT", `/routers/${vpc.router_id}`, {
    router: { external_gateway_info: { network_id: external } },
  });
  const instance = await created<Instance>(`/network-templates/${THREE_TIER}/instantiate`, {
    vpc_id: vpcId,
    name: "shop",
    parameters: { app_port: 9000 },
  });
  const made = (name: string) => instance.resources.find((resource) => resource.name === name)!.id;
  for (const tier of ["web", "app", "db"] as const) {
    const subnet = await ok<{ network_id: string }>("GET", `/subnets/${made(tier)}`, undefined);
    vm[tier] = (
      await created("/ports", {
        port: {
          network_id: subnet.network_id,
          "binding:host_id": "compute-1",
          security_groups: [made(`${tier}-sg`)],
        },
      })
    ).id;
  }
  await t.ctx.sdn.reconcileNow();
});
after(() => t.close());

test("three-tier-web: web reaches app on the app port only; the db ACL drops web, not app", async () => {
  const webToApp = await traced({
    source_port_id: vm.web,
    destination_port_id: vm.app,
    destination_port: 9000,
  });
  assert.equal(webToApp.verdict, "delivered", JSON.stringify(webToApp.hops));
  assert.equal(webToApp.reply?.verdict, "delivered");
  const otherPort = await traced({
    source_port_id: vm.web,
    destination_port_id: vm.app,
    destination_port: 22,
  });
  assert.equal(otherPort.verdict, "dropped", "app-sg lets in the app port only");

  const webToDb = await traced({
    source_port_id: vm.web,
    destination_port_id: vm.db,
    destination_port: 5432,
  });
  assert.equal(webToDb.verdict, "dropped");
  const drop = webToDb.hops.at(-1)!;
  assert.equal(drop.step, "network_acl", JSON.stringify(webToDb.hops));
  const deny = await ok<{ action: string; source_ip_address: string }>(
    "GET",
    `/fwaas/firewall_rules/${drop.rule_id}`,
    undefined,
  );
  assert.deepEqual([deny.action, deny.source_ip_address], ["deny", "10.0.1.0/24"]);

  const appToDb = await traced({
    source_port_id: vm.app,
    destination_port_id: vm.db,
    destination_port: 5432,
  });
  assert.equal(appToDb.verdict, "delivered", JSON.stringify(appToDb.hops));
  assert.equal(appToDb.reply?.verdict, "delivered", "no rules out of db: the stateless ACL lets replies go");
});

test("template instantiate and rollback: a failed instantiate leaves traces as before; a good one changes them until deleted", async () => {
  const route = {
    type: "route",
    name: "sink",
    route_table: "main",
    destination: "198.51.100.0/24",
    nexthop_type: "blackhole",
  };
  const failing = await created("/network-templates", {
    network_template: {
      name: "sink-then-fail",
      resources: [route, { type: "subnet", name: "outside", cidr: "172.16.0.0/24" }],
    },
  });
  const working = await created("/network-templates", {
    network_template: { name: "sink", resources: [route] },
  });
  const probe = { source_port_id: vm.web, destination_ip_address: "198.51.100.7", destination_port: 443 };
  const before = await traced(probe);
  assert.equal(before.verdict, "delivered", JSON.stringify(before.hops));

  const refused = await api("POST", `/network-templates/${failing.id}/instantiate`, { vpc_id: vpcId });
  assert.equal(refused.statusCode, 400, refused.body);
  assert.equal(refused.json().NeutronError.type, "InvalidVpcSubnet");
  await t.ctx.sdn.reconcileNow();
  assert.deepEqual(await traced(probe), before);

  const instance = await created<Instance>(`/network-templates/${working.id}/instantiate`, { vpc_id: vpcId });
  await t.ctx.sdn.reconcileNow();
  const sunk = await traced(probe);
  assert.equal(sunk.verdict, "dropped");
  assert.match(sunk.hops.at(-1)!.detail, /blackhole/);

  await ok("DELETE", `/network-template-instances/${instance.id}`, undefined, 204);
  await t.ctx.sdn.reconcileNow();
  assert.deepEqual(await traced(probe), before);
});

test("dmz-private: the DNAT rule it makes lets the internet reach the DMZ server; the private subnet leaves by SNAT", async () => {
  const vpc = await created<{ id: string; router_id: string }>("/vpcs", {
    vpc: { name: "dmz", cidrs: ["10.1.0.0/16"] },
  });
  await ok("PUT", `/routers/${vpc.router_id}`, {
    router: { external_gateway_info: { network_id: externalId } },
  });
  await created("/nat-gateways", { nat_gateway: { vpc_id: vpc.id } });
  const fip = await created<{ id: string; floating_ip_address: string }>("/floatingips", {
    floatingip: { floating_network_id: externalId },
  });
  const instance = await created<Instance>(`/network-templates/${DMZ}/instantiate`, {
    vpc_id: vpc.id,
    parameters: { floating_ip_id: fip.id, dmz_server_ip: "10.1.1.10" },
  });
  const made = (name: string) => instance.resources.find((resource) => resource.name === name)!.id;
  const network = async (subnet: string) =>
    (await ok<{ network_id: string }>("GET", `/subnets/${made(subnet)}`, undefined)).network_id;
  const server = await created("/ports", {
    port: {
      network_id: await network("dmz"),
      "binding:host_id": "compute-1",
      fixed_ips: [{ subnet_id: made("dmz"), ip_address: "10.1.1.10" }],
      security_groups: [made("dmz-sg")],
    },
  });
  const inside = await created("/ports", {
    port: { network_id: await network("private"), "binding:host_id": "compute-1" },
  });
  await t.ctx.sdn.reconcileNow();

  const inbound = await traced({
    source_ip_address: "198.51.100.9",
    destination_ip_address: fip.floating_ip_address,
    destination_port: 80,
  });
  assert.equal(inbound.verdict, "delivered", JSON.stringify(inbound.hops));
  assert.ok(inbound.hops.some((hop) => hop.step === "nat" && hop.decision === "translate"));
  assert.equal(inbound.hops.at(-1)!.object?.name, server.id, JSON.stringify(inbound.hops));

  const outbound = await traced({
    source_port_id: inside.id,
    destination_ip_address: "198.51.100.9",
    destination_port: 443,
  });
  assert.equal(outbound.verdict, "delivered", JSON.stringify(outbound.hops));
  const nat = outbound.hops.find((hop) => hop.step === "nat");
  assert.equal(nat?.decision, "translate");
  assert.ok(nat.detail.includes(fip.floating_ip_address), nat.detail);
});
