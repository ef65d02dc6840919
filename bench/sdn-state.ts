import { formatIp, type Address } from "../src/lib/ip.ts";
import type {
  FloatingIpInput,
  NetworkInput,
  NetworkState,
  PortForwardingInput,
  PortInput,
  RouterInput,
  SecurityGroupInput,
  SecurityGroupRuleInput,
  SubnetInput,
} from "../src/sdn/compile/input.ts";

export interface SyntheticSizes {
  /** VM ports (router and floating IP ports come on top). */
  ports: number;
  /** Security group rules in all. */
  rules: number;
  routers: number;
}

/** Networks per router: each router joins two tenant networks to the external one. */
const NETWORKS_PER_ROUTER = 2;
/** Projects get a default group plus this many more, with rules spread over them. */
const EXTRA_GROUPS = 3;
/** One VM port in this many gets a floating IP (every 10th of those a port forwarding instead). */
const FIP_EVERY = 50;
const EXTERNAL_NETWORK = uuid(0xe, 0);
const EXTERNAL_SUBNET = uuid(0xe, 1);
/** 100.64.0.0/10: gateways from 100.64.0.10, floating IPs from 100.65.0.0. */
const EXTERNAL_BASE = (100n << 24n) | (64n << 16n);

/** A deterministic UUID-shaped id: the kind nibble and a counter. */
function uuid(kind: number, index: number): string {
  const hex = index.toString(16).padStart(12, "0");
  return `${kind.toString(16).padStart(8, "0")}-0000-4000-8000-${hex}`;
}

function ipv4(value: bigint): string {
  const address: Address = { version: 4, value };
  return formatIp(address);
}

