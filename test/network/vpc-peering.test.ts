import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";

/** [vpc-peering]: /v2.0/vpc/peerings, accept/reject, and the guards it adds to VPCs and route tables. */

let t: TestApp;
let alpha = "";
let beta = "";
let gamma = "";
type Vpc = { id: string; tenant_id: string; main_route_table_id: string };
const vpcs: Record<string, Vpc> = {};

type Method = "GET" | "POST" | "PUT" | "DELETE";
const net = (token: string, method: Method, url: string, body?: unknown) =>
  call(t.app, token, method, `/networking/v2.0${url}`, body);

async function ok<T = Record<string, unknown>>(
  token: string,
  method: Method,
  url: string,
  body?: unknown,
  status = 200,
): Promise<T> {
  const response = await net(token, method, url, body);
  assert.equal(response.statusCode, status, `${method} ${url}: ${response.body}`);
  return response.statusCode === 204 ? ({} as T) : (Object.values(response.json())[0] as T);
}

interface Peering {
  id: string;
  name: string;
  status: string;
  request_vpc_info: { vpc_id: string; tenant_id: string };
  accept_vpc_info: { vpc_id: string; tenant_id: string };
  tenant_id: string;
  revision_number: number;
}

const info = (vpc: Vpc, withTenant = true) => ({
  vpc_id: vpc.id,
  ...(withTenant ? { tenant_id: vpc.tenant_id } : {}),
});
const request = (from: Vpc, to: Vpc, token = alpha, name = "p") =>
  net(token, "POST", "/vpc/peerings", {
    peering: { name, request_vpc_info: info(from), accept_vpc_info: info(to) },
  });
async function peer(from: Vpc, to: Vpc, token = alpha, name = "p"): Promise<Peering> {
  const response = await request(from, to, token, name);
  assert.equal(response.statusCode, 201, response.body);
  return response.json<{ peering: Peering }>().peering;
}

before(async () => {
  t = await startTestApp();
  alpha = await userInNewProject(t, "peer-alpha");
  beta = await userInNewProject(t, "peer-beta");
  gamma = await userInNewProject(t, "peer-gamma");
  const vpc = async (token: string, name: string, cidrs: string[]) => {
    vpcs[name] = await ok<Vpc>(token, "POST", "/vpcs", { vpc: { name, cidrs } }, 201);
  };
  await vpc(alpha, "a1", ["10.1.0.0/16"]);
  await vpc(alpha, "a2", ["10.2.0.0/16"]);
  await vpc(alpha, "a3", ["10.3.0.0/16", "172.16.0.0/16"]);
  await vpc(alpha, "a4", ["10.4.0.0/16"]);
  await vpc(beta, "b1", ["10.20.0.0/16"]);
  await vpc(beta, "b2", ["172.16.8.0/24"]);
  await vpc(beta, "b3", ["10.23.0.0/16"]);
});
after(() => t.close());

test("within a project a peering is ACTIVE at once, in Huawei's shape, announced as an event", async () => {
  const [a1, a2] = [vpcs.a1!, vpcs.a2!];
  const created = await peer(a1, a2, alpha, "a1-a2");
  assert.equal(created.status, "ACTIVE");
  assert.deepEqual(created.request_vpc_info, { vpc_id: a1.id, tenant_id: a1.tenant_id });
  assert.deepEqual(created.accept_vpc_info, { vpc_id: a2.id, tenant_id: a2.tenant_id });
  assert.equal(created.tenant_id, a1.tenant_id);
  const got = await ok<Peering>(alpha, "GET", `/vpc/peerings/${created.id}`);
  assert.deepEqual(got, created);
  const renamed = await ok<Peering>(alpha, "PUT", `/vpc/peerings/${created.id}`, {
    peering: { name: "renamed", description: "east-west" },
  });
  assert.equal(renamed.name, "renamed");
  assert.equal(renamed.revision_number, created.revision_number + 1);
  const readOnly = await net(alpha, "PUT", `/vpc/peerings/${created.id}`, {
    peering: { status: "REJECTED" },
  });
  expectNeutronError(readOnly, 400, "HTTPBadRequest");
  const listed = await ok<Peering[]>(alpha, "GET", `/vpc/peerings?vpc_id=${a2.id}&fields=id&fields=status`);
  assert.deepEqual(listed, [{ id: created.id, status: "ACTIVE" }]);
  const events = await t.ctx.db
    .as<{ events: { seq: number; type: string; resource_id: string | null } }>()
    .selectFrom("events")
    .select("type")
    .where("resource_id", "=", created.id)
    .orderBy("seq")
    .execute();
  assert.deepEqual(
    events.map((e) => e.type),
    ["vpc_peering.create.end", "vpc_peering.update.end"],
  );
  await ok(alpha, "DELETE", `/vpc/peerings/${created.id}`, undefined, 204);
  expectNeutronError(await net(alpha, "GET", `/vpc/peerings/${created.id}`), 404, "VpcPeeringNotFound");
});

