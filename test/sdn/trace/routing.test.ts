import assert from "node:assert/strict";
import { test } from "node:test";
import { forgetIndex, trace } from "../../../src/sdn/trace/index.ts";
import { ModelBuilder } from "./builder.ts";
import { cloud, decided, hopOf } from "./fixtures.ts";

const ssh = { protocol: "tcp", destination_port: 22 };

test("cross-network: routed by the router's connected network", () => {
  const { model } = cloud();
  const result = trace(model, { source: { port_id: "vm1" }, destination: { port_id: "vm3" }, ...ssh });
  decided(result, "delivered", "delivery", { object: "vm3" });
  const entry = hopOf(result, "router_port");
  assert.equal(entry.object?.name, "lrp-ri-r1-net-a");
  const route = hopOf(result, "route");
  assert.equal(route.object?.name, "lrp-ri-r1-net-b");
  assert.match(route.detail, /connected network 10\.0\.1\.0\/24/);
  assert.ok(!result.hops.some((hop) => hop.step === "nat"), "no NAT between internal networks");
  decided(result.reply!, "delivered", "delivery", { object: "vm1" });
});

test("ping the gateway: delivered to the router itself, and it answers", () => {
  const { model } = cloud();
  const result = trace(model, {
    source: { port_id: "vm1" },
    destination: { ip_address: "10.0.0.1" },
    protocol: "icmp",
  });
  decided(result, "delivered", "delivery", { object: "lrp-ri-r1-net-a", detail: /router lr-r1/ });
  decided(result.reply!, "delivered", "delivery", { object: "vm1" });
});

test("no route: a network without a router", () => {
  const b = new ModelBuilder();
  b.network("lonely", "10.9.0.0/24");
  b.port("solo", "lonely", "10.9.0.5", { portSecurity: false });
  const result = trace(b.model, {
    source: { port_id: "solo" },
    destination: { ip_address: "8.8.8.8" },
    ...ssh,
  });
  decided(result, "dropped", "switch", {
    object: "ls-lonely",
    detail: /no route: .*the network has no router/,
  });
});

test("no route: a router without a gateway has no route to the internet", () => {
  const b = new ModelBuilder();
  b.network("net", "10.9.0.0/24");
  b.port("solo", "net", "10.9.0.5", { portSecurity: false });
  b.router("inner");
  b.interface("inner", "net", "10.9.0.1");
  const result = trace(b.model, {
    source: { port_id: "solo" },
    destination: { ip_address: "8.8.8.8" },
    ...ssh,
  });
  decided(result, "dropped", "route", { object: "lr-inner", detail: /no route to 8\.8\.8\.8/ });
});

test("admin_state_up false on the router drops what it would route", () => {
  const b = new ModelBuilder();
  b.network("n1", "10.1.0.0/24");
  b.network("n2", "10.2.0.0/24");
  b.port("x", "n1", "10.1.0.5", { portSecurity: false });
  b.port("y", "n2", "10.2.0.5", { portSecurity: false });
  b.router("down", { enabled: false });
  b.interface("down", "n1", "10.1.0.1");
  b.interface("down", "n2", "10.2.0.1");
  const result = trace(b.model, { source: { port_id: "x" }, destination: { port_id: "y" }, ...ssh });
  decided(result, "dropped", "admin_state", { object: "lr-down", detail: /administratively down/ });
});

/** n1 - r1 - transit - r2 - n3; r1 reaches n3 by an extra route via r2. */
function twoRouters() {
  const b = new ModelBuilder();
  b.network("n1", "10.1.0.0/24");
  b.network("transit", "10.254.0.0/24");
  b.network("n3", "10.3.0.0/24");
  b.port("x", "n1", "10.1.0.5", { portSecurity: false });
  b.port("z", "n3", "10.3.0.5", { portSecurity: false });
  b.router("r1");
  b.interface("r1", "n1", "10.1.0.1");
  const r1Transit = b.interface("r1", "transit", "10.254.0.1");
  b.router("r2");
  const r2Transit = b.interface("r2", "transit", "10.254.0.2");
  b.interface("r2", "n3", "10.3.0.1");
  const extra = b.route("r1", "10.3.0.0/24", "10.254.0.2", r1Transit);
  b.route("r2", "10.1.0.0/24", "10.254.0.1", r2Transit);
  return { b, extra, r1Transit, r2Transit };
}

