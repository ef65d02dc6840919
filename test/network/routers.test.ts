import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";

let t: TestApp;
let member = "";
let other = "";
let external = { network: "", subnet: "" };
before(async () => {
  t = await startTestApp();
  member = await userInNewProject(t, "r-alpha");
  other = await userInNewProject(t, "r-beta");
  external = await subnetOn(t.adminToken, "203.0.113.0/24", { "router:external": true });
});
after(() => t.close());

const net = (token: string, method: "GET" | "POST" | "PUT" | "DELETE", url: string, body?: unknown) =>
  call(t.app, token, method, `/networking/v2.0${url}`, body);

async function subnetOn(token: string, cidr: string, network: Record<string, unknown> = {}, subnet = {}) {
  const created = await net(token, "POST", "/networks", { network: { name: `n-${cidr}`, ...network } });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().network.id as string;
  const response = await net(token, "POST", "/subnets", {
    subnet: { network_id: id, cidr, ip_version: 4, ...subnet },
  });
  assert.equal(response.statusCode, 201, response.body);
  return { network: id, subnet: response.json().subnet.id as string };
}

async function router(token: string, body: Record<string, unknown> = {}) {
  const response = await net(token, "POST", "/routers", { router: { name: "r", ...body } });
  assert.equal(response.statusCode, 201, response.body);
  return response.json().router as Record<string, unknown> & { id: string };
}

test("a router has Neutron's defaults and its gateway takes an address on the external network", async () => {
  const plain = await router(member);
  assert.deepEqual(
    {
      status: plain.status,
      admin_state_up: plain.admin_state_up,
      external_gateway_info: plain.external_gateway_info,
      routes: plain.routes,
      availability_zone_hints: plain.availability_zone_hints,
      revision_number: plain.revision_number,
    },
    {
      status: "ACTIVE",
      admin_state_up: true,
      external_gateway_info: null,
      routes: [],
      availability_zone_hints: [],
      revision_number: 1,
    },
  );
  const gw = await router(member, { external_gateway_info: { network_id: external.network } });
  const info = gw.external_gateway_info as {
    network_id: string;
    enable_snat: boolean;
    external_fixed_ips: Array<{ subnet_id: string; ip_address: string }>;
  };
  assert.equal(info.network_id, external.network);
  assert.equal(info.enable_snat, true);
  assert.equal(info.external_fixed_ips.length, 1);
  assert.equal(info.external_fixed_ips[0]?.subnet_id, external.subnet);
  assert.match(info.external_fixed_ips[0]?.ip_address ?? "", /^203\.0\.113\./);
  // A list shows each router's own gateway (or none).
  const listed = (await net(member, "GET", `/routers?id=${gw.id}&id=${plain.id}`)).json().routers as Array<{
    id: string;
    external_gateway_info: unknown;
  }>;
  assert.deepEqual(
    new Map(listed.map((r) => [r.id, r.external_gateway_info])),
    new Map([
      [gw.id, info],
      [plain.id, null],
    ]),
  );
  // The gateway port belongs to no project: the tenant does not see it, the admin does.
  const mine = (await net(member, "GET", `/ports?device_id=${gw.id}`)).json().ports;
  assert.equal(mine.length, 0);
  const all = (await net(t.adminToken, "GET", `/ports?device_id=${gw.id}`)).json().ports;
  assert.equal(all.length, 1);
  assert.equal(all[0].device_owner, "network:router_gateway");
  assert.equal(all[0].project_id, "");

  const cleared = await net(member, "PUT", `/routers/${gw.id}`, { router: { external_gateway_info: {} } });
  assert.equal(cleared.json().router.external_gateway_info, null);
  assert.equal((await net(t.adminToken, "GET", `/ports?device_id=${gw.id}`)).json().ports.length, 0);
});

