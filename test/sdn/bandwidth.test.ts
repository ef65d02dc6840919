import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, type TestApp } from "../helpers/app.ts";

/** Floating IP bandwidths through the controller: compiled into gateway meters, met by traces. */

let t: TestApp;
const ids = { external: "", inside: "", router: "", vm1: "", vm2: "", vm3: "" };
const fips = { one: "", two: "", three: "" };

type Method = "GET" | "POST" | "PUT" | "DELETE";
const api = (method: Method, url: string, body?: unknown) =>
  call(t.app, t.adminToken, method, `/networking/v2.0${url}`, body);

async function created(url: string, body: Record<string, unknown>): Promise<string> {
  const response = await api("POST", url, body);
  assert.equal(response.statusCode, 201, response.body);
  return String(Object.values(response.json<Record<string, { id: string }>>())[0]!.id);
}

async function ok(method: Method, url: string, body?: unknown): Promise<void> {
  const response = await api(method, url, body);
  assert.ok(response.statusCode < 300, response.body);
}

interface Limit {
  object: string;
  qos_policy_id: string | null;
  bandwidth?: { id: string; share_type: string; size_mbit: number };
  direction: string;
  max_kbps: number | null;
}
interface Traced {
  verdict: string;
  qos: Limit[];
  reply?: { qos: Limit[] };
}

async function toInternet(port: string): Promise<Traced> {
  await t.ctx.sdn.reconcileNow();
  const response = await api("POST", "/traces", {
    trace: {
      source_port_id: port,
      destination_ip_address: "8.8.8.8",
      protocol: "tcp",
      destination_port: 443,
    },
  });
  assert.equal(response.statusCode, 200, response.body);
  return response.json<{ trace: Traced }>().trace;
}

const met = (limits: Limit[]) =>
  limits.map((l) =>
    l.bandwidth === undefined
      ? `policy ${l.qos_policy_id}/${l.direction}/${l.max_kbps}`
      : `${l.bandwidth.share_type} ${l.bandwidth.id}/${l.direction}/${l.max_kbps}`,
  );
const bandwidthRows = async () =>
  Object.keys((await t.ctx.sdn.appliedModel()).qos).filter((name) => name.startsWith("qos-bw-"));

before(async () => {
  t = await startTestApp();
  ids.external = await created("/networks", { network: { name: "ext", "router:external": true } });
  await created("/subnets", { subnet: { network_id: ids.external, cidr: "203.0.113.0/24", ip_version: 4 } });
  ids.inside = await created("/networks", { network: { name: "inside" } });
  const subnet = await created("/subnets", {
    subnet: { network_id: ids.inside, cidr: "10.3.0.0/24", ip_version: 4 },
  });
  ids.router = await created("/routers", {
    router: { name: "r", external_gateway_info: { network_id: ids.external } },
  });
  await ok("PUT", `/routers/${ids.router}/add_router_interface`, { subnet_id: subnet });
  const vm = () => created("/ports", { port: { network_id: ids.inside, "binding:host_id": "compute-1" } });
  [ids.vm1, ids.vm2, ids.vm3] = [await vm(), await vm(), await vm()];
  const fip = (port: string, extra: Record<string, unknown> = {}) =>
    created("/floatingips", { floatingip: { floating_network_id: ids.external, port_id: port, ...extra } });
  [fips.one, fips.two] = [await fip(ids.vm1), await fip(ids.vm2)];
  // vm3's floating IP has its own policy: stricter egress, looser ingress than its bandwidth.
  const policy = await created("/qos/policies", { policy: { name: "fip" } });
  for (const [direction, kbps] of [
    ["egress", 5_000],
    ["ingress", 40_000],
  ] as const)
    await created(`/qos/policies/${policy}/bandwidth_limit_rules`, {
      bandwidth_limit_rule: { max_kbps: kbps, direction },
    });
  fips.three = await fip(ids.vm3, { qos_policy_id: policy });
});
after(() => t.close());

test("a shared pool is one meter per direction on the gateway, met by each of its floating IPs", async () => {
  const pool = await created("/bandwidths", {
    bandwidth: { name: "pool", size: 100, share_type: "WHOLE", publicip_info: [{ publicip_id: fips.one }] },
  });
  await ok("PUT", `/bandwidths/${pool}/insert`, {
    bandwidth: { publicip_info: [{ publicip_id: fips.two }] },
  });
  const one = await toInternet(ids.vm1);
  assert.equal(one.verdict, "delivered");
  assert.deepEqual(met(one.qos), [`WHOLE ${pool}/egress/100000`]);
  assert.deepEqual(met(one.reply!.qos), [`WHOLE ${pool}/ingress/100000`]);
  const two = await toInternet(ids.vm2);
  assert.equal(two.qos[0]?.object, one.qos[0]?.object);
  assert.deepEqual((await bandwidthRows()).sort(), [
    `qos-bw-${pool}-${ids.router}-egress`,
    `qos-bw-${pool}-${ids.router}-ingress`,
  ]);
  const row = (await t.ctx.sdn.appliedModel()).qos[`qos-bw-${pool}-${ids.router}-egress`];
  assert.deepEqual(row?.nats, [`fip-${fips.one}`, `fip-${fips.two}`].sort());
});

