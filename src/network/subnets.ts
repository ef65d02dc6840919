import type { AuthContext } from "../http/auth.ts";
import { HTTPBadRequest, InvalidInput, parseBody } from "../lib/attributes.ts";
import { BadRequest } from "../lib/errors.ts";
import { uuid } from "../lib/ids.ts";
import {
  cidrRange,
  cidrContains,
  cidrsOverlap,
  defaultAllocationPools,
  defaultGateway,
  formatCidr,
  formatIp,
  formatRange,
  isReservedV4,
  parseCidrLoose,
  parseIp,
  parseRange,
  rangesOverlap,
  type Address,
  type Cidr,
  type IpRange,
} from "../lib/ip.ts";
import type { ListQuery } from "../lib/list-query.ts";
import { isoSeconds } from "../lib/time.ts";
import {
  authorize,
  emit,
  isAdmin,
  owningProject,
  permits,
  reader,
  requireAuth,
  write,
  type NetworkDeps,
  type NetworkTx,
} from "./deps.ts";
import {
  GatewayConflictWithAllocationPools,
  InvalidAllocationPool,
  IpamValueInvalid,
  OutOfBoundsAllocationPool,
  OverlappingAllocationPools,
  SubnetInUse,
  SubnetNotFound,
} from "./errors-ipam.ts";
import { NetworkNotFound, RevisionNumberConstraintFailed } from "./errors.ts";
import { pyStr, subnetAttributes } from "./schemas/subnet.ts";
import { enforceQuota } from "./quotas.ts";
import * as store from "./store.ts";
import * as subnetStore from "./store-subnets.ts";

export type Subnet = ReturnType<typeof subnetView>;
type Pool = { start: string; end: string };
type Route = { destination: string; nexthop: string };

