import { randomInt } from "node:crypto";
import {
  addOffset,
  cidrContains,
  eui64Address,
  formatIp,
  isReservedV4,
  parseCidrLoose,
  parseIp,
  parseRange,
  type Address,
  type Cidr,
  type IpRange,
} from "../lib/ip.ts";
import { InvalidInput } from "../lib/attributes.ts";
import type { NetworkTx } from "./deps.ts";
import { DEVICE_OWNER } from "./device-owners.ts";
import {
  AllocationOnAutoAddressSubnet,
  IpAddressAlreadyAllocated,
  IpAddressGenerationFailure,
  InvalidIpForNetwork,
  InvalidIpForSubnet,
  SubnetNotFound,
} from "./errors-ipam.ts";
import { allocatedAddresses, selectSubnet, selectSubnetsOfNetwork, type SubnetRow } from "./store-subnets.ts";
import { claimAddress } from "./store-ports.ts";

/** A fixed_ips entry as requested: a subnet, an address, or both. */
export interface FixedIpRequest {
  subnet_id?: string;
  ip_address?: string;
}

export interface FixedIp {
  subnet_id: string;
  ip_address: string;
}

const RANDOM_TRIES = 16;

/** neutron-lib's ROUTER_INTERFACE_OWNERS and ROUTER_INTERFACE_OWNERS_SNAT. */
const ROUTER_INTERFACE_OWNERS = [
  DEVICE_OWNER.routerInterface,
  "network:router_interface_distributed",
  "network:ha_router_replicated_interface",
];
const ROUTER_INTERFACE_OWNERS_SNAT = [...ROUTER_INTERFACE_OWNERS, "network:router_centralized_snat"];

/**
 * Allocates the port's addresses in the caller's transaction. Every claim is an insert under the
 * (subnet, address) primary key, so two concurrent ports can never get the same address: the
 * loser of a race simply tries the next candidate.
 *
 * As in Neutron, a port that is not a router interface gets its EUI-64 address on every SLAAC or
 * DHCPv6-stateless subnet of the network whatever fixed_ips asks for, and may not name an address
 * of its own there. `handled` are the subnets the port already has an address on (an update).
 */
export async function allocateFixedIps(
  tx: NetworkTx,
  networkId: string,
  portId: string,
  mac: string,
  requests: readonly FixedIpRequest[] | null,
  deviceOwner = "",
  handled: readonly string[] = [],
): Promise<FixedIp[]> {
  const subnets = await selectSubnetsOfNetwork(tx.db, networkId);
  const claim = async (subnet: SubnetRow, address: Address) =>
    claimAddress(tx.db, {
      subnet_id: subnet.id,
      ip_address: formatIp(address),
      port_id: portId,
      network_id: networkId,
    });
  const routerPort = ROUTER_INTERFACE_OWNERS_SNAT.includes(deviceOwner);
  const out: FixedIp[] = [];
  for (const request of requests ?? defaultRequests(subnets)) {
    const subnet = await pickSubnet(tx, subnets, networkId, request);
    const cidr = cidrOf(subnet);
    if (isAutoAddressed(subnet)) {
      if (request.ip_address !== undefined && !ROUTER_INTERFACE_OWNERS.includes(deviceOwner))
        throw new AllocationOnAutoAddressSubnet(request.ip_address, subnet.id);
      if (!routerPort) continue; // the EUI-64 address is added below
    }
    if (request.ip_address !== undefined) {
      const address = parseIp(request.ip_address);
      if (address === undefined || !cidrContains(cidr, address) || isReservedV4(cidr, address)) {
        throw new InvalidIpForSubnet(request.ip_address);
      }
      if (!(await claim(subnet, address))) throw new IpAddressAlreadyAllocated(formatIp(address), subnet.id);
      out.push({ subnet_id: subnet.id, ip_address: formatIp(address) });
    } else if (isAutoAddressed(subnet)) {
      const address = eui64Address(cidr, mac);
      if (!(await claim(subnet, address))) throw new IpAddressAlreadyAllocated(formatIp(address), subnet.id);
      out.push({ subnet_id: subnet.id, ip_address: formatIp(address) });
    } else {
      const address = await claimFromPools(tx, subnet, (a) => claim(subnet, a));
      if (address === undefined) throw new IpAddressGenerationFailure(networkId);
      out.push({ subnet_id: subnet.id, ip_address: formatIp(address) });
    }
  }
  if (!routerPort) {
    for (const subnet of subnets.filter(isAutoAddressed)) {
      if (handled.includes(subnet.id)) continue;
      const address = eui64Address(cidrOf(subnet), mac);
      if (!(await claim(subnet, address))) throw new IpAddressAlreadyAllocated(formatIp(address), subnet.id);
      out.push({ subnet_id: subnet.id, ip_address: formatIp(address) });
    }
  }
  return out;
}

