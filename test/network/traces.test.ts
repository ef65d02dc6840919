import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, passwordToken, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";

let t: TestApp;
let member = "";
let other = "";
let reader = "";
const external = { network: "", subnet: "" };
const inside = { network: "", subnet: "" };
const web = { port: "", ip: "" };
const db = { port: "", ip: "" };
let router = "";
let fip = "";
let sshRule = "";

const net = (token: string, method: "GET" | "POST" | "PUT" | "DELETE", url: string, body?: unknown) =>
  call(t.app, token, method, `/networking/v2.0${url}`, body);

async function created(token: string, url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await net(token, "POST", url, body);
  assert.equal(response.statusCode, 201, response.body);
  const answer: Record<string, Record<string, unknown>> = response.json();
  return Object.values(answer)[0]!;
}

async function subnetOn(token: string, into: { network: string; subnet: string }, cidr: string, extra = {}) {
  into.network = String((await created(token, "/networks", { network: { name: cidr, ...extra } })).id);
  const subnet = await created(token, "/subnets", {
    subnet: { network_id: into.network, cidr, ip_version: 4 },
  });
  into.subnet = String(subnet.id);
}

async function boundPort(token: string, into: { port: string; ip: string }, groups: string[]) {
  const port = await created(t.adminToken, "/ports", {
    port: {
      network_id: inside.network,
      project_id: await projectOf(token),
      security_groups: groups,
      "binding:host_id": "compute-1",
    },
  });
  into.port = String(port.id);
  into.ip = (port.fixed_ips as Array<{ ip_address: string }>)[0]!.ip_address;
}

async function projectOf(token: string): Promise<string> {
  return String((await net(token, "GET", `/networks/${inside.network}`)).json().network.project_id);
}

/** A user with the reader role on the member's project. */
async function readerOnMemberProject(): Promise<string> {
  const identity = (method: "GET" | "POST" | "PUT", url: string, body?: unknown) =>
    call(t.app, t.adminToken, method, `/identity/v3${url}`, body);
  const roleId = String((await identity("GET", "/roles?name=reader")).json().roles[0].id);
  const user = { name: "t-alpha-reader", password: "pw" };
  const userId = String((await identity("POST", "/users", { user })).json().user.id);
  await identity("PUT", `/projects/${await projectOf(member)}/users/${userId}/roles/${roleId}`);
  return passwordToken(t.app, user.name, user.password, "t-alpha");
}

const trace = (token: string, body: Record<string, unknown>) =>
  net(token, "POST", "/traces", { trace: body });

before(async () => {
  t = await startTestApp();
  member = await userInNewProject(t, "t-alpha");
  other = await userInNewProject(t, "t-beta");
  await subnetOn(t.adminToken, external, "203.0.113.0/24", { "router:external": true });
  await subnetOn(member, inside, "10.1.0.0/24");
  const group = await created(member, "/security-groups", { security_group: { name: "web" } });
  sshRule = String(
    (
      await created(member, "/security-group-rules", {
        security_group_rule: {
          security_group_id: group.id,
          direction: "ingress",
          protocol: "tcp",
          port_range_min: 22,
          port_range_max: 22,
          remote_ip_prefix: "0.0.0.0/0",
        },
      })
    ).id,
  );
  await boundPort(member, web, [String(group.id)]);
  await boundPort(member, db, [String(group.id)]);
  router = String(
    (
      await created(member, "/routers", {
        router: { name: "edge", external_gateway_info: { network_id: external.network } },
      })
    ).id,
  );
  await net(member, "PUT", `/routers/${router}/add_router_interface`, { subnet_id: inside.subnet });
  fip = String(
    (
      await created(member, "/floatingips", {
        floatingip: { floating_network_id: external.network, port_id: web.port },
      })
    ).floating_ip_address,
  );
  reader = await readerOnMemberProject();
  await t.ctx.sdn.reconcileNow();
});
after(() => t.close());

