import assert from "node:assert/strict";
import { test } from "node:test";
import type { Qos } from "../../../src/sdn/model.ts";
import { trace } from "../../../src/sdn/trace/index.ts";
import { cloud } from "./fixtures.ts";

/** Floating IP bandwidths in traces: the meter met, its size, its id, dedicated or shared. */

const toInternet = (port: string) => ({
  source: { port_id: port },
  destination: { ip_address: "8.8.8.8" },
  protocol: "tcp",
  destination_port: 443,
});
const forwarded = {
  source: { ip_address: "198.51.100.7", network_id: "ext" },
  destination: { ip_address: "203.0.113.20" },
  protocol: "tcp",
  destination_port: 2222,
};

/** A bandwidth's meter on r1's gateway, as compile/bandwidths.ts writes it. */
function meter(id: string, shareType: "PER" | "WHOLE", mbit: number, nats: string[]) {
  const rows: Record<string, Qos> = {};
  for (const direction of ["egress", "ingress"] as const) {
    const name = `qos-bw-${id}-r1-${direction}`;
    rows[name] = {
      name,
      owner: { type: "bandwidth", id, revision: 1 },
      port: "lrp-gw-r1",
      direction,
      nats,
      qos_policy_id: null,
      bandwidth: { id, share_type: shareType, size_mbit: mbit },
      max_kbps: mbit * 1000,
      max_burst_kbps: null,
      dscp_mark: null,
    };
  }
  return rows;
}

const met = (
  qos: ReadonlyArray<{
    bandwidth?: { id: string; share_type: string; size_mbit: number };
    max_kbps: number | null;
    direction: string;
  }>,
) =>
  qos.map(
    (q) =>
      `${q.bandwidth?.id}/${q.bandwidth?.share_type}/${q.bandwidth?.size_mbit}/${q.max_kbps}/${q.direction}`,
  );

test("a dedicated bandwidth is reported for its floating IP's traffic both ways, and for nothing else", () => {
  const { model } = cloud();
  Object.assign(model.qos, meter("bw1", "PER", 10, ["fip-fip1"]));
  const out = trace(model, toInternet("vm1"));
  assert.equal(out.verdict, "delivered");
  assert.deepEqual(met(out.qos), ["bw1/PER/10/10000/egress"]);
  assert.deepEqual(met(out.reply!.qos), ["bw1/PER/10/10000/ingress"]);
  assert.equal(out.qos[0]?.qos_policy_id, null);
  // vm3 leaves by the router's SNAT; the port forwarding is another floating IP.
  assert.deepEqual(trace(model, toInternet("vm3")).qos, []);
  assert.deepEqual(trace(model, forwarded).qos, []);
});

test("a shared pool is one meter: every floating IP in it reports the same pool", () => {
  const { model } = cloud();
  Object.assign(model.qos, meter("pool", "WHOLE", 100, ["fip-fip1", "pf-pf1"]));
  const viaFip = trace(model, toInternet("vm1"));
  const viaForwarding = trace(model, forwarded);
  assert.equal(viaForwarding.verdict, "delivered");
  assert.deepEqual(met(viaFip.qos), ["pool/WHOLE/100/100000/egress"]);
  assert.deepEqual(met(viaForwarding.qos), ["pool/WHOLE/100/100000/ingress"]);
  assert.equal(viaFip.qos[0]?.object, viaForwarding.reply?.qos[0]?.object.replace("ingress", "egress"));
  assert.deepEqual(trace(model, toInternet("vm3")).qos, []);
});