test("gateway errors: not external, unknown network, admin-only SNAT and fixed IPs", async () => {
  const internal = await subnetOn(member, "10.10.0.0/24");
  expectNeutronError(
    await net(member, "POST", "/routers", {
      router: { external_gateway_info: { network_id: internal.network } },
    }),
    400,
    "BadRequest",
    `Bad router request: Network ${internal.network} is not an external network.`,
  );
  const missing = "6a8a4b5e-4b8e-4c1e-9a59-000000000000";
  expectNeutronError(
    await net(member, "POST", "/routers", { router: { external_gateway_info: { network_id: missing } } }),
    404,
    "NetworkNotFound",
  );
  expectNeutronError(
    await net(member, "POST", "/routers", {
      router: { external_gateway_info: { network_id: external.network, enable_snat: false } },
    }),
    403,
    "PolicyNotAuthorized",
    "(rule:create_router and (rule:create_router:external_gateway_info and (rule:create_router:external_gateway_info:network_id and rule:create_router:external_gateway_info:enable_snat))) is disallowed by policy",
  );
  expectNeutronError(
    await net(member, "POST", "/routers", { router: { routes: [] } }),
    400,
    "HTTPBadRequest",
    "Attribute 'routes' not allowed in POST",
  );
  const admin = await router(t.adminToken, {
    external_gateway_info: {
      network_id: external.network,
      enable_snat: false,
      external_fixed_ips: [{ ip_address: "203.0.113.77" }],
    },
  });
  assert.deepEqual(admin.external_gateway_info, {
    network_id: external.network,
    enable_snat: false,
    external_fixed_ips: [{ subnet_id: external.subnet, ip_address: "203.0.113.77" }],
  });
  expectNeutronError(
    await net(t.adminToken, "POST", "/routers", {
      router: {
        external_gateway_info: {
          network_id: external.network,
          external_fixed_ips: [{ ip_address: "203.0.113.77" }],
        },
      },
    }),
    409,
    "IpAddressAlreadyAllocated",
  );
});

