import type { FixedIp } from "./ipam.ts";
import type * as portStore from "./store-ports.ts";

/** A port as Neutron shows it. */
export type Port = ReturnType<typeof portView>;

export function portView(row: portStore.PortRow, fixedIps: readonly FixedIp[], tags: readonly string[]) {
  return {
    id: row.id,
    name: row.name,
    network_id: row.network_id,
    tenant_id: row.project_id,
    project_id: row.project_id,
    mac_address: row.mac_address,
    admin_state_up: row.admin_state_up === 1,
    status: row.status,
    device_id: row.device_id,
    device_owner: row.device_owner,
    fixed_ips: sortFixedIps(fixedIps),
    port_security_enabled: row.port_security_enabled === 1,
    security_groups: fromJson(row.security_groups) as string[],
    "binding:vnic_type": row.binding_vnic_type,
    "binding:profile": fromJson(row.binding_profile) as Record<string, unknown>,
    "binding:host_id": row.binding_host_id,
    // Bound once the SDN controller realises the port; until then Neutron says "unbound".
    "binding:vif_type": "unbound",
    "binding:vif_details": {},
    allowed_address_pairs: fromJson(row.allowed_address_pairs) as Array<{
      ip_address: string;
      mac_address: string;
    }>,
    extra_dhcp_opts: fromJson(row.extra_dhcp_opts) as Array<Record<string, unknown>>,
    qos_policy_id: row.qos_policy_id,
    description: row.description,
    tags: [...tags],
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

/** Neutron's policy shows these to admins only (get_port:binding:*); binding:vnic_type is everyone's. */
const ADMIN_ONLY_BINDINGS = [
  "binding:host_id",
  "binding:profile",
  "binding:vif_type",
  "binding:vif_details",
] as const;
type AdminOnlyBinding = (typeof ADMIN_ONLY_BINDINGS)[number];

/** A port as one caller may see it. */
export type PortAnswer = Omit<Port, AdminOnlyBinding> & Partial<Pick<Port, AdminOnlyBinding>>;

/** The answer for a caller; events and other internal uses keep the full view. */
export function portFor(port: Port, admin: boolean): PortAnswer {
  if (admin) return port;
  const out: PortAnswer = { ...port };
  for (const key of ADMIN_ONLY_BINDINGS) delete out[key];
  return out;
}

/** The stored JSON columns are mostly "[]" or "{}": a list page of 1000 ports skips ~3000 parses. */
export function fromJson(text: string): unknown {
  if (text === "[]") return [];
  if (text === "{}") return {};
  return JSON.parse(text);
}

/** IPv4 before IPv6, then by address, so the order is stable. */
export function sortFixedIps(ips: readonly FixedIp[]): FixedIp[] {
  const v6 = (ip: FixedIp) => (ip.ip_address.includes(":") ? 1 : 0);
  return [...ips]
    .map((ip) => ({ subnet_id: ip.subnet_id, ip_address: ip.ip_address }))
    .sort((a, b) => v6(a) - v6(b) || a.ip_address.localeCompare(b.ip_address, "en", { numeric: true }));
}
