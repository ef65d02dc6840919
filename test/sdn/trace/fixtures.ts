import assert from "node:assert/strict";
import type { Hop, TraceResult } from "../../../src/sdn/trace/types.ts";
import { ModelBuilder } from "./builder.ts";

/**
 * One project's cloud: net-a (10.0.0.0/24: vm1, vm2) and net-b (10.0.1.0/24: vm3) behind router r1,
 * whose gateway 203.0.113.5 is on the external network ext. Group web allows all egress, SSH and
 * ICMP in. vm1 has floating IP 203.0.113.10; 203.0.113.20 forwards tcp/2222 to vm2:22.
 */
export function cloud() {
  const b = new ModelBuilder();
  b.network("ext", "203.0.113.0/24", { external: true });
  b.network("net-a", "10.0.0.0/24");
  b.network("net-b", "10.0.1.0/24");
  b.securityGroup("web");
  b.rule("web", "r-ssh", { direction: "ingress", protocol: 6, ports: [22, 22], remote: "0.0.0.0/0" });
  b.rule("web", "r-ping", { direction: "ingress", protocol: 1 });
  const vm1 = b.port("vm1", "net-a", "10.0.0.5", { groups: ["web"] });
  const vm2 = b.port("vm2", "net-a", "10.0.0.6", { groups: ["web"] });
  const vm3 = b.port("vm3", "net-b", "10.0.1.5", { groups: ["web"] });
  b.router("r1", { gateway: { network: "ext", ip: "203.0.113.5", upstream: "203.0.113.1" } });
  b.interface("r1", "net-a", "10.0.0.1");
  b.interface("r1", "net-b", "10.0.1.1");
  b.floatingIp("fip1", "r1", "ext", "203.0.113.10", vm1);
  b.floatingIp("fip2", "r1", "ext", "203.0.113.20", null);
  b.portForwarding("pf1", "r1", "203.0.113.20", vm2, { protocol: "tcp", external: 2222, internal: 22 });
  return { b, model: b.model, vm1, vm2, vm3 };
}

export const last = (result: Omit<TraceResult, "reply">): Hop => result.hops.at(-1)!;

export function hopOf(result: Omit<TraceResult, "reply">, step: string, nth = 0): Hop {
  const hops = result.hops.filter((hop) => hop.step === step);
  const hop = hops[nth];
  assert.ok(hop, `no ${step} hop #${nth} in ${JSON.stringify(result.hops.map((h) => h.step))}`);
  return hop;
}

/** Asserts the verdict and the deciding (last) hop's step, decision and, if given, object name / rule id. */
export function decided(
  result: Omit<TraceResult, "reply">,
  verdict: TraceResult["verdict"],
  step: string,
  expect: { object?: string; rule?: string | null; detail?: RegExp } = {},
): Hop {
  const hop = last(result);
  const context = JSON.stringify(result.hops, null, 1);
  assert.equal(result.verdict, verdict, context);
  assert.equal(hop.step, step, context);
  assert.equal(hop.decision, verdict === "delivered" ? "deliver" : "drop", context);
  if (expect.object !== undefined) assert.equal(hop.object?.name, expect.object, context);
  if (expect.rule !== undefined) assert.equal(hop.rule_id, expect.rule, context);
  if (expect.detail !== undefined) assert.match(hop.detail, expect.detail, context);
  return hop;
}