test("packet-trace is listed among the extensions", async () => {
  const response = await net(member, "GET", "/extensions/packet-trace");
  assert.equal(response.statusCode, 200, response.body);
  assert.equal(response.json().extension.alias, "packet-trace");
});

test("bad requests are 400 in Neutron's format and name what to fix", async () => {
  const missing = await net(member, "POST", "/traces", { nothing: {} });
  expectNeutronError(missing, 400, "HTTPBadRequest", "Unable to find 'trace' in request body");
  expectNeutronError(
    await trace(member, { source_port_id: web.port, destination_ip_address: db.ip, colour: "red" }),
    400,
    "HTTPBadRequest",
    "Unrecognized attribute(s) 'colour'",
  );
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ destination_ip_address: db.ip }, /exactly one of source_port_id and source_ip_address/],
    [
      { source_port_id: web.port, source_ip_address: "1.2.3.4", destination_ip_address: db.ip },
      /exactly one/,
    ],
    [{ source_port_id: web.port }, /exactly one of destination_port_id and destination_ip_address/],
    [
      { source_port_id: web.port, destination_ip_address: "10.1.0.300" },
      /'10.1.0.300' is not a valid IP address/,
    ],
    [{ source_port_id: web.port, destination_ip_address: db.ip, protocol: "carrier-pigeon" }, /protocol/],
    [
      { source_port_id: web.port, destination_ip_address: db.ip, protocol: "icmp", destination_port: 22 },
      /destination_port does not apply to protocol icmp/,
    ],
    [
      { source_port_id: web.port, destination_ip_address: db.ip, protocol: "tcp", destination_port: 70000 },
      /destination_port must be an integer from 1 to 65535/,
    ],
    [{ source_port_id: web.port, destination_ip_address: db.ip, reply: "maybe" }, /not a valid boolean/],
    [
      { source_ip_address: "198.51.100.7", source_network_id: inside.network, destination_ip_address: db.ip },
      /is not one/,
    ],
  ];
  for (const [body, message] of cases) {
    const response = await trace(member, body);
    expectNeutronError(response, 400, "InvalidInput");
    assert.match(response.json().NeutronError.message, message, JSON.stringify(body));
  }
});

test("tenants trace only from and to ports they can see; a token is required", async () => {
  expectNeutronError(
    await trace(other, { source_port_id: web.port, destination_ip_address: db.ip }),
    404,
    "PortNotFound",
  );
  expectNeutronError(
    await trace(other, { source_ip_address: "198.51.100.7", destination_port_id: web.port }),
    404,
    "PortNotFound",
  );
  const anonymous = await call(t.app, null, "POST", "/networking/v2.0/traces", { trace: {} });
  assert.equal(anonymous.statusCode, 401);
  const asReader = await trace(reader, { source_port_id: web.port, destination_ip_address: db.ip });
  assert.equal(asReader.statusCode, 200, asReader.body);
});

interface Hop {
  step: string;
  detail?: string;
  decision: string;
  rule_id: string | null;
  object: { owner: { type: string; id: string } } | null;
  packet?: { src_ip: string; dst_ip: string };
}
interface Result {
  verdict: string;
  hops: Hop[];
  final_packet: { src_ip: string; dst_ip: string; dst_port: number | null };
  reply?: Result;
}

async function traced(token: string, body: Record<string, unknown>): Promise<Result> {
  const response = await trace(token, body);
  assert.equal(response.statusCode, 200, response.body);
  return response.json<{ trace: Result }>().trace;
}

