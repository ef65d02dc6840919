import type { Database } from "../src/db/index.ts";
import type { NetworkTables } from "../src/network/tables.ts";
import type { NetworkState } from "../src/sdn/compile/input.ts";

const CHUNK = 200;
const NOW = "2026-01-01T00:00:00Z";
const stamps = { created_at: NOW, updated_at: NOW };
const flag = (value: boolean) => (value ? 1 : 0);

/**
 * Writes a synthetic NetworkState straight into the network tables, as if it had been built
 * through the API, so the controller can be measured at a scale the API would take minutes to reach.
 */
export async function loadIntoDb(database: Database, state: NetworkState): Promise<void> {
  const db = database.as<NetworkTables>();
  const insert = async <T extends keyof NetworkTables>(table: T, rows: Array<NetworkTables[T]>) => {
    for (let i = 0; i < rows.length; i += CHUNK)
      await db
        .insertInto(table)
        .values(rows.slice(i, i + CHUNK) as never)
        .execute();
  };
  await insert(
    "networks",
    state.networks.map((n) => ({
      id: n.id,
      project_id: n.project_id,
      name: n.name,
      description: "",
      admin_state_up: flag(n.admin_state_up),
      status: "ACTIVE",
      shared: flag(n.shared),
      external: flag(n.external),
      mtu: n.mtu,
      port_security_enabled: flag(n.port_security_enabled),
      network_type: n.network_type,
      physical_network: n.physical_network,
      segmentation_id: n.segmentation_id,
      qos_policy_id: n.qos_policy_id ?? null,
      availability_zone_hints: "[]",
      revision_number: n.revision_number,
      ...stamps,
    })),
  );
  await insert(
    "subnets",
    state.subnets.map((s) => ({
      id: s.id,
      project_id: s.project_id,
      network_id: s.network_id,
      name: "",
      description: "",
      ip_version: s.ip_version,
      cidr: s.cidr,
      gateway_ip: s.gateway_ip,
      enable_dhcp: flag(s.enable_dhcp),
      ipv6_ra_mode: null,
      ipv6_address_mode: null,
      allocation_pools: "[]",
      dns_nameservers: JSON.stringify(s.dns_nameservers),
      host_routes: JSON.stringify(s.host_routes),
      service_types: "[]",
      revision_number: s.revision_number,
      subnetpool_id: null,
      ...stamps,
    })),
  );
  await insert(
    "security_groups",
    state.security_groups.map((g) => ({
      id: g.id,
      project_id: g.project_id,
      name: g.name,
      description: "",
      stateful: flag(g.stateful),
      revision_number: g.revision_number,
      ...stamps,
    })),
  );
  await insert(
    "security_group_rules",
    state.security_group_rules.map((r) => ({ ...r, description: null, ...stamps })),
  );
  await insert(
    "ports",
    state.ports.map((p) => ({
      id: p.id,
      project_id: p.project_id,
      network_id: p.network_id,
      name: p.name,
      description: "",
      admin_state_up: flag(p.admin_state_up),
      status: "DOWN",
      mac_address: p.mac_address,
      device_id: p.device_id,
      device_owner: p.device_owner,
      port_security_enabled: flag(p.port_security_enabled),
      security_groups: JSON.stringify(p.security_groups),
      allowed_address_pairs: JSON.stringify(p.allowed_address_pairs),
      extra_dhcp_opts: "[]",
      binding_host_id: p.binding_host_id,
      binding_vnic_type: "normal",
      binding_profile: "{}",
      qos_policy_id: p.qos_policy_id ?? null,
      revision_number: p.revision_number,
      ...stamps,
    })),
  );
  await insert(
    "ip_allocations",
    state.ports.flatMap((p) => p.fixed_ips.map((ip) => ({ ...ip, port_id: p.id, network_id: p.network_id }))),
  );
  await insert(
    "routers",
    state.routers.map((r) => ({
      id: r.id,
      project_id: r.project_id,
      name: r.name,
      description: "",
      admin_state_up: flag(r.admin_state_up),
      status: "ACTIVE",
      gw_port_id: r.gw_port_id,
      enable_snat: flag(r.enable_snat),
      gw_qos_policy_id: r.gw_qos_policy_id ?? null,
      availability_zone_hints: "[]",
      revision_number: r.revision_number,
      ...stamps,
    })),
  );
  await insert(
    "router_routes",
    state.routers.flatMap((r) =>
      r.routes.map((route, position) => ({ router_id: r.id, ...route, position })),
    ),
  );
  await insert(
    "floating_ips",
    state.floating_ips.map((f) => ({
      ...f,
      qos_policy_id: f.qos_policy_id ?? null,
      description: "",
      status: "DOWN",
      ...stamps,
    })),
  );
}