test("across projects: PENDING_ACCEPTANCE, seen by both, accepted only by the peer project; third projects get 404", async () => {
  const pending = await peer(vpcs.a1!, vpcs.b1!, alpha, "cross");
  assert.equal(pending.status, "PENDING_ACCEPTANCE");
  const theirs = await ok<Peering[]>(beta, "GET", "/vpc/peerings");
  assert.deepEqual(
    theirs.map((p) => p.id),
    [pending.id],
  );
  assert.deepEqual(await ok<Peering[]>(gamma, "GET", "/vpc/peerings"), []);
  expectNeutronError(await net(gamma, "GET", `/vpc/peerings/${pending.id}`), 404, "VpcPeeringNotFound");
  expectNeutronError(
    await net(gamma, "PUT", `/vpc/peerings/${pending.id}/accept`),
    404,
    "VpcPeeringNotFound",
  );
  expectNeutronError(
    await net(alpha, "PUT", `/vpc/peerings/${pending.id}/accept`),
    403,
    "PolicyNotAuthorized",
  );
  const renameByPeer = await net(beta, "PUT", `/vpc/peerings/${pending.id}`, { peering: { name: "mine" } });
  expectNeutronError(renameByPeer, 403, "PolicyNotAuthorized");
  const accepted = await net(beta, "PUT", `/vpc/peerings/${pending.id}/accept`);
  assert.equal(accepted.statusCode, 200, accepted.body);
  // Huawei answers accept/reject with the bare peering.
  assert.equal(accepted.json<Peering>().status, "ACTIVE");
  assert.equal(accepted.json<Peering>().id, pending.id);
  expectNeutronError(
    await net(beta, "PUT", `/vpc/peerings/${pending.id}/reject`),
    409,
    "VpcPeeringNotPending",
  );
  // Either side may end it.
  await ok(beta, "DELETE", `/vpc/peerings/${pending.id}`, undefined, 204);
});

test("a rejected request stays REJECTED and still blocks a second request for the same pair", async () => {
  const pending = await peer(vpcs.a4!, vpcs.b3!, alpha, "to-reject");
  const rejected = await net(beta, "PUT", `/vpc/peerings/${pending.id}/reject`);
  assert.equal(rejected.json<Peering>().status, "REJECTED");
  expectNeutronError(
    await net(beta, "PUT", `/vpc/peerings/${pending.id}/accept`),
    409,
    "VpcPeeringNotPending",
  );
  expectNeutronError(await request(vpcs.a4!, vpcs.b3!), 409, "VpcPeeringExists");
  await ok(alpha, "DELETE", `/vpc/peerings/${pending.id}`, undefined, 204);
});

test("the peer VPC is named by id and project: a wrong pair is 404 without saying which part is wrong", async () => {
  const [a1, b1] = [vpcs.a1!, vpcs.b1!];
  const wrongTenant = await net(alpha, "POST", "/vpc/peerings", {
    peering: { request_vpc_info: info(a1), accept_vpc_info: { vpc_id: b1.id, tenant_id: a1.tenant_id } },
  });
  expectNeutronError(wrongTenant, 404, "VpcNotFound", `VPC ${b1.id} could not be found`);
  // Without tenant_id the peer is looked for in the requester's own project.
  const noTenant = await net(alpha, "POST", "/vpc/peerings", {
    peering: { request_vpc_info: info(a1), accept_vpc_info: info(b1, false) },
  });
  expectNeutronError(noTenant, 404, "VpcNotFound");
  const notMine = await request(b1, a1, alpha);
  expectNeutronError(notMine, 404, "VpcNotFound", `VPC ${b1.id} could not be found`);
  const badBody = await net(alpha, "POST", "/vpc/peerings", {
    peering: { request_vpc_info: { vpc_id: "nope" }, accept_vpc_info: info(a1) },
  });
  expectNeutronError(badBody, 400, "HTTPBadRequest");
  const owner = await net(alpha, "POST", "/vpc/peerings", {
    peering: { tenant_id: b1.tenant_id, request_vpc_info: info(a1), accept_vpc_info: info(b1) },
  });
  expectNeutronError(owner, 400, "HTTPBadRequest", undefined);
  const missing = await net(alpha, "POST", "/vpc/peerings", { peering: { request_vpc_info: info(a1) } });
  expectNeutronError(missing, 400, "HTTPBadRequest");
});

