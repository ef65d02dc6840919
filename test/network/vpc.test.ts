import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, passwordToken, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";

/** [vpc]: VPCs, their router, group and main table, CIDRs, zones and subnets. */

let t: TestApp;
let alpha = "";
let beta = "";
let reader = "";
let alphaProject = "";

type Method = "GET" | "POST" | "PUT" | "DELETE";
const net = (token: string, method: Method, url: string, body?: unknown) =>
  call(t.app, token, method, `/networking/v2.0${url}`, body);

async function ok(token: string, method: Method, url: string, body?: unknown, status = 200) {
  const response = await net(token, method, url, body);
  assert.equal(response.statusCode, status, `${method} ${url}: ${response.body}`);
  return response.statusCode === 204 ? {} : (Object.values(response.json())[0] as Record<string, unknown>);
}

const vpc = (token: string, body: Record<string, unknown>) => ok(token, "POST", "/vpcs", { vpc: body }, 201);
const vpcSubnet = (token: string, id: string, subnet: Record<string, unknown>) =>
  net(token, "POST", `/vpcs/${String(id)}/subnets`, { subnet });

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
  alpha = await userInNewProject(t, "vpc-alpha");
  beta = await userInNewProject(t, "vpc-beta");
  const admin = (method: "GET" | "POST" | "PUT", url: string, body?: unknown) =>
    call(t.app, t.adminToken, method, `/identity/v3${url}`, body);
  alphaProject = String((await admin("GET", "/projects?name=vpc-alpha")).json().projects[0].id);
  const roleId = String((await admin("GET", "/roles?name=reader")).json().roles[0].id);
  const userId = String(
    (await admin("POST", "/users", { user: { name: "vpc-reader", password: "pw" } })).json().user.id,
  );
  await admin("PUT", `/projects/${alphaProject}/users/${userId}/roles/${roleId}`);
  reader = await passwordToken(t.app, "vpc-reader", "pw", "vpc-alpha");
});
after(() => t.close());

test("vpc and vpc-route-tables are advertised", async () => {
  const aliases = (await net(alpha, "GET", "/extensions"))
    .json()
    .extensions.map((e: { alias: string }) => e.alias);
  assert.ok(aliases.includes("vpc") && aliases.includes("vpc-route-tables"));
  assert.equal((await ok(alpha, "GET", "/extensions/vpc")).name, "Virtual Private Cloud");
});

test("a VPC comes with its router, security group and main route table, seen through plain Neutron", async () => {
  const v = await vpc(alpha, { name: "web", cidrs: ["10.0.0.0/16", "10.1.0.0/16"], description: "d" });
  assert.deepEqual(
    {
      ...v,
      id: "",
      router_id: "",
      security_group_id: "",
      main_route_table_id: "",
      created_at: "",
      updated_at: "",
    },
    {
      id: "",
      name: "web",
      description: "d",
      tenant_id: alphaProject,
      project_id: alphaProject,
      cidrs: ["10.0.0.0/16", "10.1.0.0/16"],
      availability_zones: [],
      router_id: "",
      security_group_id: "",
      main_route_table_id: "",
      status: "ACTIVE",
      tags: [],
      created_at: "",
      updated_at: "",
      revision_number: 1,
    },
  );
  const router = await ok(alpha, "GET", `/routers/${String(v.router_id)}`);
  assert.equal(router.name, "vpc-web");
  assert.equal(router.project_id, alphaProject);
  const group = await ok(alpha, "GET", `/security-groups/${String(v.security_group_id)}`);
  assert.equal(group.name, "vpc-web");
  const rules = group.security_group_rules as Array<{ direction: string; remote_group_id: string | null }>;
  assert.equal(rules.length, 4);
  for (const rule of rules)
    assert.equal(rule.remote_group_id, rule.direction === "ingress" ? v.security_group_id : null);
  const main = await ok(alpha, "GET", `/route-tables/${String(v.main_route_table_id)}`);
  assert.equal(main.main, true);
  assert.equal(main.vpc_id, v.id);
  assert.deepEqual(main.routes, [
    { destination: "10.0.0.0/16", nexthop_type: "local", nexthop: null },
    { destination: "10.1.0.0/16", nexthop_type: "local", nexthop: null },
  ]);
  assert.deepEqual(await eventTypes(String(v.id)), ["vpc.create.end"]);
  assert.deepEqual(await eventTypes(String(v.router_id)), ["router.create.end"]);
  assert.deepEqual(await eventTypes(String(v.main_route_table_id)), ["route_table.create.end"]);
  assert.deepEqual(await eventTypes(String(v.security_group_id)), ["security_group.create.end"]);
  // They go with the VPC only.
  expectNeutronError(await net(alpha, "DELETE", `/routers/${String(v.router_id)}`), 409, "VpcResourceInUse");
  expectNeutronError(
    await net(alpha, "DELETE", `/security-groups/${String(v.security_group_id)}`),
    409,
    "VpcResourceInUse",
  );
  expectNeutronError(
    await net(alpha, "DELETE", `/route-tables/${String(v.main_route_table_id)}`),
    409,
    "RouteTableInUse",
  );
  assert.equal((await ok(alpha, "DELETE", `/vpcs/${String(v.id)}`, undefined, 204)) !== undefined, true);
  expectNeutronError(await net(alpha, "GET", `/routers/${String(v.router_id)}`), 404, "RouterNotFound");
  expectNeutronError(
    await net(alpha, "GET", `/security-groups/${String(v.security_group_id)}`),
    404,
    "SecurityGroupNotFound",
  );
  expectNeutronError(
    await net(alpha, "GET", `/route-tables/${String(v.main_route_table_id)}`),
    404,
    "RouteTableNotFound",
  );
  assert.deepEqual(await eventTypes(String(v.id)), ["vpc.create.end", "vpc.delete.end"]);
  assert.deepEqual((await eventTypes(String(v.router_id))).at(-1), "router.delete.end");
  assert.deepEqual((await eventTypes(String(v.security_group_id))).at(-1), "security_group.delete.end");
  assert.deepEqual((await eventTypes(String(v.main_route_table_id))).at(-1), "route_table.delete.end");
});

