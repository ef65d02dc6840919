import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";

/** [nat-gateway]: NAT gateways, SNAT rules (a shared address, service networks) and DNAT rules. */

let t: TestApp;
let alpha = "";
let beta = "";
let project = "";
let external = "";
let service = "";
const vpc = { id: "", router: "", front: "", back: "", frontCidr: "10.20.1.0/24" };
let instance = "";
let instanceIp = "";
let gateway = "";

type Method = "GET" | "POST" | "PUT" | "DELETE";
const net = (token: string, method: Method, url: string, body?: unknown) =>
  call(t.app, token, method, `/networking/v2.0${url}`, body);

async function ok(token: string, method: Method, url: string, body?: unknown, status = 200) {
  const response = await net(token, method, url, body);
  assert.equal(response.statusCode, status, `${method} ${url}: ${response.body}`);
  return response.body === "" ? {} : (Object.values(response.json())[0] as Record<string, unknown>);
}
const made = (url: string, body: unknown, token = alpha) => ok(token, "POST", url, body, 201);
const snat = (body: Record<string, unknown>, token = alpha) =>
  net(token, "POST", "/snat-rules", { snat_rule: { nat_gateway_id: gateway, ...body } });
const dnat = (body: Record<string, unknown>, token = alpha) =>
  net(token, "POST", "/dnat-rules", {
    dnat_rule: { nat_gateway_id: gateway, protocol: "tcp", port_id: instance, ...body },
  });
const floatingIp = async () =>
  String((await made("/floatingips", { floatingip: { floating_network_id: external } })).id);

before(async () => {
  t = await startTestApp();
  alpha = await userInNewProject(t, "nat-alpha");
  beta = await userInNewProject(t, "nat-beta");
  const admin = t.adminToken;
  external = String(
    (await made("/networks", { network: { name: "ext", "router:external": true } }, admin)).id,
  );
  await made("/subnets", { subnet: { network_id: external, cidr: "198.51.100.0/24", ip_version: 4 } }, admin);
  service = String((await made("/networks", { network: { name: "services", shared: true } }, admin)).id);
  await made("/subnets", { subnet: { network_id: service, cidr: "100.64.0.0/24", ip_version: 4 } }, admin);
  await ok(admin, "PUT", `/networks/${service}/tags/service`, undefined, 201);
  const made_ = await made("/vpcs", { vpc: { name: "nat", cidrs: ["10.20.0.0/16"] } });
  [vpc.id, vpc.router, project] = [String(made_.id), String(made_.router_id), String(made_.project_id)];
  await ok(alpha, "PUT", `/routers/${vpc.router}`, {
    router: { external_gateway_info: { network_id: external } },
  });
  for (const cidr of [vpc.frontCidr, "10.20.2.0/24"]) {
    const subnet = await made(`/vpcs/${vpc.id}/subnets`, { subnet: { name: cidr, cidr } });
    if (cidr === vpc.frontCidr) vpc.front = String(subnet.network_id);
    else vpc.back = String(subnet.network_id);
  }
  const port = await made("/ports", { port: { network_id: vpc.front } });
  instance = String(port.id);
  instanceIp = String((port.fixed_ips as Array<{ ip_address: string }>)[0]?.ip_address);
});
after(() => t.close());

