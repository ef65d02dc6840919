/**
 * Request cases replayed against a real Neutron (test/parity/record-neutron.ts) and against Stratus
 * (test/parity/neutron.test.ts). They run in order; `save` names values from a response that later
 * cases use as `{name}` in their path, headers and body strings. Paths are below /v2.0 unless `root`.
 *
 * Principals (`as`): "admin" (admin in project admin), "member" and "other" (a user with the member
 * role in a fresh project of its own each), or "none" (no token). Placeholders: {suffix},
 * {missing_uuid}, {admin_project_id}, {member_project_id}, {other_project_id}.
 *
 * `area` groups the cases of one resource family; neutron.test.ts skips the families still being
 * built. Cases of an area run after all "core" cases and make everything they use themselves, so
 * skipping them changes nothing for the rest.
 *
 * Both servers are configured alike where it shows: vxlan tenant networks, vlan on physnet1 (Stratus
 * 1000-1999, the reference 100-2999), and no DHCP agent (so no DHCP ports). Both pick free addresses
 * at random, so an address a case asks for lies outside the allocation pools.
 */
import type { Method } from "./keystone-cases.ts";

export type Area = "core" | "router" | "floatingip" | "subnetpool" | "rbac";

export interface NeutronCase {
  name: string;
  method: Method;
  path: string;
  root?: true;
  body?: unknown;
  raw?: string;
  as: "admin" | "member" | "other" | "none";
  headers?: Record<string, string>;
  save?: Record<string, string>;
  area: Area;
}

type Options = Partial<Pick<NeutronCase, "body" | "raw" | "headers" | "save" | "root">> & {
  as?: NeutronCase["as"];
};

let currentArea: Area = "core";
const make =
  (method: Method) =>
  (name: string, path: string, options: Options = {}): NeutronCase => ({
    name,
    method,
    path,
    as: "member",
    ...options,
    area: currentArea,
  });
const get = make("GET");
const post = make("POST");
const put = make("PUT");
const del = make("DELETE");
const area = (name: Area, build: () => NeutronCase[]): NeutronCase[] => {
  currentArea = name;
  const built = build();
  currentArea = "core";
  return built;
};

const admin = { as: "admin" } as const;
const other = { as: "other" } as const;