test("create checks the CIDRs and zones", async () => {
  const bad = async (body: Record<string, unknown>, status: number, type: string, message?: string) =>
    expectNeutronError(await net(alpha, "POST", "/vpcs", { vpc: body }), status, type, message);
  await bad(
    { name: "x" },
    400,
    "HTTPBadRequest",
    "Failed to parse request. Required attribute 'cidrs' not specified",
  );
  await bad(
    { cidrs: [] },
    400,
    "HTTPBadRequest",
    "Invalid input for cidrs. Reason: a VPC needs at least one CIDR.",
  );
  await bad({ cidrs: "10.0.0.0/8" }, 400, "HTTPBadRequest");
  await bad(
    { cidrs: ["10.0.0.1/8"] },
    400,
    "HTTPBadRequest",
    "Invalid input for cidrs. Reason: '10.0.0.1/8' is not a valid CIDR.",
  );
  await bad({ cidrs: ["nope"] }, 400, "HTTPBadRequest");
  await bad(
    { cidrs: ["10.0.0.0/8", "10.2.0.0/16"] },
    400,
    "InvalidVpcCidr",
    "CIDR 10.2.0.0/16 overlaps with CIDR 10.0.0.0/8 of the VPC",
  );
  await bad({ cidrs: ["10.0.0.0/8"], availability_zones: ["mars"] }, 404, "AvailabilityZoneNotFound");
  await bad(
    { cidrs: ["10.0.0.0/8"], router_id: "x" },
    400,
    "HTTPBadRequest",
    "Attribute 'router_id' not allowed in POST",
  );
  expectNeutronError(
    await net(reader, "POST", "/vpcs", { vpc: { cidrs: ["10.0.0.0/8"] } }),
    403,
    "PolicyNotAuthorized",
  );
  // A zone of the SDN topology is a zone too; IPv6 CIDRs are fine.
  await ok(t.adminToken, "POST", "/sdn/zones", { zone: { name: "az-1" } }, 201);
  const v = await vpc(alpha, {
    name: "z",
    cidrs: ["fd00::/48", "10.9.0.0/16"],
    availability_zones: ["az-1", "nova"],
  });
  assert.deepEqual(v.availability_zones, ["az-1", "nova"]);
  assert.deepEqual(v.cidrs, ["fd00::/48", "10.9.0.0/16"]);
  await ok(alpha, "DELETE", `/vpcs/${String(v.id)}`, undefined, 204);
});

