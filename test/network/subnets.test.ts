import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";

// Every status, error type and message below was first read from a real Neutron (Zed) answering
// the same request; where Stratus deliberately answers otherwise, a comment says so.

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
  call(t.app, token, method, `/networking${url}`, body);

const invalidInput = (reason: string) => `Invalid input for operation: ${reason}.`;

async function makeNetwork(token: string, network: Record<string, unknown> = {}) {
  const response = await net(token, "POST", "/v2.0/networks", { network: { name: "n", ...network } });
  assert.equal(response.statusCode, 201, response.body);
  return response.json().network as { id: string; project_id: string; revision_number: number };
}

async function makeSubnet(token: string, subnet: Record<string, unknown>) {
  const response = await net(token, "POST", "/v2.0/subnets", { subnet });
  assert.equal(response.statusCode, 201, response.body);
  return response.json().subnet;
}

const getNetwork = async (token: string, id: string) =>
  (await net(token, "GET", `/v2.0/networks/${id}`)).json().network;

test("an IPv4 subnet gets Neutron's defaults and shows up on its network", async () => {
  const network = await makeNetwork(memberToken);
  assert.equal(network.revision_number, 1);
  const response = await net(memberToken, "POST", "/v2.0/subnets", {
    subnet: { network_id: network.id, ip_version: 4, cidr: "10.1.0.0/24" },
  });
  assert.equal(response.statusCode, 201);
  const subnet = response.json().subnet;
  assert.deepEqual(Object.keys(subnet).sort(), [
    "allocation_pools",
    "cidr",
    "created_at",
    "description",
    "dns_nameservers",
    "enable_dhcp",
    "gateway_ip",
    "host_routes",
    "id",
    "ip_version",
    "ipv6_address_mode",
    "ipv6_ra_mode",
    "name",
    "network_id",
    "project_id",
    "revision_number",
    "service_types",
    "subnetpool_id",
    "tags",
    "tenant_id",
    "updated_at",
  ]);
  const { id, created_at, updated_at, ...rest } = subnet;
  assert.match(id, /^[0-9a-f-]{36}$/);
  assert.match(created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(updated_at, created_at);
  assert.deepEqual(rest, {
    name: "",
    tenant_id: network.project_id,
    project_id: network.project_id,
    network_id: network.id,
    ip_version: 4,
    subnetpool_id: null,
    enable_dhcp: true,
    ipv6_ra_mode: null,
    ipv6_address_mode: null,
    gateway_ip: "10.1.0.1",
    cidr: "10.1.0.0/24",
    allocation_pools: [{ start: "10.1.0.2", end: "10.1.0.254" }],
    host_routes: [],
    dns_nameservers: [],
    description: "",
    service_types: [],
    tags: [],
    revision_number: 0,
  });
  assert.deepEqual((await net(memberToken, "GET", `/v2.0/subnets/${id}`)).json().subnet, subnet);
  const after = await getNetwork(memberToken, network.id);
  assert.deepEqual(after.subnets, [id]);
  assert.equal(after.revision_number, 2, "a new subnet is a change of its network");

  // ip_version may come as a string.
  const fromString = await makeSubnet(memberToken, {
    network_id: network.id,
    ip_version: "4",
    cidr: "10.2.0.0/24",
  });
  assert.equal(fromString.ip_version, 4);
  assert.deepEqual((await getNetwork(memberToken, network.id)).subnets.sort(), [id, fromString.id].sort());
});

test("IPv6: SLAAC /64 gateway and pool, and the address-mode rules", async () => {
  const network = await makeNetwork(memberToken);
  const create = (subnet: Record<string, unknown>) =>
    net(memberToken, "POST", "/v2.0/subnets", {
      subnet: { network_id: network.id, ip_version: 6, ...subnet },
    });
  const slaac = await makeSubnet(memberToken, {
    network_id: network.id,
    ip_version: 6,
    cidr: "2001:db8:1::/64",
    ipv6_ra_mode: "slaac",
    ipv6_address_mode: "slaac",
  });
  // The subnet-router anycast address is the gateway; only it is left out of the pool.
  assert.equal(slaac.gateway_ip, "2001:db8:1::");
  assert.deepEqual(slaac.allocation_pools, [
    { start: "2001:db8:1::1", end: "2001:db8:1:0:ffff:ffff:ffff:ffff" },
  ]);
  assert.equal(slaac.ipv6_ra_mode, "slaac");
  assert.equal(slaac.ipv6_address_mode, "slaac");

  const explicit = await makeSubnet(memberToken, {
    network_id: network.id,
    ip_version: 6,
    cidr: "2001:0db8:0002:0000::/64",
    gateway_ip: "2001:db8:2:0::1",
    ipv6_address_mode: "slaac",
  });
  assert.equal(explicit.cidr, "2001:db8:2::/64", "written the canonical way");
  assert.equal(explicit.gateway_ip, "2001:db8:2::1");
  assert.deepEqual(explicit.allocation_pools, [
    { start: "2001:db8:2::2", end: "2001:db8:2:0:ffff:ffff:ffff:ffff" },
  ]);
  assert.equal(explicit.ipv6_ra_mode, null);

  expectNeutronError(
    await create({ cidr: "2001:db8:3::/80", ipv6_ra_mode: "slaac", ipv6_address_mode: "slaac" }),
    400,
    "InvalidInput",
    invalidInput(
      "Invalid CIDR 2001:db8:3::/80 for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64",
    ),
  );
  expectNeutronError(
    await create({ cidr: "2001:db8:3::/80", ipv6_ra_mode: "dhcpv6-stateless" }),
    400,
    "InvalidInput",
    invalidInput(
      "Invalid CIDR 2001:db8:3::/80 for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64",
    ),
  );
  expectNeutronError(
    await create({ cidr: "2001:db8:3::/64", ipv6_ra_mode: "slaac", ipv6_address_mode: "dhcpv6-stateful" }),
    400,
    "InvalidInput",
    invalidInput(
      "ipv6_ra_mode set to 'slaac' with ipv6_address_mode set to 'dhcpv6-stateful' is not valid. If both attributes are set, they must be the same value",
    ),
  );
  expectNeutronError(
    await create({ cidr: "2001:db8:3::/64", ipv6_ra_mode: "slaac", enable_dhcp: false }),
    400,
    "InvalidInput",
    invalidInput("ipv6_ra_mode or ipv6_address_mode cannot be set when enable_dhcp is set to False"),
  );
  expectNeutronError(
    await create({ cidr: "2001:db8:3::/64", ipv6_ra_mode: "bogus" }),
    400,
    "HTTPBadRequest",
    "Invalid input for ipv6_ra_mode. Reason: bogus is not in valid_values.",
  );
  const v4 = (subnet: Record<string, unknown>) =>
    net(memberToken, "POST", "/v2.0/subnets", {
      subnet: { network_id: network.id, ip_version: 4, cidr: "10.9.0.0/24", ...subnet },
    });
  expectNeutronError(
    await v4({ ipv6_ra_mode: "slaac", ipv6_address_mode: "slaac" }),
    400,
    "InvalidInput",
    invalidInput("ipv6_ra_mode is not valid when ip_version is 4"),
  );
  expectNeutronError(
    await v4({ ipv6_address_mode: "slaac", enable_dhcp: false }),
    400,
    "InvalidInput",
    invalidInput("ipv6_address_mode is not valid when ip_version is 4"),
  );
});

test("CIDR rules: version, format, host bits, DHCP prefix and overlaps", async () => {
  const network = await makeNetwork(memberToken);
  const create = (subnet: Record<string, unknown>) =>
    net(memberToken, "POST", "/v2.0/subnets", {
      subnet: { network_id: network.id, ip_version: 4, ...subnet },
    });

  expectNeutronError(
    await create({ ip_version: 6, cidr: "10.2.0.0/24" }),
    400,
    "InvalidInput",
    invalidInput("cidr '10.2.0.0/24' does not match the ip_version '6'"),
  );
  expectNeutronError(
    await create({ cidr: "2001:db8:2::/64" }),
    400,
    "InvalidInput",
    invalidInput("cidr '2001:db8:2::/64' does not match the ip_version '4'"),
  );
  for (const cidr of ["10.2.0.0/33", "banana"]) {
    expectNeutronError(
      await create({ cidr }),
      400,
      "InvalidInput",
      invalidInput(`${cidr} is not in a CIDR format`),
    );
  }
  const dhcpPrefix = invalidInput(
    "Subnet has a prefix length that is incompatible with DHCP service enabled",
  );
  expectNeutronError(await create({ cidr: "10.5.0.0/31" }), 400, "InvalidInput", dhcpPrefix);
  expectNeutronError(
    await create({ ip_version: 6, cidr: "2001:db8:9::/127" }),
    400,
    "InvalidInput",
    dhcpPrefix,
  );
  // A bare address is a /32: refused with DHCP, and without it the pool is that one address while
  // the gateway is the next one, outside the subnet.
  expectNeutronError(await create({ cidr: "10.3.0.0" }), 400, "InvalidInput", dhcpPrefix);
  const host = await makeSubnet(memberToken, {
    network_id: network.id,
    ip_version: 4,
    cidr: "10.3.0.0",
    enable_dhcp: false,
  });
  assert.equal(host.cidr, "10.3.0.0/32");
  assert.equal(host.gateway_ip, "10.3.0.1");
  assert.deepEqual(host.allocation_pools, [{ start: "10.3.0.0", end: "10.3.0.0" }]);

  // A /31's default gateway would be its broadcast address, which IPAM cannot hand out; without a
  // gateway both addresses are in the pool, and DHCP cannot be turned on later.
  expectNeutronError(
    await create({ cidr: "10.95.0.0/31", enable_dhcp: false }),
    409,
    "IpamValueInvalid",
    "Gateway IP 10.95.0.1 cannot be allocated in CIDR 10.95.0.0/31",
  );
  const p2p = await makeSubnet(memberToken, {
    network_id: network.id,
    ip_version: 4,
    cidr: "10.95.0.0/31",
    enable_dhcp: false,
    gateway_ip: null,
  });
  assert.deepEqual(p2p.allocation_pools, [{ start: "10.95.0.0", end: "10.95.0.1" }]);
  expectNeutronError(
    await net(memberToken, "PUT", `/v2.0/subnets/${p2p.id}`, { subnet: { enable_dhcp: true } }),
    400,
    "InvalidInput",
    dhcpPrefix,
  );
  const tiny = await makeSubnet(memberToken, {
    network_id: network.id,
    ip_version: 4,
    cidr: "10.96.0.0/30",
    enable_dhcp: false,
  });
  assert.equal(tiny.gateway_ip, "10.96.0.1");
  assert.deepEqual(tiny.allocation_pools, [{ start: "10.96.0.2", end: "10.96.0.2" }]);

  // Host bits are cleared, not refused.
  const cleared = await makeSubnet(memberToken, {
    network_id: network.id,
    ip_version: 4,
    cidr: "10.4.0.5/24",
  });
  assert.equal(cleared.cidr, "10.4.0.0/24");
  assert.equal(cleared.gateway_ip, "10.4.0.1");
  assert.deepEqual(cleared.allocation_pools, [{ start: "10.4.0.2", end: "10.4.0.254" }]);

  expectNeutronError(
    await create({ cidr: "10.4.0.128/25" }),
    400,
    "InvalidInput",
    invalidInput(
      `Requested subnet with cidr: 10.4.0.128/25 for network: ${network.id} overlaps with another subnet`,
    ),
  );
  expectNeutronError(
    await create({ cidr: "10.0.0.0/8" }),
    400,
    "InvalidInput",
    invalidInput(
      `Requested subnet with cidr: 10.0.0.0/8 for network: ${network.id} overlaps with another subnet`,
    ),
  );
  const other = await makeNetwork(memberToken);
  const same = await makeSubnet(memberToken, { network_id: other.id, ip_version: 4, cidr: "10.4.0.0/24" });
  assert.equal(same.cidr, "10.4.0.0/24", "the same CIDR on another network is fine");

  expectNeutronError(
    await create({}),
    400,
    "BadRequest",
    "Bad subnets request: a subnetpool must be specified in the absence of a cidr.",
  );
  expectNeutronError(
    await create({ ip_version: 5, cidr: "10.6.0.0/24" }),
    400,
    "HTTPBadRequest",
    "Invalid input for ip_version. Reason: 5 is not in valid_values.",
  );
  expectNeutronError(
    await create({ ip_version: "x", cidr: "10.6.0.0/24" }),
    400,
    "InvalidInput",
    invalidInput("'x' is not an integer"),
  );
  expectNeutronError(
    await net(memberToken, "POST", "/v2.0/subnets", {
      subnet: { network_id: network.id, cidr: "10.6.0.0/24" },
    }),
    400,
    "HTTPBadRequest",
    "Failed to parse request. Required attribute 'ip_version' not specified",
  );
  expectNeutronError(
    await net(memberToken, "POST", "/v2.0/subnets", { subnet: { ip_version: 4, cidr: "10.6.0.0/24" } }),
    400,
    "HTTPBadRequest",
    "Failed to parse request. Required attribute 'network_id' not specified",
  );
  const nowhere = "00000000-0000-0000-0000-000000000000";
  expectNeutronError(
    await net(memberToken, "POST", "/v2.0/subnets", {
      subnet: { network_id: nowhere, ip_version: 4, cidr: "10.6.0.0/24" },
    }),
    404,
    "NetworkNotFound",
    `Network ${nowhere} could not be found.`,
  );
  const left = (await net(memberToken, "GET", `/v2.0/subnets?network_id=${network.id}&fields=cidr`)).json();
  assert.deepEqual(left.subnets.map((s: { cidr: string }) => s.cidr).sort(), [
    "10.3.0.0/32",
    "10.4.0.0/24",
    "10.95.0.0/31",
    "10.96.0.0/30",
  ]);
});

test("concurrent creations of one CIDR on a network: one wins, the others overlap", async () => {
  const network = await makeNetwork(memberToken);
  const responses = await Promise.all(
    Array.from({ length: 8 }, () =>
      net(memberToken, "POST", "/v2.0/subnets", {
        subnet: { network_id: network.id, ip_version: 4, cidr: "10.99.0.0/24" },
      }),
    ),
  );
  const created = responses.filter((r) => r.statusCode === 201);
  assert.equal(created.length, 1);
  for (const response of responses.filter((r) => r.statusCode !== 201)) {
    expectNeutronError(
      response,
      400,
      "InvalidInput",
      invalidInput(
        `Requested subnet with cidr: 10.99.0.0/24 for network: ${network.id} overlaps with another subnet`,
      ),
    );
  }
  const after = await getNetwork(memberToken, network.id);
  assert.deepEqual(after.subnets, [created[0]?.json().subnet.id]);
  assert.equal(after.revision_number, 2, "refused creations leave the network as it was");
});

test("allocation pools and the gateway", async () => {
  const network = await makeNetwork(memberToken);
  const create = (subnet: Record<string, unknown>) =>
    net(memberToken, "POST", "/v2.0/subnets", {
      subnet: { network_id: network.id, ip_version: 4, ...subnet },
    });
  const created = async (subnet: Record<string, unknown>) => {
    const response = await create(subnet);
    assert.equal(response.statusCode, 201, response.body);
    return response.json().subnet;
  };

  // Given pools come back in address order.
  const pools = await created({
    cidr: "10.20.0.0/24",
    allocation_pools: [
      { start: "10.20.0.100", end: "10.20.0.150" },
      { start: "10.20.0.10", end: "10.20.0.20" },
    ],
  });
  assert.equal(pools.gateway_ip, "10.20.0.1");
  assert.deepEqual(pools.allocation_pools, [
    { start: "10.20.0.10", end: "10.20.0.20" },
    { start: "10.20.0.100", end: "10.20.0.150" },
  ]);
  const empty = await created({ cidr: "10.31.0.0/24", allocation_pools: [] });
  assert.deepEqual(empty.allocation_pools, [{ start: "10.31.0.2", end: "10.31.0.254" }], "[] means generate");

  expectNeutronError(
    await create({
      cidr: "10.21.0.0/24",
      gateway_ip: "10.21.0.50",
      allocation_pools: [{ start: "10.21.0.10", end: "10.21.0.100" }],
    }),
    409,
    "GatewayConflictWithAllocationPools",
    "Gateway ip 10.21.0.50 conflicts with allocation pool 10.21.0.10-10.21.0.100.",
  );
  // A gateway inside generated pools splits them.
  const split = await created({ cidr: "10.22.0.0/24", gateway_ip: "10.22.0.50" });
  assert.deepEqual(split.allocation_pools, [
    { start: "10.22.0.1", end: "10.22.0.49" },
    { start: "10.22.0.51", end: "10.22.0.254" },
  ]);
  // No gateway: .1 is in the pool.
  const noGateway = await created({ cidr: "10.26.0.0/24", gateway_ip: null });
  assert.equal(noGateway.gateway_ip, null);
  assert.deepEqual(noGateway.allocation_pools, [{ start: "10.26.0.1", end: "10.26.0.254" }]);
  // A gateway outside the CIDR is accepted, and then .1 is in the pool too.
  const outside = await created({ cidr: "10.27.0.0/24", gateway_ip: "192.168.77.1" });
  assert.equal(outside.gateway_ip, "192.168.77.1");
  assert.deepEqual(outside.allocation_pools, [{ start: "10.27.0.1", end: "10.27.0.254" }]);
  for (const gateway of ["10.28.0.0", "10.28.0.255"]) {
    expectNeutronError(
      await create({ cidr: "10.28.0.0/24", gateway_ip: gateway }),
      400,
      "InvalidInput",
      invalidInput("Gateway is not valid on subnet"),
    );
  }
  expectNeutronError(
    await create({ cidr: "10.28.0.0/24", gateway_ip: "nope" }),
    400,
    "HTTPBadRequest",
    "Invalid input for gateway_ip. Reason: 'nope' is not a valid IP address.",
  );
  expectNeutronError(
    await create({ cidr: "10.28.0.0/24", gateway_ip: "2001:db8::1" }),
    400,
    "InvalidInput",
    invalidInput("gateway_ip '2001:db8::1' does not match the ip_version '4'"),
  );

  // Out of bounds: past the CIDR, or on the network or broadcast address.
  for (const [start, end] of [
    ["10.23.0.10", "10.23.1.5"],
    ["10.23.0.0", "10.23.0.5"],
    ["10.23.0.250", "10.23.0.255"],
  ]) {
    expectNeutronError(
      await create({ cidr: "10.23.0.0/24", allocation_pools: [{ start, end }] }),
      400,
      "OutOfBoundsAllocationPool",
      `The allocation pool ${start}-${end} spans beyond the subnet cidr 10.23.0.0/24.`,
    );
  }
  expectNeutronError(
    await create({
      ip_version: 6,
      cidr: "2001:db8:31::/64",
      allocation_pools: [{ start: "2001:db8:31::", end: "2001:db8:31::10" }],
    }),
    400,
    "OutOfBoundsAllocationPool",
    "The allocation pool 2001:db8:31::-2001:db8:31::10 spans beyond the subnet cidr 2001:db8:31::/64.",
  );
  const lastV6 = await created({
    ip_version: 6,
    cidr: "2001:db8:32::/64",
    allocation_pools: [{ start: "2001:db8:32::5", end: "2001:db8:32::ffff:ffff:ffff:ffff" }],
  });
  assert.deepEqual(lastV6.allocation_pools, [
    { start: "2001:db8:32::5", end: "2001:db8:32:0:ffff:ffff:ffff:ffff" },
  ]);

  expectNeutronError(
    await create({
      cidr: "10.24.0.0/24",
      allocation_pools: [
        { start: "10.24.0.40", end: "10.24.0.60" },
        { start: "10.24.0.100", end: "10.24.0.110" },
        { start: "10.24.0.10", end: "10.24.0.50" },
      ],
    }),
    409,
    "OverlappingAllocationPools",
    "Found overlapping allocation pools: 10.24.0.40-10.24.0.60 10.24.0.10-10.24.0.50 for subnet 10.24.0.0/24.",
  );
  // A backward or mixed-version pool is shown as the request gave it (a Python dict).
  expectNeutronError(
    await create({ cidr: "10.25.0.0/24", allocation_pools: [{ start: "10.25.0.50", end: "10.25.0.10" }] }),
    400,
    "InvalidAllocationPool",
    "The allocation pool {'start': '10.25.0.50', 'end': '10.25.0.10'} is not valid.",
  );
  expectNeutronError(
    await create({ cidr: "10.25.0.0/24", allocation_pools: [{ start: "10.25.0.5", end: "2001:db8::5" }] }),
    400,
    "InvalidAllocationPool",
    "The allocation pool {'start': '10.25.0.5', 'end': '2001:db8::5'} is not valid.",
  );
  expectNeutronError(
    await create({ cidr: "10.25.0.0/24", allocation_pools: [{ start: "2001:db8::1", end: "2001:db8::5" }] }),
    400,
    "InvalidAllocationPool",
    "The allocation pool 2001:db8::1-2001:db8::5 is not valid.",
  );
  const badPools: Array<[unknown, string]> = [
    [[{ start: "zz", end: "10.25.0.10" }], "'zz' is not a valid IP address"],
    // Python prints the expected keys as a set; this is the order the reference Neutron printed.
    [
      [{ start: "10.25.0.5" }],
      "Validation of dictionary's keys failed. Expected keys: {'end', 'start'} Provided keys: {'start'}",
    ],
    [["x"], "Invalid input. 'x' must be a dictionary with keys: ['start', 'end']"],
    ["x", "Invalid data format for IP pool: 'x'"],
    [null, "Invalid data format for IP pool: 'None'"],
  ];
  for (const [allocation_pools, reason] of badPools) {
    expectNeutronError(
      await create({ cidr: "10.25.0.0/24", allocation_pools }),
      400,
      "HTTPBadRequest",
      `Invalid input for allocation_pools. Reason: ${reason}.`,
    );
  }
});

test("dns_nameservers and host_routes", async () => {
  const network = await makeNetwork(memberToken);
  const create = (subnet: Record<string, unknown>) =>
    net(memberToken, "POST", "/v2.0/subnets", {
      subnet: { network_id: network.id, ip_version: 4, cidr: "10.33.0.0/24", ...subnet },
    });
  expectNeutronError(
    await create({ dns_nameservers: ["8.8.8.8", "8.8.8.8"] }),
    400,
    "HTTPBadRequest",
    "Invalid input for dns_nameservers. Reason: Duplicate nameserver '8.8.8.8'.",
  );
  for (const server of ["nope", "dns.example.com"]) {
    expectNeutronError(
      await create({ dns_nameservers: [server] }),
      400,
      "HTTPBadRequest",
      `Invalid input for dns_nameservers. Reason: '${server}' is not a valid nameserver. '${server}' is not a valid IP address.`,
    );
  }
  expectNeutronError(
    await create({ dns_nameservers: ["2001:db8::53"] }),
    400,
    "InvalidInput",
    invalidInput("dns_nameserver '2001:db8::53' does not match the ip_version '4'"),
  );

  const badRoutes: Array<[unknown, string]> = [
    [[{ destination: "nope", nexthop: "10.33.0.1" }], "'nope' is not a valid CIDR"],
    [[{ destination: "10.9.0.0/33", nexthop: "10.33.0.1" }], "'10.9.0.0/33' is not a valid CIDR"],
    [
      [{ destination: "10.9.3.0/16", nexthop: "10.33.0.1" }],
      "'10.9.3.0/16' is not a recognized CIDR, '10.9.0.0/16' is recommended",
    ],
    [
      [{ destination: "10.9.0.1", nexthop: "10.33.0.1" }],
      "'10.9.0.1' is not a recognized CIDR, '10.9.0.1/32' is recommended",
    ],
    [[{ destination: "10.9.0.0/16", nexthop: "nope" }], "'nope' is not a valid IP address"],
    [[{ destination: "10.9.0.0/16", nexthop: "10.33.0.1/24" }], "'10.33.0.1/24' is not a valid IP address"],
    [
      [{ destination: "10.9.0.0/16" }],
      "Validation of dictionary's keys failed. Expected keys: {'nexthop', 'destination'} Provided keys: {'destination'}",
    ],
    [["x"], "Invalid input. 'x' must be a dictionary with keys: ['destination', 'nexthop']"],
    ["x", "Invalid data format for hostroute: 'x'"],
    [
      [
        { nexthop: "10.33.0.1", destination: "10.9.0.0/16" },
        { destination: "10.9.0.0/16", nexthop: "10.33.0.1" },
      ],
      "Duplicate hostroute '{'destination': '10.9.0.0/16', 'nexthop': '10.33.0.1'}'",
    ],
  ];
  for (const [host_routes, reason] of badRoutes) {
    expectNeutronError(
      await create({ host_routes }),
      400,
      "HTTPBadRequest",
      `Invalid input for host_routes. Reason: ${reason}.`,
    );
  }
  expectNeutronError(
    await create({ host_routes: [{ destination: "2001:db8::/64", nexthop: "10.33.0.1" }] }),
    400,
    "InvalidInput",
    invalidInput("destination '2001:db8::/64' does not match the ip_version '4'"),
  );
  expectNeutronError(
    await create({ host_routes: [{ destination: "10.9.0.0/16", nexthop: "2001:db8::1" }] }),
    400,
    "InvalidInput",
    invalidInput("nexthop '2001:db8::1' does not match the ip_version '4'"),
  );

  const good = await create({
    dns_nameservers: ["8.8.8.8", "1.1.1.1"],
    host_routes: [{ destination: "192.168.0.0/16", nexthop: "10.33.0.254" }],
  });
  assert.equal(good.statusCode, 201);
  assert.deepEqual(good.json().subnet.dns_nameservers, ["8.8.8.8", "1.1.1.1"], "in the given order");
  assert.deepEqual(good.json().subnet.host_routes, [
    { destination: "192.168.0.0/16", nexthop: "10.33.0.254" },
  ]);
  const nulls = await create({ cidr: "10.34.0.0/24", dns_nameservers: null, host_routes: null });
  assert.equal(nulls.statusCode, 201);
  assert.deepEqual(nulls.json().subnet.dns_nameservers, []);
  assert.deepEqual(nulls.json().subnet.host_routes, []);
});

test("update: one revision per change, the network's too; checks as on create; read-only attributes", async () => {
  const network = await makeNetwork(memberToken);
  const subnet = await makeSubnet(memberToken, {
    network_id: network.id,
    ip_version: 4,
    cidr: "10.1.0.0/24",
  });
  const update = (body: Record<string, unknown>) =>
    net(memberToken, "PUT", `/v2.0/subnets/${subnet.id}`, { subnet: body });
  const networkRevision = (await getNetwork(memberToken, network.id)).revision_number;

  const updated = await update({
    name: "renamed",
    dns_nameservers: ["9.9.9.9"],
    host_routes: [{ destination: "172.16.0.0/12", nexthop: "10.1.0.254" }],
    gateway_ip: "10.1.0.1",
  });
  assert.equal(updated.statusCode, 200);
  const body = updated.json().subnet;
  assert.equal(body.name, "renamed");
  assert.deepEqual(body.dns_nameservers, ["9.9.9.9"]);
  assert.deepEqual(body.host_routes, [{ destination: "172.16.0.0/12", nexthop: "10.1.0.254" }]);
  assert.equal(body.gateway_ip, "10.1.0.1");
  assert.equal(body.revision_number, 1);
  assert.deepEqual(body.allocation_pools, [{ start: "10.1.0.2", end: "10.1.0.254" }]);
  assert.deepEqual((await net(memberToken, "GET", `/v2.0/subnets/${subnet.id}`)).json().subnet, body);
  assert.equal((await getNetwork(memberToken, network.id)).revision_number, networkRevision + 1);

  for (const [attribute, value] of [
    ["cidr", "10.1.1.0/24"],
    ["ip_version", 6],
    ["network_id", network.id],
  ] as const) {
    expectNeutronError(
      await update({ [attribute]: value }),
      400,
      "HTTPBadRequest",
      `Cannot update read-only attribute ${attribute}`,
    );
  }
  expectNeutronError(
    await update({ gateway_ip: "10.1.0.50" }),
    409,
    "GatewayConflictWithAllocationPools",
    "Gateway ip 10.1.0.50 conflicts with allocation pool 10.1.0.2-10.1.0.254.",
  );
  expectNeutronError(
    await update({ gateway_ip: "10.1.0.0" }),
    400,
    "InvalidInput",
    invalidInput("Gateway is not valid on subnet"),
  );
  expectNeutronError(
    await update({ dns_nameservers: ["9.9.9.9", "9.9.9.9"] }),
    400,
    "HTTPBadRequest",
    "Invalid input for dns_nameservers. Reason: Duplicate nameserver '9.9.9.9'.",
  );
  expectNeutronError(
    await update({ allocation_pools: [{ start: "10.1.0.1", end: "10.1.0.20" }] }),
    409,
    "GatewayConflictWithAllocationPools",
    "Gateway ip 10.1.0.1 conflicts with allocation pool 10.1.0.1-10.1.0.20.",
  );
  expectNeutronError(
    await update({ allocation_pools: null }),
    400,
    "HTTPBadRequest",
    "Invalid input for allocation_pools. Reason: Invalid data format for IP pool: 'None'.",
  );
  assert.equal(
    (await net(memberToken, "GET", `/v2.0/subnets/${subnet.id}`)).json().subnet.revision_number,
    1,
  );

  // Dropping the gateway keeps the pools; given pools are kept in the given order; [] means none.
  const noGateway = (await update({ gateway_ip: null })).json().subnet;
  assert.equal(noGateway.gateway_ip, null);
  assert.deepEqual(noGateway.allocation_pools, [{ start: "10.1.0.2", end: "10.1.0.254" }]);
  assert.equal((await update({ gateway_ip: "10.1.0.1" })).json().subnet.gateway_ip, "10.1.0.1");
  const reordered = (
    await update({
      allocation_pools: [
        { start: "10.1.0.100", end: "10.1.0.120" },
        { start: "10.1.0.10", end: "10.1.0.20" },
      ],
    })
  ).json().subnet;
  assert.deepEqual(reordered.allocation_pools, [
    { start: "10.1.0.100", end: "10.1.0.120" },
    { start: "10.1.0.10", end: "10.1.0.20" },
  ]);
  assert.deepEqual((await update({ allocation_pools: [] })).json().subnet.allocation_pools, []);
  assert.equal((await update({ enable_dhcp: false })).json().subnet.enable_dhcp, false);
  const untouched = await update({});
  assert.equal(untouched.statusCode, 200);
  assert.equal(untouched.json().subnet.revision_number, 7, "even an empty update is a revision");
  assert.equal((await getNetwork(memberToken, network.id)).revision_number, networkRevision + 7);

  const stale = await t.app.inject({
    method: "PUT",
    url: `/networking/v2.0/subnets/${subnet.id}`,
    headers: { "x-auth-token": memberToken, "if-match": "revision_number=3" },
    payload: { subnet: { name: "stale" } },
  });
  expectNeutronError(
    stale,
    412,
    "RevisionNumberConstraintFailed",
    "Constrained to 3, but current revision is 7",
  );
});

test("projects: private networks' subnets are not found; shared networks' subnets are seen", async () => {
  const mine = await makeNetwork(memberToken);
  const subnet = await makeSubnet(memberToken, { network_id: mine.id, ip_version: 4, cidr: "10.40.0.0/24" });
  assert.equal(subnet.project_id, mine.project_id, "a member adds subnets to its own network");

  const notFound = `Subnet ${subnet.id} could not be found.`;
  expectNeutronError(
    await net(otherToken, "GET", `/v2.0/subnets/${subnet.id}`),
    404,
    "SubnetNotFound",
    notFound,
  );
  expectNeutronError(
    await net(otherToken, "PUT", `/v2.0/subnets/${subnet.id}`, { subnet: { name: "x" } }),
    404,
    "SubnetNotFound",
    notFound,
  );
  expectNeutronError(
    await net(otherToken, "DELETE", `/v2.0/subnets/${subnet.id}`),
    404,
    "SubnetNotFound",
    notFound,
  );
  expectNeutronError(
    await net(otherToken, "POST", "/v2.0/subnets", {
      subnet: { network_id: mine.id, ip_version: 4, cidr: "10.50.0.0/24" },
    }),
    404,
    "NetworkNotFound",
    `Network ${mine.id} could not be found.`,
  );
  const seenByOther = (await net(otherToken, "GET", "/v2.0/subnets")).json().subnets;
  assert.ok(!seenByOther.some((s: { id: string }) => s.id === subnet.id));

  const shared = await makeNetwork(t.adminToken, { name: "common", shared: true });
  const adminSubnet = await makeSubnet(t.adminToken, {
    network_id: shared.id,
    ip_version: 4,
    cidr: "10.60.0.0/24",
  });
  // Deliberate difference: Neutron Zed's default policy ("role:member and project_id:%(project_id)s"
  // for the new subnet) lets a member add its own subnet to someone else's shared network (201);
  // Stratus keeps subnets on a network to the network's owner and admins.
  const onShared = await net(memberToken, "POST", "/v2.0/subnets", {
    subnet: { network_id: shared.id, ip_version: 4, cidr: "10.61.0.0/24" },
  });
  assert.equal(onShared.statusCode, 403);
  assert.equal(onShared.json().NeutronError.type, "PolicyNotAuthorized");

  // Everyone sees every subnet of a shared network, but only the owner changes it.
  assert.deepEqual(
    (await net(memberToken, "GET", `/v2.0/subnets/${adminSubnet.id}`)).json().subnet,
    adminSubnet,
  );
  const listed = (await net(otherToken, "GET", `/v2.0/subnets?network_id=${shared.id}`)).json().subnets;
  assert.deepEqual(
    listed.map((s: { id: string }) => s.id),
    [adminSubnet.id],
  );
  const put = await net(memberToken, "PUT", `/v2.0/subnets/${adminSubnet.id}`, { subnet: { name: "x" } });
  assert.equal(put.statusCode, 403);
  assert.equal(put.json().NeutronError.type, "PolicyNotAuthorized");
  const del = await net(memberToken, "DELETE", `/v2.0/subnets/${adminSubnet.id}`);
  assert.equal(del.statusCode, 403);
  assert.equal(del.json().NeutronError.type, "PolicyNotAuthorized");
  assert.equal((await net(t.adminToken, "GET", `/v2.0/subnets/${adminSubnet.id}`)).json().subnet.name, "");
});

test("filters, fields and tags", async () => {
  const network = await makeNetwork(memberToken);
  const other = await makeNetwork(memberToken);
  const v4 = await makeSubnet(memberToken, {
    network_id: network.id,
    ip_version: 4,
    cidr: "10.70.0.0/24",
    name: "four",
  });
  const v6 = await makeSubnet(memberToken, {
    network_id: network.id,
    ip_version: 6,
    cidr: "2001:db8:70::/64",
    name: "six",
  });
  const elsewhere = await makeSubnet(memberToken, {
    network_id: other.id,
    ip_version: 4,
    cidr: "10.71.0.0/24",
    name: "elsewhere",
  });
  const names = async (query: string) =>
    (await net(memberToken, "GET", `/v2.0/subnets?${query}`))
      .json()
      .subnets.map((s: { name: string }) => s.name)
      .sort();

  assert.deepEqual(await names("cidr=10.70.0.0/24"), ["four"]);
  assert.deepEqual(await names("cidr=10.70.0.5/24"), ["four"], "host bits are cleared in the filter too");
  assert.deepEqual(await names(`ip_version=6&network_id=${network.id}`), ["six"]);
  assert.deepEqual(await names(`network_id=${network.id}`), ["four", "six"]);
  assert.deepEqual(await names(`network_id=${network.id}&network_id=${other.id}&ip_version=4`), [
    "elsewhere",
    "four",
  ]);
  assert.deepEqual(await names("gateway_ip=10.71.0.1"), ["elsewhere"]);
  expectNeutronError(
    await net(memberToken, "GET", "/v2.0/subnets?ip_version=x"),
    400,
    "InvalidInput",
    invalidInput("'x' is not an integer"),
  );
  expectNeutronError(
    await net(memberToken, "GET", "/v2.0/subnets?allocation_pools=x"),
    400,
    "HTTPBadRequest",
    "['allocation_pools'] is invalid attribute for filtering",
  );

  const fields = (
    await net(memberToken, "GET", `/v2.0/subnets?network_id=${network.id}&fields=cidr&fields=name`)
  ).json().subnets;
  assert.deepEqual(
    fields.sort((a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name)),
    [
      { cidr: "10.70.0.0/24", name: "four" },
      { cidr: "2001:db8:70::/64", name: "six" },
    ],
  );
  assert.deepEqual((await net(memberToken, "GET", `/v2.0/subnets/${v6.id}?fields=gateway_ip`)).json(), {
    subnet: { gateway_ip: "2001:db8:70::" },
  });

  assert.equal((await net(memberToken, "PUT", `/v2.0/subnets/${v4.id}/tags/red`)).statusCode, 201);
  const replaced = await net(memberToken, "PUT", `/v2.0/subnets/${elsewhere.id}/tags`, {
    tags: ["blue", "green"],
  });
  assert.equal(replaced.statusCode, 200);
  assert.deepEqual(replaced.json(), { tags: ["blue", "green"] });
  assert.deepEqual((await net(memberToken, "GET", `/v2.0/subnets/${elsewhere.id}/tags`)).json(), {
    tags: ["blue", "green"],
  });
  assert.deepEqual(await names("tags=blue"), ["elsewhere"]);
  assert.deepEqual(await names("tags-any=red,blue"), ["elsewhere", "four"]);
  assert.deepEqual(await names(`not-tags=red&network_id=${network.id}`), ["six"]);
  const tagged = (await net(memberToken, "GET", `/v2.0/subnets/${v4.id}`)).json().subnet;
  assert.deepEqual(tagged.tags, ["red"]);
  assert.equal(tagged.revision_number, 1, "a tag change is a revision of the subnet");
  const networkRevision = (await getNetwork(memberToken, network.id)).revision_number;
  assert.equal((await net(memberToken, "DELETE", `/v2.0/subnets/${v4.id}/tags`)).statusCode, 204);
  assert.equal(
    (await getNetwork(memberToken, network.id)).revision_number,
    networkRevision,
    "but not of its network",
  );
  const missing = await net(memberToken, "DELETE", `/v2.0/subnets/${v4.id}/tags/nope`);
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().NeutronError.type, "TagNotFound");
});

