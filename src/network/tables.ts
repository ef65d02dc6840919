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
    /** [qos] (0010) */
    qos_policy_id: string | null;
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
    /** The pool the CIDR was allocated from (0008). */
    subnetpool_id: string | null;
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
    /** [qos] (0010) */
    qos_policy_id: string | null;
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
  routers: {
    id: string;
    project_id: string;
    name: string;
    description: string;
    admin_state_up: number;
    status: string;
    gw_port_id: string | null;
    enable_snat: number;
    /** external_gateway_info.qos_policy_id [qos-gateway-ip] (0010) */
    gw_qos_policy_id: string | null;
    availability_zone_hints: string;
    revision_number: number;
    created_at: string;
    updated_at: string;
  };
  router_routes: { router_id: string; destination: string; nexthop: string; position: number };
  floating_ips: {
    id: string;
    project_id: string;
    description: string;
    floating_network_id: string;
    floating_ip_address: string;
    floating_port_id: string;
    port_id: string | null;
    fixed_ip_address: string | null;
    router_id: string | null;
    status: string;
    /** [qos-fip] (0010) */
    qos_policy_id: string | null;
    revision_number: number;
    created_at: string;
    updated_at: string;
  };
  port_forwardings: {
    id: string;
    floatingip_id: string;
    protocol: string;
    external_port: number;
    internal_port: number;
    internal_ip_address: string;
    internal_port_id: string;
    description: string;
  };
  // subnet pools (0008)
  subnetpools: {
    id: string;
    project_id: string;
    name: string;
    description: string;
    ip_version: number;
    /** JSON list of canonical, compacted CIDRs. */
    prefixes: string;
    default_prefixlen: number;
    min_prefixlen: number;
    max_prefixlen: number;
    default_quota: number | null;
    shared: number;
    is_default: number;
    address_scope_id: string | null;
    revision_number: number;
    created_at: string;
    updated_at: string;
  };
  // RBAC policies (0009)
  rbac_policies: {
    id: string;
    /** The project that created the entry (for the implicit wildcards: the network's owner). */
    project_id: string;
    object_type: string;
    object_id: string;
    action: string;
    /** A project id, or '*' for every project. */
    target_tenant: string;
  };
  // QoS (0010): a policy's rules, at most one bandwidth limit per direction and one DSCP mark.
  qos_policies: {
    id: string;
    project_id: string;
    name: string;
    description: string;
    shared: number;
    revision_number: number;
    created_at: string;
    updated_at: string;
  };
  qos_bandwidth_limit_rules: {
    id: string;
    qos_policy_id: string;
    max_kbps: number;
    max_burst_kbps: number;
    /** "egress" | "ingress" */
    direction: string;
  };
  qos_dscp_marking_rules: { id: string; qos_policy_id: string; dscp_mark: number };
  // SDN physical topology (0011): lists are JSON text; state is "up" | "down".
  sdn_zones: {
    id: string;
    name: string;
    description: string;
    vlan_ranges: string;
    vni_ranges: string;
    public_ip_pools: string;
    created_at: string;
    updated_at: string;
  };
  sdn_hosts: {
    id: string;
    name: string;
    zone_id: string | null;
    chassis_id: string;
    tunnel_ip: string | null;
    state: string;
    created_at: string;
    updated_at: string;
  };
  sdn_devices: {
    id: string;
    name: string;
    kind: string;
    vendor: string;
    model: string;
    driver: string;
    zone_id: string | null;
    management_ip: string | null;
    state: string;
    created_at: string;
    updated_at: string;
  };
  sdn_links: {
    id: string;
    a_kind: string;
    a_id: string;
    b_kind: string;
    b_id: string;
    a_interface: string;
    b_interface: string;
    speed_mbps: number | null;
    created_at: string;
    updated_at: string;
  };
  // FWaaS v2 (0012): booleans are 0/1; ports "80" or "1000:2000"; positions count from 0.
  firewall_rules: {
    id: string;
    project_id: string;
    name: string;
    description: string;
    protocol: string | null;
    ip_version: number;
    source_ip_address: string | null;
    destination_ip_address: string | null;
    source_port: string | null;
    destination_port: string | null;
    /** "allow" | "deny" | "reject" */
    action: string;
    enabled: number;
    shared: number;
    revision_number: number;
    created_at: string;
    updated_at: string;
  };
  firewall_policies: {
    id: string;
    project_id: string;
    name: string;
    description: string;
    audited: number;
    shared: number;
    revision_number: number;
    created_at: string;
    updated_at: string;
  };
  firewall_policy_rules: { policy_id: string; rule_id: string; position: number };
  firewall_groups: {
    id: string;
    project_id: string;
    name: string;
    description: string;
    ingress_firewall_policy_id: string | null;
    egress_firewall_policy_id: string | null;
    admin_state_up: number;
    shared: number;
    revision_number: number;
    created_at: string;
    updated_at: string;
  };
  firewall_group_ports: { port_id: string; group_id: string };
  // VPCs and route tables (0013): cidrs and availability_zones are JSON lists; main is 0/1.
  vpcs: {
    id: string;
    project_id: string;
    name: string;
    description: string;
    cidrs: string;
    availability_zones: string;
    router_id: string;
    security_group_id: string;
    main_route_table_id: string;
    status: string;
    revision_number: number;
    created_at: string;
    updated_at: string;
  };
  route_tables: {
    id: string;
    project_id: string;
    vpc_id: string;
    name: string;
    description: string;
    main: number;
    revision_number: number;
    created_at: string;
    updated_at: string;
  };
  /** nexthop_type "port" | "blackhole" (local routes are implicit); nexthop a port id or null. */
  route_table_routes: {
    route_table_id: string;
    destination: string;
    nexthop_type: string;
    nexthop: string | null;
  };
  route_table_subnets: { subnet_id: string; route_table_id: string };
  /** [vdc] (0016): one per project. */
  vdcs: {
    id: string;
    project_id: string;
    name: string;
    description: string;
    created_at: string;
    updated_at: string;
  };
}