test("a NAT gateway: on a VPC's router (vpc_id fills router_id), one per router, needs an external gateway", async () => {
  expectNeutronError(
    await net(alpha, "POST", "/nat-gateways", { nat_gateway: { name: "x" } }),
    400,
    "InvalidNatRule",
  );
  expectNeutronError(
    await net(alpha, "POST", "/nat-gateways", { nat_gateway: { vpc_id: vpc.id, spec: "9" } }),
    400,
    "HTTPBadRequest",
  );
  const created = await made("/nat-gateways", { nat_gateway: { name: "gw", vpc_id: vpc.id } });
  gateway = String(created.id);
  assert.equal(created.router_id, vpc.router);
  assert.equal(created.vpc_id, vpc.id);
  assert.equal(created.spec, "1");
  assert.equal(created.status, "ACTIVE");
  assert.equal(created.admin_state_up, true);
  assert.equal(created.tenant_id, project);
  const again = await net(alpha, "POST", "/nat-gateways", { nat_gateway: { router_id: vpc.router } });
  expectNeutronError(
    again,
    409,
    "NatGatewayRouterConflict",
    `Router ${vpc.router} already has NAT gateway ${gateway}`,
  );
  const bare = await made("/vpcs", { vpc: { name: "bare", cidrs: ["10.30.0.0/16"] } });
  const noGateway = await net(alpha, "POST", "/nat-gateways", { nat_gateway: { vpc_id: bare.id } });
  expectNeutronError(noGateway, 409, "NatGatewayRouterConflict");
  assert.match(
    noGateway.json().NeutronError.message,
    /has no external gateway: set its external_gateway_info/,
  );
  await ok(alpha, "DELETE", `/vpcs/${String(bare.id)}`, undefined, 204);
});

test("NAT gateways are shown, listed, renamed, tagged; another project's do not exist", async () => {
  const updated = await ok(alpha, "PUT", `/nat-gateways/${gateway}`, {
    nat_gateway: { name: "edge", spec: "2" },
  });
  assert.equal(updated.name, "edge");
  assert.equal(updated.spec, "2");
  assert.equal(updated.revision_number, 2);
  await ok(alpha, "PUT", `/nat-gateways/${gateway}/tags/prod`, undefined, 201);
  const listed = (await net(alpha, "GET", "/nat-gateways?tags=prod&fields=id&fields=spec")).json();
  assert.deepEqual(listed, { nat_gateways: [{ id: gateway, spec: "2" }] });
  expectNeutronError(
    await net(alpha, "PUT", `/nat-gateways/${gateway}`, { nat_gateway: { router_id: vpc.router } }),
    400,
    "HTTPBadRequest",
  );
  expectNeutronError(await net(beta, "GET", `/nat-gateways/${gateway}`), 404, "NatGatewayNotFound");
  expectNeutronError(await net(beta, "DELETE", `/nat-gateways/${gateway}`), 404, "NatGatewayNotFound");
  assert.deepEqual((await net(beta, "GET", "/nat-gateways")).json(), { nat_gateways: [] });
  const extensions = (await net(alpha, "GET", "/extensions/nat-gateway")).json();
  assert.equal(extensions.extension.alias, "nat-gateway");
});

test("SNAT rules: two subnets share one floating IP; the same source twice is a conflict", async () => {
  const fip = await floatingIp();
  const front = await snat({ network_id: vpc.front, floating_ip_id: fip });
  assert.equal(front.statusCode, 201, front.body);
  const rule = front.json().snat_rule;
  assert.equal(rule.cidr, vpc.frontCidr);
  assert.equal(rule.floating_ip_id, fip);
  assert.match(String(rule.floating_ip_address), /^198\.51\.100\./);
  assert.equal((await snat({ network_id: vpc.back, floating_ip_id: fip })).statusCode, 201);
  const shown = await ok(alpha, "GET", `/floatingips/${fip}`);
  assert.equal(shown.router_id, vpc.router, "the floating IP now goes through the gateway's router");
  expectNeutronError(await snat({ network_id: vpc.front, floating_ip_id: fip }), 409, "NatRuleConflict");
  const sameCidr = await snat({ cidr: vpc.frontCidr, floating_ip_id: await floatingIp() });
  expectNeutronError(
    sameCidr,
    409,
    "NatRuleConflict",
    `NAT gateway ${gateway} already has a SNAT rule for ${vpc.frontCidr}`,
  );
  const listed = (await net(alpha, "GET", `/snat-rules?floating_ip_id=${fip}`)).json().snat_rules;
  assert.equal(listed.length, 2);
  expectNeutronError(await net(beta, "GET", `/snat-rules/${String(rule.id)}`), 404, "SnatRuleNotFound");
});

