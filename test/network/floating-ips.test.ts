import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";

let t: TestApp;
let member = "";
let other = "";
let external = { network: "", subnet: "" };
let inside = { network: "", subnet: "" };
let routerId = "";
before(async () => {
  t = await startTestApp();
  member = await userInNewProject(t, "f-alpha");
  other = await userInNewProject(t, "f-beta");
  external = await subnetOn(t.adminToken, "198.51.100.0/24", { "router:external": true });
  inside = await subnetOn(member, "10.0.0.0/24");
  const router = await net(member, "POST", "/routers", {
    router: { name: "edge", external_gateway_info: { network_id: external.network } },
  });
  routerId = router.json().router.id;
  await net(member, "PUT", `/routers/${routerId}/add_router_interface`, { subnet_id: inside.subnet });
});
after(() => t.close());

const net = (token: string, method: "GET" | "POST" | "PUT" | "DELETE", url: string, body?: unknown) =>
  call(t.app, token, method, `/networking/v2.0${url}`, body);

async function subnetOn(token: string, cidr: string, network: Record<string, unknown> = {}) {
  const created = await net(token, "POST", "/networks", { network: { name: `n-${cidr}`, ...network } });
  const id = created.json().network.id as string;
  const response = await net(token, "POST", "/subnets", { subnet: { network_id: id, cidr, ip_version: 4 } });
  assert.equal(response.statusCode, 201, response.body);
  return { network: id, subnet: response.json().subnet.id as string };
}

async function port(token = member, networkId = inside.network) {
  const response = await net(token, "POST", "/ports", { port: { network_id: networkId } });
  assert.equal(response.statusCode, 201, response.body);
  const body = response.json().port;
  return { id: body.id as string, ip: body.fixed_ips[0].ip_address as string };
}

async function floatingIp(body: Record<string, unknown> = {}, token = member) {
  const response = await net(token, "POST", "/floatingips", {
    floatingip: { floating_network_id: external.network, ...body },
  });
  assert.equal(response.statusCode, 201, response.body);
  return response.json().floatingip as Record<string, string | null> & { id: string };
}

test("a floating IP comes from the external subnet and binds to a port behind a router", async () => {
  const free = await floatingIp({ description: "spare" });
  assert.match(free.floating_ip_address ?? "", /^198\.51\.100\./);
  assert.deepEqual(
    [free.status, free.port_id, free.fixed_ip_address, free.router_id, free.description],
    ["DOWN", null, null, null, "spare"],
  );
  assert.ok(!("name" in free));
  const vm = await port();
  const bound = await net(member, "PUT", `/floatingips/${free.id}`, { floatingip: { port_id: vm.id } });
  assert.equal(bound.statusCode, 200, bound.body);
  assert.deepEqual(
    [
      bound.json().floatingip.port_id,
      bound.json().floatingip.fixed_ip_address,
      bound.json().floatingip.router_id,
    ],
    [vm.id, vm.ip, routerId],
  );
  const listed = (await net(member, "GET", `/floatingips?port_id=${vm.id}`)).json().floatingips;
  assert.deepEqual(
    listed.map((f: { id: string }) => f.id),
    [free.id],
  );
  expectNeutronError(
    await net(member, "POST", "/floatingips", {
      floatingip: { floating_network_id: external.network, port_id: vm.id },
    }),
    409,
    "FloatingIPPortAlreadyAssociated",
  );
  const unbound = await net(member, "PUT", `/floatingips/${free.id}`, { floatingip: { port_id: null } });
  assert.deepEqual([unbound.json().floatingip.port_id, unbound.json().floatingip.router_id], [null, null]);
  // Deleting a bound port unbinds its floating IP.
  await net(member, "PUT", `/floatingips/${free.id}`, { floatingip: { port_id: vm.id } });
  assert.equal((await net(member, "DELETE", `/ports/${vm.id}`)).statusCode, 204);
  assert.equal((await net(member, "GET", `/floatingips/${free.id}`)).json().floatingip.port_id, null);
  // Deleting the floating IP gives its address back.
  const address = free.floating_ip_address;
  assert.equal((await net(member, "DELETE", `/floatingips/${free.id}`)).statusCode, 204);
  const ports = (await net(t.adminToken, "GET", `/ports?network_id=${external.network}`)).json().ports;
  assert.ok(
    !ports.some((p: { fixed_ips: Array<{ ip_address: string }> }) => p.fixed_ips[0]?.ip_address === address),
  );
});

test("association needs a router path, a fixed IP of the port, and the caller's port", async () => {
  const isolated = await subnetOn(member, "10.5.0.0/24");
  const lonely = await port(member, isolated.network);
  expectNeutronError(
    await net(member, "POST", "/floatingips", {
      floatingip: { floating_network_id: external.network, port_id: lonely.id },
    }),
    404,
    "ExternalGatewayForFloatingIPNotFound",
    `External network ${external.network} is not reachable from subnet ${isolated.subnet}.  Therefore, cannot associate Port ${lonely.id} with a Floating IP.`,
  );
  const vm = await port();
  expectNeutronError(
    await net(member, "POST", "/floatingips", {
      floatingip: { floating_network_id: external.network, port_id: vm.id, fixed_ip_address: "10.0.0.250" },
    }),
    400,
    "BadRequest",
    `Bad floatingip request: Port ${vm.id} does not have fixed ip 10.0.0.250.`,
  );
  expectNeutronError(
    await net(member, "POST", "/floatingips", { floatingip: { floating_network_id: inside.network } }),
    400,
    "BadRequest",
    `Bad floatingip request: Network ${inside.network} is not a valid external network.`,
  );
  expectNeutronError(
    await net(member, "POST", "/floatingips", {
      floatingip: { floating_network_id: external.network, floating_ip_address: "198.51.100.99" },
    }),
    403,
    "PolicyNotAuthorized",
  );
  const chosen = await floatingIp({ floating_ip_address: "198.51.100.99" }, t.adminToken);
  assert.equal(chosen.floating_ip_address, "198.51.100.99");
  const theirs = await port(other, (await subnetOn(other, "10.6.0.0/24")).network);
  expectNeutronError(
    await net(member, "POST", "/floatingips", {
      floatingip: { floating_network_id: external.network, port_id: theirs.id },
    }),
    404,
    "PortNotFound",
  );
});