const core: NeutronCase[] = [
  get("version list", "/", { root: true, as: "none" }),
  get("resource list", "/", admin),
  get("network list without a token", "/networks", { as: "none" }),

  // ---------------------------------------------------------------- quotas (fresh "other" project)
  get("quota show", "/quotas/{other_project_id}", admin),
  get("quota defaults", "/quotas/{other_project_id}/default", admin),
  get("quota details", "/quotas/{other_project_id}/details", admin),
  put("quota update", "/quotas/{other_project_id}", {
    ...admin,
    body: { quota: { network: 20, port: 100 } },
  }),
  put("quota update with a string limit", "/quotas/{other_project_id}", {
    ...admin,
    body: { quota: { network: "many" } },
  }),
  put("quota update with an unknown resource", "/quotas/{other_project_id}", {
    ...admin,
    body: { quota: { widgets: 5 } },
  }),
  get("quota show of its own project by a member", "/quotas/{member_project_id}"),
  get("quota show of another project by a member", "/quotas/{other_project_id}"),
  put("quota update by a member", "/quotas/{member_project_id}", { body: { quota: { network: 50 } } }),
  del("quota reset", "/quotas/{other_project_id}", admin),
  get("quota show after reset", "/quotas/{other_project_id}", admin),

  // ----------------------------------------------------------------------- security groups
  get("security group list creates the default group on first use", "/security-groups", {
    save: { default_sg_id: "security_groups.0.id" },
  }),
  get(
    "security group rule list of the default group",
    "/security-group-rules?security_group_id={default_sg_id}",
  ),
  post("security group create", "/security-groups", {
    body: { security_group: { name: "parity-sg-{suffix}", description: "parity" } },
    save: { sg_id: "security_group.id" },
  }),
  post("security group create named default", "/security-groups", {
    ...admin,
    body: { security_group: { name: "default" } },
  }),
  put("security group update", "/security-groups/{sg_id}", {
    body: { security_group: { description: "changed" } },
  }),
  post("security group rule create (tcp 22 from a prefix)", "/security-group-rules", {
    body: {
      security_group_rule: {
        security_group_id: "{sg_id}",
        direction: "ingress",
        ethertype: "IPv4",
        protocol: "tcp",
        port_range_min: 22,
        port_range_max: 22,
        remote_ip_prefix: "10.0.0.0/8",
      },
    },
    save: { rule_id: "security_group_rule.id" },
  }),
  get("security group rule show", "/security-group-rules/{rule_id}"),
  post("security group rule create duplicate", "/security-group-rules", {
    body: {
      security_group_rule: {
        security_group_id: "{sg_id}",
        direction: "ingress",
        ethertype: "IPv4",
        protocol: "tcp",
        port_range_min: 22,
        port_range_max: 22,
        remote_ip_prefix: "10.0.0.0/8",
      },
    },
  }),
  post("security group rule create with a bad protocol", "/security-group-rules", {
    body: { security_group_rule: { security_group_id: "{sg_id}", direction: "ingress", protocol: "bogus" } },
  }),
  post("security group rule create with port_range_min above max", "/security-group-rules", {
    body: {
      security_group_rule: {
        security_group_id: "{sg_id}",
        direction: "ingress",
        protocol: "udp",
        port_range_min: 200,
        port_range_max: 100,
      },
    },
  }),
  post("security group rule create with an icmp code but no type", "/security-group-rules", {
    body: {
      security_group_rule: {
        security_group_id: "{sg_id}",
        direction: "ingress",
        protocol: "icmp",
        port_range_max: 0,
      },
    },
  }),
  post("security group rule create with IPv6 and an IPv4 prefix", "/security-group-rules", {
    body: {
      security_group_rule: {
        security_group_id: "{sg_id}",
        direction: "ingress",
        ethertype: "IPv6",
        remote_ip_prefix: "10.0.0.0/8",
      },
    },
  }),
  post("security group rule create with a bad direction", "/security-group-rules", {
    body: { security_group_rule: { security_group_id: "{sg_id}", direction: "sideways" } },
  }),
  post("security group rule create with ports but no protocol", "/security-group-rules", {
    body: {
      security_group_rule: { security_group_id: "{sg_id}", direction: "ingress", port_range_min: 80 },
    },
  }),
  post("security group rule create with remote_group_id", "/security-group-rules", {
    body: {
      security_group_rule: {
        security_group_id: "{sg_id}",
        direction: "ingress",
        protocol: "icmp",
        remote_group_id: "{default_sg_id}",
      },
    },
  }),
  post("security group rule create with remote_group_id and remote_ip_prefix", "/security-group-rules", {
    body: {
      security_group_rule: {
        security_group_id: "{sg_id}",
        direction: "ingress",
        remote_group_id: "{default_sg_id}",
        remote_ip_prefix: "10.1.0.0/16",
      },
    },
  }),
  post("security group rule create in a missing group", "/security-group-rules", {
    body: { security_group_rule: { security_group_id: "{missing_uuid}", direction: "ingress" } },
  }),
  get(
    "security group rule list filtered by group and direction",
    "/security-group-rules?security_group_id={sg_id}&direction=ingress&protocol=tcp",
  ),
  get("security group show of another project", "/security-groups/{sg_id}", other),
  del("security group delete of the default group", "/security-groups/{default_sg_id}"),
  del("security group rule delete", "/security-group-rules/{rule_id}"),
  del("security group rule delete again", "/security-group-rules/{rule_id}"),

  // ------------------------------------------------------------------------------ networks
  post("network create (defaults)", "/networks", {
    body: { network: { name: "parity-net-a-{suffix}" } },
    save: { net_id: "network.id" },
  }),
  get("network show", "/networks/{net_id}"),
  get("network show by admin (provider attributes)", "/networks/{net_id}", admin),
  get("network show with fields", "/networks/{net_id}?fields=id&fields=name&fields=mtu"),
  put("network update", "/networks/{net_id}", {
    body: { network: { description: "changed", admin_state_up: false } },
  }),
  put("network update with a stale If-Match", "/networks/{net_id}", {
    headers: { "If-Match": "revision_number=1" },
    body: { network: { description: "stale" } },
  }),
  put("network update with a current If-Match", "/networks/{net_id}", {
    headers: { "If-Match": "revision_number=2" },
    body: { network: { admin_state_up: true } },
  }),
  put("network update of the id", "/networks/{net_id}", { body: { network: { id: "{missing_uuid}" } } }),
  post("network create (second)", "/networks", {
    body: { network: { name: "parity-net-b-{suffix}", port_security_enabled: false, mtu: 1400 } },
    save: { net2_id: "network.id" },
  }),
  post("network create with an unknown attribute", "/networks", {
    body: { network: { name: "x", colour: "blue" } },
  }),
  post("network create with a string admin_state_up", "/networks", {
    body: { network: { name: "x", admin_state_up: "maybe" } },
  }),
  post("network create with a too long name", "/networks", { body: { network: { name: "n".repeat(256) } } }),
  post("network create without the network key", "/networks", { body: { name: "x" } }),
  post("network create with malformed JSON", "/networks", { raw: "{not json" }),
  post("network create with an mtu too large for vxlan", "/networks", {
    ...admin,
    body: { network: { name: "x", mtu: 9000 } },
  }),
  post("network create with provider attributes by a member", "/networks", {
    body: { network: { name: "x", "provider:network_type": "vxlan" } },
  }),
  post("network create shared by a member", "/networks", { body: { network: { name: "x", shared: true } } }),
  post("network create on vlan by admin", "/networks", {
    ...admin,
    body: {
      network: {
        name: "parity-vlan-{suffix}",
        "provider:network_type": "vlan",
        "provider:physical_network": "physnet1",
        "provider:segmentation_id": 1777,
      },
    },
    save: { vlan_net_id: "network.id" },
  }),
  post("network create on a vlan in use", "/networks", {
    ...admin,
    body: {
      network: {
        name: "parity-vlan2-{suffix}",
        "provider:network_type": "vlan",
        "provider:physical_network": "physnet1",
        "provider:segmentation_id": 1777,
      },
    },
  }),
  post("network create on an unknown physical network", "/networks", {
    ...admin,
    body: {
      network: {
        name: "x",
        "provider:network_type": "vlan",
        "provider:physical_network": "nowhere",
        "provider:segmentation_id": 1500,
      },
    },
  }),
  post("network create with an unknown network type", "/networks", {
    ...admin,
    body: { network: { name: "x", "provider:network_type": "carrier-pigeon" } },
  }),
  del("network delete (vlan)", "/networks/{vlan_net_id}", admin),
  get(
    "network list sorted with a limit",
    "/networks?project_id={member_project_id}&sort_key=name&sort_dir=asc&limit=1",
    { save: { first_net_id: "networks.0.id" } },
  ),
  get(
    "network list after the marker",
    "/networks?project_id={member_project_id}&sort_key=name&sort_dir=asc&limit=1&marker={first_net_id}",
  ),
  get(
    "network list sorted descending",
    "/networks?project_id={member_project_id}&sort_key=name&sort_dir=desc",
  ),
  get(
    "network list with fields",
    "/networks?project_id={member_project_id}&fields=id&fields=name&sort_key=name&sort_dir=asc",
  ),
  get("network list filtered by name", "/networks?name=parity-net-b-{suffix}"),
  get("network list filtered by a boolean", "/networks?project_id={member_project_id}&admin_state_up=false"),
  get("network list with an unknown filter", "/networks?colour=blue"),
  get("network list with an unknown sort key", "/networks?sort_key=colour&sort_dir=asc"),
  get(
    "network list with a sort_key but no sort_dir",
    "/networks?project_id={member_project_id}&sort_key=name",
  ),
  get("network show of a missing id", "/networks/{missing_uuid}"),
  get("network show of another project's network", "/networks/{net_id}", other),
  put("network update of another project's network", "/networks/{net_id}", {
    ...other,
    body: { network: { name: "mine" } },
  }),
  del("network delete of another project's network", "/networks/{net_id}", other),

  // ---------------------------------------------------------------------------------- tags
  put("tags replace", "/networks/{net_id}/tags", { body: { tags: ["red", "blue"] } }),
  get("tags list", "/networks/{net_id}/tags"),
  put("tag add", "/networks/{net_id}/tags/green"),
  get("tag check present", "/networks/{net_id}/tags/green"),
  get("tag check absent", "/networks/{net_id}/tags/purple"),
  put("tags replace with a non-list", "/networks/{net_id}/tags", { body: { tags: "red" } }),
  get("network list filtered by tags", "/networks?tags=red,green&fields=name"),
  get(
    "network list filtered by tags-any",
    "/networks?tags-any=green,nothing-{suffix}&fields=name&project_id={member_project_id}",
  ),
  get(
    "network list filtered by not-tags",
    "/networks?not-tags=red&project_id={member_project_id}&fields=name",
  ),
  del("tag remove", "/networks/{net_id}/tags/red"),
  del("tag remove absent", "/networks/{net_id}/tags/red"),
  get("network show with tags", "/networks/{net_id}?fields=tags"),
  del("tags remove all", "/networks/{net_id}/tags"),
  get("tags list after remove all", "/networks/{net_id}/tags"),

  // ------------------------------------------------------------------------------- subnets
  post("subnet create (v4 defaults)", "/subnets", {
    body: {
      subnet: {
        network_id: "{net_id}",
        cidr: "10.20.0.0/24",
        ip_version: 4,
        name: "parity-subnet-a-{suffix}",
      },
    },
    save: { subnet_id: "subnet.id" },
  }),
  get("network show with a subnet", "/networks/{net_id}"),
  post("subnet create overlapping", "/subnets", {
    body: { subnet: { network_id: "{net_id}", cidr: "10.20.0.128/25", ip_version: 4 } },
  }),
  post("subnet create with an invalid cidr", "/subnets", {
    body: { subnet: { network_id: "{net_id}", cidr: "10.20.0.0/33", ip_version: 4 } },
  }),
  post("subnet create with host bits in the cidr", "/subnets", {
    body: { subnet: { network_id: "{net_id}", cidr: "10.21.0.5/24", ip_version: 4 } },
  }),
  post("subnet create with a mismatched ip_version", "/subnets", {
    body: { subnet: { network_id: "{net_id}", cidr: "10.22.0.0/24", ip_version: 6 } },
  }),
  post("subnet create with ip_version 5", "/subnets", {
    body: { subnet: { network_id: "{net_id}", cidr: "10.22.0.0/24", ip_version: 5 } },
  }),
  post("subnet create without a cidr", "/subnets", {
    body: { subnet: { network_id: "{net_id}", ip_version: 4 } },
  }),
  post("subnet create on a missing network", "/subnets", {
    body: { subnet: { network_id: "{missing_uuid}", cidr: "10.23.0.0/24", ip_version: 4 } },
  }),
  post("subnet create with a gateway outside the cidr", "/subnets", {
    body: {
      subnet: { network_id: "{net2_id}", cidr: "10.24.0.0/24", ip_version: 4, gateway_ip: "10.25.0.1" },
    },
  }),
  post("subnet create with a pool outside the cidr", "/subnets", {
    body: {
      subnet: {
        network_id: "{net2_id}",
        cidr: "10.26.0.0/24",
        ip_version: 4,
        allocation_pools: [{ start: "10.26.1.10", end: "10.26.1.20" }],
      },
    },
  }),
  post("subnet create without a gateway", "/subnets", {
    body: {
      subnet: {
        network_id: "{net2_id}",
        cidr: "10.40.0.0/28",
        ip_version: 4,
        gateway_ip: null,
        enable_dhcp: false,
        dns_nameservers: ["192.0.2.53"],
        host_routes: [{ destination: "192.168.0.0/24", nexthop: "10.40.0.5" }],
        name: "parity-subnet-nogw-{suffix}",
      },
    },
    save: { subnet_nogw_id: "subnet.id" },
  }),
  post("subnet create v6 slaac", "/subnets", {
    body: {
      subnet: {
        network_id: "{net2_id}",
        cidr: "fd00:20::/64",
        ip_version: 6,
        ipv6_ra_mode: "slaac",
        ipv6_address_mode: "slaac",
      },
    },
    save: { subnet_v6_id: "subnet.id" },
  }),
  post("subnet create v6 with mismatched modes", "/subnets", {
    body: {
      subnet: {
        network_id: "{net2_id}",
        cidr: "fd00:21::/64",
        ip_version: 6,
        ipv6_ra_mode: "slaac",
        ipv6_address_mode: "dhcpv6-stateful",
      },
    },
  }),
  post("subnet create v6 slaac with a /80", "/subnets", {
    body: {
      subnet: {
        network_id: "{net2_id}",
        cidr: "fd00:22::/80",
        ip_version: 6,
        ipv6_address_mode: "slaac",
      },
    },
  }),
  put("subnet update allocation_pools", "/subnets/{subnet_id}", {
    body: { subnet: { allocation_pools: [{ start: "10.20.0.10", end: "10.20.0.20" }] } },
  }),
  put("subnet update pools over the gateway", "/subnets/{subnet_id}", {
    body: { subnet: { allocation_pools: [{ start: "10.20.0.1", end: "10.20.0.20" }] } },
  }),
  put("subnet update dns and host routes", "/subnets/{subnet_id}", {
    body: {
      subnet: {
        dns_nameservers: ["192.0.2.1", "192.0.2.2"],
        host_routes: [{ destination: "172.16.0.0/12", nexthop: "10.20.0.254" }],
        name: "parity-subnet-a2-{suffix}",
      },
    },
  }),
  put("subnet update of the cidr", "/subnets/{subnet_id}", { body: { subnet: { cidr: "10.20.0.0/16" } } }),
  get("subnet show", "/subnets/{subnet_id}"),
  get("subnet list filtered by network", "/subnets?network_id={net2_id}&sort_key=cidr&sort_dir=asc"),
  get("subnet list filtered by ip_version", "/subnets?network_id={net2_id}&ip_version=6"),
  get("subnet show of another project's subnet", "/subnets/{subnet_id}", other),

  // --------------------------------------------------------------------------------- ports
  post("port create (defaults)", "/ports", {
    body: { port: { network_id: "{net_id}", name: "parity-port-a-{suffix}" } },
    save: { port_id: "port.id", port_mac: "port.mac_address" },
  }),
  get("port show", "/ports/{port_id}"),
  get("port show by admin (binding attributes)", "/ports/{port_id}", admin),
  post("port create with fixed_ips by subnet", "/ports", {
    body: { port: { network_id: "{net_id}", fixed_ips: [{ subnet_id: "{subnet_id}" }] } },
  }),
  post("port create with fixed_ips by ip_address", "/ports", {
    body: { port: { network_id: "{net_id}", fixed_ips: [{ ip_address: "10.20.0.215" }] } },
    save: { port15_id: "port.id" },
  }),
  post("port create with an allocated ip_address", "/ports", {
    body: { port: { network_id: "{net_id}", fixed_ips: [{ ip_address: "10.20.0.215" }] } },
  }),
  post("port create with an ip_address outside the subnets", "/ports", {
    body: { port: { network_id: "{net_id}", fixed_ips: [{ ip_address: "10.99.0.15" }] } },
  }),
  post("port create with the gateway's address", "/ports", {
    body: { port: { network_id: "{net_id}", fixed_ips: [{ ip_address: "10.20.0.1" }] } },
  }),
  post("port create with a subnet of another network", "/ports", {
    body: { port: { network_id: "{net_id}", fixed_ips: [{ subnet_id: "{subnet_nogw_id}" }] } },
  }),
  post("port create with a mac address in use", "/ports", {
    body: { port: { network_id: "{net_id}", mac_address: "{port_mac}" } },
  }),
  post("port create with an invalid mac address", "/ports", {
    body: { port: { network_id: "{net_id}", mac_address: "zz:16:3e:00:00:01" } },
  }),
  post("port create with allowed_address_pairs", "/ports", {
    body: {
      port: {
        network_id: "{net_id}",
        allowed_address_pairs: [
          { ip_address: "10.20.0.100" },
          { ip_address: "10.20.1.0/24", mac_address: "fa:16:3e:12:34:56" },
        ],
      },
    },
  }),
  post("port create with binding:host_id by a member", "/ports", {
    body: { port: { network_id: "{net_id}", "binding:host_id": "compute-1" } },
  }),
  post("port create with binding:profile by a member", "/ports", {
    body: { port: { network_id: "{net_id}", "binding:profile": { foo: "bar" } } },
  }),
  post("port create with port security off and security groups", "/ports", {
    body: { port: { network_id: "{net_id}", port_security_enabled: false, security_groups: ["{sg_id}"] } },
  }),
  post("port create with port security off", "/ports", {
    body: { port: { network_id: "{net_id}", port_security_enabled: false } },
  }),
  post("port create on a network without port security", "/ports", {
    body: { port: { network_id: "{net2_id}", fixed_ips: [{ subnet_id: "{subnet_nogw_id}" }] } },
  }),
  post("port create with allowed_address_pairs and port security off", "/ports", {
    ...admin,
    body: {
      port: {
        network_id: "{net2_id}",
        port_security_enabled: false,
        allowed_address_pairs: [{ ip_address: "10.40.0.9" }],
      },
    },
  }),
  post("port create with a missing security group", "/ports", {
    body: { port: { network_id: "{net_id}", security_groups: ["{missing_uuid}"] } },
  }),
  post("port create on a missing network", "/ports", { body: { port: { network_id: "{missing_uuid}" } } }),
  put("port update", "/ports/{port_id}", {
    body: {
      port: {
        name: "parity-port-a2-{suffix}",
        admin_state_up: false,
        security_groups: ["{sg_id}", "{default_sg_id}"],
      },
    },
  }),
  put("port update of the network", "/ports/{port_id}", { body: { port: { network_id: "{net2_id}" } } }),
  put("port update fixed_ips", "/ports/{port15_id}", {
    body: { port: { fixed_ips: [{ ip_address: "10.20.0.216" }] } },
  }),
  put("port update device_owner", "/ports/{port15_id}", {
    body: { port: { device_owner: "compute:nova", device_id: "vm-{suffix}" } },
  }),
  get("port list filtered by fixed_ips", "/ports?fixed_ips=ip_address%3D10.20.0.216"),
  get(
    "port list filtered by network with fields",
    "/ports?network_id={net_id}&fields=id&fields=fixed_ips&fields=status&sort_key=id&sort_dir=asc",
  ),
  get(
    "port list filtered by device_owner",
    "/ports?device_owner=compute:nova&project_id={member_project_id}",
  ),
  get("port show of another project's port", "/ports/{port_id}", other),
  del("network delete with ports", "/networks/{net_id}"),
  del("security group delete in use", "/security-groups/{sg_id}"),
  del("port delete", "/ports/{port_id}"),
  get("port show after delete", "/ports/{port_id}"),
  post("network create (small)", "/networks", {
    body: { network: { name: "parity-net-c-{suffix}" } },
    save: { net3_id: "network.id" },
  }),
  post("subnet create /30", "/subnets", {
    body: { subnet: { network_id: "{net3_id}", cidr: "10.50.0.0/30", ip_version: 4, enable_dhcp: false } },
    save: { subnet3_id: "subnet.id" },
  }),
  post("port create takes the last address", "/ports", { body: { port: { network_id: "{net3_id}" } } }),
  post("port create on a full subnet", "/ports", { body: { port: { network_id: "{net3_id}" } } }),
  del("subnet delete with a port", "/subnets/{subnet3_id}"),
  get("quota details after use", "/quotas/{member_project_id}/details"),
  del("network delete with a port (small)", "/networks/{net3_id}"),
  del("network delete of a missing network", "/networks/{missing_uuid}"),
];

