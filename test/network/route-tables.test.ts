import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";
import { loadVpcState } from "../../src/network/vpc/state.ts";
import type { NetworkTables } from "../../src/network/tables.ts";

/** [vpc-route-tables]: a VPC's route tables, their routes and subnet associations. */

let t: TestApp;
let alpha = "";
let beta = "";
let vpc: Record<string, unknown> = {};
const subnets: string[] = [];
let instance = "";
let outsider = "";

type Method = "GET" | "POST" | "PUT" | "DELETE";
const net = (token: string, method: Method, url: string, body?: unknown) =>
  call(t.app, token, method, `/networking/v2.0${url}`, body);

async function ok(token: string, method: Method, url: string, body?: unknown, status = 200) {
  const response = await net(token, method, url, body);
  assert.equal(response.statusCode, status, `${method} ${url}: ${response.body}`);
  return response.statusCode === 204 ? {} : (Object.values(response.json())[0] as Record<string, unknown>);
}

const table = (body: Record<string, unknown>, token = alpha) =>
  net(token, "POST", "/route-tables", { route_table: body });
const put = (id: unknown, action: string, body: unknown, token = alpha) =>
  net(token, "PUT", `/route-tables/${String(id)}/${action}`, body);
const local = (destination: string) => ({ destination, nexthop_type: "local", nexthop: null });

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

before(async () => {
  t = await startTestApp();
  alpha = await userInNewProject(t, "rt-alpha");
  beta = await userInNewProject(t, "rt-beta");
  vpc = await ok(alpha, "POST", "/vpcs", { vpc: { name: "rt", cidrs: ["10.0.0.0/16"] } }, 201);
  for (const cidr of ["10.0.1.0/24", "10.0.2.0/24"]) {
    const response = await net(alpha, "POST", `/vpcs/${String(vpc.id)}/subnets`, {
      subnet: { name: cidr, cidr },
    });
    subnets.push(String(response.json().subnet.id));
  }
  const network = String((await ok(alpha, "GET", `/subnets/${subnets[0]}`)).network_id);
  instance = String((await ok(alpha, "POST", "/ports", { port: { network_id: network } }, 201)).id);
  const elsewhere = await ok(alpha, "POST", "/networks", { network: { name: "elsewhere" } }, 201);
  await ok(
    alpha,
    "POST",
    "/subnets",
    { subnet: { network_id: elsewhere.id, cidr: "192.168.0.0/24", ip_version: 4 } },
    201,
  );
  outsider = String((await ok(alpha, "POST", "/ports", { port: { network_id: elsewhere.id } }, 201)).id);
});
after(() => t.close());

test("a custom table: routes to a port or a blackhole after the implicit local ones", async () => {
  const response = await table({
    vpc_id: vpc.id,
    name: "egress",
    routes: [
      { destination: "0.0.0.0/0", nexthop_type: "port", nexthop: instance },
      { destination: "192.0.2.0/24", nexthop_type: "blackhole" },
    ],
  });
  assert.equal(response.statusCode, 201, response.body);
  const created = response.json().route_table;
  assert.deepEqual(
    { ...created, id: "", created_at: "", updated_at: "" },
    {
      id: "",
      name: "egress",
      description: "",
      tenant_id: vpc.project_id,
      project_id: vpc.project_id,
      vpc_id: vpc.id,
      main: false,
      routes: [
        local("10.0.0.0/16"),
        { destination: "0.0.0.0/0", nexthop_type: "port", nexthop: instance },
        { destination: "192.0.2.0/24", nexthop_type: "blackhole", nexthop: null },
      ],
      subnets: [],
      tags: [],
      created_at: "",
      updated_at: "",
      revision_number: 1,
    },
  );
  const id = String(created.id);
  const names = (await net(alpha, "GET", `/route-tables?vpc_id=${String(vpc.id)}&sort_key=name&sort_dir=asc`))
    .json()
    .route_tables.map((x: { name: string; main: boolean }) => [x.name, x.main]);
  assert.deepEqual(names, [
    ["egress", false],
    ["main", true],
  ]);
  assert.deepEqual((await net(alpha, "GET", "/route-tables?main=true&fields=id")).json().route_tables, [
    { id: vpc.main_route_table_id },
  ]);
  const renamed = await ok(alpha, "PUT", `/route-tables/${id}`, { route_table: { name: "out", routes: [] } });
  assert.deepEqual(
    [renamed.name, renamed.routes, renamed.revision_number],
    ["out", [local("10.0.0.0/16")], 2],
  );
  expectNeutronError(
    await net(alpha, "PUT", `/route-tables/${id}`, { route_table: { vpc_id: vpc.id } }),
    400,
    "HTTPBadRequest",
    "Cannot update read-only attribute vpc_id",
  );
  assert.equal((await net(alpha, "PUT", `/route-tables/${id}/tags/x`)).statusCode, 201);
  assert.equal((await ok(alpha, "DELETE", `/route-tables/${id}`, undefined, 204)) !== undefined, true);
  assert.deepEqual(await eventTypes(id), [
    "route_table.create.end",
    "route_table.update.end",
    "route_table.update.end",
    "route_table.delete.end",
  ]);
});

