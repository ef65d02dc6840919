/**
 * Builds data-plane models for tracer tests, named as the compiler names rows (see sdn/model.ts):
 * ls-<network>, <port>, lr-<router>, lrp-<port>, sr-..., snat-/fip-/pf-..., pg-/as-/acl-...
 */
import { defaultGateway, formatIp, parseCidrLoose } from "../../../src/lib/ip.ts";
import {
  emptyModel,
  type AclMatch,
  type LogicalSwitchPort,
  type Model,
  type NetworkAclRule,
  type Owner,
} from "../../../src/sdn/model.ts";

const owner = (type: Owner["type"], id: string): Owner => ({ type, id, revision: 1 });

export interface RuleSpec {
  direction: "ingress" | "egress";
  ethertype?: "IPv4" | "IPv6";
  /** IANA number; omitted = any. */
  protocol?: number;
  ports?: [number, number];
  icmp?: [number | null, number | null];
  /** A CIDR, or { group } for remote_group_id; omitted = anywhere. */
  remote?: string | { group: string };
  action?: "drop" | "reject";
}

export interface PortOptions {
  groups?: string[];
  /** false = port security off (no anti-spoofing, no security groups). */
  portSecurity?: boolean;
  pairs?: string[];
  /** Replaces the computed port_security IPs (to model a spoofing port). */
  securityIps?: string[];
  enabled?: boolean;
  host?: string;
  project?: string;
}

export class ModelBuilder {
  readonly model: Model = emptyModel();
  private macs = 0;
  private readonly gateways = new Map<string, { ip: string; snat: boolean }>();

  network(
    id: string,
    cidr: string,
    options: { external?: boolean; enabled?: boolean; project?: string } = {},
  ) {
    const parsed = parseCidrLoose(cidr)!;
    this.model.logical_switches[`ls-${id}`] = {
      name: `ls-${id}`,
      owner: owner("network", id),
      network_id: id,
      project_id: options.project ?? "p-a",
      segment: { network_type: "geneve", physical_network: null, segmentation_id: 1 },
      mtu: 1442,
      external: options.external ?? false,
      enabled: options.enabled ?? true,
      subnets: [{ subnet_id: `sub-${id}`, cidr, gateway_ip: formatIp(defaultGateway(parsed)) }],
    };
    return `ls-${id}`;
  }

  securityGroup(id: string, options: { stateful?: boolean; egress?: boolean } = {}) {
    const stateful = options.stateful ?? true;
    this.model.port_groups[`pg-${id}`] = {
      name: `pg-${id}`,
      owner: owner("security_group", id),
      security_group_id: id,
      project_id: "p-a",
      stateful,
      ports: [],
    };
    for (const family of ["ip4", "ip6"])
      this.model.address_sets[`as-${id}-${family}`] = {
        name: `as-${id}-${family}`,
        owner: owner("security_group", id),
        addresses: [],
      };
    // Neutron's new groups allow all egress.
    if (options.egress ?? true) this.rule(id, `${id}-egress`, { direction: "egress" });
    return id;
  }

  rule(group: string, id: string, spec: RuleSpec) {
    const stateful = this.model.port_groups[`pg-${group}`]!.stateful;
    const ethertype = spec.ethertype ?? "IPv4";
    const remote: AclMatch["remote"] =
      spec.remote === undefined
        ? { kind: "any" }
        : typeof spec.remote === "string"
          ? { kind: "cidr", cidr: spec.remote }
          : {
              kind: "address_set",
              address_set: `as-${spec.remote.group}-${ethertype === "IPv4" ? "ip4" : "ip6"}`,
            };
    this.model.acls[`acl-${id}`] = {
      name: `acl-${id}`,
      owner: owner("security_group_rule", id),
      port_group: `pg-${group}`,
      direction: spec.direction === "egress" ? "from-lport" : "to-lport",
      priority: spec.action === undefined ? 1002 : 1003,
      match: {
        ethertype,
        protocol: spec.protocol ?? null,
        port_min: spec.ports?.[0] ?? null,
        port_max: spec.ports?.[1] ?? null,
        icmp_type: spec.icmp?.[0] ?? null,
        icmp_code: spec.icmp?.[1] ?? null,
        remote,
      },
      action: spec.action ?? (stateful ? "allow-related" : "allow-stateless"),
    };
    return id;
  }