export function subnetView(row: subnetStore.SubnetRow, tags: readonly string[]) {
  return {
    id: row.id,
    name: row.name,
    tenant_id: row.project_id,
    project_id: row.project_id,
    network_id: row.network_id,
    ip_version: row.ip_version,
    subnetpool_id: null,
    enable_dhcp: row.enable_dhcp === 1,
    ipv6_ra_mode: row.ipv6_ra_mode,
    ipv6_address_mode: row.ipv6_address_mode,
    gateway_ip: row.gateway_ip,
    cidr: row.cidr,
    allocation_pools: JSON.parse(row.allocation_pools) as Pool[],
    host_routes: JSON.parse(row.host_routes) as Route[],
    dns_nameservers: JSON.parse(row.dns_nameservers) as string[],
    description: row.description,
    service_types: JSON.parse(row.service_types) as string[],
    tags: [...tags],
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

/**
 * Only the network's owner (or an admin) adds subnets, even to a shared network. Deliberately
 * stricter than Neutron Zed, whose default create_subnet rule also lets any member add a subnet of
 * its own project to a shared network it can see.
 */
export async function createSubnets(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<Subnet[]> {
  const caller = requireAuth(auth);
  const bodies = inputs.map((input) => ({
    body: parseBody(subnetAttributes, input, "create"),
    projectId: owningProject(caller, input, "subnet"),
  }));
  return write(deps, async (tx) => {
    const created: Subnet[] = [];
    for (const { body, projectId } of bodies)
      created.push(await insertSubnet(deps, tx, caller, body, projectId));
    return created;
  });
}

async function insertSubnet(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  body: Record<string, unknown>,
  projectId: string,
): Promise<Subnet> {
  const networkId = body.network_id as string;
  if (body.cidr === null) {
    throw new BadRequest("Bad subnets request: a subnetpool must be specified in the absence of a cidr.");
  }
  const network = await store.selectNetwork(tx.db, networkId);
  if (
    network === undefined ||
    !permits(caller, "get_network", {
      project_id: network.project_id,
      shared: String(network.shared === 1),
      external: String(network.external === 1),
    })
  ) {
    throw new NetworkNotFound(networkId);
  }
  authorize(caller, "create_subnet", { project_id: network.project_id });
  const version = body.ip_version as 4 | 6;
  const cidr = checkCidr(body.cidr, version);
  const enableDhcp = body.enable_dhcp as boolean;
  if (enableDhcp) checkDhcpPrefix(cidr);
  const gateway =
    body.gateway_ip === undefined
      ? defaultGateway(cidr)
      : checkGateway(body.gateway_ip as string | null, cidr);
  const nameservers = checkNameservers(body.dns_nameservers as string[], version);
  const routes = checkRoutes(body.host_routes as Route[], version);
  checkIpv6Attributes(cidr, enableDhcp, body.ipv6_ra_mode, body.ipv6_address_mode);
  await enforceQuota(tx, projectId, "subnet");
  const now = isoSeconds(deps.clock.now());
  // First, so that concurrent creations on one network take turns for the overlap check.
  await bumpNetwork(tx, networkId, now);
  for (const other of await subnetStore.selectSubnetsOfNetwork(tx.db, networkId)) {
    const existing = parseCidrLoose(other.cidr);
    if (existing && cidrsOverlap(existing, cidr)) {
      throw new InvalidInput(
        `Requested subnet with cidr: ${formatCidr(cidr)} for network: ${networkId} overlaps with another subnet`,
      );
    }
  }
  // Only a /31's default gateway gets here: it is the broadcast address, which IPAM never hands out.
  if (gateway !== null && isReservedV4(cidr, gateway))
    throw new IpamValueInvalid(formatIp(gateway), formatCidr(cidr));
  // Neutron generates the pools for an empty list too, and keeps given ones in address order.
  const given = body.allocation_pools as Pool[];
  const pools =
    given.length === 0
      ? defaultAllocationPools(cidr, gateway)
      : checkPools(given, cidr).sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  checkGatewayOutsidePools(gateway, pools);
  const row: subnetStore.SubnetRow = {
    id: uuid(),
    project_id: projectId,
    network_id: networkId,
    name: body.name as string,
    description: body.description as string,
    ip_version: version,
    cidr: formatCidr(cidr),
    gateway_ip: gateway ? formatIp(gateway) : null,
    enable_dhcp: enableDhcp ? 1 : 0,
    ipv6_ra_mode: body.ipv6_ra_mode as string | null,
    ipv6_address_mode: body.ipv6_address_mode as string | null,
    allocation_pools: JSON.stringify(pools.map(formatRange)),
    dns_nameservers: JSON.stringify(nameservers),
    host_routes: JSON.stringify(routes),
    service_types: JSON.stringify(body.service_types ?? []),
    revision_number: 0,
    created_at: now,
    updated_at: now,
  };
  await subnetStore.insertSubnet(tx.db, row);
  await emit(deps, tx, "subnet", "create", subnetView(row, []));
  return subnetView(row, []);
}

export async function getSubnet(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<Subnet> {
  const caller = requireAuth(auth);
  const row = await visibleSubnet(deps, caller, id);
  return subnetView(row, (await store.selectTags(reader(deps), [id])).get(id) ?? []);
}

export async function listSubnets(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<Subnet[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  // Like Neutron, ?cidr=10.0.0.5/24 finds 10.0.0.0/24.
  const filters = query.filters.map((filter) =>
    filter.column === "cidr" ? { ...filter, values: filter.values.map(canonicalCidr) } : filter,
  );
  const rows = await subnetStore.selectSubnets(
    db,
    { ...query, filters },
    {
      all: isAdmin(caller),
      project_id: caller.project_id,
    },
  );
  const tags = await store.selectTags(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => subnetView(row, tags.get(row.id) ?? []));
}

export async function updateSubnet(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
  ifMatch: number | undefined,
): Promise<Subnet> {
  const caller = requireAuth(auth);
  const body = parseBody(subnetAttributes, input, "update");
  return write(deps, async (tx) => {
    const row = await visibleSubnet(deps, caller, id, tx);
    authorize(caller, "update_subnet", { project_id: row.project_id });
    if (ifMatch !== undefined && ifMatch !== row.revision_number)
      throw new RevisionNumberConstraintFailed(ifMatch, row.revision_number);
    const version = row.ip_version as 4 | 6;
    const cidr = checkCidr(row.cidr, version);
    // The prefix is checked when DHCP is turned on, not on every update of a subnet that has it.
    if (body.enable_dhcp === true && row.enable_dhcp === 0) checkDhcpPrefix(cidr);
    const gateway =
      body.gateway_ip === undefined
        ? row.gateway_ip
          ? checkAddress(row.gateway_ip, version, "gateway_ip")
          : null
        : checkGateway(body.gateway_ip as string | null, cidr);
    const nameservers =
      body.dns_nameservers === undefined
        ? undefined
        : checkNameservers(body.dns_nameservers as string[], version);
    const routes =
      body.host_routes === undefined ? undefined : checkRoutes(body.host_routes as Route[], version);
    // Given pools replace the old ones as they are: unsorted, and [] leaves the subnet without any.
    const pools =
      body.allocation_pools === undefined
        ? (JSON.parse(row.allocation_pools) as Pool[])
            .map((p) => parseRange(p.start, p.end))
            .filter((p): p is IpRange => p !== undefined)
        : checkPools(body.allocation_pools as Pool[], cidr);
    checkGatewayOutsidePools(gateway, pools);
    const changes: Partial<subnetStore.SubnetRow> = {
      ...(body.name !== undefined ? { name: body.name as string } : {}),
      ...(body.description !== undefined ? { description: body.description as string } : {}),
      ...(body.enable_dhcp !== undefined ? { enable_dhcp: body.enable_dhcp ? 1 : 0 } : {}),
      ...(body.gateway_ip !== undefined ? { gateway_ip: gateway ? formatIp(gateway) : null } : {}),
      ...(body.allocation_pools !== undefined
        ? { allocation_pools: JSON.stringify(pools.map(formatRange)) }
        : {}),
      ...(nameservers !== undefined ? { dns_nameservers: JSON.stringify(nameservers) } : {}),
      ...(routes !== undefined ? { host_routes: JSON.stringify(routes) } : {}),
      ...(body.service_types !== undefined ? { service_types: JSON.stringify(body.service_types) } : {}),
    };
    await bumpNetwork(tx, row.network_id, isoSeconds(deps.clock.now()));
    return bumpSubnet(deps, tx, { ...row, ...changes }, changes);
  });
}

export async function deleteSubnet(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = await visibleSubnet(deps, caller, id, tx);
    authorize(caller, "delete_subnet", { project_id: row.project_id });
    if ((await subnetStore.countAllocations(tx.db, "subnet_id", id)) > 0) throw new SubnetInUse(id);
    await subnetStore.deleteSubnetRow(tx.db, id);
    await bumpNetwork(tx, row.network_id, isoSeconds(deps.clock.now()));
    await emit(deps, tx, "subnet", "delete", subnetView(row, []));
  });
}

export async function changeSubnetTags(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  const caller = requireAuth(auth);
  return write(deps, async (tx) => {
    const row = await visibleSubnet(deps, caller, id, tx);
    authorize(caller, "update_subnet", { project_id: row.project_id });
    const next = [...new Set(change((await store.selectTags(tx.db, [id])).get(id) ?? []))].sort();
    await store.replaceTags(tx.db, id, next);
    await bumpSubnet(deps, tx, row, {});
    return next;
  });
}

async function bumpSubnet(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: subnetStore.SubnetRow,
  changes: Partial<subnetStore.SubnetRow>,
): Promise<Subnet> {
  const bumped = {
    ...row,
    ...changes,
    revision_number: row.revision_number + 1,
    updated_at: isoSeconds(deps.clock.now()),
  };
  await subnetStore.updateSubnetRow(tx.db, row.id, {
    ...changes,
    revision_number: bumped.revision_number,
    updated_at: bumped.updated_at,
  });
  const view = subnetView(bumped, (await store.selectTags(tx.db, [row.id])).get(row.id) ?? []);
  await emit(deps, tx, "subnet", "update", view);
  return view;
}

/**
 * Like Neutron, creating, updating or deleting a subnet is a change of its network: revision_number
 * and updated_at move (tag changes on the subnet do not). On PostgreSQL the row lock also makes
 * concurrent subnet changes on one network wait for each other.
 */
async function bumpNetwork(tx: NetworkTx, networkId: string, now: string): Promise<void> {
  await tx.db
    .updateTable("networks")
    .set((eb) => ({ revision_number: eb("revision_number", "+", 1), updated_at: now }))
    .where("id", "=", networkId)
    .execute();
}

/** Subnets are seen with their network: own project's, or on a shared or external network. */
async function visibleSubnet(
  deps: NetworkDeps,
  caller: AuthContext,
  id: string,
  tx?: NetworkTx,
): Promise<subnetStore.SubnetRow> {
  const db = tx?.db ?? reader(deps);
  const row = await subnetStore.selectSubnet(db, id);
  if (row === undefined) throw new SubnetNotFound(id);
  if (isAdmin(caller) || row.project_id === caller.project_id) return row;
  const network = await store.selectNetwork(db, row.network_id);
  if (network && (network.shared === 1 || network.external === 1)) return row;
  throw new SubnetNotFound(id);
}

function checkCidr(value: unknown, version: 4 | 6): Cidr {
  const cidr = typeof value === "string" ? parseCidrLoose(value) : undefined;
  if (cidr === undefined) throw new InvalidInput(`${String(value)} is not in a CIDR format`);
  if (cidr.version !== version)
    throw new InvalidInput(`cidr '${String(value)}' does not match the ip_version '${version}'`);
  return cidr;
}

/** Neutron refuses DHCP on IPv4 subnets longer than /30 and IPv6 ones longer than /126. */
function checkDhcpPrefix(cidr: Cidr): void {
  if (cidr.prefix > (cidr.version === 4 ? 30 : 126)) {
    throw new InvalidInput("Subnet has a prefix length that is incompatible with DHCP service enabled");
  }
}

const AUTO_ADDRESS_MODES = ["slaac", "dhcpv6-stateless"];

function checkIpv6Attributes(cidr: Cidr, enableDhcp: boolean, ra: unknown, address: unknown): void {
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

function checkAddress(value: string | null, version: 4 | 6, field: string): Address | null {
  if (value === null) return null;
  const address = parseIp(value);
  if (address === undefined)
    throw new HTTPBadRequest(`Invalid input for ${field}. Reason: '${value}' is not a valid IP address.`);
  if (address.version !== version)
    throw new InvalidInput(`${field} '${value}' does not match the ip_version '${version}'`);
  return address;
}

/** Any address will do (even outside the CIDR) except an IPv4 subnet's network and broadcast addresses. */
function checkGateway(value: string | null, cidr: Cidr): Address | null {
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
function checkPools(pools: Pool[], cidr: Cidr): IpRange[] {
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

function poolLabel(range: IpRange): string {
  const { start, end } = formatRange(range);
  return `${start}-${end}`;
}

function checkGatewayOutsidePools(gateway: Address | null, pools: IpRange[]): void {
  if (gateway === null) return;
  const pool = pools.find(
    (p) => p.version === gateway.version && gateway.value >= p.first && gateway.value <= p.last,
  );
  if (pool) throw new GatewayConflictWithAllocationPools(formatIp(gateway), poolLabel(pool));
}

function canonicalCidr(value: unknown): unknown {
  const cidr = typeof value === "string" ? parseCidrLoose(value) : undefined;
  return cidr === undefined ? value : formatCidr(cidr);
}

/** The schema has checked the addresses and duplicates; here they must match the subnet's version. */
function checkNameservers(servers: string[], version: 4 | 6): string[] {
  for (const server of servers) {
    if (parseIp(server)?.version !== version)
      throw new InvalidInput(`dns_nameserver '${server}' does not match the ip_version '${version}'`);
  }
  return servers;
}

function checkRoutes(routes: Route[], version: 4 | 6): Route[] {
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
