import assert from "node:assert/strict";
import { test } from "node:test";
import { compile } from "../../../src/sdn/compile/index.ts";
import type { NetworkState, RouteTableRouteInput, VpcPeeringInput } from "../../../src/sdn/compile/input.ts";
import { trace } from "../../../src/sdn/trace/index.ts";
import { decided, hopOf } from "./fixtures.ts";

/**
 * VPC peering compiled from a hand-written NetworkState and traced: VPCs A (10.1.0.0/16),
 * B (10.2.0.0/16) and C (10.3.0.0/16), one subnet and one VM each (10.x.1.5), peerings A-B and B-C.
 */

const std = (id: string) => ({ id, project_id: "p", revision_number: 1 });

function vpc(state: NetworkState, name: string, octet: number): void {
  const net = `net-${name}`;
  const subnet = `sub-${name}`;
  state.networks.push({
    ...std(net),
    name: net,
    admin_state_up: true,
    mtu: 1442,
    external: false,
    shared: false,
    port_security_enabled: true,
    network_type: "geneve",
    physical_network: null,
    segmentation_id: octet,
  });
  state.subnets.push({
    ...std(subnet),
    network_id: net,
    ip_version: 4,
    cidr: `10.${octet}.1.0/24`,
    gateway_ip: `10.${octet}.1.1`,
    enable_dhcp: false,
    dns_nameservers: [],
    host_routes: [],
  });
  const port = (id: string, ip: string, owner: string, device: string) => ({
    ...std(id),
    network_id: net,
    name: id,
    admin_state_up: true,
    mac_address: `fa:16:3e:00:0${octet}:${id.startsWith("vm") ? "05" : "01"}`,
    fixed_ips: [{ subnet_id: subnet, ip_address: ip }],
    device_owner: owner,
    device_id: device,
    port_security_enabled: true,
    security_groups: owner === "compute:nova" ? ["open"] : [],
    allowed_address_pairs: [],
    binding_host_id: owner === "compute:nova" ? "compute-1" : "",
  });
  state.ports.push(port(`ri-${name}`, `10.${octet}.1.1`, "network:router_interface", `r-${name}`));
  state.ports.push(port(`vm-${name}`, `10.${octet}.1.5`, "compute:nova", ""));
  state.routers.push({
    ...std(`r-${name}`),
    name,
    admin_state_up: true,
    gw_port_id: null,
    enable_snat: false,
    routes: [],
  });
  state.vpcs!.push({ ...std(`vpc-${name}`), name, router_id: `r-${name}`, cidrs: [`10.${octet}.0.0/16`] });
  state.route_tables!.push({
    ...std(`rt-${name}`),
    name: `main-${name}`,
    vpc_id: `vpc-${name}`,
    main: true,
    subnet_ids: [],
    routes: [],
  });
}

const peering = (id: string, from: string, to: string, transit: string): VpcPeeringInput => ({
  ...std(id),
  name: id,
  status: "ACTIVE",
  request_vpc_id: `vpc-${from}`,
  accept_vpc_id: `vpc-${to}`,
  transit_cidr: transit,
});

const via = (destination: string, nexthop: string): RouteTableRouteInput => ({
  destination,
  nexthop_type: "peering",
  nexthop,
});

function world(): NetworkState {
  const state: NetworkState = {
    networks: [],
    subnets: [],
    ports: [],
    routers: [],
    floating_ips: [],
    port_forwardings: [],
    security_groups: [{ ...std("open"), name: "open", stateful: true }],
    security_group_rules: (["ingress", "egress"] as const).map((direction) => ({
      ...std(`open-${direction}`),
      security_group_id: "open",
      direction,
      ethertype: "IPv4" as const,
      protocol: null,
      port_range_min: null,
      port_range_max: null,
      remote_ip_prefix: null,
      remote_group_id: null,
    })),
    vpcs: [],
    route_tables: [],
    vpc_peerings: [peering("ab", "a", "b", "169.254.128.0/30"), peering("bc", "b", "c", "169.254.128.4/30")],
  };
  vpc(state, "a", 1);
  vpc(state, "b", 2);
  vpc(state, "c", 3);
  const routes = (name: string) => state.route_tables!.find((table) => table.id === `rt-${name}`)!.routes;
  routes("a").push(via("10.2.0.0/16", "ab"));
  routes("b").push(via("10.1.0.0/16", "ab"), via("10.3.0.0/16", "bc"));
  routes("c").push(via("10.2.0.0/16", "bc"));
  return state;
}