test("floating IPs keep their router's interface and gateway in place", async () => {
  const vm = await port();
  const fip = await floatingIp({ port_id: vm.id });
  expectNeutronError(
    await net(member, "PUT", `/routers/${routerId}/remove_router_interface`, { subnet_id: inside.subnet }),
    409,
    "RouterInterfaceInUseByFloatingIP",
    `Router interface for subnet ${inside.subnet} on router ${routerId} cannot be deleted, as it is required by one or more floating IPs.`,
  );
  expectNeutronError(
    await net(member, "PUT", `/routers/${routerId}`, { router: { external_gateway_info: null } }),
    409,
    "RouterExternalGatewayInUseByFloatingIp",
  );
  expectNeutronError(
    await net(t.adminToken, "DELETE", `/ports/${await fipPort(fip.id)}`),
    409,
    "ServicePortInUse",
  );
  assert.equal((await net(member, "DELETE", `/floatingips/${fip.id}`)).statusCode, 204);
});

async function fipPort(fipId: string): Promise<string> {
  const ports = (await net(t.adminToken, "GET", `/ports?device_id=${fipId}`)).json().ports;
  return ports[0].id;
}

test("another project's floating IPs do not exist; quota counts them", async () => {
  const fip = await floatingIp();
  expectNeutronError(
    await net(other, "GET", `/floatingips/${fip.id}`),
    404,
    "FloatingIPNotFound",
    `Floating IP ${fip.id} could not be found`,
  );
  expectNeutronError(await net(other, "DELETE", `/floatingips/${fip.id}`), 404, "FloatingIPNotFound");
  const project = (await floatingIp({}, other)).project_id ?? "";
  await net(t.adminToken, "PUT", `/quotas/${project}`, { quota: { floatingip: 1 } });
  expectNeutronError(
    await net(other, "POST", "/floatingips", { floatingip: { floating_network_id: external.network } }),
    409,
    "OverQuota",
  );
});

test("port forwardings on an unbound floating IP", async () => {
  const fip = await floatingIp();
  const vm = await port();
  const base = `/floatingips/${fip.id}/port_forwardings`;
  const rule = {
    protocol: "tcp",
    external_port: 2222,
    internal_port: 22,
    internal_port_id: vm.id,
    internal_ip_address: vm.ip,
  };
  const created = await net(member, "POST", base, { port_forwarding: rule });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(created.json().port_forwarding.external_port, 2222);
  assert.equal((await net(member, "GET", `/floatingips/${fip.id}`)).json().floatingip.router_id, routerId);
  expectNeutronError(await net(member, "POST", base, { port_forwarding: rule }), 400, "BadRequest");
  const udp = await net(member, "POST", base, { port_forwarding: { ...rule, protocol: "udp" } });
  assert.equal(udp.statusCode, 201, udp.body);
  const listed = (await net(member, "GET", `${base}?protocol=tcp`)).json().port_forwardings;
  assert.deepEqual(
    listed.map((pf: { external_port: number; protocol: string }) => [pf.protocol, pf.external_port]),
    [["tcp", 2222]],
  );
  expectNeutronError(
    await net(member, "PUT", `/floatingips/${fip.id}`, { floatingip: { port_id: vm.id } }),
    409,
    "FipInUseByPortForwarding",
  );

  expectNeutronError(
    await net(member, "PUT", `/routers/${routerId}/remove_router_interface`, { subnet_id: inside.subnet }),
    409,
    "RouterInterfaceInUseByFloatingIP",
  );
  expectNeutronError(await net(other, "GET", base), 404, "FloatingIPNotFound");
  const id = created.json().port_forwarding.id;
  const moved = await net(member, "PUT", `${base}/${id}`, { port_forwarding: { external_port: 2200 } });
  assert.equal(moved.json().port_forwarding.external_port, 2200);
  assert.equal((await net(member, "DELETE", `${base}/${id}`)).statusCode, 204);
  expectNeutronError(await net(member, "GET", `${base}/${id}`), 404, "PortForwardingNotFound");
});

test("concurrent floating IP creation never hands out one address twice", async () => {
  const small = await subnetOn(t.adminToken, "192.0.2.0/29", { "router:external": true });
  const results = await Promise.all(
    Array.from({ length: 8 }, () =>
      net(member, "POST", "/floatingips", { floatingip: { floating_network_id: small.network } }),
    ),
  );
  const created = results
    .filter((r) => r.statusCode === 201)
    .map((r) => r.json().floatingip.floating_ip_address);
  const failed = results.filter((r) => r.statusCode !== 201);
  // A /29 has 5 addresses to give once the network, broadcast and gateway addresses are set aside.
  assert.equal(created.length, 5);
  assert.equal(new Set(created).size, 5);
  for (const response of failed) expectNeutronError(response, 409, "IpAddressGenerationFailure");
});
