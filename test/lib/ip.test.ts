import assert from "node:assert/strict";
import { test } from "node:test";
import {
  addOffset,
  cidrContains,
  cidrRange,
  cidrSize,
  cidrsOverlap,
  defaultAllocationPools,
  defaultGateway,
  eui64Address,
  formatCidr,
  formatIp,
  formatRange,
  isReservedV4,
  parseCidr,
  parseCidrLoose,
  parseIp,
  parseRange,
  rangesOverlap,
  type Address,
  type Cidr,
  type IpRange,
} from "../../src/lib/ip.ts";

function ip(text: string): Address {
  const address = parseIp(text);
  assert.ok(address, `expected ${text} to parse`);
  return address;
}

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  assert.ok(parsed, `expected ${text} to parse`);
  return parsed;
}

function pools(ranges: IpRange[]): { start: string; end: string }[] {
  return ranges.map(formatRange);
}

test("parses and formats IPv4", () => {
  assert.deepEqual(parseIp("10.0.0.1"), { version: 4, value: 0x0a000001n });
  for (const text of ["0.0.0.0", "10.0.0.1", "192.168.100.200", "255.255.255.255"]) {
    assert.equal(formatIp(ip(text)), text);
  }
});

test("formats IPv6 in RFC 5952 canonical form", () => {
  const cases: [string, string][] = [
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:0db8::0001", "2001:db8::1"],
    ["::", "::"],
    ["::1", "::1"],
    ["fe80::", "fe80::"],
    ["0:0:0:0:0:0:0:0", "::"],
    ["FE80:0:0:0:0:0:0:1", "fe80::1"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["2001:db8:0:0:1:0:0:0", "2001:db8:0:0:1::"],
    ["1:0:0:2:0:0:0:3", "1:0:0:2::3"],
    ["1::2:3:4:5:6:7", "1:0:2:3:4:5:6:7"],
    ["::ffff:1.2.3.4", "::ffff:1.2.3.4"],
    ["::ffff:0102:0304", "::ffff:1.2.3.4"],
    ["::1.2.3.4", "::102:304"],
    ["1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"],
  ];
  for (const [input, canonical] of cases) {
    const address = ip(input);
    assert.equal(address.version, 6);
    assert.equal(formatIp(address), canonical, input);
    assert.deepEqual(parseIp(canonical), address, canonical);
  }
  assert.equal(ip("::").value, 0n);
  assert.equal(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").value, (1n << 128n) - 1n);
});

test("rejects malformed addresses", () => {
  const bad = [
    "",
    "10.0.0.256",
    "1.2.3",
    "1.2.3.4.5",
    " 10.0.0.1",
    "10.0.0.1 ",
    "010.0.0.1",
    "10.0.0.01",
    "10.0.0.-1",
    "10.0.0.0x1",
    "1..2.3",
    ":",
    ":::",
    "1:::2",
    "1::2::3",
    ":1::2",
    "1::2:",
    "1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7:8::",
    "::1:2:3:4:5:6:7:8",
    "12345::",
    "g::1",
    "fe80::1%eth0",
    "::ffff:1.2.3",
    "::ffff:1.2.3.256",
    "1.2.3.4::",
    ":1.2.3.4",
    "1:2:3:4:5:6:7:1.2.3.4",
  ];
  for (const text of bad) assert.equal(parseIp(text), undefined, JSON.stringify(text));
});

test("parseCidr refuses host bits, parseCidrLoose clears them", () => {
  assert.deepEqual(parseCidr("10.0.0.0/24"), { version: 4, network: 0x0a000000n, prefix: 24 });
  assert.equal(parseCidr("10.0.0.1/24"), undefined);
  assert.deepEqual(parseCidrLoose("10.0.0.1/24"), parseCidr("10.0.0.0/24"));
  assert.equal(parseCidr("2001:db8::1/64"), undefined);
  assert.equal(formatCidr(parseCidrLoose("2001:DB8::1/64") ?? assert.fail()), "2001:db8::/64");
  assert.equal(formatCidr(parseCidrLoose("10.1.2.3") ?? assert.fail()), "10.1.2.3/32");
  assert.equal(formatCidr(parseCidrLoose("fe80::1") ?? assert.fail()), "fe80::1/128");
  for (const text of ["0.0.0.0/0", "10.0.0.0/8", "10.0.0.4/32", "::/0", "2001:db8::/32", "fe80::1/128"]) {
    assert.equal(formatCidr(cidr(text)), text);
  }
  for (const text of [
    "10.0.0.0",
    "10.0.0.0/33",
    "10.0.0.0/-1",
    "10.0.0.0/08",
    "10.0.0.0/",
    "10.0.0.0/24/1",
    "10.0.0.0/ 24",
    "::/129",
    "10.0.0.256/24",
  ]) {
    assert.equal(parseCidr(text), undefined, text);
  }
  assert.equal(parseCidrLoose("10.0.0.0/33"), undefined);
});

test("sizes, ranges, containment and overlap", () => {
  assert.equal(cidrSize(cidr("10.0.0.0/24")), 256n);
  assert.equal(cidrSize(cidr("0.0.0.0/0")), 1n << 32n);
  assert.equal(cidrSize(cidr("2001:db8::/64")), 1n << 64n);
  assert.deepEqual(formatRange(cidrRange(cidr("10.0.0.0/24"))), { start: "10.0.0.0", end: "10.0.0.255" });
  assert.deepEqual(formatRange(cidrRange(cidr("2001:db8::/64"))), {
    start: "2001:db8::",
    end: "2001:db8::ffff:ffff:ffff:ffff",
  });

  assert.equal(cidrContains(cidr("10.0.0.0/24"), ip("10.0.0.0")), true);
  assert.equal(cidrContains(cidr("10.0.0.0/24"), ip("10.0.0.255")), true);
  assert.equal(cidrContains(cidr("10.0.0.0/24"), ip("10.0.1.0")), false);
  assert.equal(cidrContains(cidr("0.0.0.0/0"), ip("1.2.3.4")), true);
  assert.equal(cidrContains(cidr("::/0"), ip("1.2.3.4")), false);
  assert.equal(cidrContains(cidr("0.0.0.0/0"), ip("::1")), false);
  assert.equal(cidrContains(cidr("2001:db8::/64"), ip("2001:db8::abcd")), true);

  assert.equal(cidrsOverlap(cidr("10.0.0.0/8"), cidr("10.20.0.0/16")), true);
  assert.equal(cidrsOverlap(cidr("10.20.0.0/16"), cidr("10.0.0.0/8")), true);
  assert.equal(cidrsOverlap(cidr("10.0.0.0/24"), cidr("10.0.1.0/24")), false);
  assert.equal(cidrsOverlap(cidr("10.0.0.0/24"), cidr("10.0.0.0/24")), true);
  assert.equal(cidrsOverlap(cidr("0.0.0.0/0"), cidr("::/0")), false);
  assert.equal(cidrsOverlap(cidr("2001:db8::/32"), cidr("2001:db8:1::/48")), true);

  const range = parseRange("10.0.0.10", "10.0.0.20") ?? assert.fail();
  assert.equal(rangesOverlap(range, parseRange("10.0.0.20", "10.0.0.30") ?? assert.fail()), true);
  assert.equal(rangesOverlap(range, parseRange("10.0.0.21", "10.0.0.30") ?? assert.fail()), false);
  assert.equal(rangesOverlap(range, parseRange("::a", "::14") ?? assert.fail()), false);
});

test("parseRange validates both ends", () => {
  assert.deepEqual(parseRange("10.0.0.2", "10.0.0.2"), { version: 4, first: 0x0a000002n, last: 0x0a000002n });
  assert.equal(parseRange("10.0.0.3", "10.0.0.2"), undefined);
  assert.equal(parseRange("10.0.0.2", "::3"), undefined);
  assert.equal(parseRange("10.0.0.2", "10.0.0.300"), undefined);
});

test("default allocation pools follow neutron's generate_pools", () => {
  const v4 = cidr("10.0.0.0/24");
  assert.deepEqual(pools(defaultAllocationPools(v4, ip("10.0.0.1"))), [
    { start: "10.0.0.2", end: "10.0.0.254" },
  ]);
  assert.deepEqual(pools(defaultAllocationPools(v4, ip("10.0.0.100"))), [
    { start: "10.0.0.1", end: "10.0.0.99" },
    { start: "10.0.0.101", end: "10.0.0.254" },
  ]);
  assert.deepEqual(pools(defaultAllocationPools(v4, ip("10.0.0.254"))), [
    { start: "10.0.0.1", end: "10.0.0.253" },
  ]);
  assert.deepEqual(pools(defaultAllocationPools(v4, null)), [{ start: "10.0.0.1", end: "10.0.0.254" }]);
  // A gateway outside the usable range (or of the other version) takes nothing away.
  assert.deepEqual(pools(defaultAllocationPools(v4, ip("192.168.0.1"))), [
    { start: "10.0.0.1", end: "10.0.0.254" },
  ]);
  assert.deepEqual(pools(defaultAllocationPools(v4, ip("::1"))), [{ start: "10.0.0.1", end: "10.0.0.254" }]);

  const slash30 = cidr("10.0.0.0/30");
  assert.deepEqual(pools(defaultAllocationPools(slash30, ip("10.0.0.1"))), [
    { start: "10.0.0.2", end: "10.0.0.2" },
  ]);
  assert.deepEqual(pools(defaultAllocationPools(slash30, null)), [{ start: "10.0.0.1", end: "10.0.0.2" }]);

  // /31: point-to-point, both addresses are usable.
  const slash31 = cidr("10.0.0.0/31");
  assert.deepEqual(pools(defaultAllocationPools(slash31, null)), [{ start: "10.0.0.0", end: "10.0.0.1" }]);
  assert.deepEqual(pools(defaultAllocationPools(slash31, ip("10.0.0.1"))), [
    { start: "10.0.0.0", end: "10.0.0.0" },
  ]);
  assert.deepEqual(pools(defaultAllocationPools(slash31, ip("10.0.0.0"))), [
    { start: "10.0.0.1", end: "10.0.0.1" },
  ]);

  // /32: neutron returns the single address and does not subtract the gateway.
  const slash32 = cidr("10.0.0.5/32");
  assert.deepEqual(pools(defaultAllocationPools(slash32, null)), [{ start: "10.0.0.5", end: "10.0.0.5" }]);
  assert.deepEqual(pools(defaultAllocationPools(slash32, ip("10.0.0.5"))), [
    { start: "10.0.0.5", end: "10.0.0.5" },
  ]);

  const v6 = cidr("2001:db8::/64");
  assert.deepEqual(pools(defaultAllocationPools(v6, ip("2001:db8::1"))), [
    { start: "2001:db8::2", end: "2001:db8::ffff:ffff:ffff:ffff" },
  ]);
  // Neutron's own IPv6 default gateway is the network address, which is already outside the pool.
  assert.deepEqual(pools(defaultAllocationPools(v6, defaultGateway(v6))), [
    { start: "2001:db8::1", end: "2001:db8::ffff:ffff:ffff:ffff" },
  ]);
  assert.deepEqual(pools(defaultAllocationPools(cidr("2001:db8::/127"), ip("2001:db8::1"))), []);
  assert.deepEqual(pools(defaultAllocationPools(cidr("2001:db8::/127"), null)), [
    { start: "2001:db8::1", end: "2001:db8::1" },
  ]);
});

test("default gateway", () => {
  assert.equal(formatIp(defaultGateway(cidr("10.0.0.0/24"))), "10.0.0.1");
  assert.equal(formatIp(defaultGateway(cidr("2001:db8::/64"))), "2001:db8::");
});

test("isReservedV4 flags network and broadcast only", () => {
  const v4 = cidr("10.0.0.0/24");
  assert.equal(isReservedV4(v4, ip("10.0.0.0")), true);
  assert.equal(isReservedV4(v4, ip("10.0.0.255")), true);
  assert.equal(isReservedV4(v4, ip("10.0.0.1")), false);
  assert.equal(isReservedV4(v4, ip("10.0.1.0")), false);
  assert.equal(isReservedV4(cidr("10.0.0.0/31"), ip("10.0.0.1")), true);
  assert.equal(isReservedV4(cidr("2001:db8::/64"), ip("2001:db8::")), false);
});

test("EUI-64 SLAAC addresses", () => {
  const v6 = cidr("2001:db8::/64");
  assert.equal(formatIp(eui64Address(v6, "fa:16:3e:11:22:33")), "2001:db8::f816:3eff:fe11:2233");
  assert.equal(formatIp(eui64Address(v6, "00:16:3E:11:22:33")), "2001:db8::216:3eff:fe11:2233");
  assert.throws(() => eui64Address(cidr("2001:db8::/48"), "fa:16:3e:11:22:33"), Error);
  assert.throws(() => eui64Address(cidr("10.0.0.0/24"), "fa:16:3e:11:22:33"), Error);
  for (const mac of ["fa:16:3e:11:22", "fa-16-3e-11-22-33", "fa:16:3e:11:22:3g", "fa:16:3e:11:22:333"]) {
    assert.throws(() => eui64Address(v6, mac), Error, mac);
  }
});

test("addOffset steps through the address space", () => {
  assert.equal(formatIp(addOffset(ip("10.0.0.255"), 1n)), "10.0.1.0");
  assert.equal(formatIp(addOffset(ip("10.0.1.0"), -1n)), "10.0.0.255");
  assert.equal(formatIp(addOffset(ip("2001:db8::ffff"), 1n)), "2001:db8::1:0");
  assert.throws(() => addOffset(ip("255.255.255.255"), 1n), RangeError);
  assert.throws(() => addOffset(ip("::"), -1n), RangeError);
  assert.equal(addOffset(ip("255.255.255.255"), 0n).version, 4);
});