test("list, filters, fields, sorting, pagination and tags work as for other resources", async () => {
  const a = await vpc(alpha, { name: "list-a", cidrs: ["10.10.0.0/16"] });
  const b = await vpc(alpha, { name: "list-b", cidrs: ["10.10.0.0/16"] });
  const other = await vpc(beta, { name: "list-beta", cidrs: ["10.10.0.0/16"] });
  const names = async (token: string, query: string) =>
    (await net(token, "GET", `/vpcs${query}`)).json().vpcs.map((x: { name: string }) => x.name);
  assert.deepEqual(await names(alpha, "?sort_key=name&sort_dir=desc"), ["list-b", "list-a"]);
  assert.deepEqual(await names(alpha, `?router_id=${String(a.router_id)}`), ["list-a"]);
  assert.deepEqual(await names(reader, "?name=list-a"), ["list-a"]);
  assert.ok((await names(t.adminToken, "")).includes("list-beta"));
  const page = (await net(alpha, "GET", "/vpcs?limit=1&sort_key=name&sort_dir=asc")).json();
  assert.equal(page.vpcs.length, 1);
  assert.equal(page.vpcs_links[0].rel, "next");
  assert.deepEqual((await net(alpha, "GET", `/vpcs/${String(a.id)}?fields=name&fields=cidrs`)).json().vpc, {
    name: "list-a",
    cidrs: ["10.10.0.0/16"],
  });
  expectNeutronError(await net(alpha, "GET", "/vpcs?colour=red"), 400, "HTTPBadRequest");
  assert.equal((await net(alpha, "PUT", `/vpcs/${String(b.id)}/tags/blue`)).statusCode, 201);
  assert.deepEqual(await names(alpha, "?tags=blue"), ["list-b"]);
  assert.equal((await ok(alpha, "GET", `/vpcs/${String(b.id)}`)).revision_number, 2);
  for (const v of [a, b]) await ok(alpha, "DELETE", `/vpcs/${String(v.id)}`, undefined, 204);
  await ok(beta, "DELETE", `/vpcs/${String(other.id)}`, undefined, 204);
});

test("another project's VPC is 404; readers read but do not change", async () => {
  const v = await vpc(alpha, { name: "mine", cidrs: ["10.20.0.0/16"] });
  const id = String(v.id);
  expectNeutronError(
    await net(beta, "GET", `/vpcs/${id}`),
    404,
    "VpcNotFound",
    `VPC ${id} could not be found`,
  );
  expectNeutronError(await net(beta, "PUT", `/vpcs/${id}`, { vpc: { name: "x" } }), 404, "VpcNotFound");
  expectNeutronError(await net(beta, "DELETE", `/vpcs/${id}`), 404, "VpcNotFound");
  expectNeutronError(
    await net(beta, "PUT", `/vpcs/${id}/add_cidr`, { cidr: "10.21.0.0/16" }),
    404,
    "VpcNotFound",
  );
  expectNeutronError(
    await net(beta, "PUT", `/vpcs/${id}/remove_cidr`, { cidr: "10.21.0.0/16" }),
    404,
    "VpcNotFound",
  );
  expectNeutronError(await vpcSubnet(beta, id, { cidr: "10.20.1.0/24" }), 404, "VpcNotFound");
  expectNeutronError(await net(beta, "PUT", `/vpcs/${id}/tags/x`), 404, "VpcNotFound");
  assert.deepEqual((await net(beta, "GET", "/vpcs")).json().vpcs, []);
  assert.equal((await ok(reader, "GET", `/vpcs/${id}`)).name, "mine");
  expectNeutronError(
    await net(reader, "PUT", `/vpcs/${id}`, { vpc: { name: "x" } }),
    403,
    "PolicyNotAuthorized",
  );
  expectNeutronError(await net(reader, "DELETE", `/vpcs/${id}`), 403, "PolicyNotAuthorized");
  assert.equal((await ok(t.adminToken, "GET", `/vpcs/${id}`)).name, "mine");
  await ok(alpha, "DELETE", `/vpcs/${id}`, undefined, 204);
});

