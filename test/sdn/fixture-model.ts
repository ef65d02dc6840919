import { emptyModel, type Model, type Owner } from "../../src/sdn/model.ts";

const owner = (type: Owner["type"], id: string, revision = 1): Owner => ({ type, id, revision });

/** A small but complete model: one row (at least) in every table that has parents. */
export function fixtureModel(): Model {
  const model = emptyModel();
  model.logical_switches["ls-n1"] = {
    name: "ls-n1",
    owner: owner("network", "n1"),
    network_id: "n1",
    project_id: "p1",
    segment: { network_type: "vxlan", physical_network: null, segmentation_id: 100 },
    mtu: 1450,
    external: false,
    enabled: true,
    subnets: [{ subnet_id: "s1", cidr: "10.0.0.0/24", gateway_ip: "10.0.0.1" }],
  };
  model.logical_switch_ports.vm1 = {
    name: "vm1",
    owner: owner("port", "vm1"),
    switch: "ls-n1",
    type: "",
    project_id: "p1",
    addresses: [{ mac: "fa:16:3e:00:00:01", ips: ["10.0.0.5"] }],
    port_security: [{ mac: "fa:16:3e:00:00:01", ips: ["10.0.0.5"] }],
    enabled: true,
    router_port: null,
    host: "compute-1",
    device_owner: "compute:nova",
    device_id: "server-1",
    port_groups: ["pg-sg1"],
  };
  model.logical_routers["lr-r1"] = {
    name: "lr-r1",
    owner: owner("router", "r1"),
    router_id: "r1",
    project_id: "p1",
    enabled: true,
    snat: true,
  };
  model.logical_router_ports["lrp-ri1"] = {
    name: "lrp-ri1",
    owner: owner("port", "ri1"),
    router: "lr-r1",
    peer: "ri1",
    switch: "ls-n1",
    mac: "fa:16:3e:00:00:02",
    networks: ["10.0.0.1/24"],
    gateway: false,
    gateway_chassis: null,
  };
  model.static_routes["sr-r1-10.1.0.0/16-10.0.0.9"] = {
    name: "sr-r1-10.1.0.0/16-10.0.0.9",
    owner: owner("router", "r1"),
    router: "lr-r1",
    ip_prefix: "10.1.0.0/16",
    nexthop: "10.0.0.9",
    output_port: "lrp-ri1",
    origin: "extraroute",
  };
  model.nats["fip-f1"] = {
    name: "fip-f1",
    owner: owner("floatingip", "f1"),
    router: "lr-r1",
    type: "dnat_and_snat",
    external_ip: "198.51.100.5",
    logical_ip: "10.0.0.5",
    logical_port: "vm1",
    protocol: null,
    external_port: null,
    internal_port: null,
  };
  model.port_groups["pg-sg1"] = {
    name: "pg-sg1",
    owner: owner("security_group", "sg1"),
    security_group_id: "sg1",
    project_id: "p1",
    stateful: true,
    ports: ["vm1"],
  };
  model.address_sets["as-sg1-ip4"] = {
    name: "as-sg1-ip4",
    owner: owner("security_group", "sg1"),
    addresses: ["10.0.0.5"],
  };
  model.acls["acl-rule1"] = {
    name: "acl-rule1",
    owner: owner("security_group_rule", "rule1"),
    port_group: "pg-sg1",
    direction: "to-lport",
    priority: 1002,
    match: {
      ethertype: "IPv4",
      protocol: 6,
      port_min: 22,
      port_max: 22,
      icmp_type: null,
      icmp_code: null,
      remote: { kind: "any" },
    },
    action: "allow-related",
  };
  model.dhcp_options["dhcp-s1"] = {
    name: "dhcp-s1",
    owner: owner("subnet", "s1"),
    subnet_id: "s1",
    cidr: "10.0.0.0/24",
    options: { router: "10.0.0.1", dns_server: [], mtu: 1450, lease_time: 43200, host_routes: [] },
  };
  return model;
}
