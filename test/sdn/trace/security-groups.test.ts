import assert from "node:assert/strict";
import { test } from "node:test";
import { trace } from "../../../src/sdn/trace/index.ts";
import { ModelBuilder } from "./builder.ts";
import { cloud, decided, hopOf } from "./fixtures.ts";

const ssh = { protocol: "tcp", destination_port: 22 };

test("same network: SSH allowed by the ingress rule, delivered at L2 with a stateful reply", () => {
  const { model } = cloud();
  const result = trace(model, { source: { port_id: "vm1" }, destination: { port_id: "vm2" }, ...ssh });
  decided(result, "delivered", "delivery", { object: "vm2" });
  assert.equal(hopOf(result, "egress_acl").rule_id, "web-egress");
  assert.equal(hopOf(result, "ingress_acl").rule_id, "r-ssh");
  assert.equal(hopOf(result, "switch").detail, "10.0.0.6 is on ls-net-a: L2 to port vm2");
  assert.ok(!result.hops.some((hop) => hop.step === "route"), "no router on the same network");
  assert.deepEqual(result.final_packet, {
    src_ip: "10.0.0.5",
    dst_ip: "10.0.0.6",
    protocol: 6,
    src_port: 32768,
    dst_port: 22,
  });
  const reply = result.reply!;
  decided(reply, "delivered", "delivery", { object: "vm1" });
  assert.match(hopOf(reply, "egress_acl").detail, /reply to an allowed connection \(allow-related\)/);
  assert.equal(hopOf(reply, "egress_acl").rule_id, "r-ssh");
  assert.equal(hopOf(reply, "ingress_acl").rule_id, "web-egress");
  assert.equal(reply.final_packet.dst_port, 32768);
});

test("same network: HTTP is dropped by the destination's security group (ingress)", () => {
  const { model } = cloud();
  const result = trace(model, {
    source: { port_id: "vm1" },
    destination: { port_id: "vm2" },
    protocol: "tcp",
    destination_port: 80,
  });
  decided(result, "dropped", "ingress_acl", {
    object: "vm2",
    rule: null,
    detail: /no security group rule allows ingress tcp .*10\.0\.0\.6:80/,
  });
  assert.equal(result.reply, undefined, "no reply for a dropped request");
});

test("egress: a group without egress rules drops what the VM sends", () => {
  const { b, model } = cloud();
  b.securityGroup("silent", { egress: false });
  b.port("mute", "net-a", "10.0.0.9", { groups: ["silent"] });
  const result = trace(model, { source: { port_id: "mute" }, destination: { port_id: "vm2" }, ...ssh });
  decided(result, "dropped", "egress_acl", {
    object: "mute",
    detail: /silent .*no security group rule allows egress/,
  });
});

test("an explicit drop ACL decides, naming its rule", () => {
  const { b, model } = cloud();
  b.rule("web", "r-no-ssh", { direction: "ingress", protocol: 6, ports: [22, 22], action: "drop" });
  const result = trace(model, { source: { port_id: "vm1" }, destination: { port_id: "vm2" }, ...ssh });
  decided(result, "dropped", "ingress_acl", { object: "acl-r-no-ssh", rule: "r-no-ssh" });
});

function statelessPair(reverse: boolean) {
  const b = new ModelBuilder();
  b.network("net", "10.0.0.0/24");
  b.securityGroup("sl", { stateful: false, egress: false });
  b.rule("sl", "out-ssh", { direction: "egress", protocol: 6, ports: [22, 22] });
  b.rule("sl", "in-ssh", { direction: "ingress", protocol: 6, ports: [22, 22] });
  if (reverse) {
    b.rule("sl", "out-eph", { direction: "egress", protocol: 6, ports: [32768, 60999] });
    b.rule("sl", "in-eph", { direction: "ingress", protocol: 6, ports: [32768, 60999] });
  }
  b.port("a", "net", "10.0.0.5", { groups: ["sl"] });
  b.port("c", "net", "10.0.0.6", { groups: ["sl"] });
  return b.model;
}

