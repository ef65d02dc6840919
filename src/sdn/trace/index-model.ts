import { cidrContains, parseCidrLoose, parseIp, type Address, type Cidr } from "../../lib/ip.ts";
import type {
  Acl,
  Chassis,
  LogicalRouter,
  LogicalRouterPort,
  LogicalSwitch,
  LogicalSwitchPort,
  Model,
  Nat,
  NetworkAcl,
  Qos,
  RouterPolicy,
  StaticRoute,
} from "../model.ts";
import { ipKey } from "./packet.ts";

/** Lookup tables over one model, built once so a trace never scans every row. */
export interface Index {
  switches: Map<string, SwitchIndex>;
  routers: Map<string, RouterIndex>;
  routerPorts: Map<string, RouterPortIndex>;
  /** NAT rows by external address (floating IPs, port forwardings, SNAT addresses). */
  natsByExternal: Map<string, Nat[]>;
  /** Per port group, its ACLs per direction, best first. */
  acls: Map<string, { "from-lport": Acl[]; "to-lport": Acl[] }>;
  addressSets: Map<string, AddressMatcher>;
  qos: Map<string, Qos[]>;
  /** Chassis rows by name (host-<hostname>, gateway-<name>). */
  chassis: Map<string, Chassis>;
  /** Network ACLs by the router port they guard, per direction. */
  networkAcls: Map<string, { ingress: NetworkAcl[]; egress: NetworkAcl[] }>;
  /** Switches by subnet: "<version>/<prefix>" -> network bits -> switches. */
  subnets: Map<string, { cidr: Cidr; byNetwork: Map<bigint, SwitchIndex[]> }>;
}

export interface SwitchIndex {
  row: LogicalSwitch;
  subnets: Array<{ cidr: Cidr; gateway: Address | null }>;
  /** Fixed IPs of VIF ports and the addresses of router ports on this switch. */
  owners: Map<string, Owned>;
  /** On a physical network (external, or with a localnet port): its subnets' gateways are upstream routers. */
  physical: boolean;
  /** Host addresses claimed only through allowed address pairs (VIPs), first claimant first. */
  pairs: Map<string, LogicalSwitchPort[]>;
  routerPorts: RouterPortIndex[];
}

export type Owned = { kind: "port"; port: LogicalSwitchPort } | { kind: "router"; lrp: RouterPortIndex };

export interface RouterPortIndex {
  row: LogicalRouterPort;
  networks: Array<{ address: Address; cidr: Cidr }>;
}

export interface RouterIndex {
  row: LogicalRouter;
  ports: RouterPortIndex[];
  /** Longest prefix first; connected before static on a tie. */
  routes: Route[];
  /** The router's own addresses (ip key -> the port holding it). */
  own: Map<string, RouterPortIndex>;
  /** Floating IPs by internal address: their SNAT side. */
  fipsByLogical: Map<string, Nat>;
  /** SNAT rows, longest internal prefix first. */
  snats: Array<{ cidr: Cidr; row: Nat }>;
  /** Route table routes (router policies), longest destination prefix first. */
  policies: PolicyIndex[];
}

export interface PolicyIndex {
  row: RouterPolicy;
  cidr: Cidr;
  sources: Cidr[];
  nexthop: Address | undefined;
}

export type Route =
  | { kind: "connected"; cidr: Cidr; lrp: RouterPortIndex }
  | { kind: "static"; cidr: Cidr; row: StaticRoute; nexthop: Address | undefined }
  | { kind: "policy"; cidr: Cidr; row: RouterPolicy; nexthop: Address | undefined };

export interface AddressMatcher {
  exact: Set<string>;
  cidrs: Cidr[];
}

/** device_owner of a floating IP's port: it holds the address, but NAT answers for it. */
export const FLOATING_IP = "network:floatingip";

const cache = new WeakMap<Model, Index>();

/**
 * The index of a model, cached per model object. A model mutated in place keeps its stale index:
 * whoever mutates one must call forgetIndex (or hand the tracer a new top-level object).
 */
export function indexOf(model: Model): Index {
  let index = cache.get(model);
  if (index === undefined) {
    index = buildIndex(model);
    cache.set(model, index);
  }
  return index;
}

export function forgetIndex(model: Model): void {
  cache.delete(model);
}

export function matches(matcher: AddressMatcher, address: Address): boolean {
  return matcher.exact.has(ipKey(address)) || matcher.cidrs.some((cidr) => cidrContains(cidr, address));
}

