/**
 * The logical data-plane model, in OVN Northbound's vocabulary: what the compiler produces, what
 * every driver receives, and what the tracer walks. Plain JSON data: every row is keyed by a
 * stable `name` within its table and records the Neutron resource it came from.
 */

/*
 * Row names (the compiler writes them, the tracer and drivers rely on them):
 *   logical_switches      ls-<network_id>
 *   logical_switch_ports  <port_id> for every Neutron port (VIFs, router interfaces and gateways,
 *                         floating IP ports); provnet-<network_id> for the localnet port of a
 *                         flat/vlan network
 *   logical_routers       lr-<router_id>
 *   logical_router_ports  lrp-<port_id> (the Neutron router interface or gateway port)
 *   static_routes         sr-<router_id>-<ip_prefix>-<nexthop> (user routes), sr-<router_id>-default
 *                         (the gateway's default route via the external subnet's gateway_ip)
 *   nats                  snat-<router_id>-<internal cidr>, fip-<floatingip_id>, pf-<port_forwarding_id>,
 *                         snatr-<snat_rule_id>-<internal cidr>, dnatr-<dnat_rule_id> (NAT gateway rules)
 *   port_groups           pg-<security_group_id>
 *   address_sets          as-<security_group_id>-ip4, as-<security_group_id>-ip6
 *   acls                  acl-<security_group_rule_id>
 *   dhcp_options          dhcp-<subnet_id>
 *   qos                   qos-<port_id>-<direction> (a VM port's policy, or its network's),
 *                         qos-fip-<floatingip_id>-<direction>, qos-gw-<router_id>-<direction>,
 *                         qos-bw-<bandwidth_id>-<router_id>-<direction> (a floating IP bandwidth)
 *   chassis               host-<name>, gateway-<name>: the topology's hosts and gateways, with their state
 *   router_policies       rtp-<route_table_id>-<destination>: a VPC route table's routes
 *   network_acls          nacl-<firewall_group_id>-<ingress|egress>: a firewall group on router ports
 *   (VPC peering)         ls-peering-<peering_id>, its ports peering-<peering_id>-<vpc_id> and router
 *                         ports lrp-peering-<peering_id>-<vpc_id>; router_policies
 *                         rtp-peering-<peering_id>-<vpc_id>-<prefix>: the no-transit guard
 *
 * Semantics the tracer relies on:
 * - A switch port with non-empty port_security may only send from those MACs/IPs (IPs may be
 *   CIDRs, from allowed address pairs) and, being in port groups, only what an ACL of one of
 *   its groups allows: security groups deny by default. Empty port_security = no filtering.
 * - ACLs of a stateful group are allow-related (replies pass back), of a stateless group
 *   allow-stateless. Higher priority first; all security group rules compile to priority 1002.
 * - A router's connected networks are its router ports' `networks`; static routes add the rest;
 *   longest prefix wins. A router with a gateway has the default route `sr-<router>-default`.
 * - snat rows translate traffic from their logical_ip CIDR leaving by the gateway router port;
 *   dnat_and_snat (floating IPs) translate both ways; dnat (port forwarding) only inbound to
 *   (protocol, external_port) and back.
 * - L2 never leaves a switch: two switch ports talk directly only on the same logical switch.
 * - QoS directions are the VM's: egress leaves the VM (or the cloud, at a router gateway),
 *   ingress comes in. A qos row with `nats` limits only traffic those NAT rows translate.
 * - A switch port bound (host) to a chassis that is down passes nothing; a gateway router port
 *   with gateway_chassis [] (physical gateways exist, none is up) passes nothing either.
 * - Router policies (route tables) are looked up before the router's routes, for packets from
 *   their source_cidrs: longest prefix wins; "local" or no match falls through to the routes.
 * - Network ACLs are stateless and ordered, first match wins, default deny: "ingress" checks a
 *   packet entering the router by one of `ports` (leaving that subnet), "egress" one leaving the
 *   router by it (entering the subnet). Replies are checked like any packet.
 */

/** The Neutron resource a row was compiled from; `revision` drives drift detection. */
export interface Owner {
  type:
    | "network"
    | "subnet"
    | "port"
    | "router"
    | "floatingip"
    | "port_forwarding"
    | "security_group"
    | "security_group_rule"
    | "sdn_host"
    | "sdn_device"
    | "vpc"
    | "route_table"
    | "firewall_group"
    | "vpc_peering"
    | "nat_gateway"
    | "snat_rule"
    | "dnat_rule"
    | "bandwidth";
  id: string;
  revision: number;
}

interface Row {
  /** Unique within its table; stable across compiles (derived from resource ids). */
  name: string;
  owner: Owner;
}