test("extra routes: the packet crosses two routers and the reply comes back", () => {
  const { b, extra } = twoRouters();
  const result = trace(b.model, { source: { port_id: "x" }, destination: { port_id: "z" }, ...ssh });
  decided(result, "delivered", "delivery", { object: "z" });
  const route = hopOf(result, "route");
  assert.equal(route.object?.name, extra);
  assert.equal(route.rule_id, extra);
  assert.equal(hopOf(result, "router_port", 1).object?.name, "lrp-ri-r2-transit");
  decided(result.reply!, "delivered", "delivery", { object: "x" });
});

test("routing loop: routes pointing at each other end with the TTL", () => {
  const { b, r1Transit, r2Transit } = twoRouters();
  b.route("r1", "192.168.0.0/24", "10.254.0.2", r1Transit);
  b.route("r2", "192.168.0.0/24", "10.254.0.1", r2Transit);
  const result = trace(b.model, {
    source: { port_id: "x" },
    destination: { ip_address: "192.168.0.9" },
    ...ssh,
  });
  decided(result, "dropped", "route", { detail: /routing loop/ });
  // 16 routers crossed; the 17th refuses it.
  assert.equal(result.hops.filter((hop) => hop.step === "router_port").length, 17);
  assert.equal(result.hops.at(-1)?.object?.table, "logical_routers");
});

test("a next hop address nobody has on an internal network drops", () => {
  const { b, r1Transit } = twoRouters();
  b.route("r1", "172.16.0.0/16", "10.254.0.99", r1Transit);
  const result = trace(b.model, {
    source: { port_id: "x" },
    destination: { ip_address: "172.16.1.1" },
    ...ssh,
  });
  decided(result, "dropped", "switch", { object: "ls-transit", detail: /next hop 10\.254\.0\.99/ });
});

test("tenant isolation: overlapping CIDRs on two networks are not reachable at L2", () => {
  const b = new ModelBuilder();
  b.network("tenant-a", "10.0.0.0/24", { project: "a" });
  b.network("tenant-b", "10.0.0.0/24", { project: "b" });
  b.port("a1", "tenant-a", "10.0.0.5", { portSecurity: false, project: "a" });
  b.port("b1", "tenant-b", "10.0.0.7", { portSecurity: false, project: "b" });
  for (const destination of [{ ip_address: "10.0.0.7" }, { port_id: "b1" }]) {
    const result = trace(b.model, { source: { port_id: "a1" }, destination, ...ssh });
    decided(result, "dropped", "switch", {
      object: "ls-tenant-a",
      detail: /no port on ls-tenant-a has 10\.0\.0\.7/,
    });
    assert.ok(!result.hops.some((hop) => hop.object?.name === "b1"), "tenant B's port never appears");
  }
});

test("a model changed in place is re-indexed after forgetIndex", () => {
  const { model } = cloud();
  const request = { source: { port_id: "vm1" }, destination: { port_id: "vm3" }, ...ssh } as const;
  assert.equal(trace(model, request).verdict, "delivered");
  model.logical_routers["lr-r1"]!.enabled = false;
  model.logical_routers["lr-r1"] = { ...model.logical_routers["lr-r1"]! };
  forgetIndex(model);
  decided(trace(model, request), "dropped", "admin_state", { object: "lr-r1" });
});

/** Two projects, each network behind its own router on the same external network. */
function twoProjects(snat: boolean) {
  const b = new ModelBuilder();
  b.network("ext", "203.0.113.0/24", { external: true });
  b.network("na", "10.1.0.0/24");
  b.network("nb", "10.2.0.0/24");
  b.port("a", "na", "10.1.0.5", { portSecurity: false });
  b.port("z", "nb", "10.2.0.5", { portSecurity: false });
  b.router("ra", { gateway: { network: "ext", ip: "203.0.113.11", upstream: "203.0.113.1" } });
  b.interface("ra", "na", "10.1.0.1");
  b.router("rb", { gateway: { network: "ext", ip: "203.0.113.12", upstream: "203.0.113.1" }, snat });
  b.interface("rb", "nb", "10.2.0.1");
  return b.model;
}