test("refused: a VPC with itself (400), overlapping CIDRs incl. secondary ones (409), a duplicate pair (409)", async () => {
  const [a1, a2, a3, b2] = [vpcs.a1!, vpcs.a2!, vpcs.a3!, vpcs.b2!];
  expectNeutronError(await request(a1, a1), 400, "InvalidVpcPeering");
  const overlap = await request(a3, b2);
  expectNeutronError(
    overlap,
    409,
    "VpcPeeringCidrOverlap",
    `CIDR 172.16.0.0/16 of VPC ${a3.id} overlaps with CIDR 172.16.8.0/24 of VPC ${b2.id}: overlapping VPCs cannot be peered`,
  );
  const first = await peer(a1, a2);
  const again = await request(a2, a1);
  expectNeutronError(again, 409, "VpcPeeringExists");
  assert.match(
    again.json<{ NeutronError: { message: string } }>().NeutronError.message,
    new RegExp(first.id),
  );
  await ok(alpha, "DELETE", `/vpc/peerings/${first.id}`, undefined, 204);
});

test("a peered VPC: add_cidr overlapping the peer is 409, and the VPC cannot be deleted while peered", async () => {
  const [a1, a2] = [vpcs.a1!, vpcs.a2!];
  const peering = await peer(a1, a2);
  const clash = await net(alpha, "PUT", `/vpcs/${a1.id}/add_cidr`, { cidr: "10.2.128.0/17" });
  expectNeutronError(clash, 409, "VpcPeeringCidrOverlap");
  await ok(alpha, "PUT", `/vpcs/${a1.id}/add_cidr`, { cidr: "10.9.0.0/16" });
  const busy = await net(alpha, "DELETE", `/vpcs/${a2.id}`);
  expectNeutronError(busy, 409, "VpcInUse", `VPC ${a2.id} still has VPC peerings ${peering.id}`);
  await ok(alpha, "DELETE", `/vpc/peerings/${peering.id}`, undefined, 204);
  await ok(alpha, "PUT", `/vpcs/${a1.id}/remove_cidr`, { cidr: "10.9.0.0/16" });
});

test("route tables: a peering next hop must be a peering of the VPC, to inside the peer's CIDRs; the peering cannot go while routed", async () => {
  const [a1, a2, a4, b1] = [vpcs.a1!, vpcs.a2!, vpcs.a4!, vpcs.b1!];
  const peering = await peer(a1, a2);
  const other = await peer(a4, b1);
  const add = (table: string, routes: unknown[]) =>
    net(alpha, "PUT", `/route-tables/${table}/add_routes`, { routes });
  const outside = await add(a1.main_route_table_id, [
    { destination: "10.20.0.0/16", nexthop_type: "peering", nexthop: peering.id },
  ]);
  expectNeutronError(outside, 400, "InvalidRouteTableRoutes");
  assert.match(outside.body, /not inside the CIDRs of the peer VPC \(10\.2\.0\.0\/16\)/);
  const notOurs = await add(a1.main_route_table_id, [
    { destination: "10.20.0.0/16", nexthop_type: "peering", nexthop: other.id },
  ]);
  expectNeutronError(
    notOurs,
    400,
    "InvalidRouteTableRoutes",
    `Next hop ${other.id} is not a VPC peering of VPC ${a1.id}`,
  );
  const noHop = await add(a1.main_route_table_id, [{ destination: "10.2.0.0/16", nexthop_type: "peering" }]);
  expectNeutronError(noHop, 400, "HTTPBadRequest");
  const routed = await add(a1.main_route_table_id, [
    { destination: "10.2.1.0/24", nexthop_type: "peering", nexthop: peering.id },
  ]);
  assert.equal(routed.statusCode, 200, routed.body);
  assert.deepEqual(routed.json().route_table.routes.at(-1), {
    destination: "10.2.1.0/24",
    nexthop_type: "peering",
    nexthop: peering.id,
  });
  const busy = await net(alpha, "DELETE", `/vpc/peerings/${peering.id}`);
  expectNeutronError(
    busy,
    409,
    "VpcPeeringInUse",
    `VPC peering ${peering.id} is the next hop of routes in route tables ${a1.main_route_table_id}`,
  );
  await ok(alpha, "PUT", `/route-tables/${a1.main_route_table_id}/remove_routes`, {
    routes: [{ destination: "10.2.1.0/24", nexthop_type: "peering", nexthop: peering.id }],
  });
  await ok(alpha, "DELETE", `/vpc/peerings/${peering.id}`, undefined, 204);
  await ok(alpha, "DELETE", `/vpc/peerings/${other.id}`, undefined, 204);
});