export interface Segment {
  /** flat | vlan | vxlan | geneve | local */
  network_type: string;
  physical_network: string | null;
  /** VLAN ID or VNI; null for flat/local. */
  segmentation_id: number | null;
}

/** One per network. */
export interface LogicalSwitch extends Row {
  network_id: string;
  project_id: string;
  segment: Segment;
  mtu: number;
  external: boolean;
  enabled: boolean;
  /** The subnets on the switch: what decides which addresses are on-link. */
  subnets: Array<{ subnet_id: string; cidr: string; gateway_ip: string | null }>;
}

export interface PortAddress {
  mac: string;
  ips: string[];
}

/** One per Neutron port, plus a localnet port per flat/vlan switch. */
export interface LogicalSwitchPort extends Row {
  switch: string;
  /** "" = a VM/VIF; "router" = the switch side of a router port; "localnet" = the physical uplink. */
  type: "" | "router" | "localnet";
  project_id: string;
  addresses: PortAddress[];
  /** Anti-spoofing: the MAC/IPs (or CIDRs, from allowed address pairs) the port may send from. Empty = port security off. */
  port_security: Array<{ mac: string; ips: string[] }>;
  /** admin_state_up. */
  enabled: boolean;
  /** The router port this one peers with (type "router"). */
  router_port: string | null;
  /** binding:host_id ('' = unbound); the chassis that hosts the port. */
  host: string;
  device_owner: string;
  device_id: string;
  /** Port groups (security groups) the port is in: the ACLs that apply to it. */
  port_groups: string[];
}

export interface LogicalRouter extends Row {
  router_id: string;
  project_id: string;
  enabled: boolean;
  /** Whether SNAT for the router's subnets goes out through the gateway (enable_snat). */
  snat: boolean;
}

/** A router's leg on a switch: an interface (internal) or its gateway (external network). */
export interface LogicalRouterPort extends Row {
  router: string;
  /** The switch port on the other side. */
  peer: string;
  switch: string;
  mac: string;
  /** Addresses with prefix length, as OVN writes them: "10.0.0.1/24". */
  networks: string[];
  gateway: boolean;
  /**
   * Gateway ports only: the gateway chassis (up) that can carry it, by name. null when there is
   * no physical gateway to depend on (the always-up virtual data plane).
   */
  gateway_chassis: string[] | null;
}

export interface StaticRoute extends Row {
  router: string;
  ip_prefix: string;
  nexthop: string;
  /** The router port the next hop is reached through; null when none is on-link (invalid). */
  output_port: string | null;
  /** "gateway" for the gateway's default route, "extraroute" for user routes. */
  origin: "gateway" | "extraroute";
}

export interface Nat extends Row {
  router: string;
  /** snat: router gateway; dnat_and_snat: floating IP; dnat: port forwarding. */
  type: "snat" | "dnat_and_snat" | "dnat";
  external_ip: string;
  /** An address (dnat_and_snat, dnat) or a CIDR (snat). */
  logical_ip: string;
  /** The internal switch port (dnat_and_snat, dnat). */
  logical_port: string | null;
  /** Port forwarding only. */
  protocol: "tcp" | "udp" | null;
  external_port: number | null;
  internal_port: number | null;
}

/** The match of an ACL as a typed object rather than OVN's expression text. */
export interface AclMatch {
  ethertype: "IPv4" | "IPv6";
  /** IANA protocol number; null = any. */
  protocol: number | null;
  port_min: number | null;
  port_max: number | null;
  /** ICMP rules: port_range_min/max are the type and code. */
  icmp_type: number | null;
  icmp_code: number | null;
  /** The far end: a CIDR, an address set (remote group), or anything. */
  remote: { kind: "any" } | { kind: "cidr"; cidr: string } | { kind: "address_set"; address_set: string };
}

export interface Acl extends Row {
  /** The port group (security group) it applies to. */
  port_group: string;
  /** from-lport = egress from the VM; to-lport = ingress to the VM. */
  direction: "from-lport" | "to-lport";
  priority: number;
  match: AclMatch;
  action: "allow-related" | "allow-stateless" | "drop" | "reject";
}

/** A security group: its member ports. */
export interface PortGroup extends Row {
  security_group_id: string;
  project_id: string;
  stateful: boolean;
  ports: string[];
}

/** The addresses of a security group's ports, per family: what remote_group_id matches. */
export interface AddressSet extends Row {
  addresses: string[];
}

export interface DhcpOptions extends Row {
  subnet_id: string;
  cidr: string;
  options: {
    router: string | null;
    dns_server: string[];
    mtu: number;
    lease_time: number;
    /** The subnet's host_routes (DHCP classless static routes). */
    host_routes: Array<{ destination: string; nexthop: string }>;
  };
}