test("update changes name, description and zones; the rest is read-only", async () => {
  const v = await vpc(alpha, { name: "upd", cidrs: ["10.30.0.0/16"] });
  const id = String(v.id);
  const changed = await ok(alpha, "PUT", `/vpcs/${id}`, {
    vpc: { name: "upd2", description: "x", availability_zones: ["nova"] },
  });
  assert.deepEqual(
    [changed.name, changed.description, changed.availability_zones, changed.revision_number],
    ["upd2", "x", ["nova"], 2],
  );
  expectNeutronError(
    await net(alpha, "PUT", `/vpcs/${id}`, { vpc: { cidrs: ["10.0.0.0/8"] } }),
    400,
    "HTTPBadRequest",
    "Cannot update read-only attribute cidrs",
  );
  expectNeutronError(
    await net(alpha, "PUT", `/vpcs/${id}`, { vpc: { availability_zones: ["mars"] } }),
    404,
    "AvailabilityZoneNotFound",
  );
  // A subnet in "nova" keeps the zone list from leaving "nova".
  await ok(t.adminToken, "POST", "/sdn/zones", { zone: { name: "az-upd" } }, 201);
  const subnet = (
    await vpcSubnet(alpha, id, { name: "s", cidr: "10.30.1.0/24", availability_zone: "nova" })
  ).json().subnet;
  expectNeutronError(
    await net(alpha, "PUT", `/vpcs/${id}`, { vpc: { availability_zones: ["az-upd"] } }),
    400,
    "InvalidVpcSubnet",
    `VPC ${id} has subnets outside availability zones az-upd: ${String(subnet.id)}`,
  );
  await ok(alpha, "PUT", `/vpcs/${id}`, { vpc: { availability_zones: ["az-upd", "nova"] } });
  await ok(alpha, "PUT", `/routers/${String(v.router_id)}/remove_router_interface`, { subnet_id: subnet.id });
  await ok(alpha, "DELETE", `/vpcs/${id}`, undefined, 204);
});

test("POST /vpcs/{id}/subnets makes the network, the subnet and the router interface", async () => {
  await ok(t.adminToken, "POST", "/sdn/zones", { zone: { name: "az-sub" } }, 201);
  const v = await vpc(alpha, {
    name: "sub",
    cidrs: ["10.40.0.0/16"],
    availability_zones: ["az-sub", "nova"],
  });
  const id = String(v.id);
  const response = await vpcSubnet(alpha, id, {
    name: "app",
    cidr: "10.40.1.0/24",
    availability_zone: "nova",
  });
  assert.equal(response.statusCode, 201, response.body);
  const subnet = response.json().subnet;
  assert.equal(subnet.vpc_id, id);
  assert.equal(subnet.availability_zone, "nova");
  assert.equal(subnet.cidr, "10.40.1.0/24");
  assert.equal(subnet.gateway_ip, "10.40.1.1");
  assert.equal(subnet.ip_version, 4);
  const network = await ok(alpha, "GET", `/networks/${String(subnet.network_id)}`);
  assert.deepEqual([network.name, network.availability_zone_hints], ["app", ["nova"]]);
  const ports = (await net(alpha, "GET", `/ports?device_id=${String(v.router_id)}`)).json().ports;
  assert.deepEqual(
    ports.map((p: { device_owner: string; fixed_ips: Array<{ subnet_id: string }> }) => [
      p.device_owner,
      p.fixed_ips[0]?.subnet_id,
    ]),
    [["network:router_interface", subnet.id]],
  );
  // The zone defaults to the VPC's first; a gateway may be given.
  const second = (
    await vpcSubnet(alpha, id, { name: "db", cidr: "10.40.2.0/24", gateway_ip: "10.40.2.254" })
  ).json().subnet;
  assert.deepEqual([second.availability_zone, second.gateway_ip], ["az-sub", "10.40.2.254"]);
  expectNeutronError(
    await vpcSubnet(alpha, id, { name: "out", cidr: "10.41.0.0/24" }),
    400,
    "InvalidVpcSubnet",
  );
  expectNeutronError(
    await vpcSubnet(alpha, id, { name: "far", cidr: "10.40.3.0/24", availability_zone: "mars" }),
    400,
    "InvalidVpcSubnet",
    `Availability zone mars is not one of VPC ${id}'s (az-sub, nova)`,
  );
  expectNeutronError(await net(alpha, "POST", `/vpcs/${id}/subnets`, {}), 400, "HTTPBadRequest");
  expectNeutronError(await vpcSubnet(alpha, id, { name: "nocidr" }), 400, "HTTPBadRequest");
  // Nothing is left behind by a refused request: one transaction.
  const names = (await net(alpha, "GET", "/networks")).json().networks.map((n: { name: string }) => n.name);
  assert.ok(!names.includes("out") && !names.includes("far"));

  // Delete is refused while a subnet is inside, then allowed.
  const refused = await net(alpha, "DELETE", `/vpcs/${id}`);
  expectNeutronError(
    refused,
    409,
    "VpcInUse",
    `VPC ${id} still has subnets ${[String(subnet.id), String(second.id)].sort().join(", ")}`,
  );
  for (const s of [subnet, second])
    await ok(alpha, "PUT", `/routers/${String(v.router_id)}/remove_router_interface`, { subnet_id: s.id });
  await ok(alpha, "DELETE", `/vpcs/${id}`, undefined, 204);
  // The networks stay: they are ordinary Neutron networks.
  assert.equal((await ok(alpha, "GET", `/subnets/${String(subnet.id)}`)).id, subnet.id);
});