const routers: NeutronCase[] = area("router", () => [
  post("external network create", "/networks", {
    ...admin,
    body: { network: { name: "parity-ext-{suffix}", "router:external": true } },
    save: { ext_net_id: "network.id" },
  }),
  post("external subnet create", "/subnets", {
    ...admin,
    body: {
      subnet: {
        network_id: "{ext_net_id}",
        cidr: "172.24.100.0/24",
        ip_version: 4,
        enable_dhcp: false,
        allocation_pools: [{ start: "172.24.100.2", end: "172.24.100.200" }],
      },
    },
    save: { ext_subnet_id: "subnet.id" },
  }),
  get("external network show by a member", "/networks/{ext_net_id}"),
  post("router network create", "/networks", {
    body: { network: { name: "parity-rnet-a-{suffix}" } },
    save: { rnet_id: "network.id" },
  }),
  post("router subnet create", "/subnets", {
    body: { subnet: { network_id: "{rnet_id}", cidr: "10.70.0.0/24", ip_version: 4, enable_dhcp: false } },
    save: { rsubnet_id: "subnet.id" },
  }),
  post("router subnet without gateway create", "/subnets", {
    body: {
      subnet: {
        network_id: "{rnet_id}",
        cidr: "10.71.0.0/24",
        ip_version: 4,
        gateway_ip: null,
        enable_dhcp: false,
      },
    },
    save: { rsubnet_nogw_id: "subnet.id" },
  }),
  post("router second network create", "/networks", {
    body: { network: { name: "parity-rnet-b-{suffix}" } },
    save: { rnet2_id: "network.id" },
  }),
  post("router second subnet create", "/subnets", {
    body: { subnet: { network_id: "{rnet2_id}", cidr: "10.72.0.0/24", ip_version: 4, enable_dhcp: false } },
    save: { rsubnet2_id: "subnet.id" },
  }),
  post("router interface port create", "/ports", {
    body: { port: { network_id: "{rnet2_id}", fixed_ips: [{ ip_address: "10.72.0.20" }] } },
    save: { rport_id: "port.id" },
  }),
  post("router create without a gateway", "/routers", {
    body: { router: { name: "parity-router-a-{suffix}" } },
    save: { router_id: "router.id" },
  }),
  post("router create with a gateway", "/routers", {
    body: {
      router: { name: "parity-router-b-{suffix}", external_gateway_info: { network_id: "{ext_net_id}" } },
    },
    save: { router_gw_id: "router.id" },
  }),
  post("router create with enable_snat by a member", "/routers", {
    body: {
      router: { name: "x", external_gateway_info: { network_id: "{ext_net_id}", enable_snat: false } },
    },
  }),
  post("router create with enable_snat false by admin", "/routers", {
    ...admin,
    body: {
      router: {
        name: "parity-router-c-{suffix}",
        external_gateway_info: { network_id: "{ext_net_id}", enable_snat: false },
      },
    },
    save: { router_nosnat_id: "router.id" },
  }),
  post("router create with external_fixed_ips by a member", "/routers", {
    body: {
      router: {
        name: "x",
        external_gateway_info: {
          network_id: "{ext_net_id}",
          external_fixed_ips: [{ ip_address: "172.24.100.250" }],
        },
      },
    },
  }),
  post("router create with external_fixed_ips by admin", "/routers", {
    ...admin,
    body: {
      router: {
        name: "parity-router-d-{suffix}",
        external_gateway_info: {
          network_id: "{ext_net_id}",
          external_fixed_ips: [{ subnet_id: "{ext_subnet_id}", ip_address: "172.24.100.250" }],
        },
      },
    },
    save: { router_fixed_id: "router.id" },
  }),
  post("router create with a gateway on an internal network", "/routers", {
    body: { router: { name: "x", external_gateway_info: { network_id: "{rnet_id}" } } },
  }),
  post("router create with a gateway on a missing network", "/routers", {
    body: { router: { name: "x", external_gateway_info: { network_id: "{missing_uuid}" } } },
  }),
  get("router show", "/routers/{router_gw_id}"),
  get("router show by admin", "/routers/{router_gw_id}", admin),
  get("router list filtered by name", "/routers?name=parity-router-a-{suffix}"),
  get("router show of another project's router", "/routers/{router_gw_id}", other),
  put("router update name", "/routers/{router_id}", {
    body: { router: { name: "parity-router-a2-{suffix}" } },
  }),
  put("router update set gateway", "/routers/{router_id}", {
    body: { router: { external_gateway_info: { network_id: "{ext_net_id}" } } },
  }),
  put("router update clear gateway", "/routers/{router_id}", {
    body: { router: { external_gateway_info: {} } },
  }),
  put("router add interface by subnet", "/routers/{router_gw_id}/add_router_interface", {
    body: { subnet_id: "{rsubnet_id}" },
    save: { rif_port_id: "port_id" },
  }),
  put("router add interface on the same subnet again", "/routers/{router_gw_id}/add_router_interface", {
    body: { subnet_id: "{rsubnet_id}" },
  }),
  put("router add interface on a subnet without gateway", "/routers/{router_gw_id}/add_router_interface", {
    body: { subnet_id: "{rsubnet_nogw_id}" },
  }),
  put(
    "router add interface on the same subnet to another router",
    "/routers/{router_id}/add_router_interface",
    {
      body: { subnet_id: "{rsubnet_id}" },
    },
  ),
  put("router add interface by port", "/routers/{router_gw_id}/add_router_interface", {
    body: { port_id: "{rport_id}" },
  }),
  put("router add interface by a port already in use", "/routers/{router_id}/add_router_interface", {
    body: { port_id: "{rport_id}" },
  }),
  put("router add interface with both port and subnet", "/routers/{router_id}/add_router_interface", {
    body: { port_id: "{rport_id}", subnet_id: "{rsubnet2_id}" },
  }),
  put("router add interface with neither port nor subnet", "/routers/{router_id}/add_router_interface", {
    body: {},
  }),
  put("router add interface on a missing subnet", "/routers/{router_id}/add_router_interface", {
    body: { subnet_id: "{missing_uuid}" },
  }),
  get("router interface port show", "/ports/{rif_port_id}"),
  get(
    "router ports list",
    "/ports?device_id={router_gw_id}&sort_key=device_owner&sort_dir=asc&fields=device_owner&fields=fixed_ips",
  ),
  del("router interface port delete directly", "/ports/{rif_port_id}"),
  del("network delete with a router interface", "/networks/{rnet_id}"),
  del("subnet delete with a router interface", "/subnets/{rsubnet_id}"),
  del("router delete with interfaces", "/routers/{router_gw_id}"),
  put("router update routes with an unreachable nexthop", "/routers/{router_gw_id}", {
    body: { router: { routes: [{ destination: "192.168.9.0/24", nexthop: "10.99.0.1" }] } },
  }),
  put("router update routes with an invalid destination", "/routers/{router_gw_id}", {
    body: { router: { routes: [{ destination: "192.168.9.0/33", nexthop: "10.70.0.50" }] } },
  }),
  put("router update routes", "/routers/{router_gw_id}", {
    body: { router: { routes: [{ destination: "192.168.9.0/24", nexthop: "10.70.0.50" }] } },
  }),
  put("router add extraroutes", "/routers/{router_gw_id}/add_extraroutes", {
    body: { router: { routes: [{ destination: "192.168.10.0/24", nexthop: "10.72.0.50" }] } },
  }),
  put("router add extraroutes with an unreachable nexthop", "/routers/{router_gw_id}/add_extraroutes", {
    body: { router: { routes: [{ destination: "192.168.11.0/24", nexthop: "10.98.0.1" }] } },
  }),
  put("router remove extraroutes", "/routers/{router_gw_id}/remove_extraroutes", {
    body: { router: { routes: [{ destination: "192.168.9.0/24", nexthop: "10.70.0.50" }] } },
  }),
  put("router remove interface in use by a route", "/routers/{router_gw_id}/remove_router_interface", {
    body: { port_id: "{rport_id}" },
  }),
  put("router remove a non-existent interface by subnet", "/routers/{router_gw_id}/remove_router_interface", {
    body: { subnet_id: "{rsubnet_nogw_id}" },
  }),
  put("router remove a non-existent interface by port", "/routers/{router_id}/remove_router_interface", {
    body: { port_id: "{rport_id}" },
  }),
  put("router update clear routes", "/routers/{router_gw_id}", { body: { router: { routes: [] } } }),
  put("router remove interface by port", "/routers/{router_gw_id}/remove_router_interface", {
    body: { port_id: "{rport_id}" },
  }),
  get("port show after its router interface was removed", "/ports/{rport_id}"),
  del("network delete of the external network with routers", "/networks/{ext_net_id}", admin),
]);