test("SNAT rules refuse sources outside the VPC, two sources or targets, and floating IPs bound 1:1", async () => {
  const fip = await floatingIp();
  expectNeutronError(await snat({ cidr: "192.168.0.0/24", floating_ip_id: fip }), 400, "InvalidNatRule");
  expectNeutronError(
    await snat({ network_id: vpc.front, cidr: "10.20.9.0/24", floating_ip_id: fip }),
    400,
    "InvalidNatRule",
  );
  expectNeutronError(await snat({ cidr: "10.20.9.0/24" }), 400, "InvalidNatRule");
  expectNeutronError(
    await snat({ cidr: "10.20.9.0/24", floating_ip_id: fip, service_network_id: service }),
    400,
    "InvalidNatRule",
  );
  expectNeutronError(await snat({ network_id: external, floating_ip_id: fip }), 400, "InvalidNatRule");
  expectNeutronError(await snat({ cidr: "not-a-cidr", floating_ip_id: fip }), 400, "HTTPBadRequest");
  const bound = await floatingIp();
  const vm = String((await made("/ports", { port: { network_id: vpc.back } })).id);
  await ok(alpha, "PUT", `/floatingips/${bound}`, { floatingip: { port_id: vm } });
  const refused = await snat({ cidr: "10.20.9.0/24", floating_ip_id: bound });
  expectNeutronError(
    refused,
    409,
    "NatRuleConflict",
    `Floating IP ${bound} is associated with port ${vm}; disassociate it first`,
  );
  expectNeutronError(
    await snat({ cidr: "10.20.9.0/24", floating_ip_id: fip }, beta),
    404,
    "NatGatewayNotFound",
  );
});

test("a floating IP used by NAT rules cannot be associated or deleted, nor its gateway deleted", async () => {
  const fip = await floatingIp();
  const rule = (await snat({ cidr: "10.20.64.0/18", floating_ip_id: fip })).json().snat_rule;
  const vm = String((await made("/ports", { port: { network_id: vpc.back } })).id);
  const associate = await net(alpha, "PUT", `/floatingips/${fip}`, { floatingip: { port_id: vm } });
  expectNeutronError(
    associate,
    409,
    "FloatingIpInUseByNatRules",
    `Floating IP ${fip} is used by NAT rules ${String(rule.id)}; delete them first`,
  );
  expectNeutronError(await net(alpha, "DELETE", `/floatingips/${fip}`), 409, "FloatingIpInUseByNatRules");
  const busy = await net(alpha, "DELETE", `/nat-gateways/${gateway}`);
  expectNeutronError(busy, 409, "NatGatewayInUse");
  assert.match(busy.json().NeutronError.message, new RegExp(`SNAT rules .*${String(rule.id)}`));
  await ok(alpha, "DELETE", `/snat-rules/${String(rule.id)}`, undefined, 204);
  assert.equal(
    (await ok(alpha, "GET", `/floatingips/${fip}`)).router_id,
    null,
    "released with its last rule",
  );
  await ok(alpha, "DELETE", `/floatingips/${fip}`, undefined, 204);
  expectNeutronError(await net(alpha, "GET", `/snat-rules/${String(rule.id)}`), 404, "SnatRuleNotFound");
});

