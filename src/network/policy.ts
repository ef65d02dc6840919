import {
  admin,
  anyOf,
  projectMember,
  projectReader,
  systemReader,
  type PolicyTable,
  type Rule,
} from "../policy/index.ts";

/**
 * Neutron's defaults, condensed: admins do anything; project members manage their project's
 * resources and readers read them; shared and external networks are readable by all. Attribute
 * rules (`create_network:shared`, `...:provider:network_type`) are admin-only. Actions not listed
 * are admin-only.
 */
const shared: Rule = (_c, t) => t.shared === "true" || t.external === "true";
const ownerMember = anyOf(admin, projectMember);

export const networkPolicy: PolicyTable = {
  create_network: ownerMember,
  // A trace changes nothing: whoever may read the project may trace in it.
  create_trace: anyOf(admin, projectReader),
  get_network: anyOf(admin, projectReader, shared),
  update_network: ownerMember,
  delete_network: ownerMember,
  create_subnet: ownerMember,
  update_subnet: ownerMember,
  delete_subnet: ownerMember,
  get_quota: anyOf(admin, projectReader),
  // A VDC is its project's quotas and usage: readable like them; created, sized and deleted by admins.
  get_vdc: anyOf(admin, projectReader),
  create_security_group: ownerMember,
  update_security_group: ownerMember,
  delete_security_group: ownerMember,
  create_security_group_rule: ownerMember,
  delete_security_group_rule: ownerMember,
  create_port: ownerMember,
  update_port: ownerMember,
  delete_port: ownerMember,
  create_router: ownerMember,
  update_router: ownerMember,
  delete_router: ownerMember,
  add_router_interface: ownerMember,
  remove_router_interface: ownerMember,
  create_floatingip: ownerMember,
  update_floatingip: ownerMember,
  delete_floatingip: ownerMember,
  create_floatingip_port_forwarding: ownerMember,
  update_floatingip_port_forwarding: ownerMember,
  delete_floatingip_port_forwarding: ownerMember,
  // create_subnetpool:shared and :is_default, update_subnetpool:is_default stay admin-only.
  create_subnetpool: ownerMember,
  get_subnetpool: anyOf(admin, projectReader, shared),
  update_subnetpool: ownerMember,
  delete_subnetpool: ownerMember,
  // Wildcard targets are admin-only: rbac-policies.ts checks `<action>:target_tenant` itself.
  create_rbac_policy: ownerMember,
  get_rbac_policy: anyOf(admin, projectReader),
  update_rbac_policy: ownerMember,
  delete_rbac_policy: ownerMember,
  // QoS as Neutron's defaults: policies and rules are made by admins; their project and, when
  // shared, everyone reads them. Rule types expose the back end: admins and system readers only.
  get_policy: anyOf(admin, projectReader, shared),
  create_policy: admin,
  update_policy: admin,
  delete_policy: admin,
  get_rule_type: anyOf(admin, systemReader),
  get_policy_bandwidth_limit_rule: anyOf(admin, projectReader, shared),
  create_policy_bandwidth_limit_rule: admin,
  update_policy_bandwidth_limit_rule: admin,
  delete_policy_bandwidth_limit_rule: admin,
  get_policy_dscp_marking_rule: anyOf(admin, projectReader, shared),
  create_policy_dscp_marking_rule: admin,
  update_policy_dscp_marking_rule: admin,
  delete_policy_dscp_marking_rule: admin,
  // FWaaS v2 as neutron-fwaas's defaults: members manage their project's rules, policies and
  // groups, readers and everyone (when shared) read them; `<action>:shared` stays admin-only.
  ...Object.fromEntries(
    ["firewall_rule", "firewall_policy", "firewall_group"].flatMap((resource) => [
      [`get_${resource}`, anyOf(admin, projectReader, shared)],
      [`create_${resource}`, ownerMember],
      [`update_${resource}`, ownerMember],
      [`delete_${resource}`, ownerMember],
    ]),
  ),
  insert_rule: ownerMember,
  remove_rule: ownerMember,
  // VPCs and route tables: their project's members manage them, readers read (seen as routers are).
  create_vpc: ownerMember,
  update_vpc: ownerMember,
  delete_vpc: ownerMember,
  create_route_table: ownerMember,
  update_route_table: ownerMember,
  delete_route_table: ownerMember,
  // VPC peerings: the requester's members create and rename, the accepter's answer, either deletes.
  create_vpc_peering: ownerMember,
  update_vpc_peering: ownerMember,
  delete_vpc_peering: ownerMember,
  accept_vpc_peering: ownerMember,
  reject_vpc_peering: ownerMember,
  // Floating IP bandwidths: their project's members manage them and move its floating IPs in and out.
  ...Object.fromEntries(
    ["create", "update", "delete", "insert", "remove"].map((verb) => [`${verb}_bandwidth`, ownerMember]),
  ),
  // NAT gateways and their rules: their project's members manage them (seen as routers are).
  ...Object.fromEntries(
    ["nat_gateway", "snat_rule", "dnat_rule"].flatMap((resource) =>
      ["create", "update", "delete"].map((verb) => [`${verb}_${resource}`, ownerMember]),
    ),
  ),
  // Network templates: members manage their project's, everyone reads shared ones (the shipped
  // examples); `<action>:shared` stays admin-only. Instances are made into, and go with, a VPC.
  get_network_template: anyOf(admin, projectReader, shared),
  create_network_template: ownerMember,
  update_network_template: ownerMember,
  delete_network_template: ownerMember,
  instantiate_network_template: ownerMember,
  get_network_template_instance: anyOf(admin, projectReader),
  delete_network_template_instance: ownerMember,
};