const floatingIps: NeutronCase[] = area("floatingip", () => [
  post("floating ip port create", "/ports", {
    body: { port: { network_id: "{rnet_id}", fixed_ips: [{ ip_address: "10.70.0.30" }] } },
    save: { fport_id: "port.id" },
  }),
  post("floating ip unreachable port create", "/ports", {
    body: { port: { network_id: "{rnet_id}", fixed_ips: [{ subnet_id: "{rsubnet_nogw_id}" }] } },
    save: { fport_unreachable_id: "port.id" },
  }),
  post("floating ip create on the external network", "/floatingips", {
    body: { floatingip: { floating_network_id: "{ext_net_id}", description: "parity" } },
    save: { fip_id: "floatingip.id" },
  }),
  post("floating ip create with a port", "/floatingips", {
    body: { floatingip: { floating_network_id: "{ext_net_id}", port_id: "{fport_id}" } },
    save: { fip2_id: "floatingip.id" },
  }),
  post("floating ip create with a port already associated", "/floatingips", {
    body: { floatingip: { floating_network_id: "{ext_net_id}", port_id: "{fport_id}" } },
  }),
  post("floating ip create with a port without a router path", "/floatingips", {
    body: { floatingip: { floating_network_id: "{ext_net_id}", port_id: "{fport_unreachable_id}" } },
  }),
  post("floating ip create with fixed_ip_address not on the port", "/floatingips", {
    body: {
      floatingip: {
        floating_network_id: "{ext_net_id}",
        port_id: "{fport_id}",
        fixed_ip_address: "10.70.0.99",
      },
    },
  }),
  post("floating ip create with floating_ip_address by a member", "/floatingips", {
    body: { floatingip: { floating_network_id: "{ext_net_id}", floating_ip_address: "172.24.100.240" } },
  }),
  post("floating ip create with floating_ip_address by admin", "/floatingips", {
    ...admin,
    body: { floatingip: { floating_network_id: "{ext_net_id}", floating_ip_address: "172.24.100.240" } },
    save: { fip_admin_id: "floatingip.id" },
  }),
  post("floating ip create on an internal network", "/floatingips", {
    body: { floatingip: { floating_network_id: "{rnet_id}" } },
  }),
  post("floating ip create on a missing network", "/floatingips", {
    body: { floatingip: { floating_network_id: "{missing_uuid}" } },
  }),
  get("floating ip show", "/floatingips/{fip2_id}"),
  get("floating ip list filtered by port", "/floatingips?port_id={fport_id}"),
  get("floating ip show of another project's floating ip", "/floatingips/{fip2_id}", other),
  put("floating ip update port_id null", "/floatingips/{fip2_id}", {
    body: { floatingip: { port_id: null } },
  }),
  put("floating ip associate with fixed_ip_address", "/floatingips/{fip_id}", {
    body: { floatingip: { port_id: "{fport_id}", fixed_ip_address: "10.70.0.30" } },
  }),
  put("floating ip associate a port without a router path", "/floatingips/{fip2_id}", {
    body: { floatingip: { port_id: "{fport_unreachable_id}" } },
  }),
  put(
    "router remove interface with a floating ip behind it",
    "/routers/{router_gw_id}/remove_router_interface",
    {
      body: { subnet_id: "{rsubnet_id}" },
    },
  ),
  put("router clear gateway with floating ips", "/routers/{router_gw_id}", {
    body: { router: { external_gateway_info: {} } },
  }),
  del("floating ip delete", "/floatingips/{fip_id}"),
  del("floating ip delete again", "/floatingips/{fip_id}"),
  del("floating ip delete (second)", "/floatingips/{fip2_id}"),
  del("floating ip delete (admin's)", "/floatingips/{fip_admin_id}", admin),
  put("router remove interface by subnet", "/routers/{router_gw_id}/remove_router_interface", {
    body: { subnet_id: "{rsubnet_id}" },
  }),
  del("router delete", "/routers/{router_gw_id}"),
  del("router delete again", "/routers/{router_gw_id}"),
  del("floating ip port delete", "/ports/{fport_id}"),
  del("floating ip unreachable port delete", "/ports/{fport_unreachable_id}"),
]);

