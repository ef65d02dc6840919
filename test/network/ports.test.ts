import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";

let t: TestApp;
let memberToken = "";
let otherToken = "";
before(async () => {
  t = await startTestApp();
  memberToken = await userInNewProject(t, "alpha");
  otherToken = await userInNewProject(t, "beta");
});
after(() => t.close());

const net = (token: string, method: "GET" | "POST" | "PUT" | "DELETE", url: string, body?: unknown) =>
  call(t.app, token, method, `/networking/v2.0${url}`, body);

/** A network with one IPv4 subnet of the given CIDR, owned by the member. */
async function networkWithSubnet(cidr: string, extra: Record<string, unknown> = {}) {
  const network = (await net(memberToken, "POST", "/networks", { network: { name: `n-${cidr}` } })).json()
    .network;
  const response = await net(memberToken, "POST", "/subnets", {
    subnet: { network_id: network.id, cidr, ip_version: 4, ...extra },
  });
  assert.equal(response.statusCode, 201, response.body);
  return { network: network.id as string, subnet: response.json().subnet.id as string };
}

test("a port gets an address from the subnet's pool, a fa:16:3e MAC, and stays DOWN until realised", async () => {
  const { network, subnet } = await networkWithSubnet("10.0.0.0/24");
  const response = await net(memberToken, "POST", "/ports", { port: { network_id: network, name: "web" } });
  assert.equal(response.statusCode, 201);
  const port = response.json().port;
  assert.equal(port.status, "DOWN");
  assert.match(port.mac_address, /^fa:16:3e(:[0-9a-f]{2}){3}$/);
  assert.equal(port.fixed_ips.length, 1);
  assert.equal(port.fixed_ips[0].subnet_id, subnet);
  assert.match(port.fixed_ips[0].ip_address, /^10\.0\.0\.(\d+)$/);
  assert.notEqual(port.fixed_ips[0].ip_address, "10.0.0.1", "never the gateway");
  assert.equal(port["binding:vif_type"], undefined, "binding details are for admins only");
  assert.equal(port["binding:vnic_type"], "normal");
  assert.equal(port.port_security_enabled, true);
  assert.equal(port.revision_number, 1);
  const found = (
    await net(memberToken, "GET", `/ports?fixed_ips=ip_address%3D${port.fixed_ips[0].ip_address}`)
  ).json().ports;
  assert.deepEqual(
    found.map((p: { id: string }) => p.id),
    [port.id],
  );
});

test("explicit addresses: taken, outside the network, network and broadcast addresses are refused", async () => {
  const { network, subnet } = await networkWithSubnet("10.1.0.0/24");
  const create = (port: Record<string, unknown>) =>
    net(memberToken, "POST", "/ports", { port: { network_id: network, ...port } });
  assert.equal((await create({ fixed_ips: [{ ip_address: "10.1.0.50" }] })).statusCode, 201);
  expectNeutronError(
    await create({ fixed_ips: [{ ip_address: "10.1.0.50" }] }),
    409,
    "IpAddressAlreadyAllocated",
    `IP address 10.1.0.50 already allocated in subnet ${subnet}`,
  );
  expectNeutronError(await create({ fixed_ips: [{ ip_address: "10.9.0.1" }] }), 400, "InvalidIpForNetwork");
  expectNeutronError(
    await create({ fixed_ips: [{ subnet_id: subnet, ip_address: "10.1.0.255" }] }),
    400,
    "InvalidIpForSubnet",
  );
  expectNeutronError(
    await create({ fixed_ips: [{ subnet_id: subnet, ip_address: "10.1.0.0" }] }),
    400,
    "InvalidIpForSubnet",
  );
  assert.equal((await create({ mac_address: "fa:16:3e:00:00:01" })).statusCode, 201);
  expectNeutronError(await create({ mac_address: "FA:16:3E:00:00:01" }), 409, "MacAddressInUse");
  expectNeutronError(
    await create({ mac_address: "zz" }),
    400,
    "HTTPBadRequest",
    "Invalid input for mac_address. Reason: 'zz' is not a valid MAC address.",
  );
});

test("a full pool answers IpAddressGenerationFailure; deleting a port frees its address", async () => {
  const { network } = await networkWithSubnet("10.2.0.0/29"); // pool .2-.6
  const ports = [];
  for (let i = 0; i < 5; i++)
    ports.push((await net(memberToken, "POST", "/ports", { port: { network_id: network } })).json().port);
  const full = await net(memberToken, "POST", "/ports", { port: { network_id: network } });
  expectNeutronError(
    full,
    409,
    "IpAddressGenerationFailure",
    `No more IP addresses available on network ${network}.`,
  );
  const freed = ports[2].fixed_ips[0].ip_address;
  assert.equal((await net(memberToken, "DELETE", `/ports/${ports[2].id}`)).statusCode, 204);
  const again = (await net(memberToken, "POST", "/ports", { port: { network_id: network } })).json().port;
  assert.equal(again.fixed_ips[0].ip_address, freed);
});