test("interfaces by subnet and by port, with Neutron's conflict rules", async () => {
  const r = await router(member);
  const a = await subnetOn(member, "192.168.1.0/24");
  const added = await net(member, "PUT", `/routers/${r.id}/add_router_interface`, { subnet_id: a.subnet });
  assert.equal(added.statusCode, 200, added.body);
  const info = added.json();
  assert.deepEqual(Object.keys(info).sort(), [
    "id",
    "network_id",
    "port_id",
    "subnet_id",
    "subnet_ids",
    "tenant_id",
  ]);
  assert.equal(info.subnet_id, a.subnet);
  const port = (await net(member, "GET", `/ports/${info.port_id}`)).json().port;
  assert.equal(port.device_owner, "network:router_interface");
  assert.equal(port.device_id, r.id);
  assert.deepEqual(port.fixed_ips, [{ subnet_id: a.subnet, ip_address: "192.168.1.1" }]);

  expectNeutronError(
    await net(member, "PUT", `/routers/${r.id}/add_router_interface`, { subnet_id: a.subnet }),
    400,
    "BadRequest",
    `Bad router request: Router already has a port on subnet ${a.subnet}.`,
  );
  const overlapping = await subnetOn(member, "192.168.1.0/25");
  expectNeutronError(
    await net(member, "PUT", `/routers/${r.id}/add_router_interface`, { subnet_id: overlapping.subnet }),
    400,
    "BadRequest",
    `Bad router request: Cidr 192.168.1.0/25 of subnet ${overlapping.subnet} overlaps with cidr 192.168.1.0/24 of subnet ${a.subnet}.`,
  );
  const noGateway = await subnetOn(member, "192.168.2.0/24", {}, { gateway_ip: null });
  expectNeutronError(
    await net(member, "PUT", `/routers/${r.id}/add_router_interface`, { subnet_id: noGateway.subnet }),
    400,
    "BadRequest",
    "Bad router request: Subnet for router interface must have a gateway IP.",
  );
  expectNeutronError(
    await net(member, "PUT", `/routers/${r.id}/add_router_interface`, {
      subnet_id: a.subnet,
      port_id: info.port_id,
    }),
    400,
    "BadRequest",
    "Bad router request: Cannot specify both subnet-id and port-id.",
  );
  expectNeutronError(
    await net(member, "PUT", `/routers/${r.id}/add_router_interface`, {}),
    400,
    "BadRequest",
  );

  // By port: an unused port of the project's becomes the interface; a used one is refused.
  const b = await subnetOn(member, "192.168.3.0/24");
  const free = (await net(member, "POST", "/ports", { port: { network_id: b.network } })).json().port;
  const byPort = await net(member, "PUT", `/routers/${r.id}/add_router_interface`, { port_id: free.id });
  assert.equal(byPort.statusCode, 200, byPort.body);
  assert.equal(byPort.json().subnet_id, b.subnet);
  const other2 = await router(member);
  expectNeutronError(
    await net(member, "PUT", `/routers/${other2.id}/add_router_interface`, { port_id: free.id }),
    409,
    "PortInUse",
  );
  // Interface ports are removed through the router, not the port API.
  expectNeutronError(
    await net(member, "DELETE", `/ports/${free.id}`),
    409,
    "ServicePortInUse",
    `Port ${free.id} cannot be deleted directly via the port API: has device owner network:router_interface.`,
  );
  const inUse = await net(member, "DELETE", `/routers/${r.id}`);
  expectNeutronError(inUse, 409, "RouterInUse");
  // The interface ports are listed; two made within one second may come in either order.
  const listed = /^Router \S+ has ports still attached: (\S+), (\S+)$/.exec(
    inUse.json<{ NeutronError: { message: string } }>().NeutronError.message,
  );
  assert.deepEqual([listed?.[1], listed?.[2]].sort(), [info.port_id, free.id].sort());

  // Removal: by subnet, by port, and the 404s.
  expectNeutronError(
    await net(member, "PUT", `/routers/${r.id}/remove_router_interface`, { subnet_id: noGateway.subnet }),
    404,
    "RouterInterfaceNotFoundForSubnet",
    `Router ${r.id} has no interface on subnet ${noGateway.subnet}`,
  );
  expectNeutronError(
    await net(member, "PUT", `/routers/${r.id}/remove_router_interface`, {
      port_id: port.id,
      subnet_id: b.subnet,
    }),
    400,
    "SubnetMismatchForPort",
  );
  const removed = await net(member, "PUT", `/routers/${r.id}/remove_router_interface`, {
    subnet_id: a.subnet,
  });
  assert.equal(removed.statusCode, 200, removed.body);
  assert.equal(removed.json().port_id, info.port_id);
  assert.equal((await net(member, "GET", `/ports/${info.port_id}`)).statusCode, 404);
  expectNeutronError(
    await net(member, "PUT", `/routers/${r.id}/remove_router_interface`, { port_id: info.port_id }),
    404,
    "RouterInterfaceNotFound",
    `Router ${r.id} does not have an interface with id ${info.port_id}`,
  );
  assert.equal(
    (await net(member, "PUT", `/routers/${r.id}/remove_router_interface`, { port_id: free.id })).statusCode,
    200,
  );
  assert.equal((await net(member, "DELETE", `/routers/${r.id}`)).statusCode, 204);
  assert.equal((await net(member, "GET", `/routers/${r.id}`)).statusCode, 404);
});

test("routes: nexthop must be on a connected subnet; atomic add and remove", async () => {
  const r = await router(member);
  const a = await subnetOn(member, "172.16.0.0/24");
  await net(member, "PUT", `/routers/${r.id}/add_router_interface`, { subnet_id: a.subnet });
  const route = { destination: "10.99.0.0/16", nexthop: "172.16.0.10" };
  const set = await net(member, "PUT", `/routers/${r.id}`, { router: { routes: [route] } });
  assert.equal(set.statusCode, 200, set.body);
  assert.deepEqual(set.json().router.routes, [route]);
  expectNeutronError(
    await net(member, "PUT", `/routers/${r.id}`, {
      router: { routes: [{ destination: "10.1.0.0/16", nexthop: "8.8.8.8" }] },
    }),
    400,
    "InvalidRoutes",
    "Invalid format for routes: [{'destination': '10.1.0.0/16', 'nexthop': '8.8.8.8'}], the nexthop is not connected with router",
  );
  expectNeutronError(
    await net(member, "PUT", `/routers/${r.id}`, {
      router: { routes: [{ destination: "10.1.0.0/16", nexthop: "172.16.0.1" }] },
    }),
    400,
    "InvalidRoutes",
  );
  const second = { destination: "10.98.0.0/16", nexthop: "172.16.0.11" };
  const added = await net(member, "PUT", `/routers/${r.id}/add_extraroutes`, {
    router: { routes: [second, route] },
  });
  assert.equal(added.statusCode, 200, added.body);
  assert.deepEqual(added.json().router.routes, [route, second], "new routes come after the others");
  const removed = await net(member, "PUT", `/routers/${r.id}/remove_extraroutes`, {
    router: { routes: [route] },
  });
  assert.deepEqual(removed.json().router.routes, [second]);
  expectNeutronError(
    await net(member, "PUT", `/routers/${r.id}/remove_router_interface`, { subnet_id: a.subnet }),
    409,
    "RouterInterfaceInUseByRoute",
  );
  const many = Array.from({ length: 31 }, (_, i) => ({
    destination: `10.${i}.0.0/16`,
    nexthop: "172.16.0.20",
  }));
  expectNeutronError(
    await net(member, "PUT", `/routers/${r.id}`, { router: { routes: many } }),
    400,
    "RoutesExhausted",
  );
});