test("DNAT rules: a floating IP's port forwarded to an instance; the same external port twice is a conflict", async () => {
  const fip = await floatingIp();
  const web = await dnat({ floating_ip_id: fip, internal_service_port: 8080, external_service_port: 80 });
  assert.equal(web.statusCode, 201, web.body);
  const rule = web.json().dnat_rule;
  assert.equal(rule.private_ip, instanceIp);
  assert.equal(rule.port_id, instance);
  assert.equal(rule.protocol, "tcp");
  const again = await dnat({ floating_ip_id: fip, internal_service_port: 9090, external_service_port: 80 });
  expectNeutronError(
    again,
    409,
    "NatRuleConflict",
    `DNAT rule ${String(rule.id)} already forwards tcp/80 of floating IP ${fip}`,
  );
  const udp = await dnat({
    floating_ip_id: fip,
    protocol: "udp",
    internal_service_port: 53,
    external_service_port: 80,
  });
  assert.equal(udp.statusCode, 201, udp.body);
  expectNeutronError(
    await dnat({ floating_ip_id: fip, protocol: "any", port_id: null, private_ip: instanceIp }),
    409,
    "NatRuleConflict",
  );
  // Neutron port forwardings on the same floating IP count too, both ways.
  const forwarding = {
    protocol: "tcp",
    internal_port_id: instance,
    internal_ip_address: instanceIp,
    internal_port: 22,
  };
  const pf = await net(alpha, "POST", `/floatingips/${fip}/port_forwardings`, {
    port_forwarding: { ...forwarding, external_port: 80 },
  });
  expectNeutronError(pf, 409, "NatRuleConflict");
  await ok(
    alpha,
    "POST",
    `/floatingips/${fip}/port_forwardings`,
    { port_forwarding: { ...forwarding, external_port: 2222 } },
    201,
  );
  const clash = await dnat({ floating_ip_id: fip, internal_service_port: 22, external_service_port: 2222 });
  expectNeutronError(clash, 409, "NatRuleConflict");
  assert.match(clash.json().NeutronError.message, /^Port forwarding .* already forwards tcp\/2222$/);
});

test("DNAT rules check their ports, internal end and floating IP", async () => {
  const fip = await floatingIp();
  const base = { floating_ip_id: fip, internal_service_port: 80, external_service_port: 80 };
  expectNeutronError(await dnat({ ...base, protocol: "any" }), 400, "InvalidNatRule");
  expectNeutronError(await dnat({ ...base, external_service_port: 0 }), 400, "InvalidNatRule");
  expectNeutronError(await dnat({ ...base, external_service_port: 70000 }), 400, "HTTPBadRequest");
  expectNeutronError(await dnat({ ...base, protocol: "icmp" }), 400, "HTTPBadRequest");
  expectNeutronError(await dnat({ ...base, port_id: null }), 400, "InvalidNatRule");
  expectNeutronError(await dnat({ ...base, private_ip: "10.20.1.250" }), 400, "InvalidNatRule");
  expectNeutronError(
    await dnat({ ...base, port_id: null, private_ip: "192.168.1.1" }),
    400,
    "InvalidNatRule",
  );
  const bare = await dnat({
    ...base,
    port_id: null,
    private_ip: "10.20.2.77",
    protocol: "any",
    internal_service_port: 0,
    external_service_port: 0,
  });
  assert.equal(bare.statusCode, 201, bare.body);
  assert.equal(bare.json().dnat_rule.port_id, null);
  const other = await floatingIp();
  const vm = String((await made("/ports", { port: { network_id: vpc.back } })).id);
  await ok(alpha, "PUT", `/floatingips/${other}`, { floatingip: { port_id: vm } });
  expectNeutronError(await dnat({ ...base, floating_ip_id: other }), 409, "NatRuleConflict");
  const rule = bare.json().dnat_rule;
  const renamed = await ok(alpha, "PUT", `/dnat-rules/${String(rule.id)}`, {
    dnat_rule: { description: "whole address" },
  });
  assert.equal(renamed.description, "whole address");
  expectNeutronError(
    await net(alpha, "PUT", `/dnat-rules/${String(rule.id)}`, { dnat_rule: { external_service_port: 81 } }),
    400,
    "HTTPBadRequest",
  );
  expectNeutronError(await net(beta, "DELETE", `/dnat-rules/${String(rule.id)}`), 404, "DnatRuleNotFound");
  await ok(alpha, "DELETE", `/dnat-rules/${String(rule.id)}`, undefined, 204);
  assert.equal((await ok(alpha, "GET", `/floatingips/${fip}`)).router_id, null);
});

