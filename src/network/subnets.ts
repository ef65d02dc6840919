import type { AuthContext } from "../http/auth.ts";
import { InvalidInput, parseBody } from "../lib/attributes.ts";
import { uuid } from "../lib/ids.ts";
import {
  cidrsOverlap,
  defaultAllocationPools,
  formatCidr,
  formatIp,
  formatRange,
  isReservedV4,
  parseCidrLoose,
  parseRange,
  type IpRange,
} from "../lib/ip.ts";
import type { ListQuery } from "../lib/list-query.ts";
import { isoSeconds } from "../lib/time.ts";
import {
  authorize,
  emit,
  isAdmin,
  reader,
  requireAuth,
  write,
  type NetworkDeps,
  type NetworkTx,
} from "./deps.ts";
import { IpamValueInvalid, SubnetInUse, SubnetNotFound } from "./errors-ipam.ts";
import { NetworkSubnetPoolAffinityError } from "./errors-subnetpool.ts";
import { subnetAttributes } from "./schemas/subnet.ts";
import { checkCidrRequest, chooseCidr, defaultGatewayOf } from "./subnet-allocation.ts";
import { enforceQuota } from "./quotas.ts";
import * as store from "./store.ts";
import { changeTagsOf, checkRevision, createInBulk, ownedBy } from "./resource.ts";
import { visibleNetworkFor } from "./network-access.ts";
import * as subnetStore from "./store-subnets.ts";

import {
  AUTO_ADDRESS_MODES,
  canonicalCidr,
  checkAddress,
  checkCidr,
  checkDhcpPrefix,
  checkGateway,
  checkGatewayOutsidePools,
  checkIpv6Attributes,
  checkNameservers,
  checkPools,
  checkRoutes,
  type Pool,
  type Route,
} from "./subnet-checks.ts";

export type Subnet = ReturnType<typeof subnetView>;

export function subnetView(row: subnetStore.SubnetRow, tags: readonly string[]) {
  return {
    id: row.id,
    name: row.name,
    tenant_id: row.project_id,
    project_id: row.project_id,
    network_id: row.network_id,
    ip_version: row.ip_version,
    subnetpool_id: row.subnetpool_id,
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
export function createSubnets(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<Subnet[]> {
  return createInBulk(deps, auth, inputs, {
    attributes: subnetAttributes,
    resource: "subnet",
    insert: (tx, caller, { body, projectId }) => insertSubnet(deps, tx, caller, body, projectId),
  });
}

/** One subnet from a parsed body, in the caller's transaction (also a VPC subnet). */
export async function insertSubnet(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  body: Record<string, unknown>,
  projectId: string,
): Promise<Subnet> {
  const networkId = body.network_id as string;
  checkCidrRequest(body);
  const network = await visibleNetworkFor(tx.db, caller, networkId);
  authorize(caller, "create_subnet", { project_id: network.project_id });
  const version = body.ip_version as 4 | 6;
  const choice = await chooseCidr(tx, caller, projectId, body);
  const cidr = choice.cidr;
  const enableDhcp = body.enable_dhcp as boolean;
  if (enableDhcp) checkDhcpPrefix(cidr);
  const gateway =
    body.gateway_ip === undefined
      ? defaultGatewayOf(choice)
      : checkGateway(body.gateway_ip as string | null, cidr);
  const nameservers = checkNameservers(body.dns_nameservers as string[], version);
  const routes = checkRoutes(body.host_routes as Route[], version);
  checkIpv6Attributes(cidr, enableDhcp, body.ipv6_ra_mode, body.ipv6_address_mode);
  await enforceQuota(tx, projectId, "subnet");
  const now = isoSeconds(deps.clock.now());
  // First, so that concurrent creations on one network take turns for the overlap check.
  await bumpNetwork(tx, networkId, now);
  const others = await subnetStore.selectSubnetsOfNetwork(tx.db, networkId);
  for (const other of others) {
    const existing = parseCidrLoose(other.cidr);
    if (existing && cidrsOverlap(existing, cidr)) {
      throw new InvalidInput(
        `Requested subnet with cidr: ${formatCidr(cidr)} for network: ${networkId} overlaps with another subnet`,
      );
    }
  }
  // Like Neutron: a network's subnets of one IP version all come from the same pool, or none.
  if (others.some((other) => other.ip_version === version && other.subnetpool_id !== choice.subnetpoolId))
    throw new NetworkSubnetPoolAffinityError();
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
    subnetpool_id: choice.subnetpoolId,
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
    checkRevision(row.revision_number, ifMatch);
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
    // Like Neutron: automatic (SLAAC) addresses leave with their subnet; chosen ones keep it in use.
    if (row.ipv6_address_mode !== null && AUTO_ADDRESS_MODES.includes(row.ipv6_address_mode)) {
      await subnetStore.deleteAllocations(tx.db, id);
    }
    if ((await subnetStore.countAllocations(tx.db, "subnet_id", id)) > 0) throw new SubnetInUse(id);
    await subnetStore.deleteSubnetRow(tx.db, id);
    await bumpNetwork(tx, row.network_id, isoSeconds(deps.clock.now()));
    await emit(deps, tx, "subnet", "delete", subnetView(row, []));
  });
}

export function changeSubnetTags(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  return changeTagsOf(deps, auth, id, change, {
    load: (tx, caller, subnetId) => visibleSubnet(deps, caller, subnetId, tx),
    action: "update_subnet",
    target: ownedBy,
    save: (tx, row) => bumpSubnet(deps, tx, row, {}),
  });
}

async function bumpSubnet(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: subnetStore.SubnetRow,
  changes: Partial<subnetStore.SubnetRow>,
): Promise<Subnet> {
  const bumped = await store.saveRevision(tx.db, "subnets", row, changes, isoSeconds(deps.clock.now()));
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

/** Subnets are seen with their network (see network-access.ts). */
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
  // Others see it with its network: shared or external for everyone, or through an RBAC entry.
  await visibleNetworkFor(db, caller, row.network_id).catch(() => {
    throw new SubnetNotFound(id);
  });
  return row;
}
