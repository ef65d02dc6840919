import assert from "node:assert/strict";
import { test } from "node:test";
import { forgetIndex, trace } from "../../../src/sdn/trace/index.ts";
import { cloud, decided } from "./fixtures.ts";

const outside = { ip_address: "198.51.100.7", network_id: "ext" };
const web = { protocol: "tcp", destination_port: 443 } as const;
const toInternet = (port: string) => ({
  source: { port_id: port },
  destination: { ip_address: "8.8.8.8" },
  ...web,
});
const objects = (qos: Array<{ object: string }>) => qos.map((q) => q.object);

test("a floating IP's limit applies to what its NAT translates, both ways, and to nothing else", () => {
  const { b, model } = cloud();
  b.qos("fip1-out", "lrp-gw-r1", "egress", 8_000, ["fip-fip1"]);
  b.qos("fip1-in", "lrp-gw-r1", "ingress", 4_000, ["fip-fip1"]);
  const viaFip = trace(model, toInternet("vm1"));
  assert.equal(viaFip.verdict, "delivered");
  assert.deepEqual(objects(viaFip.qos), ["qos-fip1-out"]);
  assert.deepEqual(objects(viaFip.reply!.qos), ["qos-fip1-in"]);
  const inbound = trace(model, {
    source: outside,
    destination: { ip_address: "203.0.113.10" },
    protocol: "tcp",
    destination_port: 22,
  });
  assert.deepEqual(objects(inbound.qos), ["qos-fip1-in"]);
  // vm3 leaves through the router's SNAT, not the floating IP: its limit is not vm3's.
  assert.deepEqual(objects(trace(model, toInternet("vm3")).qos), []);
});

test("a router gateway's limit applies to SNAT traffic only, not to a floating IP's", () => {
  const { b, model } = cloud();
  b.qos("gw-out", "lrp-gw-r1", "egress", 100_000, ["snat-r1-10.0.1.0/24", "snat-r1-10.0.0.0/24"]);
  assert.deepEqual(objects(trace(model, toInternet("vm3")).qos), ["qos-gw-out"]);
  assert.deepEqual(objects(trace(model, toInternet("vm1")).qos), []);
  // East-west traffic never crosses the gateway.
  const eastWest = trace(model, { source: { port_id: "vm1" }, destination: { port_id: "vm3" }, ...web });
  assert.deepEqual(objects(eastWest.qos), []);
});

test("device fault: a port on a host that is down drops at the chassis hop, sending or receiving", () => {
  const { b, model } = cloud();
  b.port("far", "net-a", "10.0.0.40", { groups: ["web"], host: "compute-2" });
  b.chassis("host", "compute-1", false, "device tor-1 is down");
  b.chassis("host", "compute-2", true);
  const from = trace(model, { source: { port_id: "vm1" }, destination: { port_id: "far" }, ...web });
  decided(from, "dropped", "chassis", {
    object: "host-compute-1",
    detail: /host compute-1, which is down \(device tor-1 is down\)/,
  });
  const to = trace(model, { source: { port_id: "far" }, destination: { port_id: "vm2" }, protocol: "icmp" });
  decided(to, "dropped", "chassis", { object: "host-compute-1" });
  b.chassis("host", "compute-1", true);
  forgetIndex(model);
  const restored = trace(model, {
    source: { port_id: "far" },
    destination: { port_id: "vm2" },
    protocol: "icmp",
  });
  assert.equal(restored.verdict, "delivered");
});

test("device fault: with every gateway chassis down, north-south traffic drops; east-west still flows", () => {
  const { b, model } = cloud();
  b.chassis("gateway", "gw-1", false, "device spine-1 is down");
  b.gatewayChassis("r1", []);
  decided(trace(model, toInternet("vm2")), "dropped", "chassis", {
    object: "lrp-gw-r1",
    detail: /no gateway chassis up to carry it: gw-1 \(device spine-1 is down\) down/,
  });
  const inbound = trace(model, { source: outside, destination: { ip_address: "203.0.113.10" }, ...web });
  decided(inbound, "dropped", "chassis", { object: "lrp-gw-r1" });
  const eastWest = trace(model, {
    source: { port_id: "vm1" },
    destination: { port_id: "vm3" },
    protocol: "icmp",
  });
  assert.equal(eastWest.verdict, "delivered");
  b.gatewayChassis("r1", ["gateway-gw-2"]);
  assert.equal(trace(model, toInternet("vm2")).verdict, "delivered");
});