/** Neutron's default: one IPv4 address and one stateful IPv6 address (SLAAC ones come anyway). */
function defaultRequests(subnets: readonly SubnetRow[]): FixedIpRequest[] {
  const v4 = subnets.find((s) => s.ip_version === 4);
  const v6Stateful = subnets.find((s) => s.ip_version === 6 && !isAutoAddressed(s));
  return [...(v4 ? [{ subnet_id: v4.id }] : []), ...(v6Stateful ? [{ subnet_id: v6Stateful.id }] : [])];
}

/** The subnets on which a port with this device_owner keeps an automatic (EUI-64) address. */
export async function autoAddressSubnets(
  tx: NetworkTx,
  networkId: string,
  deviceOwner: string,
): Promise<Set<string>> {
  if (ROUTER_INTERFACE_OWNERS_SNAT.includes(deviceOwner)) return new Set();
  const subnets = await selectSubnetsOfNetwork(tx.db, networkId);
  return new Set(subnets.filter(isAutoAddressed).map((s) => s.id));
}

function isAutoAddressed(subnet: SubnetRow): boolean {
  return (
    subnet.ip_version === 6 &&
    (subnet.ipv6_address_mode === "slaac" || subnet.ipv6_address_mode === "dhcpv6-stateless")
  );
}

/**
 * The network's subnet a fixed_ips entry names, as Neutron finds it: the network must have
 * subnets; a subnet of another network is bad input, one that does not exist is not found.
 */
async function pickSubnet(
  tx: NetworkTx,
  subnets: readonly SubnetRow[],
  networkId: string,
  request: FixedIpRequest,
): Promise<SubnetRow> {
  if (subnets.length === 0) throw new InvalidInput("IP allocation requires subnets for network");
  if (request.subnet_id !== undefined) {
    const subnet = subnets.find((s) => s.id === request.subnet_id);
    if (subnet !== undefined) return subnet;
    if ((await selectSubnet(tx.db, request.subnet_id)) === undefined)
      throw new SubnetNotFound(request.subnet_id);
    throw new InvalidInput(
      `Failed to create port on network ${networkId}, because fixed_ips included invalid subnet ${request.subnet_id}`,
    );
  }
  const address = request.ip_address === undefined ? undefined : parseIp(request.ip_address);
  const subnet = address && subnets.find((s) => cidrContains(cidrOf(s), address));
  if (!subnet) throw new InvalidIpForNetwork(request.ip_address ?? "");
  return subnet;
}

/**
 * Parsed CIDRs and pools by their stored text: every port create reads its subnets, and parsing
 * the same few strings into BigInts each time showed in profiles. Bounded; the values are immutable.
 */
const parsed = new Map<string, Cidr | IpRange[]>();
const PARSED_MAX = 1000;

function memo<T extends Cidr | IpRange[]>(text: string, parse: (text: string) => T): T {
  let value = parsed.get(text) as T | undefined;
  if (value === undefined) {
    value = parse(text);
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(text, value);
  }
  return value;
}

/** A stored subnet's CIDR (parsed once per distinct text). */
export function cidrOf(subnet: SubnetRow): Cidr {
  return memo(`cidr ${subnet.cidr}`, () => {
    const cidr = parseCidrLoose(subnet.cidr);
    if (cidr === undefined)
      throw new Error(`stored subnet ${subnet.id} has an unreadable cidr ${subnet.cidr}`);
    return cidr;
  });
}

function poolsOf(subnet: SubnetRow): IpRange[] {
  return memo(`pools ${subnet.allocation_pools}`, (text) =>
    (JSON.parse(text.slice("pools ".length)) as Array<{ start: string; end: string }>)
      .map((pool) => parseRange(pool.start, pool.end))
      .filter((range): range is IpRange => range !== undefined),
  );
}

/**
 * Random addresses first (cheap on a roomy subnet, and it spreads concurrent creators apart),
 * then a walk over the free addresses, which settles a crowded pool.
 */
async function claimFromPools(
  tx: NetworkTx,
  subnet: SubnetRow,
  claim: (address: Address) => Promise<boolean>,
): Promise<Address | undefined> {
  const pools = poolsOf(subnet);
  const size = pools.reduce((sum, pool) => sum + (pool.last - pool.first + 1n), 0n);
  if (size === 0n) return undefined;
  const at = (offset: bigint): Address => {
    let rest = offset;
    for (const pool of pools) {
      const length = pool.last - pool.first + 1n;
      if (rest < length) return addOffset({ version: pool.version, value: pool.first }, rest);
      rest -= length;
    }
    throw new Error("offset beyond the pools");
  };
  const tries = size < BigInt(RANDOM_TRIES * 4) ? 0 : RANDOM_TRIES;
  for (let i = 0; i < tries; i++) {
    const address = at(randomOffset(size));
    if (await claim(address)) return address;
  }
  const taken = new Set(await allocatedAddresses(tx.db, subnet.id));
  for (let offset = 0n; offset < size; offset++) {
    const address = at(offset);
    if (!taken.has(formatIp(address)) && (await claim(address))) return address;
  }
  return undefined;
}

function randomOffset(size: bigint): bigint {
  const limit = size < 2n ** 48n ? size : 2n ** 48n - 1n; // randomInt's range is under 2^48
  return BigInt(randomInt(Number(limit)));
}
