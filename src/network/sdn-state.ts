import type { Kysely, Selection } from "kysely";
import type { NetworkState, PortInput } from "../sdn/compile/input.ts";
import { statusKey, type StatusKind, type StoredStatus } from "../sdn/status.ts";
import { fromJson, sortFixedIps } from "./port-view.ts";
import { loadQosPolicies } from "./qos-state.ts";
import { loadFirewallGroups } from "./fwaas/state.ts";
import { loadTopologyState } from "./topology/state.ts";
import { loadVpcState } from "./vpc/state.ts";
import { loadPeeringState } from "./peering/state.ts";
import { loadNatState } from "./nat/state.ts";
import { loadBandwidthState } from "./bandwidths/state.ts";
import type { NetworkTables } from "./tables.ts";

/** The SDN controller's side of networking: what it compiles, and the statuses it writes back. */
type Db = Kysely<NetworkTables>;

/** The compiler's input and the stored statuses (with their revisions), read together. */
export interface SdnSnapshot {
  state: NetworkState;
  statuses: Map<string, StoredStatus>;
}

/** The port columns the compiler and the status need (a 10,000-port read, so no more). */
const PORT_COLUMNS = [
  "id",
  "project_id",
  "revision_number",
  "status",
  "network_id",
  "name",
  "admin_state_up",
  "mac_address",
  "device_owner",
  "device_id",
  "port_security_enabled",
  "security_groups",
  "allowed_address_pairs",
  "binding_host_id",
  "qos_policy_id",
] as const;

/** A score of queries whatever the size of the cloud: each table read whole, joined in memory. */
export async function loadSdnSnapshot(db: Db): Promise<SdnSnapshot> {
  const [qosPolicies, topology, vpc, firewallGroups] = await Promise.all([
    loadQosPolicies(db),
    loadTopologyState(db),
    loadVpcState(db),
    loadFirewallGroups(db),
  ]);
  const vpcPeerings = await loadPeeringState(db);
  const natGateways = await loadNatState(db);
  const bandwidths = await loadBandwidthState(db);
  const [networks, subnets, ports, allocations, routers, routes, fips, forwardings, groups, rules] =
    await Promise.all([
      db.selectFrom("networks").selectAll().orderBy("id").execute(),
      db.selectFrom("subnets").selectAll().orderBy("id").execute(),
      db.selectFrom("ports").select(PORT_COLUMNS).orderBy("id").execute(),
      db.selectFrom("ip_allocations").select(["port_id", "subnet_id", "ip_address"]).execute(),
      db.selectFrom("routers").selectAll().orderBy("id").execute(),
      db.selectFrom("router_routes").selectAll().orderBy("router_id").orderBy("position").execute(),
      db.selectFrom("floating_ips").selectAll().orderBy("id").execute(),
      db.selectFrom("port_forwardings").selectAll().orderBy("id").execute(),
      db.selectFrom("security_groups").selectAll().orderBy("id").execute(),
      db.selectFrom("security_group_rules").selectAll().orderBy("id").execute(),
    ]);
  const ips = groupBy(allocations, (row) => row.port_id);
  const routesBy = groupBy(routes, (row) => row.router_id);
  const statuses = new Map<string, StoredStatus>();
  const note = (kind: StatusKind, rows: ReadonlyArray<{ id: string } & StoredStatus>) => {
    for (const { id, status, revision_number } of rows)
      statuses.set(statusKey(kind, id), { status, revision_number });
  };
  note("network", networks);
  note("port", ports);
  note("router", routers);
  note("floatingip", fips);
  const state: NetworkState = {
    networks: networks.map((row) => ({
      ...standard(row),
      name: row.name,
      admin_state_up: row.admin_state_up === 1,
      mtu: row.mtu,
      external: row.external === 1,
      shared: row.shared === 1,
      port_security_enabled: row.port_security_enabled === 1,
      network_type: row.network_type,
      physical_network: row.physical_network,
      segmentation_id: row.segmentation_id,
      qos_policy_id: row.qos_policy_id,
    })),
    subnets: subnets.map((row) => ({
      ...standard(row),
      network_id: row.network_id,
      ip_version: row.ip_version === 6 ? 6 : 4,
      cidr: row.cidr,
      gateway_ip: row.gateway_ip,
      enable_dhcp: row.enable_dhcp === 1,
      dns_nameservers: fromJson(row.dns_nameservers) as string[],
      host_routes: fromJson(row.host_routes) as Array<{ destination: string; nexthop: string }>,
    })),
    ports: ports.map((row) => portInput(row, ips.get(row.id))),
    routers: routers.map((row) => ({
      ...standard(row),
      name: row.name,
      admin_state_up: row.admin_state_up === 1,
      gw_port_id: row.gw_port_id,
      enable_snat: row.enable_snat === 1,
      routes: (routesBy.get(row.id) ?? []).map(({ destination, nexthop }) => ({ destination, nexthop })),
      gw_qos_policy_id: row.gw_qos_policy_id,
    })),
    floating_ips: fips.map((row) => ({
      ...standard(row),
      floating_network_id: row.floating_network_id,
      floating_ip_address: row.floating_ip_address,
      floating_port_id: row.floating_port_id,
      port_id: row.port_id,
      fixed_ip_address: row.fixed_ip_address,
      router_id: row.router_id,
      qos_policy_id: row.qos_policy_id,
    })),
    port_forwardings: forwardings.map((row) => ({
      id: row.id,
      floatingip_id: row.floatingip_id,
      protocol: row.protocol,
      external_port: row.external_port,
      internal_port: row.internal_port,
      internal_ip_address: row.internal_ip_address,
      internal_port_id: row.internal_port_id,
    })),
    security_groups: groups.map((row) => ({
      ...standard(row),
      name: row.name,
      stateful: row.stateful === 1,
    })),
    security_group_rules: rules.map((row) => ({
      ...standard(row),
      security_group_id: row.security_group_id,
      direction: row.direction === "egress" ? "egress" : "ingress",
      ethertype: row.ethertype === "IPv6" ? "IPv6" : "IPv4",
      protocol: row.protocol,
      port_range_min: row.port_range_min,
      port_range_max: row.port_range_max,
      remote_ip_prefix: row.remote_ip_prefix,
      remote_group_id: row.remote_group_id,
    })),
    qos_policies: qosPolicies,
    topology,
    vpcs: vpc.vpcs,
    route_tables: vpc.route_tables,
    vpc_peerings: vpcPeerings,
    nat_gateways: natGateways,
    bandwidths,
    firewall_groups: firewallGroups,
  };
  return { state, statuses };
}

