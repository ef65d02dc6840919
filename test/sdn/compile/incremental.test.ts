import assert from "node:assert/strict";
import { test } from "node:test";
import { syntheticState } from "../../../bench/sdn-state.ts";
import { compile } from "../../../src/sdn/compile/index.ts";
import { CompiledNetwork } from "../../../src/sdn/compile/incremental.ts";
import type { NetworkState, PortInput } from "../../../src/sdn/compile/input.ts";
import { TABLES, type Model } from "../../../src/sdn/model.ts";

/** A deterministic pseudo-random sequence (the same failures on every run). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

/** The model as a full compile would order it, so key order cannot decide equality. */
function normal(model: Model): Record<string, unknown> {
  const out: Record<string, unknown> = { problems: model.problems };
  for (const table of TABLES) {
    const rows: Record<string, unknown> = model[table];
    out[table] = Object.fromEntries(
      Object.keys(rows)
        .sort()
        .map((name) => [name, rows[name]]),
    );
  }
  return out;
}

type Edit = (port: PortInput, state: NetworkState, pick: () => number) => PortInput;

/** The edits a user makes to ordinary ports, including ones the compiler turns into problems. */
const EDITS: Record<string, Edit> = {
  rename: (port) => ({ ...port, name: `${port.name}x`, revision_number: port.revision_number + 1 }),
  disable: (port) => ({ ...port, admin_state_up: !port.admin_state_up }),
  unbind: (port) => ({ ...port, binding_host_id: port.binding_host_id === "" ? "compute-1" : "" }),
  groups: (port, state, pick) => ({
    ...port,
    security_groups: [state.security_groups[Math.floor(pick() * state.security_groups.length)]!.id],
  }),
  noGroups: (port) => ({ ...port, security_groups: [] }),
  missingGroup: (port) => ({ ...port, security_groups: [...port.security_groups, "no-such-group"] }),
  unsecured: (port) => ({ ...port, port_security_enabled: !port.port_security_enabled }),
  pairShared: (port, state) => ({
    ...port,
    // An address another member brings too: the set must keep it while either has it.
    allowed_address_pairs: [{ ip_address: state.ports[5]!.fixed_ips[0]!.ip_address, mac_address: "" }],
  }),
  pairCidr: (port) => ({ ...port, allowed_address_pairs: [{ ip_address: "10.99.0.0/24", mac_address: "" }] }),
  badPair: (port) => ({ ...port, allowed_address_pairs: [{ ip_address: "not-an-ip", mac_address: "" }] }),
  badIp: (port) => ({
    ...port,
    fixed_ips: [{ subnet_id: port.fixed_ips[0]?.subnet_id ?? "", ip_address: "192.0.2.77" }],
  }),
  noIp: (port) => ({ ...port, fixed_ips: [] }),
};

test("patching ordinary ports one change at a time gives exactly what a full compile gives", () => {
  const state = syntheticState({ ports: 400, rules: 60, routers: 6 });
  const compiled = new CompiledNetwork(state, compile(state));
  const pick = random(7);
  const ordinary = () =>
    state.ports.filter((p) => p.device_owner === "compute:nova" || p.device_owner === "");
  const names = Object.keys(EDITS);
  for (let step = 0; step < 300; step++) {
    const candidates = ordinary();
    const port = candidates[Math.floor(pick() * candidates.length)]!;
    const edit = names[step % names.length]!;
    const index = state.ports.findIndex((p) => p.id === port.id);
    let touched;
    if (step % 17 === 16) {
      state.ports.splice(index, 1);
      touched = compiled.patchPorts([], [port.id]);
    } else {
      const changed = EDITS[edit]!(port, state, pick);
      state.ports[index] = changed;
      touched = compiled.patchPorts([changed], []);
    }
    if (touched === undefined) {
      // A port a floating IP or port forwarding names: the caller compiles in full; so do we.
      state.ports[index] = port;
      continue;
    }
    assert.deepEqual(normal(compiled.model), normal(compile(state)), `after ${edit} of ${port.id}`);
  }
});

test("a new port joins its groups' port groups and address sets; deleting it takes it out", () => {
  const state = syntheticState({ ports: 50, rules: 10, routers: 2 });
  const compiled = new CompiledNetwork(state, compile(state));
  const model = compiled.model;
  const template = state.ports.find((p) => p.device_owner === "compute:nova")!;
  const group = template.security_groups[0]!;
  const fresh: PortInput = {
    ...template,
    id: "new-port",
    mac_address: "fa:16:3e:ff:ff:01",
    fixed_ips: [{ subnet_id: template.fixed_ips[0]!.subnet_id, ip_address: "10.0.200.1" }],
    allowed_address_pairs: [],
  };
  const touched = compiled.patchPorts([fresh], [])!;
  assert.ok(model.port_groups[`pg-${group}`]!.ports.includes("new-port"));
  assert.ok(model.address_sets[`as-${group}-ip4`]!.addresses.includes("10.0.200.1"));
  assert.ok(touched.get("logical_switch_ports")!.has("new-port"));
  compiled.patchPorts([], ["new-port"]);
  assert.equal(model.logical_switch_ports["new-port"], undefined);
  assert.ok(!model.address_sets[`as-${group}-ip4`]!.addresses.includes("10.0.200.1"));
});

test("router, floating IP and NAT-target ports are left to a full compile", () => {
  const state = syntheticState({ ports: 100, rules: 10, routers: 2 });
  const compiled = new CompiledNetwork(state, compile(state));
  const leg = state.ports.find((p) => p.device_owner === "network:router_interface")!;
  assert.equal(compiled.patchPorts([{ ...leg, name: "x" }], []), undefined);
  const target = state.floating_ips.find((f) => f.port_id !== null)!.port_id!;
  assert.equal(compiled.patchPorts([], [target]), undefined);
  const vm = state.ports.find((p) => p.device_owner === "compute:nova" && p.id !== target)!;
  const becomesLeg = { ...vm, device_owner: "network:router_interface" };
  assert.equal(compiled.patchPorts([becomesLeg], []), undefined);
});
