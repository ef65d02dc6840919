import type { AuthContext } from "../http/auth.ts";
import { HTTPBadRequest, InvalidInput, parseBody } from "../lib/attributes.ts";
import { uuid } from "../lib/ids.ts";
import {
  cidrRange,
  cidrsOverlap,
  defaultAllocationPools,
  defaultGateway,
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
  OutOfBoundsAllocationPool,
  OverlappingAllocationPools,
  SubnetInUse,
  SubnetNotFound,
} from "./errors-ipam.ts";
import { NetworkNotFound, RevisionNumberConstraintFailed } from "./errors.ts";
import { subnetAttributes } from "./schemas/subnet.ts";
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

/** Only the network's owner (or an admin) adds subnets, even to a shared network. */
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
  checkIpv6Modes(version, body.ipv6_ra_mode, body.ipv6_address_mode);
  for (const other of await subnetStore.selectSubnetsOfNetwork(tx.db, networkId)) {
    const existing = parseCidrLoose(other.cidr);
    if (existing && cidrsOverlap(existing, cidr)) {
      throw new InvalidInput(
        `Requested subnet with cidr: ${formatCidr(cidr)} for network: ${networkId} overlaps with another subnet`,
      );
    }
  }
  const gateway =
    body.gateway_ip === undefined
      ? defaultGateway(cidr)
      : checkAddress(body.gateway_ip as string | null, version, "gateway_ip");
  const pools =
    body.allocation_pools === null
      ? defaultAllocationPools(cidr, gateway)
      : checkPools(body.allocation_pools as Pool[], cidr);
  checkGatewayOutsidePools(gateway, pools);
  const now = isoSeconds(deps.clock.now());
  const row: subnetStore.SubnetRow = {
    id: uuid(),
    project_id: projectId,
    network_id: networkId,
    name: body.name as string,
    description: body.description as string,
    ip_version: version,
    cidr: formatCidr(cidr),
    gateway_ip: gateway ? formatIp(gateway) : null,
    enable_dhcp: body.enable_dhcp ? 1 : 0,
    ipv6_ra_mode: body.ipv6_ra_mode as string | null,
    ipv6_address_mode: body.ipv6_address_mode as string | null,
    allocation_pools: JSON.stringify(pools.map(formatRange)),
    dns_nameservers: JSON.stringify(checkNameservers(body.dns_nameservers as string[], version)),
    host_routes: JSON.stringify(checkRoutes(body.host_routes as Route[], version)),
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
  const rows = await subnetStore.selectSubnets(db, query, {
    all: isAdmin(caller),
    project_id: caller.project_id,
  });
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
    const gateway =
      body.gateway_ip === undefined
        ? row.gateway_ip
          ? checkAddress(row.gateway_ip, version, "gateway_ip")
          : null
        : checkAddress(body.gateway_ip as string | null, version, "gateway_ip");
    const pools =
      body.allocation_pools === undefined
        ? (JSON.parse(row.allocation_pools) as Pool[])
            .map((p) => parseRange(p.start, p.end))
            .filter((p): p is IpRange => p !== undefined)
        : body.allocation_pools === null
          ? defaultAllocationPools(cidr, gateway)
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
      ...(body.dns_nameservers !== undefined
        ? { dns_nameservers: JSON.stringify(checkNameservers(body.dns_nameservers as string[], version)) }
        : {}),
      ...(body.host_routes !== undefined
        ? { host_routes: JSON.stringify(checkRoutes(body.host_routes as Route[], version)) }
        : {}),
      ...(body.service_types !== undefined ? { service_types: JSON.stringify(body.service_types) } : {}),
    };
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

function checkIpv6Modes(version: 4 | 6, ra: unknown, address: unknown): void {
  if (version === 4 && (ra !== null || address !== null)) {
    throw new InvalidInput(
      "ipv6_ra_mode or ipv6_address_mode cannot be set when enable_dhcp is set to False or ip_version is 4",
    );
  }
  if (ra !== null && address !== null && ra !== address) {
    throw new InvalidInput(
      `ipv6_ra_mode set to '${ra as string}' with ipv6_address_mode set to '${address as string}' is not valid. If both attributes are set, they must be the same value`,
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

function checkPools(pools: Pool[], cidr: Cidr): IpRange[] {
  const ranges = pools.map((pool) => {
    const label = `${String(pool.start)}-${String(pool.end)}`;
    const range =
      typeof pool.start === "string" && typeof pool.end === "string"
        ? parseRange(pool.start, pool.end)
        : undefined;
    if (range === undefined || range.version !== cidr.version) throw new InvalidAllocationPool(label);
    const bounds = cidrRange(cidr);
    if (range.first < bounds.first || range.last > bounds.last)
      throw new OutOfBoundsAllocationPool(label, formatCidr(cidr));
    return range;
  });
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

function checkNameservers(servers: string[], version: 4 | 6): string[] {
  const seen = new Set<string>();
  for (const server of servers) {
    const address = parseIp(server);
    if (address === undefined || address.version !== version) {
      throw new HTTPBadRequest(
        `Invalid input for dns_nameservers. Reason: '${server}' is not a valid nameserver.`,
      );
    }
    if (seen.has(server))
      throw new HTTPBadRequest(
        `Invalid input for dns_nameservers. Reason: Duplicate nameserver '${server}'.`,
      );
    seen.add(server);
  }
  return servers;
}

function checkRoutes(routes: Route[], version: 4 | 6): Route[] {
  return routes.map((route) => {
    const destination = typeof route.destination === "string" ? parseCidrLoose(route.destination) : undefined;
    const nexthop = typeof route.nexthop === "string" ? parseIp(route.nexthop) : undefined;
    if (
      destination === undefined ||
      nexthop === undefined ||
      destination.version !== version ||
      nexthop.version !== version
    ) {
      throw new HTTPBadRequest(
        `Invalid input for host_routes. Reason: Invalid data format for hostroute: '${JSON.stringify(route)}'.`,
      );
    }
    return { destination: formatCidr(destination), nexthop: formatIp(nexthop) };
  });
}