test("a SNAT rule to a service network gives the gateway an address there, released with the last rule", async () => {
  const plain = String(
    (await made("/networks", { network: { name: "plain", shared: true } }, t.adminToken)).id,
  );
  await made(
    "/subnets",
    { subnet: { network_id: plain, cidr: "100.65.0.0/24", ip_version: 4 } },
    t.adminToken,
  );
  const refused = await snat({ network_id: vpc.front, service_network_id: plain });
  expectNeutronError(refused, 400, "InvalidNatRule");
  assert.match(refused.json().NeutronError.message, /is not a service network/);
  const created = await snat({ network_id: vpc.front, service_network_id: service });
  assert.equal(created.statusCode, 201, created.body);
  const rule = created.json().snat_rule;
  assert.equal(rule.floating_ip_id, null);
  assert.equal(rule.service_network_id, service);
  const ports = async () =>
    (await net(t.adminToken, "GET", `/ports?device_owner=network:nat_gateway&device_id=${gateway}`)).json()
      .ports;
  assert.equal((await ports()).length, 1);
  assert.equal((await ports())[0].network_id, service);
  expectNeutronError(
    await snat({ network_id: vpc.front, service_network_id: service }),
    409,
    "NatRuleConflict",
  );
  await ok(alpha, "DELETE", `/snat-rules/${String(rule.id)}`, undefined, 204);
  assert.deepEqual(await ports(), []);
});

test("quotas: nat_gateway, snat_rule and dnat_rule", async () => {
  const quota = (await ok(alpha, "GET", `/quotas/${project}`)) as Record<string, number>;
  assert.deepEqual([quota.nat_gateway, quota.snat_rule, quota.dnat_rule], [10, 100, 200]);
  await ok(t.adminToken, "PUT", `/quotas/${project}`, { quota: { dnat_rule: 0 } });
  const fip = await floatingIp();
  const over = await dnat({ floating_ip_id: fip, internal_service_port: 22, external_service_port: 22 });
  expectNeutronError(over, 409, "OverQuota", "Quota exceeded for resources: ['dnat_rule'].");
  await ok(t.adminToken, "PUT", `/quotas/${project}`, { quota: { dnat_rule: -1 } });
});

async function eventTypes(resourceId: string): Promise<string[]> {
  const rows = await t.ctx.db
    .as<{ events: { seq: number; type: string; resource_id: string | null } }>()
    .selectFrom("events")
    .select("type")
    .where("resource_id", "=", resourceId)
    .orderBy("seq")
    .execute();
  return rows.map((row) => row.type);
}

test("bulk SNAT rules are made all or none, and every change is an event", async () => {
  const fip = await floatingIp();
  const rules = (cidr: string) => ({ nat_gateway_id: gateway, cidr, floating_ip_id: fip });
  const refused = await net(alpha, "POST", "/snat-rules", {
    snat_rules: [rules("10.20.128.0/24"), rules("192.168.9.0/24")],
  });
  expectNeutronError(refused, 400, "InvalidNatRule");
  assert.deepEqual((await net(alpha, "GET", `/snat-rules?cidr=10.20.128.0/24`)).json(), { snat_rules: [] });
  const made = await net(alpha, "POST", "/snat-rules", {
    snat_rules: [rules("10.20.128.0/24"), rules("10.20.129.0/24")],
  });
  assert.equal(made.statusCode, 201, made.body);
  const [first] = made.json().snat_rules as Array<{ id: string }>;
  const id = first!.id;
  await ok(alpha, "PUT", `/snat-rules/${id}`, { snat_rule: { admin_state_up: false } });
  await ok(alpha, "DELETE", `/snat-rules/${id}`, undefined, 204);
  assert.deepEqual(await eventTypes(id), [
    "snat_rule.create.end",
    "snat_rule.update.end",
    "snat_rule.delete.end",
  ]);
  assert.deepEqual(await eventTypes(gateway), [
    "nat_gateway.create.end",
    "nat_gateway.update.end",
    "nat_gateway.update.end",
  ]);
});