test("plain add_router_interface onto a VPC's router applies the CIDR and zone rules", async () => {
  const v = await vpc(alpha, { name: "plain", cidrs: ["10.50.0.0/16"], availability_zones: ["nova"] });
  const router = String(v.router_id);
  const subnetOn = async (cidr: string, hints: string[]) => {
    const network = await ok(
      alpha,
      "POST",
      "/networks",
      { network: { name: cidr, availability_zone_hints: hints } },
      201,
    );
    return ok(alpha, "POST", "/subnets", { subnet: { network_id: network.id, cidr, ip_version: 4 } }, 201);
  };
  const outside = await subnetOn("10.51.0.0/24", ["nova"]);
  expectNeutronError(
    await net(alpha, "PUT", `/routers/${router}/add_router_interface`, { subnet_id: outside.id }),
    400,
    "InvalidVpcSubnet",
    `Subnet ${String(outside.id)} (10.51.0.0/24) is not inside the CIDRs of VPC ${String(v.id)} (10.50.0.0/16)`,
  );
  const unzoned = await subnetOn("10.50.1.0/24", []);
  expectNeutronError(
    await net(alpha, "PUT", `/routers/${router}/add_router_interface`, { subnet_id: unzoned.id }),
    400,
    "InvalidVpcSubnet",
    `The availability_zone_hints of network ${String(unzoned.network_id)} name none of the availability zones of VPC ${String(v.id)} (nova)`,
  );
  // By port too.
  const port = await ok(alpha, "POST", "/ports", { port: { network_id: outside.network_id } }, 201);
  expectNeutronError(
    await net(alpha, "PUT", `/routers/${router}/add_router_interface`, { port_id: port.id }),
    400,
    "InvalidVpcSubnet",
  );
  const inside = await subnetOn("10.50.2.0/24", ["nova"]);
  await ok(alpha, "PUT", `/routers/${router}/add_router_interface`, { subnet_id: inside.id });
  // An ordinary router has no such rules.
  const plain = await ok(alpha, "POST", "/routers", { router: { name: "plain" } }, 201);
  await ok(alpha, "PUT", `/routers/${String(plain.id)}/add_router_interface`, { subnet_id: outside.id });
  await ok(alpha, "PUT", `/routers/${String(plain.id)}/remove_router_interface`, { subnet_id: outside.id });
  await ok(alpha, "PUT", `/routers/${router}/remove_router_interface`, { subnet_id: inside.id });
  await ok(alpha, "DELETE", `/vpcs/${String(v.id)}`, undefined, 204);
});