test("stateless group: the reply is dropped without a rule for it", () => {
  const result = trace(statelessPair(false), {
    source: { port_id: "a" },
    destination: { port_id: "c" },
    ...ssh,
  });
  decided(result, "delivered", "delivery", { object: "c" });
  assert.equal(hopOf(result, "ingress_acl").rule_id, "in-ssh");
  decided(result.reply!, "dropped", "egress_acl", { object: "c", detail: /stateless rule \(acl-in-ssh\)/ });
});

test("stateless group: the reply passes with rules allowing it on both ends", () => {
  const result = trace(statelessPair(true), {
    source: { port_id: "a" },
    destination: { port_id: "c" },
    ...ssh,
  });
  const reply = result.reply!;
  decided(reply, "delivered", "delivery", { object: "a" });
  assert.equal(hopOf(reply, "egress_acl").rule_id, "out-eph");
  assert.equal(hopOf(reply, "ingress_acl").rule_id, "in-eph");
});

test("anti-spoofing: a port may only send from its own addresses", () => {
  const { b, model } = cloud();
  b.port("spoofer", "net-a", "10.0.0.50", { groups: ["web"], securityIps: ["10.0.0.51"] });
  const result = trace(model, { source: { port_id: "spoofer" }, destination: { port_id: "vm2" }, ...ssh });
  decided(result, "dropped", "port_security", { object: "spoofer", detail: /anti-spoofing/ });
});

test("an allowed address pair (VIP) receives traffic and may answer from it", () => {
  const { b, model } = cloud();
  b.port("keepalived", "net-a", "10.0.0.7", { groups: ["web"], pairs: ["10.0.0.100"] });
  const result = trace(model, {
    source: { port_id: "vm1" },
    destination: { ip_address: "10.0.0.100" },
    ...ssh,
  });
  decided(result, "delivered", "delivery", { object: "keepalived", detail: /allowed address pair/ });
  const reply = result.reply!;
  assert.equal(hopOf(reply, "port_security").decision, "pass");
  assert.match(hopOf(reply, "port_security").detail, /10\.0\.0\.100 is allowed/);
  decided(reply, "delivered", "delivery", { object: "vm1" });
});

for (const pair of [true, false]) {
  test(`a VM routing for other addresses answers from them ${pair ? "with" : "but is spoofing without"} a CIDR address pair`, () => {
    const { b, model } = cloud();
    b.port("vrouter", "net-a", "10.0.0.8", { groups: ["web"], ...(pair ? { pairs: ["0.0.0.0/0"] } : {}) });
    b.route("r1", "192.168.50.0/24", "10.0.0.8", "lrp-ri-r1-net-a");
    const result = trace(model, {
      source: { port_id: "vm3" },
      destination: { ip_address: "192.168.50.5" },
      ...ssh,
    });
    decided(result, "delivered", "delivery", { object: "vrouter", detail: /next hop 10\.0\.0\.8/ });
    assert.equal(hopOf(result, "route").rule_id, "sr-r1-192.168.50.0/24-10.0.0.8");
    const reply = result.reply!;
    if (pair) decided(reply, "delivered", "delivery", { object: "vm3" });
    else
      decided(reply, "dropped", "port_security", {
        object: "vrouter",
        detail: /192\.168\.50\.5.*anti-spoofing/,
      });
  });
}

test("remote_group_id: only members of the remote group are allowed", () => {
  const { b, model } = cloud();
  b.securityGroup("app");
  b.securityGroup("db");
  b.rule("db", "r-pg", { direction: "ingress", protocol: 6, ports: [5432, 5432], remote: { group: "app" } });
  b.port("app1", "net-a", "10.0.0.20", { groups: ["app"] });
  b.port("db1", "net-a", "10.0.0.30", { groups: ["db"] });
  const pg = { protocol: "tcp", destination_port: 5432 };
  const allowed = trace(model, { source: { port_id: "app1" }, destination: { port_id: "db1" }, ...pg });
  decided(allowed, "delivered", "delivery", { object: "db1" });
  assert.equal(hopOf(allowed, "ingress_acl").rule_id, "r-pg");
  const refused = trace(model, { source: { port_id: "vm1" }, destination: { port_id: "db1" }, ...pg });
  decided(refused, "dropped", "ingress_acl", { object: "db1" });
});

