import type { AuthContext } from "../../http/auth.ts";
import { reader, type NetworkDeps } from "../deps.ts";
import { adminOnly, parseList } from "./common.ts";
import { effectiveStatuses, type Effective } from "./effective.ts";
import * as store from "./store.ts";

/**
 * GET /v2.0/sdn/topology: the physical cloud as a tree. Per zone: spines, TORs (with the spines
 * above and the hosts below them, by links), gateways, L4-L7 appliances, and the hosts with the
 * ports bound to them. Hosts and devices without a zone are listed under `unplaced`.
 */

interface Status {
  state: string;
  status: Effective["status"];
  status_reason: string | null;
}

export interface TreeDevice extends Status {
  id: string;
  name: string;
  kind: string;
  vendor: string;
  model: string;
  driver: string;
  management_ip: string | null;
  /** Spine names a TOR or gateway is linked to. */
  uplinks: string[];
  /** Host names a TOR is linked to. */
  hosts: string[];
}

export interface TreePort {
  id: string;
  name: string;
  status: string;
  device_owner: string;
}

export interface TreeHost extends Status {
  id: string;
  name: string;
  chassis_id: string;
  tunnel_ip: string | null;
  ports: TreePort[];
}

export interface TreeZone {
  id: string;
  name: string;
  description: string;
  vlan_ranges: string[];
  vni_ranges: string[];
  public_ip_pools: string[];
  spines: TreeDevice[];
  tors: TreeDevice[];
  gateways: TreeDevice[];
  appliances: TreeDevice[];
  hosts: TreeHost[];
}

export interface Topology {
  zones: TreeZone[];
  unplaced: { devices: TreeDevice[]; hosts: TreeHost[] };
}

/** Five queries: the four topology tables and the bound ports. */
export async function getTopology(deps: NetworkDeps, auth: AuthContext | null): Promise<Topology> {
  adminOnly(auth, "get_sdn_topology");
  const db = reader(deps);
  const rows = await store.selectTopology(db);
  const ports = await store.selectBoundPorts(
    db,
    rows.hosts.map((host) => host.name),
  );
  return buildTree(rows, ports);
}

/** Pure: the tree from the rows (sorted by name, as read). */
export function buildTree(rows: store.TopologyRows, ports: readonly store.BoundPort[]): Topology {
  const statuses = effectiveStatuses(rows.hosts, rows.devices, rows.links);
  const names = new Map([...rows.hosts, ...rows.devices].map((node) => [node.id, node.name]));
  const kinds = new Map(rows.devices.map((device) => [device.id, device.kind]));
  const peers = neighbours(rows.links);
  const peerNames = (id: string, want: (peerId: string) => boolean) =>
    (peers.get(id) ?? [])
      .filter(want)
      .map((peer) => names.get(peer) ?? peer)
      .sort();
  const isHost = new Set(rows.hosts.map((host) => host.id));
  const device = (row: store.DeviceRow): TreeDevice => ({
    id: row.id,
    name: row.name,
    kind: row.kind,
    vendor: row.vendor,
    model: row.model,
    driver: row.driver,
    management_ip: row.management_ip,
    ...status(row, statuses),
    uplinks:
      row.kind === "tor" || row.kind === "gateway" ? peerNames(row.id, (p) => kinds.get(p) === "spine") : [],
    hosts: row.kind === "tor" ? peerNames(row.id, (p) => isHost.has(p)) : [],
  });
  const portsOf = groupBy(ports, (port) => port.binding_host_id);
  const host = (row: store.HostRow): TreeHost => ({
    id: row.id,
    name: row.name,
    chassis_id: row.chassis_id,
    tunnel_ip: row.tunnel_ip,
    ...status(row, statuses),
    ports: (portsOf.get(row.name) ?? []).map(({ id, name, status, device_owner }) => ({
      id,
      name,
      status,
      device_owner,
    })),
  });
  const devicesIn = groupBy(rows.devices, (row) => row.zone_id ?? "");
  const hostsIn = groupBy(rows.hosts, (row) => row.zone_id ?? "");
  const zones = rows.zones.map((zone) => {
    const devices = (devicesIn.get(zone.id) ?? []).map(device);
    return {
      id: zone.id,
      name: zone.name,
      description: zone.description,
      vlan_ranges: parseList(zone.vlan_ranges),
      vni_ranges: parseList(zone.vni_ranges),
      public_ip_pools: parseList(zone.public_ip_pools),
      ...byRole(devices),
      hosts: (hostsIn.get(zone.id) ?? []).map(host),
    };
  });
  // A zone_id naming no zone (none today: zones in use cannot go) also counts as unplaced.
  const known = new Set(rows.zones.map((zone) => zone.id));
  const unplaced = <T extends { zone_id: string | null }>(row: T) =>
    row.zone_id === null || !known.has(row.zone_id);
  return {
    zones,
    unplaced: {
      devices: rows.devices.filter(unplaced).map(device),
      hosts: rows.hosts.filter(unplaced).map(host),
    },
  };
}

function byRole(devices: readonly TreeDevice[]) {
  const of = (...kinds: string[]) => devices.filter((device) => kinds.includes(device.kind));
  return {
    spines: of("spine"),
    tors: of("tor"),
    gateways: of("gateway"),
    appliances: of("firewall", "load_balancer"),
  };
}

function status(row: { id: string; state: string }, statuses: ReadonlyMap<string, Effective>): Status {
  const effective = statuses.get(row.id) ?? { status: "up" as const, reason: null };
  return { state: row.state, status: effective.status, status_reason: effective.reason };
}

function neighbours(links: readonly store.LinkRow[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (from: string, to: string) => {
    const list = out.get(from);
    if (list === undefined) out.set(from, [to]);
    else list.push(to);
  };
  for (const link of links) {
    add(link.a_id, link.b_id);
    add(link.b_id, link.a_id);
  }
  return out;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(key(item));
    if (list === undefined) out.set(key(item), [item]);
    else list.push(item);
  }
  return out;
}
