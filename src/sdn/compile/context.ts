import { formatCidr, formatIp, parseCidrLoose, parseIp, cidrContains, type Cidr } from "../../lib/ip.ts";
import { DEVICE_OWNER } from "../../network/device-owners.ts";
import type { Model, Owner, Problem } from "../model.ts";
import type {
  NetworkInput,
  NetworkState,
  PortInput,
  RouterInput,
  SecurityGroupInput,
  SubnetInput,
  TopologyInput,
} from "./input.ts";

/** A subnet whose CIDR parsed, on a known network. */
export interface Subnet {
  input: SubnetInput;
  cidr: Cidr;
  /** Canonical text of the CIDR (host bits cleared). */
  cidrText: string;
}

/** A fixed IP that passed validation, in canonical text. */
export interface FixedIp {
  subnet: Subnet;
  ip: string;
  version: 4 | 6;
}

/** A validated allowed address pair: an address or a CIDR, in canonical text. */
export interface AddressPair {
  mac: string;
  ip: string;
  version: 4 | 6;
}

/** A port that is a router's leg (interface or its gateway). */
export interface RouterLeg {
  router: RouterInput;
  gateway: boolean;
}

/** Everything indexed once, so each stage is a linear pass. */
export interface Context {
  model: Model;
  networks: Map<string, NetworkInput>;
  subnets: Map<string, Subnet>;
  subnetsByNetwork: Map<string, Subnet[]>;
  /** Ports on a known network, sorted by id. Ports on unknown networks are left out. */
  ports: Map<string, PortInput>;
  fixedIps: Map<string, FixedIp[]>;
  /** Allowed address pairs of the ports with port security on. */
  pairs: Map<string, AddressPair[]>;
  routers: Map<string, RouterInput>;
  /** port id -> the router it is a leg of. */
  legs: Map<string, RouterLeg>;
  /** router id -> its usable gateway port (on a known external network). */
  gateways: Map<string, PortInput>;
  /** router id -> its interface ports, sorted by id. */
  interfaces: Map<string, PortInput[]>;
  securityGroups: Map<string, SecurityGroupInput>;
  topology: TopologyInput | undefined;
}

type Revisioned = { id: string; revision_number: number };

export function ownerOf(type: Owner["type"], resource: Revisioned): Owner {
  return { type, id: resource.id, revision: resource.revision_number };
}

export function problem(ctx: Context, owner: Owner, reason: string): void {
  const entry: Problem = { owner, reason };
  ctx.model.problems.push(entry);
}

/** Sorted by id (first occurrence wins on duplicates), so every stage runs in a stable order. */
export function byId<T extends { id: string }>(items: readonly T[]): Map<string, T> {
  const sorted = [...items].sort((a, b) => compareText(a.id, b.id));
  const map = new Map<string, T>();
  for (const item of sorted) if (!map.has(item.id)) map.set(item.id, item);
  return map;
}

/** Code-unit order: independent of the locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortedUnique(items: Iterable<string>): string[] {
  return [...new Set(items)].sort(compareText);
}

export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

export function buildContext(state: NetworkState, model: Model): Context {
  const ctx: Context = {
    model,
    networks: byId(state.networks),
    subnets: new Map(),
    subnetsByNetwork: new Map(),
    ports: new Map(),
    fixedIps: new Map(),
    pairs: new Map(),
    routers: byId(state.routers),
    legs: new Map(),
    gateways: new Map(),
    interfaces: new Map(),
    securityGroups: byId(state.security_groups),
    topology: state.topology,
  };
  indexSubnets(ctx, state.subnets);
  indexPorts(ctx, state.ports);
  indexLegs(ctx);
  return ctx;
}

function indexSubnets(ctx: Context, subnets: readonly SubnetInput[]): void {
  for (const input of byId(subnets).values()) {
    const owner = ownerOf("subnet", input);
    const cidr = parseCidrLoose(input.cidr);
    if (cidr === undefined) problem(ctx, owner, `cidr ${input.cidr} is not a valid CIDR`);
    else if (!ctx.networks.has(input.network_id))
      problem(ctx, owner, `network ${input.network_id} does not exist`);
    else {
      const subnet: Subnet = { input, cidr, cidrText: formatCidr(cidr) };
      ctx.subnets.set(input.id, subnet);
      pushTo(ctx.subnetsByNetwork, input.network_id, subnet);
    }
  }
}

function indexPorts(ctx: Context, ports: readonly PortInput[]): void {
  for (const port of byId(ports).values()) {
    if (!ctx.networks.has(port.network_id)) {
      problem(ctx, ownerOf("port", port), `network ${port.network_id} does not exist`);
      continue;
    }
    ctx.ports.set(port.id, port);
    ctx.fixedIps.set(port.id, validFixedIps(ctx, port));
    if (hasPortSecurity(port)) ctx.pairs.set(port.id, validPairs(ctx, port));
  }
}

/** The port's fixed IPs that are on one of its network's subnets; the others are problems. */
function validFixedIps(ctx: Context, port: PortInput): FixedIp[] {
  const valid: FixedIp[] = [];
  for (const { subnet_id, ip_address } of port.fixed_ips) {
    const checked = checkFixedIp(ctx, port, subnet_id, ip_address);
    if (typeof checked === "string") problem(ctx, ownerOf("port", port), checked);
    else valid.push(checked);
  }
  return valid;
}

