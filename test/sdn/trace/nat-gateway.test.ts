import assert from "node:assert/strict";
import { test } from "node:test";
import type { Model, Nat, Owner } from "../../../src/sdn/model.ts";
import { forgetIndex, trace } from "../../../src/sdn/trace/index.ts";
import { cloud, decided, hopOf } from "./fixtures.ts";

/** NAT gateway rules as the compiler writes them (compile/nat-gateways.ts), traced. */

const owner = (type: Owner["type"], id: string): Owner => ({ type, id, revision: 1 });
const NO_PORTS = { protocol: null, external_port: null, internal_port: null } as const;

/** A SNAT rule's row for one source CIDR; the router's own SNAT of that CIDR yields to an internet rule. */
function snatRule(model: Model, rule: string, cidr: string, external: string): void {
  if (!external.startsWith("100.64.")) delete model.nats[`snat-r1-${cidr}`];
  model.nats[`snatr-${rule}-${cidr}`] = {
    name: `snatr-${rule}-${cidr}`,
    owner: owner("snat_rule", rule),
    router: "lr-r1",
    type: "snat",
    external_ip: external,
    logical_ip: cidr,
    logical_port: null,
    ...NO_PORTS,
  };
}

function dnatRule(
  model: Model,
  rule: string,
  fields: Partial<Nat> & Pick<Nat, "external_ip" | "logical_ip">,
) {
  model.nats[`dnatr-${rule}`] = {
    name: `dnatr-${rule}`,
    owner: owner("dnat_rule", rule),
    router: "lr-r1",
    type: "dnat",
    logical_port: null,
    ...NO_PORTS,
    ...fields,
  };
}

const SHARED = "203.0.113.30";
const internet = { destination: { ip_address: "8.8.8.8" }, protocol: "tcp", destination_port: 443 } as const;

test("SNAT rules: two subnets leave by one shared address, each hop naming its rule", () => {
  const { model } = cloud();
  snatRule(model, "s-a", "10.0.0.0/24", SHARED);
  snatRule(model, "s-b", "10.0.1.0/24", SHARED);
  for (const [vm, rule, cidr, ip] of [
    ["vm2", "s-a", "10.0.0.0/24", "10.0.0.6"],
    ["vm3", "s-b", "10.0.1.0/24", "10.0.1.5"],
  ] as const) {
    const result = trace(model, { source: { port_id: vm }, ...internet });
    const nat = hopOf(result, "nat");
    assert.equal(nat.object?.name, `snatr-${rule}-${cidr}`);
    assert.equal(nat.rule_id, rule);
    assert.match(nat.detail, new RegExp(`SNAT rule ${rule} of ${cidr}: source ${ip} -> ${SHARED}`));
    assert.equal(result.reply?.verdict, "delivered", JSON.stringify(result.reply?.hops, null, 1));
  }
  // A floating IP bound 1:1 still wins for its own port.
  const vm1 = hopOf(trace(model, { source: { port_id: "vm1" }, ...internet }), "nat");
  assert.equal(vm1.object?.name, "fip-fip1");
});

test("without a rule, the router's own gateway SNAT applies", () => {
  const { model } = cloud();
  snatRule(model, "s-a", "10.0.0.0/24", SHARED);
  const nat = hopOf(trace(model, { source: { port_id: "vm3" }, ...internet }), "nat");
  assert.equal(nat.object?.name, "snat-r1-10.0.1.0/24");
  assert.match(nat.detail, /-> 203\.0\.113\.5$/);
});

test("DNAT rules: a floating IP's port reaches an internal port; other ports are refused", () => {
  const { model, vm3 } = cloud();
  dnatRule(model, "d-ssh", {
    external_ip: SHARED,
    logical_ip: "10.0.1.5",
    logical_port: vm3.name,
    protocol: "tcp",
    external_port: 2200,
    internal_port: 22,
  });
  const from = { source: { ip_address: "198.51.100.7", network_id: "ext" } };
  const result = trace(model, {
    ...from,
    destination: { ip_address: SHARED },
    protocol: "tcp",
    destination_port: 2200,
  });
  const nat = hopOf(result, "nat");
  assert.equal(nat.object?.name, "dnatr-d-ssh");
  assert.equal(nat.rule_id, "d-ssh");
  assert.match(
    nat.detail,
    /DNAT by DNAT rule d-ssh: destination 203\.0\.113\.30 -> 10\.0\.1\.5:22 \(port vm3\)/,
  );
  decided(result, "delivered", "delivery", { object: "vm3" });
  const other = trace(model, {
    ...from,
    destination: { ip_address: SHARED },
    protocol: "tcp",
    destination_port: 2201,
  });
  decided(other, "dropped", "nat", {
    detail: /no DNAT rule of 203\.0\.113\.30 matches port 2201 \(it forwards tcp\/2200\)/,
  });
});

