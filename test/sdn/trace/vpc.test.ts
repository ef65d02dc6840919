import assert from "node:assert/strict";
import { test } from "node:test";
import { trace } from "../../../src/sdn/trace/index.ts";
import { cloud, decided, hopOf } from "./fixtures.ts";

const tcp = (port: number) => ({ protocol: "tcp", destination_port: port }) as const;
const A = "10.0.0.0/24";

test("route table: a subnet's table reroutes through an appliance; the other subnet keeps the router's routes", () => {
  const { b, model } = cloud();
  b.port("fw", "net-b", "10.0.1.50", { portSecurity: false });
  b.routePolicy("rt-a", "r1", [A], "10.0.0.0/16", "local");
  b.routePolicy("rt-a", "r1", [A], "0.0.0.0/0", "reroute", { nexthop: "10.0.1.50", port: "lrp-ri-r1-net-b" });
  const fromA = trace(model, {
    source: { port_id: "vm1" },
    destination: { ip_address: "8.8.8.8" },
    ...tcp(443),
  });
  const route = hopOf(fromA, "route");
  assert.equal(route.object?.name, "rtp-rt-a-0.0.0.0/0");
  assert.equal(route.rule_id, "rt-a");
  assert.match(route.detail, /route table rt-a-name \(rt-a\)/);
  decided(fromA, "delivered", "delivery", { object: "fw" });
  // East-west inside the VPC: the local route leaves it to the router's connected networks.
  const inside = trace(model, {
    source: { port_id: "vm1" },
    destination: { port_id: "vm3" },
    protocol: "icmp",
  });
  assert.equal(hopOf(inside, "route_table").object?.name, "rtp-rt-a-10.0.0.0/16");
  decided(inside, "delivered", "delivery", { object: "vm3" });
  // net-b is not served by rt-a: the gateway's default route still applies.
  const fromB = trace(model, {
    source: { port_id: "vm3" },
    destination: { ip_address: "8.8.8.8" },
    ...tcp(443),
  });
  assert.equal(hopOf(fromB, "route").object?.name, "sr-r1-default");
});

test("route table: the longest prefix wins, and a blackhole route drops naming its table", () => {
  const { b, model } = cloud();
  b.routePolicy("rt-a", "r1", [A], "8.0.0.0/8", "drop");
  b.routePolicy("rt-a", "r1", [A], "8.8.8.0/24", "reroute", { nexthop: "10.0.1.5", port: "lrp-ri-r1-net-b" });
  const near = trace(model, {
    source: { port_id: "vm1" },
    destination: { ip_address: "8.8.8.8" },
    ...tcp(22),
  });
  assert.equal(hopOf(near, "route").object?.name, "rtp-rt-a-8.8.8.0/24");
  const far = trace(model, {
    source: { port_id: "vm1" },
    destination: { ip_address: "8.8.4.4" },
    ...tcp(22),
  });
  decided(far, "dropped", "route", { object: "rtp-rt-a-8.0.0.0/8", rule: "rt-a", detail: /blackhole/ });
});

test("network ACL vs security group: the stateless ACL blocks the reply the stateful group lets back", () => {
  const { b, model } = cloud();
  // net-b's ACL lets ssh in, but nothing back out: no rule for the reply's source port 22.
  b.networkAcl("nacl-b", ["lrp-ri-r1-net-b"], "egress", [
    { id: "in-ssh", action: "allow", protocol: 6, destination_ports: [22, 22] },
  ]);
  b.networkAcl("nacl-b", ["lrp-ri-r1-net-b"], "ingress", [
    { id: "out-https", action: "allow", protocol: 6, destination_ports: [443, 443] },
  ]);
  const ssh = trace(model, { source: { port_id: "vm1" }, destination: { port_id: "vm3" }, ...tcp(22) });
  assert.equal(ssh.verdict, "delivered");
  const acl = hopOf(ssh, "network_acl");
  assert.equal(acl.object?.name, "nacl-nacl-b-egress");
  assert.equal(acl.rule_id, "in-ssh");
  // The security group (stateful) passes the reply; the ACL (stateless) drops it.
  decided(ssh.reply!, "dropped", "network_acl", {
    object: "nacl-nacl-b-ingress",
    rule: null,
    detail: /deny by default \(network ACLs are stateless: a reply needs a rule of its own\)/,
  });
  // Without the ACL the same reply is let back by the group's conntrack.
  const { model: plain } = cloud();
  assert.equal(
    trace(plain, { source: { port_id: "vm1" }, destination: { port_id: "vm3" }, ...tcp(22) }).reply!.verdict,
    "delivered",
  );
});

test("network ACL: first match wins, an explicit deny names its rule, and intra-subnet traffic is not filtered", () => {
  const { b, model } = cloud();
  b.networkAcl("nacl-a", ["lrp-ri-r1-net-a"], "ingress", [
    { id: "deny-web", action: "deny", protocol: 6, destination_ports: [80, 80] },
    { id: "allow-all", action: "allow" },
  ]);
  const web = trace(model, { source: { port_id: "vm1" }, destination: { port_id: "vm3" }, ...tcp(80) });
  decided(web, "dropped", "network_acl", {
    object: "nacl-nacl-a-ingress",
    rule: "deny-web",
    detail: /denies/,
  });
  const ping = trace(model, {
    source: { port_id: "vm1" },
    destination: { port_id: "vm3" },
    protocol: "icmp",
  });
  assert.equal(hopOf(ping, "network_acl").rule_id, "allow-all");
  const sameSubnet = trace(model, {
    source: { port_id: "vm1" },
    destination: { port_id: "vm2" },
    ...tcp(22),
  });
  assert.equal(sameSubnet.verdict, "delivered");
  assert.ok(!sameSubnet.hops.some((hop) => hop.step === "network_acl"));
});
