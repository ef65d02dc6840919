/**
 * What the compiler reads: the networking resources as plain data (JSON fields parsed, booleans
 * as booleans). The controller loads it from the database (`sdn/state.ts`); golden tests write it
 * by hand. Field names are Neutron's.
 */
export interface NetworkState {
  networks: NetworkInput[];
  subnets: SubnetInput[];
  ports: PortInput[];
  routers: RouterInput[];
  floating_ips: FloatingIpInput[];
  port_forwardings: PortForwardingInput[];
  security_groups: SecurityGroupInput[];
  security_group_rules: SecurityGroupRuleInput[];
  /** QoS policies with their rules; absent reads as none. */
  qos_policies?: QosPolicyInput[];
  /** The physical side; absent: everything runs on the always-up virtual data plane. */
  topology?: TopologyInput;
  /** FWaaS v2 firewall groups bound to router ports: the subnets' network ACLs; absent reads as none. */
  firewall_groups?: FirewallGroupInput[];
  /** VPCs and their route tables; absent reads as none. */
  vpcs?: VpcInput[];
  route_tables?: RouteTableInput[];
  /** VPC peerings, whatever their status; absent reads as none. */
  vpc_peerings?: VpcPeeringInput[];
  /** NAT gateways with their SNAT and DNAT rules; absent reads as none. */
  nat_gateways?: NatGatewayInput[];
  /** Floating IP bandwidths (dedicated or shared pools); absent reads as none. */
  bandwidths?: BandwidthInput[];
}

interface Standard {
  id: string;
  project_id: string;
  revision_number: number;
}

export interface NetworkInput extends Standard {
  name: string;
  admin_state_up: boolean;
  mtu: number;
  external: boolean;
  shared: boolean;
  port_security_enabled: boolean;
  /** flat | vlan | vxlan | geneve | local */
  network_type: string;
  physical_network: string | null;
  segmentation_id: number | null;
  qos_policy_id?: string | null;
}

export interface SubnetInput extends Standard {
  network_id: string;
  ip_version: 4 | 6;
  cidr: string;
  gateway_ip: string | null;
  enable_dhcp: boolean;
  dns_nameservers: string[];
  host_routes: Array<{ destination: string; nexthop: string }>;
}

export interface PortInput extends Standard {
  network_id: string;
  name: string;
  admin_state_up: boolean;
  mac_address: string;
  fixed_ips: Array<{ subnet_id: string; ip_address: string }>;
  /** network:router_interface, network:router_gateway, network:floatingip, compute:nova, ''... */
  device_owner: string;
  device_id: string;
  port_security_enabled: boolean;
  security_groups: string[];
  allowed_address_pairs: Array<{ ip_address: string; mac_address: string }>;
  /** binding:host_id; '' when unbound. */
  binding_host_id: string;
  qos_policy_id?: string | null;
}

export interface RouterInput extends Standard {
  name: string;
  admin_state_up: boolean;
  /** The router's gateway port (device_owner network:router_gateway), when it has a gateway. */
  gw_port_id: string | null;
  enable_snat: boolean;
  /** extraroute routes, in order. */
  routes: Array<{ destination: string; nexthop: string }>;
  /** external_gateway_info.qos_policy_id [qos-gateway-ip]. */
  gw_qos_policy_id?: string | null;
}

export interface FloatingIpInput extends Standard {
  floating_network_id: string;
  floating_ip_address: string;
  floating_port_id: string;
  port_id: string | null;
  fixed_ip_address: string | null;
  router_id: string | null;
  qos_policy_id?: string | null;
}

export interface PortForwardingInput {
  id: string;
  floatingip_id: string;
  /** tcp | udp */
  protocol: string;
  external_port: number;
  internal_port: number;
  internal_ip_address: string;
  internal_port_id: string;
}

export interface SecurityGroupInput extends Standard {
  name: string;
  stateful: boolean;
}

export interface SecurityGroupRuleInput extends Standard {
  security_group_id: string;
  direction: "ingress" | "egress";
  ethertype: "IPv4" | "IPv6";
  /** A name (tcp, udp, icmp, ...) or a number as text; null for any. */
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  remote_group_id: string | null;
}

export interface QosPolicyInput extends Standard {
  /** At most one per direction [qos-bw-limit-direction]. */
  bandwidth_limits: Array<{
    id: string;
    direction: "ingress" | "egress";
    max_kbps: number;
    max_burst_kbps: number;
  }>;
  dscp_marking: { id: string; dscp_mark: number } | null;
}

/**
 * The physical side as the data plane sees it now: hosts (chassis) that ports bind to by name
 * (binding:host_id) and gateways that carry routers, each with its effective state (down when it
 * is marked down or every path to it is).
 */