test("another project's private address behind a SNAT router is not reachable through the upstream", () => {
  const result = trace(twoProjects(true), {
    source: { port_id: "a" },
    destination: { port_id: "z" },
    ...ssh,
  });
  decided(result, "dropped", "external", { object: "ls-ext", detail: /internal address \(ls-nb\)/ });
});

test("a router without SNAT is reached through the upstream, and so is its reply", () => {
  const result = trace(twoProjects(false), {
    source: { port_id: "a" },
    destination: { port_id: "z" },
    ...ssh,
  });
  decided(result, "delivered", "delivery", { object: "z" });
  assert.equal(hopOf(result, "router_port", 1).object?.name, "lrp-gw-rb");
  assert.equal(result.final_packet.src_ip, "203.0.113.11", "ra still SNATs");
  decided(result.reply!, "delivered", "delivery", { object: "a" });
});

test("a destination port is reached only as itself: the same address on the source's network is not it", () => {
  const b = new ModelBuilder();
  b.network("tenant-a", "10.0.0.0/24");
  b.network("tenant-b", "10.0.0.0/24");
  b.port("a1", "tenant-a", "10.0.0.5", { portSecurity: false });
  b.port("a7", "tenant-a", "10.0.0.7", { portSecurity: false });
  b.port("b7", "tenant-b", "10.0.0.7", { portSecurity: false });
  const result = trace(b.model, { source: { port_id: "a1" }, destination: { port_id: "b7" }, ...ssh });
  decided(result, "dropped", "delivery", {
    object: "a7",
    detail: /not to the requested port b7 \(b7 is on ls-tenant-b\)/,
  });
});

test("an on-link address nobody has is not routed", () => {
  const { model } = cloud();
  const result = trace(model, {
    source: { port_id: "vm1" },
    destination: { ip_address: "10.0.0.99" },
    ...ssh,
  });
  decided(result, "dropped", "switch", {
    object: "ls-net-a",
    detail: /no port on ls-net-a has 10\.0\.0\.99/,
  });
});

test("provider networks: the upstream gateway carries a packet from one physical network to another", () => {
  const b = new ModelBuilder();
  b.network("vlan", "192.0.2.0/24");
  b.network("flat", "198.51.100.0/24");
  b.localnet("vlan");
  b.localnet("flat");
  b.port("v", "vlan", "192.0.2.10", { portSecurity: false });
  b.port("f", "flat", "198.51.100.10", { portSecurity: false });
  const result = trace(b.model, { source: { port_id: "v" }, destination: { port_id: "f" }, ...ssh });
  decided(result, "delivered", "delivery", { object: "f" });
  assert.match(
    hopOf(result, "external").detail,
    /upstream 192\.0\.2\.1 delivers 198\.51\.100\.10 onto physical network ls-flat/,
  );
  decided(result.reply!, "delivered", "delivery", { object: "v" });
});

test("a router's own port as source sends from the router; a floating IP's port as destination is its address", () => {
  const { model } = cloud();
  const fromRouter = trace(model, {
    source: { port_id: "ri-r1-net-a" },
    destination: { port_id: "vm3" },
    protocol: "icmp",
  });
  assert.equal(fromRouter.hops[0]?.object?.name, "lr-r1");
  decided(fromRouter, "delivered", "delivery", { object: "vm3" });
  decided(fromRouter.reply!, "delivered", "delivery", { object: "lrp-ri-r1-net-a" });
  const toFip = trace(model, {
    source: { port_id: "vm3" },
    destination: { port_id: "fipport-fip1" },
    ...ssh,
  });
  decided(toFip, "delivered", "delivery", { object: "vm1" });
});