test("routes are checked: CIDRs, unique destinations, no local routes, next hops in the VPC", async () => {
  const bad = async (routes: unknown, type: string, message?: string) =>
    expectNeutronError(await table({ vpc_id: vpc.id, routes }), 400, type, message);
  await bad(
    [{ destination: "10.9.0.0/16", nexthop_type: "local" }],
    "InvalidRouteTableRoutes",
    "local routes are implicit for the VPC's CIDRs and cannot be added or removed",
  );
  await bad(
    [{ destination: "10.0.0.0/16", nexthop_type: "blackhole" }],
    "InvalidRouteTableRoutes",
    `Destination 10.0.0.0/16 is a CIDR of VPC ${String(vpc.id)}: its route is local`,
  );
  await bad(
    [
      { destination: "8.8.8.0/24", nexthop_type: "blackhole" },
      { destination: "8.8.8.0/24", nexthop_type: "port", nexthop: instance },
    ],
    "InvalidRouteTableRoutes",
    "Destination 8.8.8.0/24 is given more than once",
  );
  await bad(
    [{ destination: "8.8.8.0/24", nexthop_type: "port", nexthop: outsider }],
    "InvalidRouteTableRoutes",
    `Next hop ${outsider} is not a port on a subnet of VPC ${String(vpc.id)}`,
  );
  await bad([{ destination: "8.8.8.1/24", nexthop_type: "blackhole" }], "HTTPBadRequest");
  await bad([{ destination: "8.8.8.0/24", nexthop_type: "gateway" }], "HTTPBadRequest");
  await bad([{ destination: "8.8.8.0/24", nexthop_type: "port" }], "HTTPBadRequest");
  await bad([{ destination: "8.8.8.0/24", nexthop_type: "blackhole", nexthop: instance }], "HTTPBadRequest");
  await bad([{ destination: "8.8.8.0/24", nexthop_type: "blackhole", colour: 1 }], "HTTPBadRequest");
  await bad("x", "HTTPBadRequest");
  expectNeutronError(await table({ name: "no-vpc" }), 400, "HTTPBadRequest");
  expectNeutronError(await table({ vpc_id: "9d0cf5a2-0c3c-4d43-a8b4-5a0bd5b2b5f0" }), 404, "VpcNotFound");
  expectNeutronError(await table({ vpc_id: vpc.id, main: true }), 400, "HTTPBadRequest");
});