/** An address that may be written with a prefix ("10.0.0.5/32", as OVN allows in addresses). */
export function addressOf(text: string): Address | undefined {
  const slash = text.indexOf("/");
  return parseIp(slash < 0 ? text : text.slice(0, slash));
}

function buildIndex(model: Model): Index {
  const index: Index = {
    switches: new Map(),
    routers: new Map(),
    routerPorts: new Map(),
    natsByExternal: new Map(),
    acls: new Map(),
    addressSets: new Map(),
    qos: new Map(),
    chassis: new Map(Object.entries(model.chassis)),
    networkAcls: new Map(),
    subnets: new Map(),
  };
  for (const row of Object.values(model.logical_switches)) addSwitch(index, row);
  for (const row of Object.values(model.logical_routers)) index.routers.set(row.name, routerIndex(row));
  for (const row of Object.values(model.logical_router_ports)) addRouterPort(index, row);
  for (const port of Object.values(model.logical_switch_ports)) addSwitchPort(index, port);
  for (const route of Object.values(model.static_routes)) addStaticRoute(index, route);
  for (const nat of Object.values(model.nats)) addNat(index, nat);
  for (const acl of Object.values(model.acls)) addAcl(index, acl);
  for (const set of Object.values(model.address_sets))
    index.addressSets.set(set.name, matcher(set.addresses));
  for (const qos of Object.values(model.qos)) push(index.qos, qos.port, qos);
  for (const policy of Object.values(model.router_policies)) addPolicy(index, policy);
  for (const acl of Object.values(model.network_acls)) addNetworkAcl(index, acl);
  for (const router of index.routers.values()) sortRouter(router);
  for (const lists of index.acls.values()) {
    lists["from-lport"].sort(aclOrder);
    lists["to-lport"].sort(aclOrder);
  }
  return index;
}

function addSwitch(index: Index, row: LogicalSwitch): void {
  const sw = switchIndex(row);
  index.switches.set(row.name, sw);
  for (const { cidr } of sw.subnets) {
    const key = `${cidr.version}/${cidr.prefix}`;
    let group = index.subnets.get(key);
    if (group === undefined) {
      group = { cidr, byNetwork: new Map() };
      index.subnets.set(key, group);
    }
    const list = group.byNetwork.get(cidr.network);
    if (list === undefined) group.byNetwork.set(cidr.network, [sw]);
    else list.push(sw);
  }
}

/** The networks whose subnets hold the address (overlapping tenants may give several). */
export function switchesWith(index: Index, address: Address): SwitchIndex[] {
  const found: SwitchIndex[] = [];
  for (const { cidr, byNetwork } of index.subnets.values()) {
    if (cidr.version !== address.version) continue;
    const shift = BigInt((address.version === 4 ? 32 : 128) - cidr.prefix);
    found.push(...(byNetwork.get((address.value >> shift) << shift) ?? []));
  }
  return found;
}

function switchIndex(row: LogicalSwitch): SwitchIndex {
  const subnets: SwitchIndex["subnets"] = [];
  for (const subnet of row.subnets) {
    const cidr = parseCidrLoose(subnet.cidr);
    const gateway = subnet.gateway_ip === null ? null : (parseIp(subnet.gateway_ip) ?? null);
    if (cidr !== undefined) subnets.push({ cidr, gateway });
  }
  return { row, subnets, physical: row.external, owners: new Map(), pairs: new Map(), routerPorts: [] };
}

function routerIndex(row: LogicalRouter): RouterIndex {
  return { row, ports: [], routes: [], own: new Map(), fipsByLogical: new Map(), snats: [], policies: [] };
}

function addRouterPort(index: Index, row: LogicalRouterPort): void {
  const networks: RouterPortIndex["networks"] = [];
  for (const text of row.networks) {
    const address = addressOf(text);
    const cidr = parseCidrLoose(text);
    if (address !== undefined && cidr !== undefined) networks.push({ address, cidr });
  }
  const lrp: RouterPortIndex = { row, networks };
  index.routerPorts.set(row.name, lrp);
  const router = index.routers.get(row.router);
  if (router !== undefined) {
    router.ports.push(lrp);
    for (const network of networks) {
      router.own.set(ipKey(network.address), lrp);
      router.routes.push({ kind: "connected", cidr: network.cidr, lrp });
    }
  }
  const sw = index.switches.get(row.switch);
  if (sw === undefined) return;
  sw.routerPorts.push(lrp);
  for (const network of networks) sw.owners.set(ipKey(network.address), { kind: "router", lrp });
}