  /** A VM port (VIF) with fixed IPs, in security groups. */
  port(id: string, network: string, ips: string | string[], options: PortOptions = {}): LogicalSwitchPort {
    const fixed = typeof ips === "string" ? [ips] : ips;
    const mac = this.mac();
    const security = options.portSecurity ?? true;
    const groups = security ? (options.groups ?? []) : [];
    const port = this.switchPort(id, network, mac, fixed, {
      // As the compiler writes it: the port's own entry, then one per allowed address pair.
      port_security: security
        ? [
            { mac, ips: options.securityIps ?? fixed },
            ...(options.pairs ?? []).map((ip) => ({ mac, ips: [ip] })),
          ]
        : [],
      enabled: options.enabled ?? true,
      host: options.host ?? "compute-1",
      device_owner: "compute:nova",
      port_groups: groups.map((group) => `pg-${group}`),
    });
    for (const group of groups) {
      this.model.port_groups[`pg-${group}`]!.ports.push(id);
      // Remote groups match the members' fixed IPs and address pairs.
      for (const ip of [...fixed, ...(options.pairs ?? [])]) {
        const family = ip.includes(":") ? "ip6" : "ip4";
        this.model.address_sets[`as-${group}-${family}`]!.addresses.push(ip);
      }
    }
    return port;
  }

  /** The localnet port of a flat/vlan network: it makes the network physical. */
  localnet(network: string) {
    return this.switchPort(`provnet-${network}`, network, "", [], { type: "localnet", addresses: [] });
  }

  router(
    id: string,
    options: {
      gateway?: { network: string; ip: string; upstream: string };
      snat?: boolean;
      enabled?: boolean;
    } = {},
  ) {
    const name = `lr-${id}`;
    this.model.logical_routers[name] = {
      name,
      owner: owner("router", id),
      router_id: id,
      project_id: "p-a",
      enabled: options.enabled ?? true,
      snat: options.snat ?? true,
    };
    const gateway = options.gateway;
    if (gateway !== undefined) {
      const lrp = this.routerPort(id, `gw-${id}`, gateway.network, gateway.ip, true);
      this.gateways.set(id, { ip: gateway.ip, snat: options.snat ?? true });
      const cidr = gateway.upstream.includes(":") ? "::/0" : "0.0.0.0/0";
      this.model.static_routes[`sr-${id}-default`] = {
        name: `sr-${id}-default`,
        owner: owner("router", id),
        router: name,
        ip_prefix: cidr,
        nexthop: gateway.upstream,
        output_port: lrp,
        origin: "gateway",
      };
    }
    return name;
  }

  /** A router interface on the network's subnet (and the router's SNAT for it, given a gateway). */
  interface(router: string, network: string, ip: string, portId = `ri-${router}-${network}`) {
    const lrp = this.routerPort(router, portId, network, ip, false);
    const gateway = this.gateways.get(router);
    const cidr = this.model.logical_switches[`ls-${network}`]!.subnets[0]!.cidr;
    if (gateway?.snat === true)
      this.model.nats[`snat-${router}-${cidr}`] = this.nat(
        `snat-${router}-${cidr}`,
        owner("router", router),
        router,
        {
          type: "snat",
          external_ip: gateway.ip,
          logical_ip: cidr,
        },
      );
    return lrp;
  }

  /** An extra route; its output port is the router port whose network holds the next hop. */
  route(router: string, prefix: string, nexthop: string, outputPort: string) {
    const name = `sr-${router}-${prefix}-${nexthop}`;
    this.model.static_routes[name] = {
      name,
      owner: owner("router", router),
      router: `lr-${router}`,
      ip_prefix: prefix,
      nexthop,
      output_port: outputPort,
      origin: "extraroute",
    };
    return name;
  }

  /** A floating IP: its port on the external network and, when associated, its dnat_and_snat. */
  floatingIp(id: string, router: string, network: string, ip: string, port: LogicalSwitchPort | null) {
    this.switchPort(`fipport-${id}`, network, this.mac(), [ip], {
      device_owner: "network:floatingip",
      device_id: id,
    });
    if (port !== null)
      this.model.nats[`fip-${id}`] = this.nat(`fip-${id}`, owner("floatingip", id), router, {
        type: "dnat_and_snat",
        external_ip: ip,
        logical_ip: port.addresses[0]!.ips[0]!,
        logical_port: port.name,
      });
    return id;
  }

  portForwarding(
    id: string,
    router: string,
    ip: string,
    port: LogicalSwitchPort,
    forward: { protocol: "tcp" | "udp"; external: number; internal: number },
  ) {
    this.model.nats[`pf-${id}`] = this.nat(`pf-${id}`, owner("port_forwarding", id), router, {
      type: "dnat",
      external_ip: ip,
      logical_ip: port.addresses[0]!.ips[0]!,
      logical_port: port.name,
      protocol: forward.protocol,
      external_port: forward.external,
      internal_port: forward.internal,
    });
    return id;
  }