test("add_routes and remove_routes compose like extraroute-atomic", async () => {
  const id = String((await table({ vpc_id: vpc.id, name: "atomic" })).json().route_table.id);
  const blackhole = { destination: "203.0.113.0/24", nexthop_type: "blackhole", nexthop: null };
  const viaPort = { destination: "0.0.0.0/0", nexthop_type: "port", nexthop: instance };
  let answer = (await put(id, "add_routes", { routes: [blackhole, viaPort] })).json().route_table;
  assert.deepEqual(answer.routes, [local("10.0.0.0/16"), viaPort, blackhole]);
  // The same route again changes nothing; another next hop for the destination is refused.
  answer = (await put(id, "add_routes", { routes: [blackhole] })).json().route_table;
  assert.equal(answer.routes.length, 3);
  expectNeutronError(
    await put(id, "add_routes", { routes: [{ ...blackhole, nexthop_type: "port", nexthop: instance }] }),
    400,
    "InvalidRouteTableRoutes",
    `Route table ${id} already has a route to 203.0.113.0/24`,
  );
  expectNeutronError(
    await put(id, "add_routes", { routes: [local("10.0.0.0/16")] }),
    400,
    "InvalidRouteTableRoutes",
  );
  expectNeutronError(
    await put(id, "remove_routes", { routes: [local("10.0.0.0/16")] }),
    400,
    "InvalidRouteTableRoutes",
  );
  expectNeutronError(
    await put(id, "add_routes", {}),
    400,
    "HTTPBadRequest",
    "Unable to find 'routes' in request body",
  );
  // Removing a route that is not there (or with another next hop) changes nothing.
  answer = (
    await put(id, "remove_routes", { routes: [{ ...viaPort, nexthop_type: "blackhole", nexthop: null }] })
  ).json().route_table;
  assert.equal(answer.routes.length, 3);
  // A VPC CIDR a table already routes cannot be added: its local route would clash.
  expectNeutronError(
    await net(alpha, "PUT", `/vpcs/${String(vpc.id)}/add_cidr`, { cidr: "203.0.113.0/24" }),
    400,
    "InvalidVpcCidr",
    `Route tables ${id} of VPC ${String(vpc.id)} already route 203.0.113.0/24`,
  );
  answer = (await put(id, "remove_routes", { routes: [viaPort] })).json().route_table;
  assert.deepEqual(answer.routes, [local("10.0.0.0/16"), blackhole]);
  expectNeutronError(await put(id, "add_routes", { routes: [blackhole] }, beta), 404, "RouteTableNotFound");
  await ok(alpha, "DELETE", `/route-tables/${id}`, undefined, 204);
});

test("associations: a subnet of the VPC moves between tables; the main table serves the rest", async () => {
  const a = String((await table({ vpc_id: vpc.id, name: "a" })).json().route_table.id);
  const b = String((await table({ vpc_id: vpc.id, name: "b" })).json().route_table.id);
  const [one = "", two = ""] = subnets;
  let answer = (await put(a, "associate_subnets", { subnet_ids: [one, two] })).json().route_table;
  assert.deepEqual(answer.subnets, [one, two].sort());
  answer = (await put(b, "associate_subnets", { subnet_ids: [one] })).json().route_table;
  assert.deepEqual(answer.subnets, [one]);
  assert.deepEqual((await ok(alpha, "GET", `/route-tables/${a}`)).subnets, [two]);
  assert.deepEqual((await eventTypes(a)).at(-1), "route_table.update.end");
  expectNeutronError(
    await put(b, "disassociate_subnets", { subnet_ids: [two] }),
    400,
    "InvalidVpcSubnet",
    `Subnet ${two} is not associated with route table ${b}`,
  );
  const elsewhere = String((await net(alpha, "GET", "/subnets?cidr=192.168.0.0/24")).json().subnets[0].id);
  expectNeutronError(
    await put(a, "associate_subnets", { subnet_ids: [elsewhere] }),
    400,
    "InvalidVpcSubnet",
    `Subnet ${elsewhere} is not a subnet of VPC ${String(vpc.id)}`,
  );
  expectNeutronError(await put(a, "associate_subnets", { subnet_ids: "x" }), 400, "HTTPBadRequest");
  // A table with subnets cannot go; nor can the VPC while it has custom tables.
  expectNeutronError(
    await net(alpha, "DELETE", `/route-tables/${a}`),
    409,
    "RouteTableInUse",
    `Route table ${a} is still associated with subnets ${two}`,
  );
  expectNeutronError(
    await net(alpha, "DELETE", `/route-tables/${String(vpc.main_route_table_id)}`),
    409,
    "RouteTableInUse",
    `Route table ${String(vpc.main_route_table_id)} is the main route table of VPC ${String(vpc.id)}`,
  );
  answer = (await put(a, "disassociate_subnets", { subnet_ids: [two] })).json().route_table;
  assert.deepEqual(answer.subnets, []);
  // A subnet whose interface leaves the VPC leaves its table.
  const router = String(vpc.router_id);
  await ok(alpha, "PUT", `/routers/${router}/remove_router_interface`, { subnet_id: one });
  assert.deepEqual((await ok(alpha, "GET", `/route-tables/${b}`)).subnets, []);
  await ok(alpha, "PUT", `/routers/${router}/add_router_interface`, { subnet_id: one });
  await put(b, "associate_subnets", { subnet_ids: [one] });
  const subnetsLeft = await net(alpha, "DELETE", `/vpcs/${String(vpc.id)}`);
  expectNeutronError(subnetsLeft, 409, "VpcInUse");
  await ok(alpha, "DELETE", `/route-tables/${a}`, undefined, 204);
  await put(b, "disassociate_subnets", { subnet_ids: [one] });
  await ok(alpha, "DELETE", `/route-tables/${b}`, undefined, 204);
});

