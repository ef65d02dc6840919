import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, type TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";

/** A NAT gateway and its rules made through the API, realised by the controller, proven by traces. */

let t: TestApp;
const ids = { vpc: "", router: "", gateway: "", frontVm: "", backVm: "", ntp: "", service: "", external: "" };
const nets = { front: "", back: "" };
const fips = { shared: { id: "", address: "" }, forwarded: { id: "", address: "" } };

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
async function traced(body: Record<string, unknown>): Promise<Traced> {
  await t.ctx.sdn.reconcileNow();
  return ok<Traced>("POST", "/traces", { trace: { protocol: "tcp", destination_port: 443, ...body } });
}
const step = (result: { hops: Hop[] }, name: string) => result.hops.find((hop) => hop.step === name);
const show = (result: Traced) => JSON.stringify(result.hops, null, 1);

async function floatingIp() {
  const fip = await created<{ id: string; floating_ip_address: string }>("/floatingips", {
    floatingip: { floating_network_id: ids.external },
  });
  return { id: fip.id, address: fip.floating_ip_address };
}

before(async () => {
  t = await startTestApp();
  ids.external = (await created("/networks", { network: { name: "ext", "router:external": true } })).id;
  await created("/subnets", { subnet: { network_id: ids.external, cidr: "203.0.113.0/24", ip_version: 4 } });
  ids.service = (await created("/networks", { network: { name: "services", shared: true } })).id;
  await created("/subnets", { subnet: { network_id: ids.service, cidr: "100.64.0.0/24", ip_version: 4 } });
  await ok("PUT", `/networks/${ids.service}/tags/service`, undefined, 201);
  const port = async (network: string, extra: Record<string, unknown> = {}) =>
    (await created("/ports", { port: { network_id: network, "binding:host_id": "compute-1", ...extra } })).id;
  ids.ntp = await port(ids.service, { port_security_enabled: false });
  const vpc = await created<{ id: string; router_id: string }>("/vpcs", {
    vpc: { name: "nat", cidrs: ["10.40.0.0/16"] },
  });
  [ids.vpc, ids.router] = [vpc.id, vpc.router_id];
  await ok("PUT", `/routers/${ids.router}`, {
    router: { external_gateway_info: { network_id: ids.external } },
  });
  const subnet = (name: string, cidr: string) =>
    created<{ network_id: string }>(`/vpcs/${ids.vpc}/subnets`, { subnet: { name, cidr } });
  nets.front = (await subnet("front", "10.40.1.0/24")).network_id;
  nets.back = (await subnet("back", "10.40.2.0/24")).network_id;
  ids.frontVm = await port(nets.front);
  ids.backVm = await port(nets.back);
  const groups = (await ok<{ security_groups: string[] }>("GET", `/ports/${ids.frontVm}`, undefined))
    .security_groups;
  await created("/security-group-rules", {
    security_group_rule: { security_group_id: groups[0], direction: "ingress", protocol: "tcp" },
  });
  ids.gateway = (await created("/nat-gateways", { nat_gateway: { name: "edge", vpc_id: ids.vpc } })).id;
  fips.shared = await floatingIp();
  fips.forwarded = await floatingIp();
});
after(() => t.close());

test("two subnets reach the internet through one shared SNAT address, each by its own rule", async () => {
  const rules: string[] = [];
  for (const network_id of [nets.front, nets.back])
    rules.push(
      (
        await created("/snat-rules", {
          snat_rule: { nat_gateway_id: ids.gateway, network_id, floating_ip_id: fips.shared.id },
        })
      ).id,
    );
  for (const [vm, rule] of [
    [ids.frontVm, rules[0]],
    [ids.backVm, rules[1]],
  ] as const) {
    const result = await traced({ source_port_id: vm, destination_ip_address: "8.8.8.8" });
    assert.equal(result.verdict, "delivered", show(result));
    const nat = step(result, "nat")!;
    assert.equal(nat.rule_id, rule, show(result));
    assert.match(
      nat.detail,
      new RegExp(`SNAT rule ${rule} .*-> ${fips.shared.address.replaceAll(".", "\\.")}$`),
    );
    assert.equal(result.reply?.verdict, "delivered");
  }
});