const ping = (from: string, to: string) =>
  ({ source: { port_id: `vm-${from}` }, destination: { port_id: `vm-${to}` }, protocol: "icmp" }) as const;

test("A and B, with routes on both sides: delivered both ways, naming the route table and the peering", () => {
  const model = compile(world());
  assert.deepEqual(model.problems, []);
  assert.deepEqual(model.logical_router_ports["lrp-peering-ab-vpc-b"]?.networks, ["169.254.128.2/30"]);
  const result = trace(model, ping("a", "b"));
  const route = hopOf(result, "route");
  assert.equal(route.rule_id, "rt-a");
  assert.equal(route.object?.name, "rtp-rt-a-10.2.0.0/16");
  assert.match(route.detail, /via 169\.254\.128\.2 of route table main-a \(rt-a\) through VPC peering ab/);
  const guard = hopOf(result, "route_table");
  assert.equal(guard.object?.name, "rtp-peering-ab-vpc-b-10.2.0.0/16");
  assert.equal(guard.object?.owner.type, "vpc_peering");
  assert.match(guard.detail, /VPC peering ab delivers/);
  decided(result, "delivered", "delivery", { object: "vm-b" });
  assert.equal(result.reply?.verdict, "delivered", JSON.stringify(result.reply?.hops, null, 1));
  assert.equal(hopOf(result.reply, "route").rule_id, "rt-b");
});

test("the reply needs B's route back: without it the request arrives and the reply has no route", () => {
  const state = world();
  const b = state.route_tables!.find((table) => table.id === "rt-b")!;
  b.routes = b.routes.filter((route) => route.destination !== "10.1.0.0/16");
  const result = trace(compile(state), ping("a", "b"));
  assert.equal(result.verdict, "delivered");
  decided(result.reply!, "dropped", "route", {
    detail: /no route: router lr-r-b has no route to 10\.1\.1\.5/,
  });
});

test("no transitive routing: A -> C through B is dropped at B even though B routes to C", () => {
  const state = world();
  // The API refuses this route (10.3.0.0/16 is not inside B); written by hand it shows the guard.
  state.route_tables!.find((table) => table.id === "rt-a")!.routes.push(via("10.3.0.0/16", "ab"));
  const result = trace(compile(state), ping("a", "c"));
  decided(result, "dropped", "route", {
    object: "rtp-peering-ab-vpc-b-0.0.0.0/0",
    rule: "ab",
    detail: /came from 10\.1\.0\.0\/16 over VPC peering ab: no transitive routing through peering ab/,
  });
  // B itself reaches C over its own peering.
  decided(trace(compile(state), ping("b", "c")), "delivered", "delivery", { object: "vm-c" });
});

test("a peering that is not ACTIVE: no transit, and routes through it drop with the reason", () => {
  for (const status of ["PENDING_ACCEPTANCE", "REJECTED"]) {
    const state = world();
    state.vpc_peerings![0]!.status = status;
    const model = compile(state);
    assert.equal(model.logical_switches["ls-peering-ab"], undefined);
    assert.ok(model.logical_switches["ls-peering-bc"]);
    decided(trace(model, ping("a", "b")), "dropped", "route", {
      object: "rtp-rt-a-10.2.0.0/16",
      rule: "rt-a",
      detail: new RegExp(
        `through VPC peering ab: VPC peering ab is ${status}, not ACTIVE: routes through it are inert`,
      ),
    });
  }
});

test("no route through the peering in A: the packet has no route", () => {
  const state = world();
  state.route_tables!.find((table) => table.id === "rt-a")!.routes = [];
  decided(trace(compile(state), ping("a", "b")), "dropped", "route", { detail: /no route: router lr-r-a/ });
});

test("a route through an unknown peering, or one of other VPCs, is a problem of its route table", () => {
  const state = world();
  state.route_tables!.find((table) => table.id === "rt-a")!.routes.push(via("10.3.0.0/16", "bc"));
  state.route_tables!.find((table) => table.id === "rt-c")!.routes.push(via("10.1.0.0/16", "gone"));
  const reasons = compile(state).problems.map((p) => `${p.owner.id}: ${p.reason}`);
  assert.deepEqual(reasons, [
    "rt-a: route 10.3.0.0/16: next hop VPC peering bc is not a peering of VPC vpc-a",
    "rt-c: route 10.1.0.0/16: next hop VPC peering gone does not exist",
  ]);
});
