import assert from "node:assert/strict";
import { test } from "node:test";
import { trace } from "../../../src/sdn/trace/index.ts";
import { cloud, decided, hopOf } from "./fixtures.ts";

const outside = { ip_address: "198.51.100.7", network_id: "ext" };

test("SNAT: a VM without a floating IP reaches the internet as the gateway address", () => {
  const { model } = cloud();
  const result = trace(model, {
    source: { port_id: "vm2" },
    destination: { ip_address: "8.8.8.8" },
    protocol: "tcp",
    destination_port: 443,
  });
  decided(result, "delivered", "external", {
    object: "ls-ext",
    detail: /external network ext \(upstream gateway 203\.0\.113\.1\)/,
  });
  const route = hopOf(result, "route");
  assert.equal(route.object?.name, "sr-r1-default");
  const nat = hopOf(result, "nat");
  assert.equal(nat.decision, "translate");
  assert.equal(nat.object?.name, "snat-r1-10.0.0.0/24");
  assert.equal(nat.rule_id, "r1");
  assert.equal(nat.packet?.src_ip, "203.0.113.5");
  assert.equal(result.final_packet.src_ip, "203.0.113.5");
  const reply = result.reply!;
  decided(reply, "delivered", "delivery", { object: "vm2" });
  assert.match(hopOf(reply, "nat").detail, /SNAT undone, destination 203\.0\.113\.5 -> 10\.0\.0\.6/);
  assert.deepEqual(reply.final_packet, {
    src_ip: "8.8.8.8",
    dst_ip: "10.0.0.6",
    protocol: 6,
    src_port: 443,
    dst_port: 32768,
  });
});

test("a VM with a floating IP leaves as its floating IP", () => {
  const { model } = cloud();
  const result = trace(model, {
    source: { port_id: "vm1" },
    destination: { ip_address: "8.8.8.8" },
    protocol: "icmp",
  });
  decided(result, "delivered", "external");
  assert.equal(hopOf(result, "nat").rule_id, "fip1");
  assert.equal(result.final_packet.src_ip, "203.0.113.10");
  decided(result.reply!, "delivered", "delivery", { object: "vm1" });
});

test("DNAT: a floating IP is reachable from outside, and the reply leaves as the floating IP", () => {
  const { model } = cloud();
  const result = trace(model, {
    source: outside,
    destination: { ip_address: "203.0.113.10" },
    protocol: "tcp",
    destination_port: 22,
  });
  decided(result, "delivered", "delivery", { object: "vm1" });
  assert.equal(hopOf(result, "router_port").object?.name, "lrp-gw-r1");
  const nat = hopOf(result, "nat");
  assert.equal(nat.rule_id, "fip1");
  assert.equal(nat.packet?.dst_ip, "10.0.0.5");
  assert.equal(hopOf(result, "ingress_acl").rule_id, "r-ssh");
  const reply = result.reply!;
  decided(reply, "delivered", "external", { object: "ls-ext" });
  const undo = hopOf(reply, "nat");
  assert.equal(undo.rule_id, "fip1");
  assert.equal(undo.packet?.src_ip, "203.0.113.10");
  assert.equal(reply.final_packet.src_ip, "203.0.113.10");
  assert.equal(reply.final_packet.dst_ip, "198.51.100.7");
});

test("an internal address is not reachable from outside through a SNAT router", () => {
  const { model } = cloud();
  const result = trace(model, {
    source: outside,
    destination: { ip_address: "10.0.0.5" },
    protocol: "tcp",
    destination_port: 22,
  });
  decided(result, "dropped", "switch", { object: "ls-ext", detail: /upstream cannot reach it/ });
});

test("port forwarding: forwarded on its port, dropped on any other", () => {
  const { model } = cloud();
  const forwarded = trace(model, {
    source: outside,
    destination: { ip_address: "203.0.113.20" },
    protocol: "tcp",
    destination_port: 2222,
  });
  decided(forwarded, "delivered", "delivery", { object: "vm2" });
  const nat = hopOf(forwarded, "nat");
  assert.equal(nat.rule_id, "pf1");
  assert.deepEqual([nat.packet?.dst_ip, nat.packet?.dst_port], ["10.0.0.6", 22]);
  const reply = forwarded.reply!;
  decided(reply, "delivered", "external");
  assert.deepEqual([reply.final_packet.src_ip, reply.final_packet.src_port], ["203.0.113.20", 2222]);

  const other = trace(model, {
    source: outside,
    destination: { ip_address: "203.0.113.20" },
    protocol: "tcp",
    destination_port: 22,
  });
  decided(other, "dropped", "nat", {
    object: "lr-r1",
    detail: /no port forwarding of 203\.0\.113\.20 matches port 22 \(it forwards tcp\/2222\)/,
  });
  const udp = trace(model, {
    source: outside,
    destination: { ip_address: "203.0.113.20" },
    protocol: "udp",
    destination_port: 2222,
  });
  decided(udp, "dropped", "nat");
});

test("hairpin: a VM reaches another VM's floating IP through the gateway", () => {
  const { model } = cloud();
  const result = trace(model, {
    source: { port_id: "vm3" },
    destination: { ip_address: "203.0.113.10" },
    protocol: "tcp",
    destination_port: 22,
  });
  decided(result, "delivered", "delivery", { object: "vm1" });
  assert.equal(result.final_packet.src_ip, "203.0.113.5", "SNAT to the gateway on the way out");
  const reply = result.reply!;
  decided(reply, "delivered", "delivery", { object: "vm3" });
  assert.equal(reply.final_packet.src_ip, "203.0.113.10");
});

test("a floating IP's port as source stands for the port it is associated with", () => {
  const { model } = cloud();
  const result = trace(model, {
    source: { port_id: "fipport-fip1" },
    destination: { ip_address: "8.8.8.8" },
    protocol: "icmp",
  });
  assert.equal(result.hops[0]?.object?.name, "vm1");
  decided(result, "delivered", "external");
  assert.equal(result.final_packet.src_ip, "203.0.113.10");
});
