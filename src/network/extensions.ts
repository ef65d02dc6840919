/**
 * The extensions Stratus really implements: clients and Tempest decide what to call from this
 * list, so an alias goes here only with its behaviour and tests.
 */
export interface Extension {
  alias: string;
  name: string;
  description: string;
}

export const extensions: readonly Extension[] = [
  {
    alias: "project-id",
    name: "project_id field enabled",
    description: "Extension that indicates that project_id field is enabled.",
  },
  {
    alias: "standard-attr-description",
    name: "standard-attr-description",
    description: "Extension to add descriptions to standard attributes",
  },
  {
    alias: "standard-attr-timestamp",
    name: "Resource timestamps",
    description:
      "Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.",
  },
  {
    alias: "standard-attr-revisions",
    name: "Resource revision numbers",
    description: "This extension will display the revision number of neutron resources.",
  },
  {
    alias: "standard-attr-tag",
    name: "Tag support for resources with standard attribute: network",
    description: "Enables to set tag on resources with standard attribute.",
  },
  {
    alias: "revision-if-match",
    name: "If-Match constraints based on revision_number",
    description: "Extension indicating that If-Match based on revision_number is supported.",
  },
  {
    alias: "filter-validation",
    name: "Filter parameters validation",
    description: "Provides validation on filter parameters.",
  },
  {
    alias: "pagination",
    name: "Pagination support",
    description: "Extension that indicates that pagination is enabled.",
  },
  {
    alias: "sorting",
    name: "Sorting support",
    description: "Extension that indicates that sorting is enabled.",
  },
  { alias: "net-mtu", name: "Network MTU", description: "Provides MTU attribute for a network resource." },
  {
    alias: "net-mtu-writable",
    name: "Network MTU (writable)",
    description: "Provides a writable MTU attribute for a network resource.",
  },
  {
    alias: "external-net",
    name: "Neutron external network",
    description: "Adds external network attribute to network resource.",
  },
  {
    alias: "provider",
    name: "Provider Network",
    description: "Expose mapping of virtual networks to physical networks",
  },
  {
    alias: "security-group",
    name: "security-group",
    description: "The security groups extension.",
  },
  {
    alias: "stateful-security-group",
    name: "Stateful security group",
    description: "Indicates if the security group is stateful or not",
  },
  {
    alias: "quotas",
    name: "Quota management support",
    description: "Expose functions for quotas management per tenant",
  },
  {
    alias: "quota_details",
    name: "Quota details management support",
    description: "Expose functions for quotas usage statistics per project",
  },
  {
    alias: "availability_zone",
    name: "Availability Zone",
    description: "The availability zone extension.",
  },
  {
    alias: "network_availability_zone",
    name: "Network Availability Zone",
    description: "Availability zone support for network.",
  },
  {
    alias: "router_availability_zone",
    name: "Router Availability Zone",
    description: "Availability zone support for router.",
  },
  {
    alias: "port-security",
    name: "Port Security",
    description: "Provides port security",
  },
  {
    alias: "allowed-address-pairs",
    name: "Allowed Address Pairs",
    description: "Provides allowed address pairs",
  },
  {
    alias: "extra_dhcp_opt",
    name: "Neutron Extra DHCP options",
    description:
      "Extra options configuration for DHCP. For example PXE boot options to DHCP clients can be specified (e.g. tftp-server, server-ip-address, bootfile-name)",
  },
  {
    alias: "binding",
    name: "Port Binding",
    description: "Expose port bindings of a virtual port to external application",
  },
  {
    alias: "ip-substring-filtering",
    name: "IP address substring filtering",
    description: "Provides IP address substring filtering when listing ports",
  },
  {
    alias: "subnet-service-types",
    name: "Subnet service types",
    description: "Provides ability to set the subnet service_types field",
  },
  {
    alias: "tag-ext",
    name: "Tag support for resources: subnet, subnetpool, port, router",
    description: "Extends tag support to more L2 and L3 resources.",
  },
  {
    alias: "router",
    name: "Neutron L3 Router",
    description:
      "Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway.",
  },
  {
    alias: "ext-gw-mode",
    name: "Neutron L3 Configurable external gateway mode",
    description:
      "Extension of the router abstraction for specifying whether SNAT should occur on the external gateway",
  },
  {
    alias: "extraroute",
    name: "Neutron Extra Route",
    description: "Extra routes configuration for L3 router",
  },
  {
    alias: "extraroute-atomic",
    name: "Atomically add/remove extra routes",
    description: "Edit extra routes of a router on server side by atomically adding/removing extra routes",
  },
  {
    alias: "floating-ip-port-forwarding",
    name: "Floating IP Port Forwarding",
    description: "Provide a way to configure port forwarding rules for floating IPs",
  },
  {
    alias: "rbac-policies",
    name: "RBAC Policies",
    description: "Allows creation and modification of policies that control tenant access to resources.",
  },
  {
    alias: "subnet_allocation",
    name: "Subnet Allocation",
    description: "Enables allocation of subnets from a subnet pool",
  },
  {
    alias: "default-subnetpools",
    name: "Default Subnetpools",
    description: "Provides ability to mark and use a subnetpool as the default.",
  },
  {
    alias: "qos",
    name: "Quality of Service",
    description: "The Quality of Service extension.",
  },
  {
    alias: "fwaas_v2",
    name: "FWaaS v2",
    description: "Provides support for firewall-as-a-service version 2",
  },
  {
    alias: "qos-bw-limit-direction",
    name: "Direction for QoS bandwidth limit rule",
    description: "Allow to configure QoS bandwidth limit rule with specific direction: ingress or egress",
  },
  {
    alias: "qos-fip",
    name: "Floating IP QoS",
    description: "The floating IP Quality of Service extension",
  },
  {
    alias: "qos-gateway-ip",
    name: "Router gateway IP QoS",
    description: "The Router gateway IP Quality of Service extension",
  },
  {
    alias: "qos-rule-type-details",
    name: "Details of QoS rule types",
    description: "Expose details about QoS rule types supported by loaded backend drivers",
  },
  {
    alias: "packet-trace",
    name: "Packet trace",
    description:
      "Walks a packet through the realised data plane hop by hop (port security, security groups, " +
      "switching, routing, NAT) and returns the verdict with the rule that decided it.",
  },
  {
    alias: "traffic-counters",
    name: "Traffic counters",
    description:
      "Admin-only packet and byte counters of ports and floating IPs from the data plane " +
      "(GET /v2.0/ports/{id}/statistics, /v2.0/floatingips/{id}/statistics); traces with count and bytes add traffic.",
  },
  {
    alias: "sdn-topology",
    name: "SDN physical topology",
    description:
      "Admin-only physical side of the SDN: availability zones with their VLAN/VNI ranges and public IP " +
      "pools, hosts (chassis), devices (spines, TORs, gateways, L4-L7 appliances) and the links between " +
      "them under /v2.0/sdn/, with each node's effective status and fault injection (state up|down).",
  },
  {
    alias: "vpc",
    name: "Virtual Private Cloud",
    description:
      "VPCs (/v2.0/vpcs): a router, a security group and a main route table made together, CIDRs the " +
      "VPC's subnets must fall in, availability zones, add_cidr/remove_cidr and POST /v2.0/vpcs/{id}/subnets.",
  },
  {
    alias: "vpc-route-tables",
    name: "VPC route tables",
    description:
      "Route tables of a VPC (/v2.0/route-tables): routes to a port or a blackhole applied to the " +
      "subnets associated with the table (the main table serves the others).",
  },
  {
    alias: "vpc-peering",
    name: "VPC peering",
    description:
      "VPC peerings (/v2.0/vpc/peerings, Huawei's API): two VPCs without overlapping CIDRs, within a " +
      "project (ACTIVE at once) or across projects (PENDING_ACCEPTANCE until PUT .../accept or .../reject); " +
      "route table routes with nexthop_type peering carry traffic, never transitively.",
  },
  {
    alias: "nat-gateway",
    name: "NAT gateway",
    description:
      "NAT gateways on a router or VPC with an external gateway (/v2.0/nat-gateways), SNAT rules sharing " +
      "a floating IP among subnets or reaching a 'service' network (/v2.0/snat-rules), DNAT rules " +
      "forwarding a floating IP's ports (/v2.0/dnat-rules); route table next hop type nat_gateway.",
  },
  {
    alias: "bandwidth",
    name: "Floating IP bandwidths",
    description:
      "Bandwidths (/v2.0/bandwidths, Huawei's shape) in Mbit/s: dedicated to one floating IP (PER) or a " +
      "pool shared by several (WHOLE, PUT|POST .../{id}/insert and .../remove of publicip_info), metered " +
      "both ways at the gateways of the routers carrying them and reported by traces.",
  },
  {
    alias: "network-templates",
    name: "Application network templates",
    description:
      "Parameterised bundles of subnets, security groups, route tables and routes, network ACLs and " +
      "NAT rules (/v2.0/network-templates) instantiated into a VPC in one call, all or nothing " +
      "(POST .../{id}/instantiate), and deleted as a unit (/v2.0/network-template-instances).",
  },
  {
    alias: "vdc",
    name: "Virtual data centres",
    description:
      "A tenant's virtual data centre (/v2.0/vdcs), one per project: its quotas (the project's " +
      "limits, sized by an admin), its usage and its VPCs.",
  },
];

export function extensionView(extension: Extension) {
  return { ...extension, updated: "2013-01-01T00:00:00-00:00", links: [] };
}