type PortRow = Selection<NetworkTables, "ports", (typeof PORT_COLUMNS)[number]>;
type AllocationRow = { subnet_id: string; ip_address: string };

/** The big one: no spread (measurably slower at 10,000 rows). */
function portInput(row: PortRow, ips: readonly AllocationRow[] = []): PortInput {
  return {
    id: row.id,
    project_id: row.project_id,
    revision_number: Number(row.revision_number),
    network_id: row.network_id,
    name: row.name,
    admin_state_up: row.admin_state_up === 1,
    mac_address: row.mac_address,
    fixed_ips: sortFixedIps(ips),
    device_owner: row.device_owner,
    device_id: row.device_id,
    port_security_enabled: row.port_security_enabled === 1,
    security_groups: fromJson(row.security_groups) as string[],
    allowed_address_pairs: fromJson(row.allowed_address_pairs) as PortInput["allowed_address_pairs"],
    binding_host_id: row.binding_host_id,
    qos_policy_id: row.qos_policy_id,
  };
}

/** Some ports, as the snapshot would hold them, with their statuses: the incremental reconcile's read. */
export async function loadSdnPorts(
  db: Db,
  ids: readonly string[],
): Promise<{ ports: PortInput[]; statuses: Map<string, StoredStatus> }> {
  if (ids.length === 0) return { ports: [], statuses: new Map() };
  const [rows, allocations] = await Promise.all([
    db
      .selectFrom("ports")
      .select(PORT_COLUMNS)
      .where("id", "in", [...ids])
      .orderBy("id")
      .execute(),
    db
      .selectFrom("ip_allocations")
      .select(["port_id", "subnet_id", "ip_address"])
      .where("port_id", "in", [...ids])
      .execute(),
  ]);
  const ips = groupBy(allocations, (row) => row.port_id);
  const statuses = new Map<string, StoredStatus>();
  for (const { id, status, revision_number } of rows)
    statuses.set(statusKey("port", id), { status, revision_number: Number(revision_number) });
  return { ports: rows.map((row) => portInput(row, ips.get(row.id))), statuses };
}

function standard(row: { id: string; project_id: string; revision_number: number }) {
  return { id: row.id, project_id: row.project_id, revision_number: Number(row.revision_number) };
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(key(row));
    if (list === undefined) out.set(key(row), [row]);
    else list.push(row);
  }
  return out;
}
