import assert from "node:assert/strict";
import { test } from "node:test";
import {
  downReason,
  effectiveStatuses,
  type DeviceNode,
  type HostNode,
  type LinkEnds,
} from "../../src/network/topology/effective.ts";

/** The effective-status rule on hand-built fabrics: ids are the names, to keep cases readable. */

const device = (name: string, kind: string, state = "up"): DeviceNode => ({ id: name, name, kind, state });
const host = (name: string, state = "up"): HostNode => ({ id: name, name, state });
const link = (a: HostNode, b: HostNode): LinkEnds => ({
  a_kind: "kind" in a ? "device" : "host",
  a_id: a.id,
  b_kind: "kind" in b ? "device" : "host",
  b_id: b.id,
});

function statuses(hosts: HostNode[], devices: DeviceNode[], links: LinkEnds[]) {
  const result = effectiveStatuses(hosts, devices, links);
  return Object.fromEntries([...result].map(([id, e]) => [id, e.reason ?? e.status]));
}

test("everything up without marks; no links means no dependency", () => {
  const s1 = device("spine-1", "spine", "down");
  const h1 = host("compute-1");
  const t1 = device("tor-1", "tor");
  assert.deepEqual(statuses([h1], [s1, t1], []), {
    "spine-1": "marked down",
    "tor-1": "up",
    "compute-1": "up",
  });
});

test("a host marked down is down whatever its TORs", () => {
  const t1 = device("tor-1", "tor");
  const h1 = host("compute-1", "down");
  assert.deepEqual(statuses([h1], [t1], [link(h1, t1)]), { "tor-1": "up", "compute-1": "marked down" });
});

test("a host is down when every TOR it links to is down, up while one remains", () => {
  const t1 = device("tor-1", "tor", "down");
  const t2 = device("tor-2", "tor");
  const h1 = host("compute-1");
  const h2 = host("compute-2");
  const links = [link(h1, t1), link(t2, h1), link(h2, t1)];
  assert.deepEqual(statuses([h1, h2], [t1, t2], links), {
    "tor-1": "marked down",
    "tor-2": "up",
    "compute-1": "up",
    "compute-2": "device tor-1 is down",
  });
  const both = statuses([h1], [t1, { ...t2, state: "down" }], links);
  assert.equal(both["compute-1"], "devices tor-1, tor-2 are down");
});

test("host -> TOR -> spine: spines down take the TOR and its hosts down", () => {
  const s1 = device("spine-1", "spine", "down");
  const s2 = device("spine-2", "spine", "down");
  const t1 = device("tor-1", "tor");
  const h1 = host("compute-1");
  const result = statuses([h1], [s1, s2, t1], [link(t1, s1), link(s2, t1), link(h1, t1)]);
  assert.equal(result["tor-1"], "devices spine-1, spine-2 are down");
  assert.equal(result["compute-1"], "device tor-1 is down");
  const oneUp = statuses([h1], [s1, { ...s2, state: "up" }, t1], [link(t1, s1), link(s2, t1), link(h1, t1)]);
  assert.deepEqual([oneUp["tor-1"], oneUp["compute-1"]], ["up", "up"]);
});

test("gateways depend on spines; links to other kinds are no dependency", () => {
  const s1 = device("spine-1", "spine", "down");
  const gw = device("gw-1", "gateway");
  const fw = device("fw-1", "firewall", "down");
  const h1 = host("compute-1");
  const lb = device("lb-1", "load_balancer");
  const result = statuses([h1], [s1, gw, fw, lb], [link(gw, s1), link(h1, fw), link(lb, s1)]);
  assert.equal(result["gw-1"], "device spine-1 is down");
  assert.equal(result["compute-1"], "up");
  assert.equal(result["lb-1"], "up");
});

test("the reason names are sorted", () => {
  assert.equal(downReason(["tor-2", "tor-1"]), "devices tor-1, tor-2 are down");
  assert.equal(downReason(["tor-9"]), "device tor-9 is down");
});
