/** Networking's slice of the schema. Booleans are 0/1 integers; lists JSON text. */
export interface NetworkTables {
  networks: {
    id: string;
    project_id: string;
    name: string;
    description: string;
    admin_state_up: number;
    status: string;
    shared: number;
    external: number;
    mtu: number;
    port_security_enabled: number;
    network_type: string;
    physical_network: string | null;
    segmentation_id: number | null;
    availability_zone_hints: string;
    revision_number: number;
    created_at: string;
    updated_at: string;
  };
  segment_allocations: {
    network_type: string;
    /** '' when the type has none (vxlan, geneve). */
    physical_network: string;
    segmentation_id: number;
    network_id: string;
  };
  network_tags: { resource_id: string; tag: string };
  subnets: {
    id: string;
    project_id: string;
    network_id: string;
    name: string;
    description: string;
    ip_version: number;
    cidr: string;
    gateway_ip: string | null;
    enable_dhcp: number;
    ipv6_ra_mode: string | null;
    ipv6_address_mode: string | null;
    /** JSON [{start, end}]. */
    allocation_pools: string;
    dns_nameservers: string;
    host_routes: string;
    service_types: string;
    revision_number: number;
    created_at: string;
    updated_at: string;
  };
  ports: {
    id: string;
    project_id: string;
    network_id: string;
    name: string;
    description: string;
    admin_state_up: number;
    status: string;
    mac_address: string;
    device_id: string;
    device_owner: string;
    port_security_enabled: number;
    security_groups: string;
    allowed_address_pairs: string;
    extra_dhcp_opts: string;
    binding_host_id: string;
    binding_vnic_type: string;
    binding_profile: string;
    revision_number: number;
    created_at: string;
    updated_at: string;
  };
  ip_allocations: { subnet_id: string; ip_address: string; port_id: string; network_id: string };
  network_quotas: { project_id: string; resource: string; hard_limit: number };
  security_groups: {
    id: string;
    project_id: string;
    name: string;
    description: string;
    stateful: number;
    revision_number: number;
    created_at: string;
    updated_at: string;
  };
  default_security_groups: { project_id: string; security_group_id: string };
  security_group_rules: {
    id: string;
    project_id: string;
    security_group_id: string;
    direction: string;
    ethertype: string;
    protocol: string | null;
    port_range_min: number | null;
    port_range_max: number | null;
    remote_ip_prefix: string | null;
    remote_group_id: string | null;
    description: string | null;
    revision_number: number;
    created_at: string;
    updated_at: string;
  };
  // routers and floating IPs (0007)
  // subnet pools (0008)
  // RBAC policies (0009)
}