test("a route table route may go to the VPC's NAT gateway only, which then cannot be deleted", async () => {
  const other = await made("/vpcs", { vpc: { name: "other", cidrs: ["10.50.0.0/16"] } });
  const router = String(other.router_id);
  await ok(alpha, "PUT", `/routers/${router}`, {
    router: { external_gateway_info: { network_id: external } },
  });
  const own = String((await made("/nat-gateways", { nat_gateway: { router_id: router } })).id);
  const route = (nexthop: string) => ({ destination: "0.0.0.0/0", nexthop_type: "nat_gateway", nexthop });
  const foreign = await net(alpha, "POST", "/route-tables", {
    route_table: { vpc_id: other.id, routes: [route(gateway)] },
  });
  expectNeutronError(
    foreign,
    400,
    "InvalidRouteTableRoutes",
    `Next hop ${gateway} is not the NAT gateway of VPC ${String(other.id)}`,
  );
  const malformed = await net(alpha, "POST", "/route-tables", {
    route_table: { vpc_id: other.id, routes: [{ destination: "0.0.0.0/0", nexthop_type: "nat_gateway" }] },
  });
  expectNeutronError(malformed, 400, "HTTPBadRequest");
  const table = await made("/route-tables", { route_table: { vpc_id: other.id, routes: [route(own)] } });
  const busy = await net(alpha, "DELETE", `/nat-gateways/${own}`);
  expectNeutronError(
    busy,
    409,
    "NatGatewayRouterConflict",
    `NAT gateway ${own} is the next hop of routes in route tables ${String(table.id)}; remove them first`,
  );
  await ok(alpha, "DELETE", `/route-tables/${String(table.id)}`, undefined, 204);
  await ok(alpha, "DELETE", `/nat-gateways/${own}`, undefined, 204);
  expectNeutronError(await net(alpha, "GET", `/nat-gateways/${own}`), 404, "NatGatewayNotFound");
});

test("a router with a NAT gateway keeps it: router delete, gateway removal and VPC delete are refused", async () => {
  const router = await made("/routers", {
    router: { name: "plain", external_gateway_info: { network_id: external } },
  });
  const id = String(router.id);
  const natGateway = await made("/nat-gateways", { nat_gateway: { router_id: id } });
  expectNeutronError(await net(alpha, "DELETE", `/routers/${id}`), 409, "NatGatewayRouterConflict");
  const clear = await net(alpha, "PUT", `/routers/${id}`, { router: { external_gateway_info: {} } });
  expectNeutronError(clear, 409, "NatGatewayRouterConflict");
  const still = await ok(alpha, "GET", `/routers/${id}`);
  assert.equal((still.external_gateway_info as { network_id: string }).network_id, external);
  await ok(alpha, "DELETE", `/nat-gateways/${String(natGateway.id)}`, undefined, 204);
  await ok(alpha, "DELETE", `/routers/${id}`, undefined, 204);

  const other = await made("/vpcs", { vpc: { name: "kept", cidrs: ["10.40.0.0/16"] } });
  await ok(alpha, "PUT", `/routers/${String(other.router_id)}`, {
    router: { external_gateway_info: { network_id: external } },
  });
  const onVpc = await made("/nat-gateways", { nat_gateway: { vpc_id: other.id } });
  expectNeutronError(
    await net(alpha, "DELETE", `/vpcs/${String(other.id)}`),
    409,
    "NatGatewayRouterConflict",
  );
  await ok(alpha, "DELETE", `/nat-gateways/${String(onVpc.id)}`, undefined, 204);
  await ok(alpha, "DELETE", `/vpcs/${String(other.id)}`, undefined, 204);
});