test("deleting a subnet, and a network with its subnets", async () => {
  const network = await makeNetwork(memberToken);
  const keep = await makeSubnet(memberToken, { network_id: network.id, ip_version: 4, cidr: "10.80.0.0/24" });
  const drop = await makeSubnet(memberToken, { network_id: network.id, ip_version: 4, cidr: "10.81.0.0/24" });
  const revision = (await getNetwork(memberToken, network.id)).revision_number;
  const deleted = await net(memberToken, "DELETE", `/v2.0/subnets/${drop.id}`);
  assert.equal(deleted.statusCode, 204);
  assert.equal(deleted.body, "");
  const gone = `Subnet ${drop.id} could not be found.`;
  expectNeutronError(await net(memberToken, "GET", `/v2.0/subnets/${drop.id}`), 404, "SubnetNotFound", gone);
  expectNeutronError(
    await net(memberToken, "DELETE", `/v2.0/subnets/${drop.id}`),
    404,
    "SubnetNotFound",
    gone,
  );
  const after = await getNetwork(memberToken, network.id);
  assert.deepEqual(after.subnets, [keep.id]);
  assert.equal(after.revision_number, revision + 1);
  // Its CIDR is free again.
  const again = await makeSubnet(memberToken, {
    network_id: network.id,
    ip_version: 4,
    cidr: "10.81.0.0/24",
  });

  assert.equal((await net(memberToken, "DELETE", `/v2.0/networks/${network.id}`)).statusCode, 204);
  for (const id of [keep.id, again.id]) {
    expectNeutronError(
      await net(memberToken, "GET", `/v2.0/subnets/${id}`),
      404,
      "SubnetNotFound",
      `Subnet ${id} could not be found.`,
    );
  }
  assert.deepEqual(
    (await net(memberToken, "GET", `/v2.0/subnets?network_id=${network.id}`)).json().subnets,
    [],
  );
});

test("Neutron's wording for policy refusals and missing tags", async () => {
  const shared = await makeNetwork(t.adminToken, { name: "wording", shared: true });
  const subnet = await makeSubnet(t.adminToken, {
    network_id: shared.id,
    ip_version: 4,
    cidr: "10.90.0.0/24",
  });
  expectNeutronError(
    await net(memberToken, "PUT", `/v2.0/subnets/${subnet.id}`, { subnet: { name: "x" } }),
    403,
    "PolicyNotAuthorized",
    "rule:update_subnet is disallowed by policy",
  );
  expectNeutronError(
    await net(memberToken, "DELETE", `/v2.0/subnets/${subnet.id}`),
    403,
    "PolicyNotAuthorized",
    "rule:delete_subnet is disallowed by policy",
  );
  expectNeutronError(
    await net(t.adminToken, "DELETE", `/v2.0/subnets/${subnet.id}/tags/nope`),
    404,
    "TagNotFound",
    "Tag nope could not be found.",
  );
});