  /** A limit on a port (a VM's, or a gateway's lrp-...), optionally only for what `nats` translate. */
  qos(id: string, port: string, direction: "ingress" | "egress", maxKbps: number, nats: string[] = []) {
    this.model.qos[`qos-${id}`] = {
      name: `qos-${id}`,
      owner: owner("port", port),
      port,
      direction,
      nats,
      qos_policy_id: `policy-${id}`,
      max_kbps: maxKbps,
      max_burst_kbps: maxKbps / 10,
      dscp_mark: null,
    };
  }

  /** A host (ports name it in `host`) or a gateway chassis, up or down. */
  chassis(kind: "host" | "gateway", hostname: string, up: boolean, reason: string | null = null) {
    const name = `${kind}-${hostname}`;
    this.model.chassis[name] = {
      name,
      owner: owner(kind === "host" ? "sdn_host" : "sdn_device", hostname),
      hostname,
      kind,
      zone: "az1",
      up,
      reason,
    };
  }

  /** A route of a VPC route table, for traffic from `sources`, at the router. */
  routePolicy(
    table: string,
    router: string,
    sources: string[],
    prefix: string,
    action: "local" | "reroute" | "drop",
    via: { nexthop: string; port: string } | null = null,
  ) {
    const name = `rtp-${table}-${prefix}`;
    this.model.router_policies[name] = {
      name,
      owner: owner("route_table", table),
      router: `lr-${router}`,
      route_table_id: table,
      route_table_name: `${table}-name`,
      source_cidrs: sources,
      ip_prefix: prefix,
      action,
      nexthop: via?.nexthop ?? null,
      output_port: via?.port ?? null,
    };
  }

  /** A firewall group's policy on router ports, for one direction (rules in order). */
  networkAcl(
    group: string,
    ports: string[],
    direction: "ingress" | "egress",
    rules: Array<Partial<NetworkAclRule> & Pick<NetworkAclRule, "id" | "action">>,
  ) {
    const name = `nacl-${group}-${direction}`;
    this.model.network_acls[name] = {
      name,
      owner: owner("firewall_group", group),
      firewall_group_id: group,
      firewall_policy_id: `policy-${group}-${direction}`,
      ports,
      direction,
      enabled: true,
      rules: rules.map((rule) => ({
        ip_version: 4,
        protocol: null,
        source_cidr: null,
        destination_cidr: null,
        source_ports: null,
        destination_ports: null,
        ...rule,
      })),
    };
  }

  /** Which gateway chassis (up) carry a router's gateway port; [] = none can. */
  gatewayChassis(router: string, chassis: string[]) {
    this.model.logical_router_ports[`lrp-gw-${router}`]!.gateway_chassis = chassis;
  }

  private routerPort(router: string, portId: string, network: string, ip: string, gateway: boolean) {
    const prefix = this.model.logical_switches[`ls-${network}`]!.subnets[0]!.cidr.split("/")[1]!;
    const mac = this.mac();
    const lrp = `lrp-${portId}`;
    this.switchPort(portId, network, mac, [ip], {
      type: "router",
      router_port: lrp,
      device_owner: gateway ? "network:router_gateway" : "network:router_interface",
      device_id: router,
    });
    this.model.logical_router_ports[lrp] = {
      name: lrp,
      owner: owner("port", portId),
      router: `lr-${router}`,
      peer: portId,
      switch: `ls-${network}`,
      mac,
      networks: [`${ip}/${prefix}`],
      gateway,
      gateway_chassis: null,
    };
    return lrp;
  }

  private switchPort(
    id: string,
    network: string,
    mac: string,
    ips: string[],
    fields: Partial<LogicalSwitchPort>,
  ) {
    const port: LogicalSwitchPort = {
      name: id,
      owner: owner("port", id),
      switch: `ls-${network}`,
      type: "",
      project_id: "p-a",
      addresses: [{ mac, ips }],
      port_security: [],
      enabled: true,
      router_port: null,
      host: "",
      device_owner: "",
      device_id: "",
      port_groups: [],
      ...fields,
    };
    this.model.logical_switch_ports[id] = port;
    return port;
  }

  private nat(
    name: string,
    rowOwner: Owner,
    router: string,
    fields: Partial<Model["nats"][string]> &
      Pick<Model["nats"][string], "type" | "external_ip" | "logical_ip">,
  ) {
    return {
      name,
      owner: rowOwner,
      router: `lr-${router}`,
      logical_port: null,
      protocol: null,
      external_port: null,
      internal_port: null,
      ...fields,
    };
  }

  private mac(): string {
    const n = ++this.macs;
    return `fa:16:3e:00:${((n >> 8) & 0xff).toString(16).padStart(2, "0")}:${(n & 0xff).toString(16).padStart(2, "0")}`;
  }
}