test("same network: SSH is delivered by the rule that allows it, HTTP dropped at the security group", async () => {
  const ssh = await traced(member, {
    source_port_id: web.port,
    destination_port_id: db.port,
    protocol: "tcp",
    destination_port: 22,
  });
  assert.equal(ssh.verdict, "delivered");
  const ingress = ssh.hops.find((hop) => hop.step === "ingress_acl");
  assert.equal(ingress?.rule_id, sshRule);
  assert.equal(ssh.reply?.verdict, "delivered", "the stateful group lets the reply back");
  const http = await traced(member, {
    source_port_id: web.port,
    destination_ip_address: db.ip,
    protocol: "tcp",
    destination_port: 80,
  });
  assert.equal(http.verdict, "dropped");
  assert.deepEqual(
    [http.hops.at(-1)?.step, http.hops.at(-1)?.decision, http.hops.at(-1)?.object?.owner.id],
    ["ingress_acl", "drop", db.port],
  );
  assert.equal(http.reply, undefined);
});

test("from outside through the floating IP: DNAT to the port; out to the internet: SNAT to the gateway", async () => {
  const inbound = await traced(member, {
    source_ip_address: "203.0.113.200",
    destination_ip_address: fip,
    protocol: "tcp",
    destination_port: 22,
  });
  assert.equal(inbound.verdict, "delivered", JSON.stringify(inbound.hops, null, 1));
  assert.equal(inbound.final_packet.dst_ip, web.ip);
  assert.ok(inbound.hops.some((hop) => hop.step === "nat" && hop.decision === "translate"));
  const outbound = await traced(member, { source_port_id: db.port, destination_ip_address: "8.8.8.8" });
  // A new group comes with Neutron's allow-all egress rules; the router's gateway address hides the port.
  assert.equal(outbound.verdict, "delivered");
  assert.equal(outbound.hops.at(-1)?.step, "external");
  assert.match(outbound.final_packet.src_ip, /^203\.0\.113\./);
  assert.notEqual(outbound.final_packet.src_ip, fip);
});

test("a port not yet realised is a 409 that says to retry; after reconciling it traces", async () => {
  const fresh = await created(member, "/ports", { port: { network_id: inside.network } });
  const early = await trace(member, { source_port_id: String(fresh.id), destination_ip_address: db.ip });
  expectNeutronError(early, 409, "TraceEndpointNotRealised");
  assert.match(early.json().NeutronError.message, /retry once the SDN controller has applied it/);
  await t.ctx.sdn.reconcileNow();
  assert.equal(
    (await trace(member, { source_port_id: String(fresh.id), destination_ip_address: db.ip })).statusCode,
    200,
  );
});