/** A QoS policy's limits where they are enforced. */
export interface Qos extends Row {
  /** The switch port (a VM's) or gateway router port (lrp-...) it is enforced on. */
  port: string;
  /** The VM's direction: egress leaves it (or the cloud, at a gateway), ingress comes in. */
  direction: "ingress" | "egress";
  /** Only traffic these NAT rows translate (a floating IP, a gateway's SNAT); empty: all traffic. */
  nats: string[];
  /** null for a floating IP bandwidth's meter (see `bandwidth`). */
  qos_policy_id: string | null;
  /** The floating IP bandwidth this meter is: PER meters one floating IP, WHOLE a shared pool. */
  bandwidth?: { id: string; share_type: "PER" | "WHOLE"; size_mbit: number };
  max_kbps: number | null;
  max_burst_kbps: number | null;
  /** DSCP marking (egress only). */
  dscp_mark: number | null;
}

/** A host or gateway of the physical topology, as it is now. */
export interface Chassis extends Row {
  /** The name ports carry in binding:host_id (hosts), or the device's (gateways). */
  hostname: string;
  kind: "host" | "gateway";
  zone: string;
  up: boolean;
  /** Why it is down; null when up. */
  reason: string | null;
}

/** One route of a VPC route table, applied at the VPC's router to traffic from its subnets. */
export interface RouterPolicy extends Row {
  router: string;
  route_table_id: string;
  route_table_name: string;
  /** The subnets (CIDRs) whose traffic the table routes. */
  source_cidrs: string[];
  ip_prefix: string;
  /** local: the router's own routing decides; reroute: to nexthop by output_port; drop: blackhole. */
  action: "local" | "reroute" | "drop";
  nexthop: string | null;
  output_port: string | null;
  /** Rows a VPC peering made (a route through it, its no-transit guard) name it. */
  peering_id?: string;
  /** Why a drop row drops when it is not a blackhole route (an inert peering, the no-transit guard). */
  reason?: string;
}

/** A typed network ACL rule (a firewall rule), enabled ones only, in policy order. */
export interface NetworkAclRule {
  id: string;
  action: "allow" | "deny" | "reject";
  ip_version: 4 | 6;
  /** IANA number; null = any. */
  protocol: number | null;
  source_cidr: string | null;
  destination_cidr: string | null;
  source_ports: [number, number] | null;
  destination_ports: [number, number] | null;
}

/** A firewall group's policy for one direction on the router ports it is bound to. */
export interface NetworkAcl extends Row {
  firewall_group_id: string;
  firewall_policy_id: string;
  /** The router ports (lrp-...) it guards. */
  ports: string[];
  direction: "ingress" | "egress";
  /** admin_state_up false: the group filters nothing. */
  enabled: boolean;
  rules: NetworkAclRule[];
}

/** Resources whose combination cannot be realised: surfaced as status ERROR, never thrown. */
export interface Problem {
  owner: Owner;
  reason: string;
}

export interface Model {
  logical_switches: Record<string, LogicalSwitch>;
  logical_switch_ports: Record<string, LogicalSwitchPort>;
  logical_routers: Record<string, LogicalRouter>;
  logical_router_ports: Record<string, LogicalRouterPort>;
  static_routes: Record<string, StaticRoute>;
  nats: Record<string, Nat>;
  acls: Record<string, Acl>;
  port_groups: Record<string, PortGroup>;
  address_sets: Record<string, AddressSet>;
  dhcp_options: Record<string, DhcpOptions>;
  qos: Record<string, Qos>;
  chassis: Record<string, Chassis>;
  router_policies: Record<string, RouterPolicy>;
  network_acls: Record<string, NetworkAcl>;
  problems: Problem[];
}

export type TableName = Exclude<keyof Model, "problems">;

export const TABLES: readonly TableName[] = [
  "logical_switches",
  "logical_switch_ports",
  "logical_routers",
  "logical_router_ports",
  "static_routes",
  "nats",
  "port_groups",
  "address_sets",
  "acls",
  "dhcp_options",
  "qos",
  "chassis",
  "router_policies",
  "network_acls",
];

export function emptyModel(): Model {
  return {
    logical_switches: {},
    logical_switch_ports: {},
    logical_routers: {},
    logical_router_ports: {},
    static_routes: {},
    nats: {},
    acls: {},
    port_groups: {},
    address_sets: {},
    dhcp_options: {},
    qos: {},
    chassis: {},
    router_policies: {},
    network_acls: {},
    problems: [],
  };
}