const subnetpools: NeutronCase[] = area("subnetpool", () => [
  post("subnetpool create", "/subnetpools", {
    body: {
      subnetpool: {
        name: "parity-pool-{suffix}",
        prefixes: ["10.100.0.0/16", "10.101.0.0/16"],
        default_prefixlen: 24,
      },
    },
    save: { pool_id: "subnetpool.id" },
  }),
  post("subnetpool create without prefixes", "/subnetpools", {
    body: { subnetpool: { name: "x", default_prefixlen: 24 } },
  }),
  post("subnetpool create with mixed ip versions", "/subnetpools", {
    body: { subnetpool: { name: "x", prefixes: ["10.102.0.0/16", "fd00:50::/48"] } },
  }),
  post("subnetpool create with default_prefixlen below min", "/subnetpools", {
    body: {
      subnetpool: { name: "x", prefixes: ["10.103.0.0/16"], min_prefixlen: 24, default_prefixlen: 20 },
    },
  }),
  post("subnetpool create shared by a member", "/subnetpools", {
    body: { subnetpool: { name: "x", prefixes: ["10.104.0.0/16"], shared: true } },
  }),
  get("subnetpool show", "/subnetpools/{pool_id}"),
  put("subnetpool update adds a prefix", "/subnetpools/{pool_id}", {
    body: { subnetpool: { prefixes: ["10.100.0.0/16", "10.101.0.0/16", "10.105.0.0/16"] } },
  }),
  put("subnetpool update removes a prefix", "/subnetpools/{pool_id}", {
    body: { subnetpool: { prefixes: ["10.100.0.0/16"] } },
  }),
  post("subnetpool network create", "/networks", {
    body: { network: { name: "parity-pnet-{suffix}" } },
    save: { pnet_id: "network.id" },
  }),
  post("subnet create from a pool by prefixlen", "/subnets", {
    body: { subnet: { network_id: "{pnet_id}", ip_version: 4, subnetpool_id: "{pool_id}", prefixlen: 26 } },
    save: { pool_subnet_id: "subnet.id" },
  }),
  post("subnet create from a pool with the default prefixlen", "/subnets", {
    body: { subnet: { network_id: "{pnet_id}", ip_version: 4, subnetpool_id: "{pool_id}" } },
  }),
  post("subnet create from a pool with a cidr", "/subnets", {
    body: {
      subnet: { network_id: "{pnet_id}", ip_version: 4, subnetpool_id: "{pool_id}", cidr: "10.100.200.0/24" },
    },
  }),
  post("subnet create from a pool with a cidr outside it", "/subnets", {
    body: {
      subnet: { network_id: "{pnet_id}", ip_version: 4, subnetpool_id: "{pool_id}", cidr: "10.200.0.0/24" },
    },
  }),
  post("subnet create from a pool with a prefixlen too small", "/subnets", {
    body: { subnet: { network_id: "{pnet_id}", ip_version: 4, subnetpool_id: "{pool_id}", prefixlen: 8 } },
  }),
  post("small subnetpool create", "/subnetpools", {
    body: {
      subnetpool: { name: "parity-pool-small-{suffix}", prefixes: ["10.110.0.0/24"], min_prefixlen: 25 },
    },
    save: { small_pool_id: "subnetpool.id" },
  }),
  post("small subnetpool network create", "/networks", {
    body: { network: { name: "parity-pnet-small-{suffix}" } },
    save: { pnet_small_id: "network.id" },
  }),
  post("subnet create from the small pool (first half)", "/subnets", {
    body: {
      subnet: {
        network_id: "{pnet_small_id}",
        ip_version: 4,
        subnetpool_id: "{small_pool_id}",
        prefixlen: 25,
      },
    },
  }),
  post("subnet create from the small pool (second half)", "/subnets", {
    body: {
      subnet: {
        network_id: "{pnet_small_id}",
        ip_version: 4,
        subnetpool_id: "{small_pool_id}",
        prefixlen: 25,
      },
    },
  }),
  post("subnet create from the exhausted pool", "/subnets", {
    body: {
      subnet: {
        network_id: "{pnet_small_id}",
        ip_version: 4,
        subnetpool_id: "{small_pool_id}",
        prefixlen: 25,
      },
    },
  }),
  get("subnetpool list filtered by name", "/subnetpools?name=parity-pool-{suffix}"),
  del("subnetpool delete in use", "/subnetpools/{pool_id}"),
  del("subnetpool network delete", "/networks/{pnet_id}"),
  del("subnetpool delete", "/subnetpools/{pool_id}"),
  del("small subnetpool network delete", "/networks/{pnet_small_id}"),
  del("subnetpool delete (small)", "/subnetpools/{small_pool_id}"),
]);