test("resizing the pool and taking a floating IP out reach the data plane", async () => {
  const pools = (await api("GET", "/bandwidths?name=pool")).json<{ bandwidths: Array<{ id: string }> }>();
  const pool = pools.bandwidths[0]!.id;
  await ok("PUT", `/bandwidths/${pool}`, { bandwidth: { size: 250 } });
  assert.deepEqual(met((await toInternet(ids.vm1)).qos), [`WHOLE ${pool}/egress/250000`]);
  await ok("PUT", `/bandwidths/${pool}/remove`, {
    bandwidth: { publicip_info: [{ publicip_id: fips.two }] },
  });
  assert.deepEqual((await toInternet(ids.vm2)).qos, []);
  assert.deepEqual(met((await toInternet(ids.vm1)).qos), [`WHOLE ${pool}/egress/250000`]);
  // Its last floating IP deleted, the empty pool meters nothing.
  await ok("DELETE", `/floatingips/${fips.one}`);
  await t.ctx.sdn.reconcileNow();
  assert.deepEqual(await bandwidthRows(), []);
});

test("a dedicated bandwidth and the floating IP's own policy: the lower limit applies each way", async () => {
  const before = await toInternet(ids.vm3);
  assert.deepEqual(met(before.qos).length, 1);
  const dedicated = await created("/bandwidths", {
    bandwidth: { size: 10, share_type: "PER", floatingip_id: fips.three },
  });
  const traced = await toInternet(ids.vm3);
  const policy = before.qos[0]!.qos_policy_id;
  assert.deepEqual(met(traced.qos), [`policy ${policy}/egress/5000`]);
  assert.deepEqual(met(traced.reply!.qos), [`PER ${dedicated}/ingress/10000`]);
  await ok("DELETE", `/bandwidths/${dedicated}`);
  assert.deepEqual(met((await toInternet(ids.vm3)).reply!.qos), [`policy ${policy}/ingress/40000`]);
});

test("a pool meters whatever its floating IP's address translates: port forwardings too", async () => {
  // A VM without a floating IP of its own (a port forwarding needs one).
  const vm4Id = await created("/ports", { port: { network_id: ids.inside, "binding:host_id": "compute-1" } });
  const groups = (await api("GET", `/ports/${vm4Id}`)).json<{ port: { security_groups: string[] } }>();
  await created("/security-group-rules", {
    security_group_rule: {
      security_group_id: groups.port.security_groups[0],
      direction: "ingress",
      protocol: "tcp",
    },
  });
  const vm4 = (await api("GET", `/ports/${vm4Id}`)).json<{
    port: { fixed_ips: Array<{ ip_address: string }> };
  }>();
  const fip = (
    await api("POST", "/floatingips", { floatingip: { floating_network_id: ids.external } })
  ).json<{
    floatingip: { id: string; floating_ip_address: string };
  }>().floatingip;
  await created(`/floatingips/${fip.id}/port_forwardings`, {
    port_forwarding: {
      protocol: "tcp",
      external_port: 2222,
      internal_port: 22,
      internal_port_id: vm4Id,
      internal_ip_address: vm4.port.fixed_ips[0]!.ip_address,
    },
  });
  const pool = await created("/bandwidths", {
    bandwidth: { size: 30, publicip_info: [{ publicip_id: fip.id }] },
  });
  await t.ctx.sdn.reconcileNow();
  const response = await api("POST", "/traces", {
    trace: {
      source_ip_address: "198.51.100.7",
      source_network_id: ids.external,
      destination_ip_address: fip.floating_ip_address,
      protocol: "tcp",
      destination_port: 2222,
    },
  });
  assert.equal(response.statusCode, 200, response.body);
  const traced = response.json<{ trace: Traced }>().trace;
  assert.equal(traced.verdict, "delivered");
  assert.deepEqual(met(traced.qos), [`WHOLE ${pool}/ingress/30000`]);
  assert.deepEqual(met(traced.reply!.qos), [`WHOLE ${pool}/egress/30000`]);
});