test("add_cidr and remove_cidr", async () => {
  const v = await vpc(alpha, { name: "cidrs", cidrs: ["10.60.0.0/16"] });
  const id = String(v.id);
  const put = (action: string, body: unknown) => net(alpha, "PUT", `/vpcs/${id}/${action}`, body);
  expectNeutronError(
    await put("add_cidr", { cidr: "10.60.128.0/17" }),
    400,
    "InvalidVpcCidr",
    "CIDR 10.60.128.0/17 overlaps with CIDR 10.60.0.0/16 of the VPC",
  );
  expectNeutronError(await put("add_cidr", { cidr: "bad" }), 400, "InvalidVpcCidr");
  expectNeutronError(
    await put("add_cidr", {}),
    400,
    "HTTPBadRequest",
    "Unable to find 'cidr' in request body",
  );
  // Another VPC of the project may use the same block: each VPC is its own routing domain.
  const twin = await vpc(alpha, { name: "twin", cidrs: ["10.61.0.0/16"] });
  const added = (await put("add_cidr", { cidr: "10.61.0.0/16" })).json().vpc;
  assert.deepEqual([added.cidrs, added.revision_number], [["10.60.0.0/16", "10.61.0.0/16"], 2]);
  assert.equal(
    (await ok(alpha, "GET", `/route-tables/${String(v.main_route_table_id)}`)).routes instanceof Array,
    true,
  );
  const subnet = (await vpcSubnet(alpha, id, { name: "s61", cidr: "10.61.5.0/24" })).json().subnet;
  expectNeutronError(
    await put("remove_cidr", { cidr: "10.60.0.0/16" }),
    409,
    "VpcCidrInUse",
    `CIDR 10.60.0.0/16 of VPC ${id} cannot be removed: it is the primary CIDR`,
  );
  expectNeutronError(
    await put("remove_cidr", { cidr: "10.61.0.0/16" }),
    409,
    "VpcCidrInUse",
    `CIDR 10.61.0.0/16 of VPC ${id} cannot be removed: it still holds subnets ${String(subnet.id)}`,
  );
  expectNeutronError(
    await put("remove_cidr", { cidr: "10.62.0.0/16" }),
    400,
    "InvalidVpcCidr",
    `CIDR 10.62.0.0/16 is not a CIDR of VPC ${id}`,
  );
  await ok(alpha, "PUT", `/routers/${String(v.router_id)}/remove_router_interface`, { subnet_id: subnet.id });
  const removed = (await put("remove_cidr", { cidr: "10.61.0.0/16" })).json().vpc;
  assert.deepEqual(removed.cidrs, ["10.60.0.0/16"]);
  assert.deepEqual(await eventTypes(id), ["vpc.create.end", "vpc.update.end", "vpc.update.end"]);
  for (const x of [v, twin]) await ok(alpha, "DELETE", `/vpcs/${String(x.id)}`, undefined, 204);
});

test("delete is refused while floating IPs use the VPC's router", async () => {
  const external = await ok(
    t.adminToken,
    "POST",
    "/networks",
    { network: { name: "ext", "router:external": true } },
    201,
  );
  await ok(
    t.adminToken,
    "POST",
    "/subnets",
    { subnet: { network_id: external.id, cidr: "198.51.100.0/24", ip_version: 4 } },
    201,
  );
  const v = await vpc(alpha, { name: "fip", cidrs: ["10.70.0.0/16"] });
  const router = String(v.router_id);
  await ok(alpha, "PUT", `/routers/${router}`, {
    router: { external_gateway_info: { network_id: external.id } },
  });
  const subnet = (await vpcSubnet(alpha, String(v.id), { name: "s", cidr: "10.70.1.0/24" })).json().subnet;
  const port = await ok(alpha, "POST", "/ports", { port: { network_id: subnet.network_id } }, 201);
  const fip = await ok(
    alpha,
    "POST",
    "/floatingips",
    { floatingip: { floating_network_id: external.id, port_id: port.id } },
    201,
  );
  expectNeutronError(
    await net(alpha, "DELETE", `/vpcs/${String(v.id)}`),
    409,
    "VpcInUse",
    `VPC ${String(v.id)} still has floating IPs ${String(fip.id)}`,
  );
  await ok(alpha, "DELETE", `/floatingips/${String(fip.id)}`, undefined, 204);
  await ok(alpha, "DELETE", `/ports/${String(port.id)}`, undefined, 204);
  await ok(alpha, "PUT", `/routers/${router}/remove_router_interface`, { subnet_id: subnet.id });
  // The gateway goes with the router.
  await ok(alpha, "DELETE", `/vpcs/${String(v.id)}`, undefined, 204);
  const gateways = (await net(t.adminToken, "GET", `/ports?device_id=${router}`)).json().ports;
  assert.deepEqual(gateways, []);
});

test("vpc has a quota (5 by default)", async () => {
  const quota = (await net(t.adminToken, "GET", `/quotas/${alphaProject}`)).json().quota;
  assert.equal(quota.vpc, 5);
  await ok(t.adminToken, "PUT", `/quotas/${alphaProject}`, { quota: { vpc: 1 } });
  const first = await vpc(alpha, { name: "q1", cidrs: ["10.80.0.0/16"] });
  expectNeutronError(
    await net(alpha, "POST", "/vpcs", { vpc: { name: "q2", cidrs: ["10.81.0.0/16"] } }),
    409,
    "OverQuota",
    "Quota exceeded for resources: ['vpc'].",
  );
  await ok(alpha, "DELETE", `/vpcs/${String(first.id)}`, undefined, 204);
  await ok(t.adminToken, "PUT", `/quotas/${alphaProject}`, { quota: { vpc: 5 } });
});