test("a DNAT rule of protocol any maps the whole address, both ways", () => {
  const { model, vm2 } = cloud();
  dnatRule(model, "d-any", {
    type: "dnat_and_snat",
    external_ip: SHARED,
    logical_ip: "10.0.0.6",
    logical_port: vm2.name,
  });
  const from = { source: { ip_address: "198.51.100.7", network_id: "ext" } };
  const inbound = trace(model, {
    ...from,
    destination: { ip_address: SHARED },
    protocol: "tcp",
    destination_port: 22,
  });
  decided(inbound, "delivered", "delivery", { object: "vm2" });
  assert.match(hopOf(inbound, "nat").detail, /DNAT rule d-any/);
  const outbound = hopOf(trace(model, { source: { port_id: "vm2" }, ...internet }), "nat");
  assert.equal(outbound.object?.name, "dnatr-d-any");
  assert.match(outbound.detail, /source 10\.0\.0\.6 -> 203\.0\.113\.30/);
});

/** The service network 100.64.0.0/24 (an NTP server at .5), and the NAT gateway gw1's leg there (.10). */
function withServiceNetwork() {
  const fixture = cloud();
  const { b, model } = fixture;
  b.network("svc", "100.64.0.0/24", { project: "admin" });
  b.port("ntp", "svc", "100.64.0.5", { portSecurity: false });
  return { ...fixture, leg: () => serviceLeg(model, b) };
}

function serviceLeg(model: Model, b: ReturnType<typeof cloud>["b"]): void {
  b.interface("r1", "svc", "100.64.0.10", "natsvc-gw1");
  delete model.nats["snat-r1-100.64.0.0/24"];
  const lrp = model.logical_router_ports["lrp-natsvc-gw1"]!;
  model.logical_router_ports["lrp-natsvc-gw1"] = {
    ...lrp,
    owner: owner("nat_gateway", "gw1"),
    gateway: true,
  };
}

const ntp = { destination: { port_id: "ntp" }, protocol: "udp", destination_port: 123 } as const;

test("a service network: reached through the NAT gateway's SNAT rule, as the gateway's address there", () => {
  const { model, leg } = withServiceNetwork();
  leg();
  snatRule(model, "s-svc", "10.0.0.0/24", "100.64.0.10");
  const result = trace(model, { source: { port_id: "vm2" }, ...ntp });
  const nat = hopOf(result, "nat");
  assert.equal(nat.object?.name, "snatr-s-svc-10.0.0.0/24");
  assert.match(nat.detail, /SNAT rule s-svc of 10\.0\.0\.0\/24: source 10\.0\.0\.6 -> 100\.64\.0\.10/);
  decided(result, "delivered", "delivery", { object: "ntp" });
  assert.equal(result.reply?.verdict, "delivered", JSON.stringify(result.reply?.hops, null, 1));
  // The service address is for the service network only: the internet still sees the gateway's.
  const out = hopOf(trace(model, { source: { port_id: "vm2" }, ...internet }), "nat");
  assert.equal(out.object?.name, "snat-r1-10.0.0.0/24");
});

test("a service network: refused to a subnet without a rule, and unreachable without any", () => {
  const { model, leg } = withServiceNetwork();
  const none = trace(model, { source: { port_id: "vm3" }, ...ntp });
  assert.notEqual(none.verdict, "delivered", JSON.stringify(none.hops, null, 1));
  leg();
  snatRule(model, "s-svc", "10.0.0.0/24", "100.64.0.10");
  forgetIndex(model);
  const other = trace(model, { source: { port_id: "vm3" }, ...ntp });
  decided(other, "dropped", "nat", {
    detail: /no SNAT rule of NAT gateway gw1 lets 10\.0\.1\.5 reach service network svc/,
  });
});