/** The fixed IP in canonical form, or why it is left out. */
function checkFixedIp(ctx: Context, port: PortInput, subnetId: string, text: string): FixedIp | string {
  const subnet = ctx.subnets.get(subnetId);
  if (subnet === undefined) return `fixed IP ${text}: subnet ${subnetId} does not exist`;
  if (subnet.input.network_id !== port.network_id)
    return `fixed IP ${text}: subnet ${subnetId} is on network ${subnet.input.network_id}, not ${port.network_id}`;
  const address = parseIp(text);
  if (address === undefined || !cidrContains(subnet.cidr, address))
    return `fixed IP ${text} is not in subnet ${subnetId} (${subnet.cidrText})`;
  return { subnet, ip: formatIp(address), version: address.version };
}

/** Routers, DHCP and floating IP ports belong to the cloud: no anti-spoofing on them. */
export function hasPortSecurity(port: PortInput): boolean {
  return port.port_security_enabled && !port.device_owner.startsWith("network:");
}

/** Pairs take the port's MAC when they give none; an unparseable address is a problem. */
function validPairs(ctx: Context, port: PortInput): AddressPair[] {
  const valid: AddressPair[] = [];
  for (const pair of port.allowed_address_pairs) {
    const cidr = parseCidrLoose(pair.ip_address);
    if (cidr === undefined) {
      problem(
        ctx,
        ownerOf("port", port),
        `allowed address pair ${pair.ip_address} is not an address or CIDR`,
      );
      continue;
    }
    const single = cidr.prefix === (cidr.version === 4 ? 32 : 128) && !pair.ip_address.includes("/");
    const ip = single ? formatIp({ version: cidr.version, value: cidr.network }) : formatCidr(cidr);
    valid.push({ mac: pair.mac_address || port.mac_address, ip, version: cidr.version });
  }
  return valid;
}

/** Which ports are router interfaces and gateways, and which gateways are usable. */
function indexLegs(ctx: Context): void {
  for (const router of ctx.routers.values()) indexGateway(ctx, router);
  for (const port of ctx.ports.values()) {
    if (
      port.device_owner !== DEVICE_OWNER.routerInterface &&
      port.device_owner !== DEVICE_OWNER.routerGateway
    )
      continue;
    const router = ctx.routers.get(port.device_id);
    if (router === undefined) {
      problem(ctx, ownerOf("port", port), `router ${port.device_id} does not exist`);
    } else if (port.device_owner === DEVICE_OWNER.routerInterface) {
      ctx.legs.set(port.id, { router, gateway: false });
      pushTo(ctx.interfaces, router.id, port);
    } else if (router.gw_port_id !== port.id) {
      problem(ctx, ownerOf("port", port), `port is not the gateway of router ${router.id}`);
    }
  }
}

/** A gateway is usable when its port exists and is on an external network; else the router has none. */
function indexGateway(ctx: Context, router: RouterInput): void {
  if (router.gw_port_id === null) return;
  const owner = ownerOf("router", router);
  const port = ctx.ports.get(router.gw_port_id);
  if (port === undefined) return problem(ctx, owner, `gateway port ${router.gw_port_id} does not exist`);
  if (port.device_owner !== DEVICE_OWNER.routerGateway || port.device_id !== router.id)
    return problem(
      ctx,
      owner,
      `gateway port ${port.id} is not a ${DEVICE_OWNER.routerGateway} port of this router`,
    );
  if (ctx.networks.get(port.network_id)?.external !== true)
    return problem(ctx, owner, `gateway network ${port.network_id} is not external`);
  ctx.gateways.set(router.id, port);
  ctx.legs.set(port.id, { router, gateway: true });
}