/** Only VIFs own addresses: router-type ports answer through their router port, floating IP ports through NAT. */
function addSwitchPort(index: Index, port: LogicalSwitchPort): void {
  const sw = index.switches.get(port.switch);
  if (sw !== undefined && port.type === "localnet") sw.physical = true;
  if (sw === undefined || port.type !== "" || port.device_owner === FLOATING_IP) return;
  for (const address of port.addresses) {
    for (const text of address.ips) {
      const ip = addressOf(text);
      const key = ip === undefined ? undefined : ipKey(ip);
      if (key !== undefined && !sw.owners.has(key)) sw.owners.set(key, { kind: "port", port });
    }
  }
  for (const entry of port.port_security) {
    for (const text of entry.ips) {
      const cidr = parseCidrLoose(text);
      const host = cidr !== undefined && cidr.prefix === (cidr.version === 4 ? 32 : 128);
      if (host) push(sw.pairs, ipKey({ version: cidr.version, value: cidr.network }), port);
    }
  }
}

function addStaticRoute(index: Index, row: StaticRoute): void {
  const router = index.routers.get(row.router);
  const cidr = parseCidrLoose(row.ip_prefix);
  if (router === undefined || cidr === undefined) return;
  router.routes.push({ kind: "static", cidr, row, nexthop: parseIp(row.nexthop) });
}

function addNat(index: Index, row: Nat): void {
  const external = parseIp(row.external_ip);
  if (external !== undefined) push(index.natsByExternal, ipKey(external), row);
  const router = index.routers.get(row.router);
  if (router === undefined) return;
  if (row.type === "dnat_and_snat") {
    const logical = addressOf(row.logical_ip);
    if (logical !== undefined) router.fipsByLogical.set(ipKey(logical), row);
  } else if (row.type === "snat") {
    const cidr = parseCidrLoose(row.logical_ip);
    if (cidr !== undefined) router.snats.push({ cidr, row });
  }
}

function addPolicy(index: Index, row: RouterPolicy): void {
  const router = index.routers.get(row.router);
  const cidr = parseCidrLoose(row.ip_prefix);
  if (router === undefined || cidr === undefined) return;
  const sources = row.source_cidrs.flatMap((text) => parseCidrLoose(text) ?? []);
  const nexthop = row.nexthop === null ? undefined : parseIp(row.nexthop);
  router.policies.push({ row, cidr, sources, nexthop });
}

function addNetworkAcl(index: Index, acl: NetworkAcl): void {
  for (const port of acl.ports) {
    let lists = index.networkAcls.get(port);
    if (lists === undefined) {
      lists = { ingress: [], egress: [] };
      index.networkAcls.set(port, lists);
    }
    lists[acl.direction].push(acl);
  }
}

function addAcl(index: Index, acl: Acl): void {
  let lists = index.acls.get(acl.port_group);
  if (lists === undefined) {
    lists = { "from-lport": [], "to-lport": [] };
    index.acls.set(acl.port_group, lists);
  }
  lists[acl.direction].push(acl);
}

function matcher(addresses: string[]): AddressMatcher {
  const result: AddressMatcher = { exact: new Set(), cidrs: [] };
  for (const text of addresses) {
    const cidr = parseCidrLoose(text);
    if (cidr === undefined) continue;
    if (text.includes("/") && cidr.prefix < (cidr.version === 4 ? 32 : 128)) result.cidrs.push(cidr);
    else result.exact.add(ipKey({ version: cidr.version, value: cidr.network }));
  }
  return result;
}

function sortRouter(router: RouterIndex): void {
  const rank = (route: Route) => (route.kind === "connected" ? 0 : 1);
  const name = (route: Route) => (route.kind === "connected" ? route.lrp.row.name : route.row.name);
  router.routes.sort(
    (a, b) => b.cidr.prefix - a.cidr.prefix || rank(a) - rank(b) || name(a).localeCompare(name(b)),
  );
  router.snats.sort((a, b) => b.cidr.prefix - a.cidr.prefix || a.row.name.localeCompare(b.row.name));
  router.policies.sort((a, b) => b.cidr.prefix - a.cidr.prefix || a.row.name.localeCompare(b.row.name));
}

// On equal priority OVN's choice is undefined; a drop wins (the safe reading), then allow-related.
const ACTION_RANK: Record<Acl["action"], number> = {
  drop: 0,
  reject: 1,
  "allow-related": 2,
  "allow-stateless": 3,
};

export function aclOrder(a: Acl, b: Acl): number {
  return (
    b.priority - a.priority || ACTION_RANK[a.action] - ACTION_RANK[b.action] || a.name.localeCompare(b.name)
  );
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