test("16 concurrent clients on a small subnet: no address twice, none lost, the overflow refused", async () => {
  const { network, subnet } = await networkWithSubnet("10.3.0.0/28"); // pool .2-.14: 13 addresses
  const responses = await Promise.all(
    Array.from({ length: 16 }, () => net(memberToken, "POST", "/ports", { port: { network_id: network } })),
  );
  const created = responses.filter((r) => r.statusCode === 201).map((r) => r.json().port);
  const refused = responses.filter((r) => r.statusCode !== 201);
  assert.equal(created.length, 13);
  assert.ok(refused.every((r) => r.json().NeutronError.type === "IpAddressGenerationFailure"));
  const addresses = created.map((p) => p.fixed_ips[0].ip_address as string);
  assert.equal(new Set(addresses).size, 13, "every address handed out once");
  assert.equal(new Set(created.map((p) => p.mac_address as string)).size, 13);
  const stored = await t.ctx.db
    .as<{ ip_allocations: { subnet_id: string; ip_address: string } }>()
    .selectFrom("ip_allocations")
    .select("ip_address")
    .where("subnet_id", "=", subnet)
    .execute();
  assert.deepEqual(
    stored.map((r) => r.ip_address).sort(),
    [...addresses].sort(),
    "no lost or leaked allocations",
  );
});

test("subnets and networks in use cannot be deleted; fixed_ips can be changed", async () => {
  const { network, subnet } = await networkWithSubnet("10.4.0.0/24");
  const port = (
    await net(memberToken, "POST", "/ports", {
      port: { network_id: network, fixed_ips: [{ ip_address: "10.4.0.10" }] },
    })
  ).json().port;
  expectNeutronError(await net(memberToken, "DELETE", `/subnets/${subnet}`), 409, "SubnetInUse");
  expectNeutronError(await net(memberToken, "DELETE", `/networks/${network}`), 409, "NetworkInUse");
  const moved = await net(memberToken, "PUT", `/ports/${port.id}`, {
    port: { fixed_ips: [{ ip_address: "10.4.0.20" }] },
  });
  assert.equal(moved.statusCode, 200);
  assert.deepEqual(moved.json().port.fixed_ips, [{ subnet_id: subnet, ip_address: "10.4.0.20" }]);
  assert.equal(moved.json().port.revision_number, 2);
  assert.equal(
    (
      await net(memberToken, "POST", "/ports", {
        port: { network_id: network, fixed_ips: [{ ip_address: "10.4.0.10" }] },
      })
    ).statusCode,
    201,
    "the old address was released",
  );
});

test("IPv6 SLAAC subnets give every port its EUI-64 address", async () => {
  const network = (await net(memberToken, "POST", "/networks", { network: { name: "v6" } })).json().network
    .id;
  const subnet = (
    await net(memberToken, "POST", "/subnets", {
      subnet: {
        network_id: network,
        cidr: "2001:db8:1::/64",
        ip_version: 6,
        ipv6_ra_mode: "slaac",
        ipv6_address_mode: "slaac",
      },
    })
  ).json().subnet.id;
  const port = (
    await net(memberToken, "POST", "/ports", {
      port: { network_id: network, mac_address: "fa:16:3e:11:22:33" },
    })
  ).json().port;
  assert.deepEqual(port.fixed_ips, [{ subnet_id: subnet, ip_address: "2001:db8:1:0:f816:3eff:fe11:2233" }]);
});

test("ports are private to their project; binding attributes are admin-only", async () => {
  const { network } = await networkWithSubnet("10.5.0.0/24");
  const port = (await net(memberToken, "POST", "/ports", { port: { network_id: network } })).json().port;
  expectNeutronError(
    await net(otherToken, "GET", `/ports/${port.id}`),
    404,
    "PortNotFound",
    `Port ${port.id} could not be found.`,
  );
  expectNeutronError(
    await net(otherToken, "POST", "/ports", { port: { network_id: network } }),
    404,
    "NetworkNotFound",
  );
  assert.deepEqual((await net(otherToken, "GET", "/ports")).json().ports, []);
  expectNeutronError(
    await net(memberToken, "PUT", `/ports/${port.id}`, { port: { "binding:host_id": "compute-1" } }),
    403,
    "PolicyNotAuthorized",
  );
  const bound = await net(t.adminToken, "PUT", `/ports/${port.id}`, {
    port: { "binding:host_id": "compute-1" },
  });
  assert.equal(bound.json().port["binding:host_id"], "compute-1");
  const seen = (await net(memberToken, "GET", `/ports/${port.id}`)).json().port;
  assert.equal(seen["binding:host_id"], undefined, "the host is shown to admins only");
  assert.equal(seen["binding:vnic_type"], "normal");
});

test("on a shared network another project may create ports but not pick their addresses", async () => {
  const network = (
    await net(t.adminToken, "POST", "/networks", { network: { name: "shared-net", shared: true } })
  ).json().network.id;
  await net(t.adminToken, "POST", "/subnets", {
    subnet: { network_id: network, cidr: "10.6.0.0/24", ip_version: 4 },
  });
  assert.equal((await net(otherToken, "POST", "/ports", { port: { network_id: network } })).statusCode, 201);
  expectNeutronError(
    await net(otherToken, "POST", "/ports", {
      port: { network_id: network, fixed_ips: [{ ip_address: "10.6.0.9" }] },
    }),
    403,
    "PolicyNotAuthorized",
  );
});

test("bulk port creation is all or nothing", async () => {
  const { network } = await networkWithSubnet("10.7.0.0/24");
  const bad = await net(memberToken, "POST", "/ports", {
    ports: [
      { network_id: network, fixed_ips: [{ ip_address: "10.7.0.5" }] },
      { network_id: network, fixed_ips: [{ ip_address: "10.7.0.5" }] },
    ],
  });
  expectNeutronError(bad, 409, "IpAddressAlreadyAllocated");
  assert.deepEqual(
    (await net(memberToken, "GET", `/ports?network_id=${network}`)).json().ports,
    [],
    "the first port was rolled back too",
  );
  const good = await net(memberToken, "POST", "/ports", {
    ports: [{ network_id: network }, { network_id: network }],
  });
  assert.equal(good.json().ports.length, 2);
});