test("a DNAT rule forwards a floating IP's port to an instance; another port is refused", async () => {
  const rule = (
    await created("/dnat-rules", {
      dnat_rule: {
        nat_gateway_id: ids.gateway,
        floating_ip_id: fips.forwarded.id,
        port_id: ids.frontVm,
        protocol: "tcp",
        internal_service_port: 22,
        external_service_port: 2222,
      },
    })
  ).id;
  const from = { source_ip_address: "198.51.100.9", source_network_id: ids.external };
  const inbound = await traced({
    ...from,
    destination_ip_address: fips.forwarded.address,
    destination_port: 2222,
  });
  assert.equal(inbound.verdict, "delivered", show(inbound));
  assert.equal(inbound.hops.at(-1)!.object?.name, ids.frontVm);
  assert.equal(step(inbound, "nat")?.rule_id, rule);
  assert.match(step(inbound, "nat")!.detail, new RegExp(`DNAT rule ${rule}: .*:22`));
  assert.equal(inbound.reply?.verdict, "delivered", JSON.stringify(inbound.reply?.hops));
  const other = await traced({
    ...from,
    destination_ip_address: fips.forwarded.address,
    destination_port: 2223,
  });
  assert.equal(other.verdict, "dropped", show(other));
  assert.equal(other.hops.at(-1)!.step, "nat");
});

test("a service network is reached only through a service SNAT rule, as the gateway's address there", async () => {
  const ntp = { destination_port_id: ids.ntp, protocol: "udp", destination_port: 123 };
  const before = await traced({ source_port_id: ids.frontVm, ...ntp });
  assert.notEqual(before.verdict, "delivered", show(before));
  const rule = (
    await created("/snat-rules", {
      snat_rule: { nat_gateway_id: ids.gateway, network_id: nets.front, service_network_id: ids.service },
    })
  ).id;
  const ports = (await api("GET", `/ports?device_owner=network:nat_gateway&device_id=${ids.gateway}`)).json<{
    ports: Array<{ fixed_ips: Array<{ ip_address: string }> }>;
  }>().ports;
  const legIp = ports[0]!.fixed_ips[0]!.ip_address;
  const reached = await traced({ source_port_id: ids.frontVm, ...ntp });
  assert.equal(reached.verdict, "delivered", show(reached));
  assert.equal(reached.hops.at(-1)!.object?.name, ids.ntp);
  const nat = step(reached, "nat")!;
  assert.equal(nat.rule_id, rule);
  assert.match(nat.detail, new RegExp(`-> ${legIp.replaceAll(".", "\\.")}$`));
  assert.equal(reached.reply?.verdict, "delivered", JSON.stringify(reached.reply?.hops));
  const refused = await traced({ source_port_id: ids.backVm, ...ntp });
  assert.equal(refused.verdict, "dropped", show(refused));
  assert.match(refused.hops.at(-1)!.detail, /no SNAT rule of NAT gateway .* reach service network/);
});

test("a route table route to the NAT gateway leaves by the router's gateway, named in the trace", async () => {
  const stray = await api("POST", "/route-tables", {
    route_table: {
      vpc_id: ids.vpc,
      routes: [{ destination: "192.0.2.0/24", nexthop_type: "nat_gateway", nexthop: ids.frontVm }],
    },
  });
  expectNeutronError(stray, 400, "InvalidRouteTableRoutes");
  const table = (
    await created("/route-tables", {
      route_table: {
        name: "via-nat",
        vpc_id: ids.vpc,
        routes: [{ destination: "192.0.2.0/24", nexthop_type: "nat_gateway", nexthop: ids.gateway }],
      },
    })
  ).id;
  const backSubnet = (await api("GET", `/subnets?network_id=${nets.back}`)).json<{
    subnets: Array<{ id: string }>;
  }>().subnets[0]!.id;
  await ok("PUT", `/route-tables/${table}/associate_subnets`, { subnet_ids: [backSubnet] });
  const result = await traced({ source_port_id: ids.backVm, destination_ip_address: "192.0.2.10" });
  assert.equal(result.verdict, "delivered", show(result));
  const route = step(result, "route")!;
  assert.equal(route.rule_id, table);
  assert.equal(route.object?.name, `rtp-${table}-192.0.2.0/24`);
  assert.match(route.detail, /route table via-nat/);
  assert.equal(step(result, "nat")?.decision, "translate");
  const busy = await api("DELETE", `/nat-gateways/${ids.gateway}`);
  expectNeutronError(busy, 409, "NatGatewayInUse");
});