const rbac: NeutronCase[] = area("rbac", () => [
  post("rbac network create", "/networks", {
    body: { network: { name: "parity-rbac-net-{suffix}" } },
    save: { rbac_net_id: "network.id" },
  }),
  post("rbac subnet create", "/subnets", {
    body: {
      subnet: { network_id: "{rbac_net_id}", cidr: "10.80.0.0/24", ip_version: 4, enable_dhcp: false },
    },
  }),
  get("rbac network show by another project before sharing", "/networks/{rbac_net_id}", other),
  post("rbac policy create access_as_shared to another project", "/rbac-policies", {
    body: {
      rbac_policy: {
        object_type: "network",
        object_id: "{rbac_net_id}",
        action: "access_as_shared",
        target_tenant: "{other_project_id}",
      },
    },
    save: { rbac_id: "rbac_policy.id" },
  }),
  post("rbac policy create duplicate", "/rbac-policies", {
    body: {
      rbac_policy: {
        object_type: "network",
        object_id: "{rbac_net_id}",
        action: "access_as_shared",
        target_tenant: "{other_project_id}",
      },
    },
  }),
  post("rbac policy create with an invalid action", "/rbac-policies", {
    body: {
      rbac_policy: {
        object_type: "network",
        object_id: "{rbac_net_id}",
        action: "access_as_owner",
        target_tenant: "{other_project_id}",
      },
    },
  }),
  post("rbac policy create with an invalid object_type", "/rbac-policies", {
    body: {
      rbac_policy: {
        object_type: "widget",
        object_id: "{rbac_net_id}",
        action: "access_as_shared",
        target_tenant: "{other_project_id}",
      },
    },
  }),
  post("rbac policy create access_as_shared with a wildcard by a member", "/rbac-policies", {
    body: {
      rbac_policy: {
        object_type: "network",
        object_id: "{rbac_net_id}",
        action: "access_as_shared",
        target_tenant: "*",
      },
    },
  }),
  post("rbac policy create access_as_external by a member", "/rbac-policies", {
    body: {
      rbac_policy: {
        object_type: "network",
        object_id: "{rbac_net_id}",
        action: "access_as_external",
        target_tenant: "{other_project_id}",
      },
    },
    save: { rbac_ext_id: "rbac_policy.id" },
  }),
  get("rbac policy show", "/rbac-policies/{rbac_id}"),
  get(
    "rbac policy list sorted by action (not a sort key)",
    "/rbac-policies?object_id={rbac_net_id}&sort_key=action&sort_dir=asc",
  ),
  get(
    "rbac policy list filtered by object",
    "/rbac-policies?object_id={rbac_net_id}&fields=action&fields=target_tenant",
  ),
  get("rbac network show by the target project", "/networks/{rbac_net_id}", other),
  get(
    "rbac network show by admin after sharing",
    "/networks/{rbac_net_id}?fields=shared&fields=router:external",
    admin,
  ),
  get("rbac policy show by the target project", "/rbac-policies/{rbac_id}", other),
  post("rbac port create by the target project", "/ports", {
    ...other,
    body: { port: { network_id: "{rbac_net_id}" } },
    save: { rbac_port_id: "port.id" },
  }),
  del("rbac policy delete in use", "/rbac-policies/{rbac_id}"),
  put("rbac policy update target in use", "/rbac-policies/{rbac_id}", {
    body: { rbac_policy: { target_tenant: "{admin_project_id}" } },
  }),
  del("rbac port delete by the target project", "/ports/{rbac_port_id}", other),
  put("rbac policy update target", "/rbac-policies/{rbac_id}", {
    body: { rbac_policy: { target_tenant: "{admin_project_id}" } },
  }),
  del("rbac policy delete access_as_external", "/rbac-policies/{rbac_ext_id}"),
  del("rbac policy delete", "/rbac-policies/{rbac_id}"),
  get("rbac network show by another project after unsharing", "/networks/{rbac_net_id}", other),
  del("rbac policy delete again", "/rbac-policies/{rbac_id}"),
  del("rbac network delete", "/networks/{rbac_net_id}"),
]);

const cleanup: NeutronCase[] = area("router", () => [
  del("router delete (no gateway)", "/routers/{router_id}"),
  del("router delete (no snat)", "/routers/{router_nosnat_id}", admin),
  del("router delete (fixed external ip)", "/routers/{router_fixed_id}", admin),
  del("router network delete", "/networks/{rnet_id}"),
  del("router second network delete", "/networks/{rnet2_id}"),
  del("external network delete", "/networks/{ext_net_id}", admin),
]);

export const cases: readonly NeutronCase[] = [
  ...core,
  ...routers,
  ...floatingIps,
  ...subnetpools,
  ...rbac,
  ...cleanup,
];