function mac(index: number): string {
  const hex = index.toString(16).padStart(6, "0");
  return `fa:16:3e:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
}

const standard = (id: string, project: string) => ({ id, project_id: project, revision_number: 1 });

/** Tenant network i: 10.0.0.0/8 carved into /16s (past 256 networks it runs on into 11/8, ...). */
function tenantBase(i: number): bigint {
  return (10n << 24n) + (BigInt(i) << 16n);
}

/**
 * A realistic, valid NetworkState: several projects, a shared flat external network, tenant
 * geneve networks with a /16 subnet each, routers with a gateway and two interfaces, VM ports
 * spread over the networks, security groups with remote-group and CIDR rules, floating IPs
 * and a few port forwardings. Deterministic: the same sizes give the same state.
 */
export function syntheticState(sizes: SyntheticSizes): NetworkState {
  const routers = Math.max(1, sizes.routers);
  const networkCount = routers * NETWORKS_PER_ROUTER;
  const projects = Array.from({ length: Math.max(1, Math.ceil(routers / 10)) }, (_, i) => uuid(0xa, i));
  const state: NetworkState = {
    networks: [externalNetwork()],
    subnets: [externalSubnet()],
    ports: [],
    routers: [],
    floating_ips: [],
    port_forwardings: [],
    security_groups: [],
    security_group_rules: [],
  };
  // Both networks of a router belong to the router's project.
  const project = (network: number) =>
    projects[Math.floor(network / NETWORKS_PER_ROUTER) % projects.length] ?? "";
  for (let i = 0; i < networkCount; i++) addTenantNetwork(state, i, project(i));
  for (let r = 0; r < routers; r++) addRouter(state, r, project(r * NETWORKS_PER_ROUTER));
  const groups = addGroups(state, projects, sizes.rules);
  addVmPorts(state, sizes.ports, networkCount, (i) => groups.get(project(i)) ?? []);
  addFloatingIps(state);
  return state;
}

function externalNetwork(): NetworkInput {
  return {
    ...standard(EXTERNAL_NETWORK, "admin"),
    name: "public",
    admin_state_up: true,
    mtu: 1500,
    external: true,
    shared: true,
    port_security_enabled: true,
    network_type: "flat",
    physical_network: "public",
    segmentation_id: null,
  };
}

function externalSubnet(): SubnetInput {
  return {
    ...standard(EXTERNAL_SUBNET, "admin"),
    network_id: EXTERNAL_NETWORK,
    ip_version: 4,
    cidr: "100.64.0.0/10",
    gateway_ip: "100.64.0.1",
    enable_dhcp: false,
    dns_nameservers: [],
    host_routes: [],
  };
}

function addTenantNetwork(state: NetworkState, i: number, project: string): void {
  const id = uuid(0x1, i);
  state.networks.push({
    ...standard(id, project),
    name: `net-${i}`,
    admin_state_up: true,
    mtu: 1442,
    external: false,
    shared: false,
    port_security_enabled: true,
    network_type: "geneve",
    physical_network: null,
    segmentation_id: 1000 + i,
  });
  const base = tenantBase(i);
  state.subnets.push({
    ...standard(uuid(0x2, i), project),
    network_id: id,
    ip_version: 4,
    cidr: `${ipv4(base)}/16`,
    gateway_ip: ipv4(base + 1n),
    enable_dhcp: true,
    dns_nameservers: ["8.8.8.8"],
    host_routes: [],
  });
}

function port(id: string, network: string, project: string, address: string, subnet: string): PortInput {
  return {
    ...standard(id, project),
    network_id: network,
    name: "",
    admin_state_up: true,
    // The id's kind nibble picks a 1M block of the 24-bit MAC space, its counter the address.
    mac_address: mac(parseInt(id.slice(-6), 16) + (parseInt(id.slice(0, 8), 16) << 20)),
    fixed_ips: [{ subnet_id: subnet, ip_address: address }],
    device_owner: "",
    device_id: "",
    port_security_enabled: true,
    security_groups: [],
    allowed_address_pairs: [],
    binding_host_id: "",
  };
}

/** Router r: gateway 100.64.0.(10+r), interfaces at the gateway_ip of tenant networks 2r and 2r+1. */
function addRouter(state: NetworkState, r: number, project: string): void {
  const id = uuid(0x3, r);
  const gateway = uuid(0x4, r);
  const router: RouterInput = {
    ...standard(id, project),
    name: `router-${r}`,
    admin_state_up: true,
    gw_port_id: gateway,
    enable_snat: true,
    routes: [],
  };
  state.routers.push(router);
  const gw = port(gateway, EXTERNAL_NETWORK, "", ipv4(EXTERNAL_BASE + 10n + BigInt(r)), EXTERNAL_SUBNET);
  state.ports.push({ ...gw, device_owner: "network:router_gateway", device_id: id });
  for (let k = 0; k < NETWORKS_PER_ROUTER; k++) {
    const n = r * NETWORKS_PER_ROUTER + k;
    const leg = port(uuid(0x5, n), uuid(0x1, n), project, ipv4(tenantBase(n) + 1n), uuid(0x2, n));
    state.ports.push({ ...leg, device_owner: "network:router_interface", device_id: id });
  }
  // An extra route via a (virtual) appliance on the first interface's subnet.
  router.routes.push({ destination: `192.168.${r % 256}.0/24`, nexthop: ipv4(tenantBase(r * 2) + 254n) });
}

/** Per project: a default group (Neutron's four rules) and extra groups taking the remaining rules. */
function addGroups(state: NetworkState, projects: string[], total: number): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  const extra: SecurityGroupInput[] = [];
  let g = 0;
  for (const project of projects) {
    const ids: string[] = [];
    for (let k = 0; k <= EXTRA_GROUPS; k++) {
      const group: SecurityGroupInput = {
        ...standard(uuid(0x6, g++), project),
        name: k === 0 ? "default" : `app-${k}`,
        stateful: true,
      };
      state.security_groups.push(group);
      ids.push(group.id);
      if (k > 0) extra.push(group);
    }
    groups.set(project, ids);
  }
  let r = 0;
  for (const [project, ids] of groups) {
    const [group = ""] = ids;
    for (const [direction, ethertype, remote] of [
      ["egress", "IPv4", null],
      ["egress", "IPv6", null],
      ["ingress", "IPv4", group],
      ["ingress", "IPv6", group],
    ] as const) {
      if (r >= total) return groups;
      state.security_group_rules.push(
        rule(r++, group, direction, ethertype, { project_id: project, remote_group_id: remote }),
      );
    }
  }
  for (let i = 0; r < total; i++) {
    const j = i % extra.length;
    const group = extra[j];
    if (group === undefined) break;
    state.security_group_rules.push(
      extraRule(r++, group, extra[j - (j % EXTRA_GROUPS) + ((j + 1) % EXTRA_GROUPS)]?.id ?? group.id, i),
    );
  }
  return groups;
}

function rule(
  r: number,
  group: string,
  direction: "ingress" | "egress",
  ethertype: "IPv4" | "IPv6",
  fields: Partial<SecurityGroupRuleInput>,
): SecurityGroupRuleInput {
  return {
    ...standard(uuid(0x7, r), ""),
    security_group_id: group,
    direction,
    ethertype,
    protocol: null,
    port_range_min: null,
    port_range_max: null,
    remote_ip_prefix: null,
    remote_group_id: null,
    ...fields,
  };
}

/** A mix: tcp service ports from a CIDR, tcp from another group, ICMP echo. */
function extraRule(r: number, group: SecurityGroupInput, peer: string, i: number): SecurityGroupRuleInput {
  const fixed = (kind: number) => {
    const port = 1024 + (i % 30000);
    if (kind === 0)
      return {
        protocol: "tcp",
        port_range_min: port,
        port_range_max: port,
        remote_ip_prefix: `10.${i % 256}.0.0/16`,
      };
    if (kind === 1)
      return { protocol: "tcp", port_range_min: port, port_range_max: port + 10, remote_group_id: peer };
    return { protocol: "icmp", port_range_min: 8, port_range_max: 0, remote_ip_prefix: "0.0.0.0/0" };
  };
  return { ...rule(r, group.id, "ingress", "IPv4", fixed(i % 3)), project_id: group.project_id };
}

/** VM port p on network p mod N, at .0.10 + p div N of its /16, in its project's default group and one more. */
function addVmPorts(
  state: NetworkState,
  count: number,
  networks: number,
  groupsOf: (network: number) => string[],
) {
  for (let p = 0; p < count; p++) {
    const n = p % networks;
    const offset = 10n + BigInt(Math.floor(p / networks));
    const vm = port(
      uuid(0x8, p),
      uuid(0x1, n),
      state.networks[n + 1]?.project_id ?? "",
      ipv4(tenantBase(n) + offset),
      uuid(0x2, n),
    );
    const groups = groupsOf(n);
    vm.security_groups = [groups[0] ?? "", groups[1 + (p % EXTRA_GROUPS)] ?? ""];
    vm.device_owner = "compute:nova";
    vm.device_id = uuid(0x9, p);
    vm.binding_host_id = `compute-${p % 64}`;
    if (p % 97 === 0)
      vm.allowed_address_pairs = [{ ip_address: ipv4(tenantBase(n) + 60000n), mac_address: "" }];
    state.ports.push(vm);
  }
}

/** Every FIP_EVERY-th VM port gets a floating IP; every 10th of those is a port forwarding instead. */
function addFloatingIps(state: NetworkState): void {
  const vms = state.ports.filter((p) => p.device_owner === "compute:nova");
  const routerOf = new Map(
    state.ports
      .filter((p) => p.device_owner === "network:router_interface")
      .map((p) => [p.network_id, p.device_id]),
  );
  const fips: FloatingIpInput[] = [];
  const forwardings: PortForwardingInput[] = [];
  for (let k = 0; k * FIP_EVERY < vms.length; k++) {
    const vm = vms[k * FIP_EVERY];
    const ip = vm?.fixed_ips[0];
    const router = vm === undefined ? undefined : routerOf.get(vm.network_id);
    if (vm === undefined || ip === undefined || router === undefined) continue;
    const id = uuid(0xb, k);
    const address = ipv4(EXTERNAL_BASE + (1n << 16n) + BigInt(k));
    const floatingPort = port(uuid(0xc, k), EXTERNAL_NETWORK, "", address, EXTERNAL_SUBNET);
    state.ports.push({ ...floatingPort, device_owner: "network:floatingip", device_id: id });
    const forwarded = k % 10 === 9;
    fips.push({
      ...standard(id, vm.project_id),
      floating_network_id: EXTERNAL_NETWORK,
      floating_ip_address: address,
      floating_port_id: floatingPort.id,
      port_id: forwarded ? null : vm.id,
      fixed_ip_address: forwarded ? null : ip.ip_address,
      router_id: router,
    });
    if (forwarded)
      forwardings.push({
        id: uuid(0xd, k),
        floatingip_id: id,
        protocol: "tcp",
        external_port: 2222,
        internal_port: 22,
        internal_ip_address: ip.ip_address,
        internal_port_id: vm.id,
      });
  }
  state.floating_ips = fips;
  state.port_forwardings = forwardings;
}
