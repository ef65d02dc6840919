/**
 * Effective status of the physical topology: what is really up, given what the administrator
 * marked down and what each node depends on. Pure: rows in, a status per id out.
 *
 * - A host or device marked down is down ("marked down").
 * - A host linked to TORs is down when every TOR it is linked to is down.
 * - A TOR or gateway linked to spines is down when every spine it is linked to is down.
 * - No such link means no dependency: a host with no TOR link only fails by itself.
 */

export type NodeState = "up" | "down";
export type EndpointKind = "host" | "device";
export const DEVICE_KINDS = ["spine", "tor", "gateway", "firewall", "load_balancer"] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export interface HostNode {
  id: string;
  name: string;
  state: string;
}

export interface DeviceNode extends HostNode {
  kind: string;
}

export interface LinkEnds {
  a_kind: string;
  a_id: string;
  b_kind: string;
  b_id: string;
}

export interface Effective {
  status: NodeState;
  /** Why it is down; null when up. */
  reason: string | null;
}

const UP: Effective = { status: "up", reason: null };
const MARKED: Effective = { status: "down", reason: "marked down" };

/** Statuses of every host and device, keyed by id (ids are UUIDs, so the kinds share one map). */
export function effectiveStatuses(
  hosts: readonly HostNode[],
  devices: readonly DeviceNode[],
  links: readonly LinkEnds[],
): Map<string, Effective> {
  const result = new Map<string, Effective>();
  const byId = new Map(devices.map((device) => [device.id, device]));
  const neighbours = deviceNeighbours(links);
  const settle = (node: HostNode, upstreamKind: DeviceKind | undefined) => {
    const upstream = upstreamKind === undefined ? [] : upstreamOf(node.id, upstreamKind, neighbours, byId);
    result.set(node.id, statusOf(node, upstream, result));
  };
  // In dependency order: spines (and appliances) first, then TORs and gateways, then hosts.
  for (const device of devices) if (!dependsOnSpines(device.kind)) settle(device, undefined);
  for (const device of devices) if (dependsOnSpines(device.kind)) settle(device, "spine");
  for (const host of hosts) settle(host, "tor");
  return result;
}

const dependsOnSpines = (kind: string) => kind === "tor" || kind === "gateway";

/** For each endpoint id, the device ids it is linked to. */
function deviceNeighbours(links: readonly LinkEnds[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (from: string, to: string) => {
    const list = out.get(from);
    if (list === undefined) out.set(from, [to]);
    else list.push(to);
  };
  for (const link of links) {
    if (link.b_kind === "device") add(link.a_id, link.b_id);
    if (link.a_kind === "device") add(link.b_id, link.a_id);
  }
  return out;
}

function upstreamOf(
  id: string,
  kind: DeviceKind,
  neighbours: ReadonlyMap<string, string[]>,
  byId: ReadonlyMap<string, DeviceNode>,
): DeviceNode[] {
  const ids = [...new Set(neighbours.get(id) ?? [])];
  return ids.flatMap((other) => {
    const device = byId.get(other);
    return device !== undefined && device.kind === kind ? [device] : [];
  });
}

function statusOf(
  node: HostNode,
  upstream: readonly DeviceNode[],
  settled: ReadonlyMap<string, Effective>,
): Effective {
  if (node.state === "down") return MARKED;
  if (upstream.length === 0) return UP;
  if (upstream.some((device) => settled.get(device.id)?.status !== "down")) return UP;
  return { status: "down", reason: downReason(upstream.map((device) => device.name)) };
}

/** "device tor-1 is down" / "devices tor-1, tor-2 are down". */
export function downReason(names: readonly string[]): string {
  const sorted = [...names].sort();
  return sorted.length === 1 ? `device ${sorted[0]} is down` : `devices ${sorted.join(", ")} are down`;
}