test("routers of another project do not exist; readers cannot change; quota counts routers", async () => {
  const r = await router(member);
  expectNeutronError(
    await net(other, "GET", `/routers/${r.id}`),
    404,
    "RouterNotFound",
    `Router ${r.id} could not be found`,
  );
  expectNeutronError(
    await net(other, "PUT", `/routers/${r.id}`, { router: { name: "x" } }),
    404,
    "RouterNotFound",
  );
  expectNeutronError(
    await net(other, "PUT", `/routers/${r.id}/add_router_interface`, { subnet_id: external.subnet }),
    404,
    "RouterNotFound",
  );
  const listed = (await net(other, "GET", "/routers")).json().routers as Array<{ id: string }>;
  assert.ok(!listed.some((x) => x.id === r.id));
  const reader = await userInNewProject(t, "r-reader", "reader");
  expectNeutronError(
    await net(reader, "POST", "/routers", { router: { name: "no" } }),
    403,
    "PolicyNotAuthorized",
  );

  const project = (await net(other, "POST", "/routers", { router: { name: "q" } })).json().router.project_id;
  await net(t.adminToken, "PUT", `/quotas/${project}`, { quota: { router: 1 } });
  expectNeutronError(await net(other, "POST", "/routers", { router: { name: "q2" } }), 409, "OverQuota");
  const details = (await net(other, "GET", `/quotas/${project}/details`)).json().quota;
  assert.deepEqual(details.router, { limit: 1, used: 1, reserved: 0 });
});

test("update, tags, filters and If-Match on routers", async () => {
  const r = await router(member, { name: "edge", description: "d" });
  const updated = await net(member, "PUT", `/routers/${r.id}`, {
    router: { name: "edge2", admin_state_up: false },
  });
  assert.equal(updated.json().router.name, "edge2");
  assert.equal(updated.json().router.admin_state_up, false);
  assert.equal(updated.json().router.revision_number, 2);
  assert.equal((await net(member, "PUT", `/routers/${r.id}/tags/blue`)).statusCode, 201);
  const tagged = (await net(member, "GET", "/routers?tags=blue")).json().routers;
  assert.deepEqual(
    tagged.map((x: { id: string }) => x.id),
    [r.id],
  );
  const byName = (await net(member, "GET", "/routers?name=edge2&fields=id&fields=name")).json().routers;
  assert.deepEqual(byName, [{ id: r.id, name: "edge2" }]);
  expectNeutronError(await net(member, "GET", "/routers?bogus=1"), 400, "HTTPBadRequest");
  const zoned = await router(member, { availability_zone_hints: ["nova"] });
  assert.deepEqual([zoned.availability_zone_hints, zoned.availability_zones], [["nova"], ["nova"]]);
  expectNeutronError(
    await net(member, "POST", "/routers", { router: { availability_zone_hints: ["mars"] } }),
    404,
    "AvailabilityZoneNotFound",
  );
  const stale = await t.app.inject({
    method: "PUT",
    url: `/networking/v2.0/routers/${r.id}`,
    headers: { "x-auth-token": member, "if-match": "revision_number=1" },
    payload: { router: { name: "x" } },
  });
  expectNeutronError(stale, 412, "RevisionNumberConstraintFailed");
});
