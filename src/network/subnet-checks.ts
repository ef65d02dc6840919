/** Subnet input checks with Neutron's rules and messages: CIDR, gateway, pools, nameservers, routes. */
import { HTTPBadRequest, InvalidInput } from "../lib/attributes.ts";
import {
  cidrRange,
  cidrContains,
  formatCidr,
  formatIp,
  formatRange,
  parseCidrLoose,
  parseIp,
  parseRange,
  rangesOverlap,
  type Address,
  type Cidr,
  type IpRange,
} from "../lib/ip.ts";
import {
  GatewayConflictWithAllocationPools,
  InvalidAllocationPool,
  OutOfBoundsAllocationPool,
  OverlappingAllocationPools,
} from "./errors-ipam.ts";
import { pyStr } from "./schemas/subnet.ts";

export type Pool = { start: string; end: string };
export type Route = { destination: string; nexthop: string };

export function checkCidr(value: unknown, version: 4 | 6): Cidr {
  const cidr = typeof value === "string" ? parseCidrLoose(value) : undefined;
  if (cidr === undefined) throw new InvalidInput(`${String(value)} is not in a CIDR format`);
  if (cidr.version !== version)
    throw new InvalidInput(`cidr '${String(value)}' does not match the ip_version '${version}'`);
  return cidr;
}

/** Neutron refuses DHCP on IPv4 subnets longer than /30 and IPv6 ones longer than /126. */
export function checkDhcpPrefix(cidr: Cidr): void {
  if (cidr.prefix > (cidr.version === 4 ? 30 : 126)) {
    throw new InvalidInput("Subnet has a prefix length that is incompatible with DHCP service enabled");
  }
}

export const AUTO_ADDRESS_MODES = ["slaac", "dhcpv6-stateless"];

export function checkIpv6Attributes(cidr: Cidr, enableDhcp: boolean, ra: unknown, address: unknown): void {
  if (cidr.version === 4) {
    if (ra !== null) throw new InvalidInput("ipv6_ra_mode is not valid when ip_version is 4");
    if (address !== null) throw new InvalidInput("ipv6_address_mode is not valid when ip_version is 4");
    return;
  }
  if (ra === null && address === null) return;
  if (!enableDhcp) {
    throw new InvalidInput(
      "ipv6_ra_mode or ipv6_address_mode cannot be set when enable_dhcp is set to False",
    );
  }
  if (ra !== null && address !== null && ra !== address) {
    throw new InvalidInput(
      `ipv6_ra_mode set to '${ra as string}' with ipv6_address_mode set to '${address as string}' is not valid. If both attributes are set, they must be the same value`,
    );
  }
  // Addresses are made from MACs (EUI-64) when the address mode, or else the RA mode, says so.
  const mode = address ?? ra;
  if (AUTO_ADDRESS_MODES.includes(mode as string) && cidr.prefix !== 64) {
    throw new InvalidInput(
      `Invalid CIDR ${formatCidr(cidr)} for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64`,
    );
  }
}

export function checkAddress(value: string | null, version: 4 | 6, field: string): Address | null {
  if (value === null) return null;
  const address = parseIp(value);
  if (address === undefined)
    throw new HTTPBadRequest(`Invalid input for ${field}. Reason: '${value}' is not a valid IP address.`);
  if (address.version !== version)
    throw new InvalidInput(`${field} '${value}' does not match the ip_version '${version}'`);
  return address;
}

/** Any address will do (even outside the CIDR) except an IPv4 subnet's network and broadcast addresses. */
export function checkGateway(value: string | null, cidr: Cidr): Address | null {
  const gateway = checkAddress(value, cidr.version, "gateway_ip");
  if (gateway !== null && cidr.version === 4 && cidrContains(cidr, gateway)) {
    const { first, last } = cidrRange(cidr);
    if (gateway.value === first || gateway.value === last) {
      throw new InvalidInput("Gateway is not valid on subnet");
    }
  }
  return gateway;
}

/**
 * Given pools, in order: each a forward range (else it is shown as the request gave it), of the
 * subnet's version, inside the CIDR without its network address (nor the broadcast one for IPv4),
 * and no two overlapping.
 */
export function checkPools(pools: Pool[], cidr: Cidr): IpRange[] {
  const ranges = pools.map((pool) => {
    const range = parseRange(pool.start, pool.end);
    if (range === undefined) throw new InvalidAllocationPool(pyStr(pool));
    return range;
  });
  const { first, last } = cidrRange(cidr);
  const low = first + 1n;
  const high = cidr.version === 4 ? last - 1n : last;
  for (const range of ranges) {
    if (range.version !== cidr.version) throw new InvalidAllocationPool(poolLabel(range));
    if (range.first < low || range.last > high)
      throw new OutOfBoundsAllocationPool(poolLabel(range), formatCidr(cidr));
  }
  ranges.forEach((a, i) =>
    ranges.slice(i + 1).forEach((b) => {
      if (rangesOverlap(a, b))
        throw new OverlappingAllocationPools(poolLabel(a), poolLabel(b), formatCidr(cidr));
    }),
  );
  return ranges;
}

export function poolLabel(range: IpRange): string {
  const { start, end } = formatRange(range);
  return `${start}-${end}`;
}

export function checkGatewayOutsidePools(gateway: Address | null, pools: IpRange[]): void {
  if (gateway === null) return;
  const pool = pools.find(
    (p) => p.version === gateway.version && gateway.value >= p.first && gateway.value <= p.last,
  );
  if (pool) throw new GatewayConflictWithAllocationPools(formatIp(gateway), poolLabel(pool));
}

export function canonicalCidr(value: unknown): unknown {
  const cidr = typeof value === "string" ? parseCidrLoose(value) : undefined;
  return cidr === undefined ? value : formatCidr(cidr);
}

/** The schema has checked the addresses and duplicates; here they must match the subnet's version. */
export function checkNameservers(servers: string[], version: 4 | 6): string[] {
  for (const server of servers) {
    if (parseIp(server)?.version !== version)
      throw new InvalidInput(`dns_nameserver '${server}' does not match the ip_version '${version}'`);
  }
  return servers;
}

export function checkRoutes(routes: Route[], version: 4 | 6): Route[] {
  return routes.map((route) => {
    const destination = parseCidrLoose(route.destination);
    const nexthop = parseIp(route.nexthop);
    if (destination === undefined || destination.version !== version) {
      throw new InvalidInput(`destination '${route.destination}' does not match the ip_version '${version}'`);
    }
    if (nexthop === undefined || nexthop.version !== version)
      throw new InvalidInput(`nexthop '${route.nexthop}' does not match the ip_version '${version}'`);
    return { destination: formatCidr(destination), nexthop: formatIp(nexthop) };
  });
}