test("quota vpc_peering (default 50) counts the requester's peerings", async () => {
  const project = vpcs.a1!.tenant_id;
  const quota = await ok<Record<string, number>>(t.adminToken, "GET", `/quotas/${project}`);
  assert.equal(quota.vpc_peering, 50);
  await ok(t.adminToken, "PUT", `/quotas/${project}`, { quota: { vpc_peering: 1 } });
  const first = await peer(vpcs.a1!, vpcs.a2!);
  expectNeutronError(await request(vpcs.a1!, vpcs.a4!), 409, "OverQuota");
  const details = await ok<Record<string, { used: number }>>(
    t.adminToken,
    "GET",
    `/quotas/${project}/details`,
  );
  assert.equal(details.vpc_peering?.used, 1);
  await ok(alpha, "DELETE", `/vpc/peerings/${first.id}`, undefined, 204);
  await ok(t.adminToken, "PUT", `/quotas/${project}`, { quota: { vpc_peering: 50 } });
});

test("list: paging, sorting, status filter, tags; admins see every project's peerings", async () => {
  const first = await peer(vpcs.a1!, vpcs.a2!, alpha, "first");
  const second = await peer(vpcs.a1!, vpcs.b1!, alpha, "second");
  const page = await net(alpha, "GET", "/vpc/peerings?limit=1&sort_key=name&sort_dir=desc");
  assert.equal(page.statusCode, 200, page.body);
  const body = page.json<{ peerings: Peering[]; peerings_links: Array<{ rel: string; href: string }> }>();
  assert.deepEqual(
    body.peerings.map((p) => p.name),
    ["second"],
  );
  assert.match(body.peerings_links[0]!.href, /\/networking\/v2\.0\/vpc\/peerings\?.*marker=/);
  const pending = await ok<Peering[]>(alpha, "GET", "/vpc/peerings?status=PENDING_ACCEPTANCE");
  assert.deepEqual(
    pending.map((p) => p.id),
    [second.id],
  );
  assert.equal((await net(alpha, "PUT", `/vpc/peerings/${first.id}/tags/east`)).statusCode, 201);
  const tagged = await ok<Peering[]>(alpha, "GET", "/vpc/peerings?tags=east");
  assert.deepEqual(
    tagged.map((p) => p.id),
    [first.id],
  );
  const all = await ok<Peering[]>(t.adminToken, "GET", "/vpc/peerings");
  assert.deepEqual(all.map((p) => p.id).sort(), [first.id, second.id].sort());
  expectNeutronError(await net(alpha, "GET", "/vpc/peerings?router_id=x"), 400, "HTTPBadRequest");
  await ok(alpha, "DELETE", `/vpc/peerings/${first.id}`, undefined, 204);
  await ok(alpha, "DELETE", `/vpc/peerings/${second.id}`, undefined, 204);
});

test("the extension is listed", async () => {
  const extension = await ok<{ alias: string }>(alpha, "GET", "/extensions/vpc-peering");
  assert.equal(extension.alias, "vpc-peering");
});