export interface TopologyInput {
  hosts: ChassisInput[];
  gateways: ChassisInput[];
}

export interface ChassisInput {
  /** For a host, the binding:host_id ports name it by. */
  name: string;
  zone: string;
  up: boolean;
  /** Why it is down, e.g. "device tor-1 is down"; null when up. */
  reason: string | null;
}

/**
 * A firewall group [fwaas_v2] with its policies' rules resolved, in policy order. Bound to router
 * interface ports it is those subnets' network ACL: stateless, first match wins, and a direction
 * with a policy denies what no rule allows. "ingress" is traffic entering the router port from
 * its subnet (leaving the subnet), "egress" traffic leaving the router port into the subnet.
 */
export interface FirewallGroupInput extends Standard {
  name: string;
  admin_state_up: boolean;
  /** The ports the group is bound to. */
  ports: string[];
  /** null: no policy for that direction, nothing filtered. */
  ingress_policy_id: string | null;
  egress_policy_id: string | null;
  ingress_rules: FirewallRuleInput[];
  egress_rules: FirewallRuleInput[];
}

export interface FirewallRuleInput {
  id: string;
  name: string;
  enabled: boolean;
  action: "allow" | "deny" | "reject";
  /** tcp | udp | icmp | null (any). */
  protocol: string | null;
  ip_version: 4 | 6;
  source_ip_address: string | null;
  destination_ip_address: string | null;
  /** "80" or "1000:2000"; null = any. */
  source_port: string | null;
  destination_port: string | null;
}

/** A VPC: a router (created with it) and the CIDRs its subnets must fall in. */
export interface VpcInput extends Standard {
  name: string;
  router_id: string;
  cidrs: string[];
}

/**
 * A VPC route table: its routes apply, at the VPC's router, to traffic from the subnets it serves
 * (those associated with it; the main table serves the VPC's other subnets). Longest prefix wins;
 * a "local" route (the VPC's own CIDRs, implicit) and no match at all leave the packet to the
 * router's own routing (connected networks, extraroutes, the gateway's default route).
 */
export interface RouteTableInput extends Standard {
  name: string;
  vpc_id: string;
  main: boolean;
  /** Subnets explicitly associated with this table. */
  subnet_ids: string[];
  routes: RouteTableRouteInput[];
}

export interface RouteTableRouteInput {
  destination: string;
  /** local: inside the VPC; port: via a port's first fixed IP (an instance); blackhole: dropped. */
  nexthop_type: "local" | "port" | "blackhole" | "peering" | "nat_gateway";
  /** The port id for nexthop_type port, the peering id for peering; null otherwise. */
  nexthop: string | null;
}

/**
 * A VPC peering. ACTIVE: the two VPC routers meet on a transit switch in `transit_cidr` (a
 * link-local /30: the requester's router has .1, the accepter's .2) and route tables send traffic
 * to the peer with "peering" routes; any other status leaves those routes inert (dropped).
 */
export interface VpcPeeringInput extends Standard {
  name: string;
  /** ACTIVE | PENDING_ACCEPTANCE | REJECTED */
  status: string;
  request_vpc_id: string;
  accept_vpc_id: string;
  transit_cidr: string;
}

/**
 * A floating IP bandwidth [bandwidth]: `size` Mbit/s each way for its floating IPs' traffic at
 * the gateway of each router carrying them; PER meters one floating IP, WHOLE is one meter
 * shared by all of its floating IPs.
 */
export interface BandwidthInput extends Standard {
  size: number;
  share_type: "PER" | "WHOLE";
  floatingip_ids: string[];
}

/**
 * A NAT gateway on a router with an external gateway; its rules apply there (none while
 * admin_state_up is false). Route table routes with nexthop_type "nat_gateway" leave by it.
 */
export interface NatGatewayInput extends Standard {
  name: string;
  router_id: string;
  admin_state_up: boolean;
  snat_rules: SnatRuleInput[];
  dnat_rules: DnatRuleInput[];
}

/**
 * Traffic from network_id's subnets on the router (or from cidr when network_id is null) leaves
 * the gateway as floating_ip_address, or, for a service rule (service_network_id), reaches that
 * network as the gateway's own port there (service_port_id, null when it is missing).
 */
export interface SnatRuleInput extends Standard {
  network_id: string | null;
  cidr: string;
  floating_ip_address: string | null;
  service_network_id: string | null;
  service_port_id: string | null;
  admin_state_up: boolean;
}

/** floating_ip_address's (protocol, external_service_port) to private_ip; "any" maps the whole address. */
export interface DnatRuleInput extends Standard {
  floating_ip_address: string;
  port_id: string | null;
  private_ip: string;
  /** tcp | udp | any */
  protocol: string;
  internal_service_port: number;
  external_service_port: number;
  admin_state_up: boolean;
}
