import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, type TestApp } from "../helpers/app.ts";

/** QoS policies through the controller: compiled for ports, networks, floating IPs and gateways, met by traces. */

let t: TestApp;
const ids = { external: "", inside: "", router: "", vm: "", plain: "", fip: "" };
const policy = { port: "", network: "", fip: "", gateway: "" };

type Method = "GET" | "POST" | "PUT" | "DELETE";
const api = (method: Method, url: string, body?: unknown) =>
  call(t.app, t.adminToken, method, `/networking/v2.0${url}`, body);

async function created(url: string, body: Record<string, unknown>): Promise<string> {
  const response = await api("POST", url, body);
  assert.equal(response.statusCode, 201, response.body);
  return String(Object.values(response.json<Record<string, { id: string }>>())[0]!.id);
}

async function policyWith(name: string, limits: Array<[string, number]>, dscp?: number): Promise<string> {
  const id = await created("/qos/policies", { policy: { name } });
  for (const [direction, kbps] of limits)
    await created(`/qos/policies/${id}/bandwidth_limit_rules`, {
      bandwidth_limit_rule: { max_kbps: kbps, max_burst_kbps: kbps / 10, direction },
    });
  if (dscp !== undefined)
    await created(`/qos/policies/${id}/dscp_marking_rules`, { dscp_marking_rule: { dscp_mark: dscp } });
  return id;
}

interface Limit {
  qos_policy_id: string;
  direction: string;
  max_kbps: number | null;
  dscp_mark: number | null;
}
interface Traced {
  verdict: string;
  qos: Limit[];
  reply?: { qos: Limit[] };
}

async function traced(body: Record<string, unknown>): Promise<Traced> {
  const response = await api("POST", "/traces", {
    trace: { protocol: "tcp", destination_port: 443, ...body },
  });
  assert.equal(response.statusCode, 200, response.body);
  return response.json<{ trace: Traced }>().trace;
}

const met = (limits: Limit[]) =>
  limits.map((l) => `${l.qos_policy_id}/${l.direction}/${l.max_kbps}/${l.dscp_mark}`);

before(async () => {
  t = await startTestApp();
  policy.port = await policyWith("port", [["egress", 10_000]], 26);
  policy.network = await policyWith("network", [["ingress", 2_000]]);
  policy.fip = await policyWith("fip", [
    ["egress", 5_000],
    ["ingress", 4_000],
  ]);
  policy.gateway = await policyWith("gateway", [["egress", 50_000]]);
  ids.external = await created("/networks", { network: { name: "ext", "router:external": true } });
  await created("/subnets", { subnet: { network_id: ids.external, cidr: "203.0.113.0/24", ip_version: 4 } });
  ids.inside = await created("/networks", { network: { name: "inside", qos_policy_id: policy.network } });
  const subnet = await created("/subnets", {
    subnet: { network_id: ids.inside, cidr: "10.2.0.0/24", ip_version: 4 },
  });
  ids.router = await created("/routers", {
    router: {
      name: "r",
      external_gateway_info: { network_id: ids.external, qos_policy_id: policy.gateway },
    },
  });
  await api("PUT", `/routers/${ids.router}/add_router_interface`, { subnet_id: subnet });
  const port = (extra: Record<string, unknown>) =>
    created("/ports", { port: { network_id: ids.inside, "binding:host_id": "compute-1", ...extra } });
  ids.vm = await port({ qos_policy_id: policy.port });
  ids.plain = await port({});
  ids.fip = await created("/floatingips", {
    floatingip: { floating_network_id: ids.external, port_id: ids.vm, qos_policy_id: policy.fip },
  });
  // The default group lets in only its members; the internet's replies and SNAT need none.
  const groups = (await api("GET", `/ports/${ids.vm}`)).json<{ port: { security_groups: string[] } }>();
  await created("/security-group-rules", {
    security_group_rule: {
      security_group_id: groups.port.security_groups[0],
      direction: "ingress",
      protocol: "tcp",
    },
  });
  await t.ctx.sdn.reconcileNow();
});
after(() => t.close());

test("a port's own policy wins over its network's; the network's applies to the others", async () => {
  const result = await traced({ source_port_id: ids.vm, destination_port_id: ids.plain });
  assert.equal(result.verdict, "delivered");
  assert.deepEqual(met(result.qos), [
    `${policy.port}/egress/10000/26`,
    `${policy.network}/ingress/2000/null`,
  ]);
});

test("traffic through a floating IP meets the floating IP's limits both ways, not the gateway's", async () => {
  const result = await traced({ source_port_id: ids.vm, destination_ip_address: "8.8.8.8" });
  assert.equal(result.verdict, "delivered");
  assert.deepEqual(met(result.qos), [`${policy.port}/egress/10000/26`, `${policy.fip}/egress/5000/null`]);
  assert.deepEqual(met(result.reply!.qos), [`${policy.fip}/ingress/4000/null`]);
});

test("SNAT traffic meets the router gateway's limit", async () => {
  const result = await traced({ source_port_id: ids.plain, destination_ip_address: "8.8.8.8" });
  assert.deepEqual(met(result.qos), [`${policy.gateway}/egress/50000/null`]);
});

test("detaching a policy takes its limit out of the data plane", async () => {
  const response = await api("PUT", `/floatingips/${ids.fip}`, { floatingip: { qos_policy_id: null } });
  assert.equal(response.statusCode, 200, response.body);
  await t.ctx.sdn.reconcileNow();
  const result = await traced({ source_port_id: ids.vm, destination_ip_address: "8.8.8.8" });
  assert.deepEqual(met(result.qos), [`${policy.port}/egress/10000/26`]);
  const applied = await t.ctx.sdn.appliedModel();
  assert.equal(applied.qos[`qos-fip-${ids.fip}-egress`], undefined);
  assert.ok(applied.qos[`qos-${ids.vm}-egress`]);
});
