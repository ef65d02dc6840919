import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { syntheticState } from "../../../bench/sdn-state.ts";
import { compile } from "../../../src/sdn/compile/index.ts";
import type { NetworkState, SecurityGroupRuleInput } from "../../../src/sdn/compile/input.ts";
import { protocolNumber } from "../../../src/sdn/compile/protocols.ts";

const GOLDEN = join(import.meta.dirname, "golden");
const load = (name: string) =>
  JSON.parse(readFileSync(join(GOLDEN, `${name}.input.json`), "utf8")) as NetworkState;

function withRule(state: NetworkState, fields: Partial<SecurityGroupRuleInput>): NetworkState {
  const [base] = state.security_group_rules;
  assert.ok(base);
  return { ...state, security_group_rules: [{ ...base, id: "rule-x", ...fields }] };
}

describe("protocols", () => {
  test("names map to IANA numbers as in Neutron", () => {
    const expected: Array<[string, number]> = [
      ["tcp", 6],
      ["udp", 17],
      ["icmp", 1],
      ["icmpv6", 58],
      ["ipv6-icmp", 58],
      ["sctp", 132],
      ["gre", 47],
      ["vrrp", 112],
      ["ah", 51],
      ["esp", 50],
      ["udplite", 136],
      ["TCP", 6],
    ];
    for (const [name, number] of expected) assert.equal(protocolNumber(name, "IPv4"), number, name);
  });

  test("numbers as text, any and null", () => {
    assert.equal(protocolNumber("47", "IPv4"), 47);
    assert.equal(protocolNumber("0", "IPv4"), 0);
    assert.equal(protocolNumber(null, "IPv4"), null);
    assert.equal(protocolNumber("any", "IPv6"), null);
    assert.equal(protocolNumber("256", "IPv4"), undefined);
    assert.equal(protocolNumber("bogus", "IPv4"), undefined);
  });

  test("icmp on an IPv6 rule is ICMPv6 (58), with type and code from the port range", () => {
    const state = withRule(load("basic"), {
      ethertype: "IPv6",
      protocol: "icmp",
      port_range_min: 128,
      port_range_max: 0,
    });
    const acl = compile(state).acls["acl-rule-x"];
    assert.equal(acl?.match.protocol, 58);
    assert.equal(acl?.match.icmp_type, 128);
    assert.equal(acl?.match.icmp_code, 0);
    assert.equal(acl?.match.port_min, null);
  });

  test("an unknown protocol is a problem on the rule and no ACL", () => {
    const model = compile(withRule(load("basic"), { protocol: "bogus" }));
    assert.equal(model.acls["acl-rule-x"], undefined);
    assert.deepEqual(
      model.problems.map((p) => [p.owner.type, p.owner.id]),
      [["security_group_rule", "rule-x"]],
    );
  });
});

describe("determinism", () => {
  test("compiling twice gives byte-identical JSON, whatever the input order", () => {
    const state = load("router");
    const first = JSON.stringify(compile(state));
    assert.equal(JSON.stringify(compile(state)), first);
    const reversed = Object.fromEntries(
      Object.entries(state).map(([key, rows]) => [key, [...(rows as unknown[])].reverse()]),
    ) as unknown as NetworkState;
    assert.equal(JSON.stringify(compile(reversed)), first);
  });

  test("the input is not mutated, nor shared with the model", () => {
    const state = load("security");
    const before = structuredClone(state);
    const model = compile(state);
    assert.deepEqual(state, before);
    model.dhcp_options["dhcp-sub-v4"]?.options.dns_server.push("9.9.9.9");
    model.logical_switch_ports["port-web"]?.port_security[0]?.ips.push("10.9.9.9");
    assert.deepEqual(state, before);
  });
});

describe("what users see", () => {
  test("admin_state_up false disables the switch, the port and the router", () => {
    const state = load("router");
    state.networks = state.networks.map((n) => (n.id === "net-a" ? { ...n, admin_state_up: false } : n));
    state.ports = state.ports.map((p) => (p.id === "port-vm-a" ? { ...p, admin_state_up: false } : p));
    state.routers = state.routers.map((r) => ({ ...r, admin_state_up: false }));
    const model = compile(state);
    assert.equal(model.logical_switches["ls-net-a"]?.enabled, false);
    assert.equal(model.logical_switches["ls-net-b"]?.enabled, true);
    assert.equal(model.logical_switch_ports["port-vm-a"]?.enabled, false);
    assert.equal(model.logical_switch_ports["port-vm-b"]?.enabled, true);
    assert.equal(model.logical_routers["lr-router-1"]?.enabled, false);
  });

  test("a port leaving a group leaves its port group and address set", () => {
    const state = load("basic");
    const before = compile(state);
    assert.deepEqual(before.port_groups["pg-sg-default"]?.ports, ["port-vm1", "port-vm2"]);
    state.ports = state.ports.map((p) => (p.id === "port-vm2" ? { ...p, security_groups: [] } : p));
    const after = compile(state);
    assert.deepEqual(after.port_groups["pg-sg-default"]?.ports, ["port-vm1"]);
    assert.deepEqual(after.address_sets["as-sg-default-ip4"]?.addresses, ["10.0.0.10"]);
    assert.deepEqual(after.logical_switch_ports["port-vm2"]?.port_groups, []);
  });

  test("port security off: no anti-spoofing and no group membership", () => {
    const state = load("basic");
    state.ports = state.ports.map((p) => (p.id === "port-vm1" ? { ...p, port_security_enabled: false } : p));
    const model = compile(state);
    assert.deepEqual(model.logical_switch_ports["port-vm1"]?.port_security, []);
    assert.deepEqual(model.logical_switch_ports["port-vm1"]?.port_groups, []);
    assert.deepEqual(model.port_groups["pg-sg-default"]?.ports, ["port-vm2"]);
  });

  test("disabling SNAT drops the snat rows but keeps the floating IP", () => {
    const state = load("router");
    state.routers = state.routers.map((r) => ({ ...r, enable_snat: false }));
    const model = compile(state);
    assert.equal(model.logical_routers["lr-router-1"]?.snat, false);
    assert.deepEqual(
      Object.values(model.nats).map((n) => n.type),
      ["dnat_and_snat", "dnat", "dnat"],
    );
  });
});

describe("synthetic state", () => {
  test("compiles at benchmark scale without problems, one switch port per port", () => {
    const state = syntheticState({ ports: 10_000, rules: 1_000, routers: 100 });
    const model = compile(state);
    assert.deepEqual(model.problems, []);
    const vifs = Object.values(model.logical_switch_ports).filter((p) => p.type !== "localnet");
    assert.equal(vifs.length, state.ports.length);
    for (const port of state.ports) assert.ok(model.logical_switch_ports[port.id], port.id);
    assert.equal(state.ports.filter((p) => p.device_owner === "compute:nova").length, 10_000);
    assert.equal(Object.keys(model.acls).length, 1_000);
    assert.equal(Object.keys(model.logical_routers).length, 100);
  });
});