test("port security disabled: no filtering either way", () => {
  const { b, model } = cloud();
  b.port("open", "net-a", "10.0.0.40", { portSecurity: false });
  const result = trace(model, {
    source: { port_id: "vm1" },
    destination: { port_id: "open" },
    protocol: "udp",
    destination_port: 53,
  });
  decided(result, "delivered", "delivery", { object: "open" });
  assert.match(hopOf(result, "ingress_acl").detail, /port security is disabled/);
});

test("admin_state_up false: the source port and the destination port drop", () => {
  const { b, model } = cloud();
  b.port("down", "net-a", "10.0.0.60", { groups: ["web"], enabled: false });
  const from = trace(model, { source: { port_id: "down" }, destination: { port_id: "vm2" }, ...ssh });
  decided(from, "dropped", "admin_state", { object: "down", detail: /administratively down/ });
  const to = trace(model, { source: { port_id: "vm1" }, destination: { port_id: "down" }, ...ssh });
  decided(to, "dropped", "admin_state", { object: "down" });
});

test("QoS rows of the ports crossed are reported in the packet's direction, others not", () => {
  const { b, model } = cloud();
  b.qos("vm1-out", "vm1", "egress", 10_000);
  b.qos("vm1-in", "vm1", "ingress", 3_000);
  b.qos("vm2-in", "vm2", "ingress", 5_000);
  b.qos("vm2-out", "vm2", "egress", 2_000);
  b.qos("vm3-in", "vm3", "ingress", 1_000);
  const result = trace(model, { source: { port_id: "vm1" }, destination: { port_id: "vm2" }, ...ssh });
  const limit = (object: string, port: string, direction: string, kbps: number) => ({
    object,
    port,
    qos_policy_id: `policy-${object.slice(4)}`,
    direction,
    max_kbps: kbps,
    max_burst_kbps: kbps / 10,
    dscp_mark: null,
  });
  assert.deepEqual(result.qos, [
    limit("qos-vm1-out", "vm1", "egress", 10_000),
    limit("qos-vm2-in", "vm2", "ingress", 5_000),
  ]);
  assert.deepEqual(
    result.reply!.qos.map((q) => q.object),
    ["qos-vm2-out", "qos-vm1-in"],
  );
});

test("IPv6: an ICMPv6 echo is matched by an IPv6 rule; a dual-stack port is traced in the source's family", () => {
  const b = new ModelBuilder();
  b.network("v6", "2001:db8::/64");
  b.securityGroup("sg", { egress: false });
  b.rule("sg", "out6", { direction: "egress", ethertype: "IPv6" });
  b.rule("sg", "ping6", { direction: "ingress", ethertype: "IPv6", protocol: 58 });
  b.port("s", "v6", "2001:db8::5", { groups: ["sg"] });
  b.port("d", "v6", ["10.0.0.9", "2001:db8::6"], { groups: ["sg"] });
  const result = trace(b.model, {
    source: { port_id: "s" },
    destination: { port_id: "d" },
    protocol: "icmp",
  });
  decided(result, "delivered", "delivery", { object: "d" });
  assert.equal(result.final_packet.dst_ip, "2001:db8::6");
  assert.equal(result.final_packet.protocol, 58);
  assert.match(hopOf(result, "ingress_acl").detail, /ipv6-icmp type 128|ingress from anywhere/);
  assert.equal(hopOf(result, "ingress_acl").rule_id, "ping6");
  decided(result.reply!, "delivered", "delivery", { object: "s" });
});