test("loadVpcState gives the compiler the VPCs and tables without the implicit local routes", async () => {
  const route = { destination: "0.0.0.0/0", nexthop_type: "port", nexthop: instance };
  const custom = (await table({ vpc_id: vpc.id, name: "loaded", routes: [route] })).json().route_table;
  await put(custom.id, "associate_subnets", { subnet_ids: [subnets[1]] });
  const state = await loadVpcState(t.ctx.db.as<NetworkTables>());
  assert.deepEqual(state.vpcs, [
    {
      id: vpc.id,
      project_id: vpc.project_id,
      revision_number: 1,
      name: "rt",
      router_id: vpc.router_id,
      cidrs: ["10.0.0.0/16"],
    },
  ]);
  const byName = new Map(state.route_tables.map((rt) => [rt.name, rt]));
  assert.deepEqual(byName.get("loaded"), {
    id: custom.id,
    project_id: vpc.project_id,
    revision_number: 2,
    name: "loaded",
    vpc_id: vpc.id,
    main: false,
    subnet_ids: [subnets[1]],
    routes: [route],
  });
  assert.deepEqual(byName.get("main")?.main, true);
  assert.deepEqual(byName.get("main")?.subnet_ids, []);
  await put(custom.id, "disassociate_subnets", { subnet_ids: [subnets[1]] });
  await ok(alpha, "DELETE", `/route-tables/${String(custom.id)}`, undefined, 204);
});

test("another project's tables are 404; admins see them", async () => {
  const id = String(vpc.main_route_table_id);
  expectNeutronError(
    await net(beta, "GET", `/route-tables/${id}`),
    404,
    "RouteTableNotFound",
    `Route table ${id} could not be found`,
  );
  expectNeutronError(
    await net(beta, "PUT", `/route-tables/${id}`, { route_table: { name: "x" } }),
    404,
    "RouteTableNotFound",
  );
  expectNeutronError(await net(beta, "DELETE", `/route-tables/${id}`), 404, "RouteTableNotFound");
  expectNeutronError(await put(id, "associate_subnets", { subnet_ids: [] }, beta), 404, "RouteTableNotFound");
  expectNeutronError(await table({ vpc_id: vpc.id }, beta), 404, "VpcNotFound");
  assert.deepEqual((await net(beta, "GET", "/route-tables")).json().route_tables, []);
  assert.equal((await ok(t.adminToken, "GET", `/route-tables/${id}`)).main, true);
});

test("the VPC cannot go while it has custom tables", async () => {
  const extra = String((await table({ vpc_id: vpc.id, name: "extra" })).json().route_table.id);
  const router = String(vpc.router_id);
  for (const subnet of subnets)
    await ok(alpha, "PUT", `/routers/${router}/remove_router_interface`, { subnet_id: subnet });
  expectNeutronError(
    await net(alpha, "DELETE", `/vpcs/${String(vpc.id)}`),
    409,
    "VpcInUse",
    `VPC ${String(vpc.id)} still has route tables ${extra}`,
  );
  await ok(alpha, "DELETE", `/route-tables/${extra}`, undefined, 204);
  await ok(alpha, "DELETE", `/vpcs/${String(vpc.id)}`, undefined, 204);
});