test("another project's resources on the path are shown without their names", async () => {
  const theirs = { network: "", subnet: "" };
  await subnetOn(other, theirs, "10.9.0.0/24");
  const theirRouter = String(
    (
      await created(other, "/routers", {
        router: { external_gateway_info: { network_id: external.network } },
      })
    ).id,
  );
  await net(other, "PUT", `/routers/${theirRouter}/add_router_interface`, { subnet_id: theirs.subnet });
  const group = await created(other, "/security-groups", { security_group: { name: "out" } }); // egress: all
  const port = await created(other, "/ports", {
    port: { network_id: theirs.network, security_groups: [group.id] },
  });
  await t.ctx.sdn.reconcileNow();
  const result = await traced(other, {
    source_port_id: String(port.id),
    destination_ip_address: fip,
    protocol: "tcp",
    destination_port: 22,
  });
  assert.equal(result.verdict, "delivered", JSON.stringify(result.hops, null, 1));
  const names = JSON.stringify(result);
  for (const hidden of [web.port, router, sshRule]) assert.ok(!names.includes(hidden), hidden);
  assert.ok(
    result.hops.some((hop) => hop.object === null && /another project's resource/.test(hop.detail ?? "")),
  );
  const asAdmin = await traced(t.adminToken, {
    source_port_id: String(port.id),
    destination_ip_address: fip,
    protocol: "tcp",
    destination_port: 22,
  });
  assert.ok(JSON.stringify(asAdmin).includes(web.port), "admins see every hop");
});

interface PortStatistics {
  rx_packets: number;
  rx_bytes: number;
  tx_packets: number;
  tx_bytes: number;
  dropped_packets: number;
}

async function portStatistics(id: string): Promise<PortStatistics> {
  const response = await net(t.adminToken, "GET", `/ports/${id}/statistics`);
  assert.equal(response.statusCode, 200, response.body);
  return response.json<{ port_statistics: PortStatistics }>().port_statistics;
}

test("traffic counters: an admin trace with count and bytes counts on the ports and the floating IP", async () => {
  const [webBefore, dbBefore] = [await portStatistics(web.port), await portStatistics(db.port)];
  const ssh = {
    source_port_id: web.port,
    destination_port_id: db.port,
    protocol: "tcp",
    destination_port: 22,
  };
  assert.equal((await traced(t.adminToken, { ...ssh, count: 10, bytes: 1500 })).verdict, "delivered");
  assert.equal(
    (await traced(t.adminToken, { ...ssh, destination_port: 80, count: 3, bytes: 100 })).verdict,
    "dropped",
  );
  const [webAfter, dbAfter] = [await portStatistics(web.port), await portStatistics(db.port)];
  assert.deepEqual(
    [
      webAfter.tx_packets - webBefore.tx_packets,
      webAfter.tx_bytes - webBefore.tx_bytes,
      webAfter.dropped_packets - webBefore.dropped_packets,
    ],
    [13, 15_300, 3],
  );
  assert.deepEqual(
    [dbAfter.rx_packets - dbBefore.rx_packets, dbAfter.rx_bytes - dbBefore.rx_bytes],
    [10, 15_000],
  );

  const fipId = String(
    (await net(member, "GET", `/floatingips?floating_ip_address=${fip}`)).json().floatingips[0].id,
  );
  await traced(t.adminToken, {
    source_ip_address: "203.0.113.201",
    destination_ip_address: fip,
    protocol: "tcp",
    destination_port: 22,
    count: 4,
    bytes: 500,
  });
  await traced(t.adminToken, {
    source_port_id: web.port,
    destination_ip_address: "198.51.100.1",
    count: 2,
    bytes: 64,
  });
  const stats = await net(t.adminToken, "GET", `/floatingips/${fipId}/statistics`);
  assert.equal(stats.statusCode, 200, stats.body);
  assert.deepEqual(stats.json().floatingip_statistics, {
    floatingip_id: fipId,
    ingress_packets: 4,
    ingress_bytes: 2000,
    egress_packets: 2,
    egress_bytes: 128,
  });
  const idle = await portStatistics(
    String((await created(member, "/ports", { port: { network_id: inside.network } })).id),
  );
  assert.deepEqual(Object.values(idle).slice(1), [0, 0, 0, 0, 0]);
});

test("traffic counters are admin-only: tenants may trace but neither inject nor read counters", async () => {
  expectNeutronError(
    await trace(member, { source_port_id: web.port, destination_ip_address: db.ip, count: 1 }),
    403,
    "PolicyNotAuthorized",
  );
  expectNeutronError(await net(member, "GET", `/ports/${web.port}/statistics`), 403, "PolicyNotAuthorized");
  expectNeutronError(
    await net(t.adminToken, "GET", "/ports/00000000-0000-0000-0000-000000000000/statistics"),
    404,
    "PortNotFound",
  );
  const missing = "00000000-0000-0000-0000-000000000001";
  expectNeutronError(
    await net(t.adminToken, "GET", `/floatingips/${missing}/statistics`),
    404,
    "FloatingIPNotFound",
    `Floating IP ${missing} could not be found`,
  );
  const fipId = String(
    (await net(member, "GET", `/floatingips?floating_ip_address=${fip}`)).json().floatingips[0].id,
  );
  expectNeutronError(
    await net(member, "GET", `/floatingips/${fipId}/statistics`),
    403,
    "PolicyNotAuthorized",
  );
  const bad = await trace(t.adminToken, {
    source_port_id: web.port,
    destination_ip_address: db.ip,
    count: 0,
  });
  expectNeutronError(bad, 400, "InvalidInput");
  const extension = await net(member, "GET", "/extensions/traffic-counters");
  assert.equal(extension.statusCode, 200);
});
