import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";

/**
 * VPC peering across two projects through the API, realised by the controller, proven by traces:
 * alpha's VPC a (10.1.0.0/16) asks beta's VPC b (10.2.0.0/16); beta's c (10.3.0.0/16) is peered with b.
 */

let t: TestApp;
let alpha = "";
let beta = "";
type Vpc = { id: string; tenant_id: string; main_route_table_id: string };
const vpcs: Record<string, Vpc> = {};
const vms: Record<string, string> = {};
const ips: Record<string, string> = {};
let ab = "";

type Method = "GET" | "POST" | "PUT" | "DELETE";
const api = (token: string, method: Method, url: string, body?: unknown) =>
  call(t.app, token, method, `/networking/v2.0${url}`, body);

async function ok<T = { id: string }>(
  token: string,
  method: Method,
  url: string,
  body?: unknown,
  code = 200,
) {
  const response = await api(token, method, url, body);
  assert.equal(response.statusCode, code, response.body);
  return Object.values(response.json<Record<string, T>>())[0]!;
}

interface Hop {
  step: string;
  decision: string;
  detail: string;
  rule_id: string | null;
  object: { name: string; owner: { type: string; id: string } } | null;
}
interface Traced {
  verdict: string;
  hops: Hop[];
  reply?: { verdict: string; hops: Hop[] };
}
const traced = (from: string, to: string, token = t.adminToken) =>
  ok<Traced>(token, "POST", "/traces", {
    trace: { protocol: "icmp", source_port_id: vms[from], destination_port_id: vms[to] },
  });
const route = (destination: string, nexthop: string) => ({ destination, nexthop_type: "peering", nexthop });
const addRoutes = (token: string, vpc: string, routes: unknown[]) =>
  api(token, "PUT", `/route-tables/${vpcs[vpc]!.main_route_table_id}/add_routes`, { routes });

async function vpcWithVm(token: string, name: string, octet: number): Promise<void> {
  const vpc = await ok<Vpc>(token, "POST", "/vpcs", { vpc: { name, cidrs: [`10.${octet}.0.0/16`] } }, 201);
  vpcs[name] = vpc;
  const subnet = await ok<{ network_id: string }>(
    token,
    "POST",
    `/vpcs/${vpc.id}/subnets`,
    { subnet: { name, cidr: `10.${octet}.1.0/24` } },
    201,
  );
  const port = await ok<{ id: string; security_groups: string[]; fixed_ips: Array<{ ip_address: string }> }>(
    t.adminToken,
    "POST",
    "/ports",
    { port: { network_id: subnet.network_id, project_id: vpc.tenant_id, "binding:host_id": "compute-1" } },
    201,
  );
  vms[name] = port.id;
  ips[name] = port.fixed_ips[0]!.ip_address;
  // The project's default group: the second VPC of a project finds the rule already there.
  const rule = await api(t.adminToken, "POST", "/security-group-rules", {
    security_group_rule: {
      security_group_id: port.security_groups[0],
      direction: "ingress",
      protocol: "icmp",
      remote_ip_prefix: "10.0.0.0/8",
    },
  });
  assert.ok([201, 409].includes(rule.statusCode), rule.body);
}

before(async () => {
  t = await startTestApp();
  alpha = await userInNewProject(t, "e2e-alpha");
  beta = await userInNewProject(t, "e2e-beta");
  await vpcWithVm(alpha, "a", 1);
  await vpcWithVm(beta, "b", 2);
  await vpcWithVm(beta, "c", 3);
  const info = (vpc: Vpc) => ({ vpc_id: vpc.id, tenant_id: vpc.tenant_id });
  const peer = (token: string, from: Vpc, to: Vpc) =>
    ok(
      token,
      "POST",
      "/vpc/peerings",
      { peering: { request_vpc_info: info(from), accept_vpc_info: info(to) } },
      201,
    );
  ab = (await peer(alpha, vpcs.a!, vpcs.b!)).id;
  const bc = (await peer(beta, vpcs.b!, vpcs.c!)).id;
  assert.equal((await addRoutes(alpha, "a", [route("10.2.0.0/16", ab)])).statusCode, 200);
  assert.equal((await addRoutes(beta, "c", [route("10.2.0.0/16", bc)])).statusCode, 200);
  assert.equal((await addRoutes(beta, "b", [route("10.3.0.0/16", bc)])).statusCode, 200);
  await t.ctx.sdn.reconcileNow();
});
after(() => t.close());

test("pending: a's route through the peering is inert and the trace says why", async () => {
  const result = await traced("a", "b");
  assert.equal(result.verdict, "dropped");
  const last = result.hops.at(-1)!;
  assert.equal(last.rule_id, vpcs.a!.main_route_table_id);
  assert.match(last.detail, new RegExp(`VPC peering ${ab} is PENDING_ACCEPTANCE, not ACTIVE`));
});

test("accepted, routes on both sides: a and b talk both ways over the peering; until b routes back the reply is lost", async () => {
  await ok(beta, "PUT", `/vpc/peerings/${ab}/accept`);
  await t.ctx.sdn.reconcileNow();
  const oneWay = await traced("a", "b");
  assert.equal(oneWay.verdict, "delivered", JSON.stringify(oneWay.hops, null, 1));
  assert.equal(oneWay.reply?.verdict, "dropped");
  assert.match(oneWay.reply.hops.at(-1)!.detail, /no route/);
  assert.equal((await addRoutes(beta, "b", [route("10.1.0.0/16", ab)])).statusCode, 200);
  await t.ctx.sdn.reconcileNow();
  const both = await traced("a", "b");
  assert.equal(both.verdict, "delivered");
  assert.equal(both.reply?.verdict, "delivered", JSON.stringify(both.reply?.hops, null, 1));
  const hop = both.hops.find((h) => h.step === "route" && h.rule_id === vpcs.a!.main_route_table_id)!;
  assert.match(hop.detail, new RegExp(`through VPC peering ${ab}`));
  // The requester traces too: the peering's own hops stay named for it (both projects see it).
  const mine = await ok<Traced>(alpha, "POST", "/traces", {
    trace: { protocol: "icmp", source_port_id: vms.a, destination_ip_address: ips.b },
  });
  assert.equal(mine.verdict, "delivered");
  const guard = mine.hops.find((h) => h.object?.owner.type === "vpc_peering");
  assert.equal(guard?.object?.owner.id, ab);
});

test("no transitive routing: a cannot route to c through b, and has no way there", async () => {
  const refused = await addRoutes(alpha, "a", [route("10.3.0.0/16", ab)]);
  assert.equal(refused.statusCode, 400, refused.body);
  const result = await traced("a", "c");
  assert.equal(result.verdict, "dropped");
  assert.match(result.hops.at(-1)!.detail, /no route/);
  // b reaches c over its own peering.
  assert.equal((await traced("b", "c")).verdict, "delivered");
});
