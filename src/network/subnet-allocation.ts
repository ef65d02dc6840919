/**
 * Where a new subnet's CIDR comes from: the request itself, or a subnet pool (subnet_allocation,
 * default-subnetpools), with Neutron's checks and messages.
 */
import type { AuthContext } from "../http/auth.ts";
import { BadRequest } from "../lib/errors.ts";
import {
  addOffset,
  cidrsOverlap,
  defaultGateway,
  parseCidrLoose,
  type Address,
  type Cidr,
  type IpVersion,
} from "../lib/ip.ts";
import type { NetworkTx } from "./deps.ts";
import {
  MaxPrefixSubnetAllocationError,
  MinPrefixSubnetAllocationError,
  SubnetAllocationError,
  SubnetPoolQuotaExceeded,
} from "./errors-subnetpool.ts";
import { freeBlocks, versionWidth } from "./prefix-set.ts";
import * as poolStore from "./store-subnetpools.ts";
import { checkAddress, checkCidr } from "./subnet-checks.ts";
import { lockedPool, poolPrefixes, visibleOrMissing } from "./subnetpools.ts";

/** The CIDR a subnet gets; `any` when the pool chose it (its default gateway is then network + 1). */
export interface CidrChoice {
  cidr: Cidr;
  subnetpoolId: string | null;
  any: boolean;
}

const badSubnet = (reason: string) => new BadRequest(`Bad subnets request: ${reason}.`);

/** Neutron gives a pool-chosen CIDR network + 1 (even IPv6), and a requested one the usual default. */
export function defaultGatewayOf(choice: CidrChoice): Address {
  const { cidr } = choice;
  if (!choice.any || cidr.prefix === versionWidth(cidr.version)) return defaultGateway(cidr);
  return addOffset({ version: cidr.version, value: cidr.network }, 1n);
}

/** Checks that need neither the network nor the pool, in Neutron's order. */
export function checkCidrRequest(body: Record<string, unknown>): void {
  if (body.cidr !== null && body.prefixlen !== null)
    throw badSubnet("cidr and prefixlen must not be supplied together");
  if (body.use_default_subnetpool === true && body.subnetpool_id !== null)
    throw badSubnet("subnetpool_id and use_default_subnetpool cannot both be specified");
  if (body.cidr === null && body.subnetpool_id === null && body.use_default_subnetpool !== true)
    throw badSubnet("a subnetpool must be specified in the absence of a cidr");
}

/**
 * The subnet's CIDR. From a pool it is chosen with the pool locked until the transaction ends, so
 * concurrent allocations from one pool never overlap.
 */
export async function chooseCidr(
  tx: NetworkTx,
  caller: AuthContext,
  projectId: string,
  body: Record<string, unknown>,
): Promise<CidrChoice> {
  const version = body.ip_version as IpVersion;
  const poolId = await poolIdOf(tx, caller, body, version);
  if (poolId === null) return { cidr: checkCidr(body.cidr, version), subnetpoolId: null, any: false };
  const pool = await lockedPool(tx, caller, poolId);
  const specific = specificCidr(body, version, pool);
  if (specific === undefined && (body.allocation_pools as unknown[]).length > 0)
    throw badSubnet("allocation_pools allowed only for specific subnet requests");
  if (pool.ip_version !== version)
    throw badSubnet(`Cannot allocate IPv${version} subnet from IPv${pool.ip_version} subnet pool`);
  const prefixlen = specific?.prefix ?? (body.prefixlen as number | null) ?? pool.default_prefixlen;
  if (prefixlen > pool.max_prefixlen) throw new MaxPrefixSubnetAllocationError(prefixlen, pool.max_prefixlen);
  if (prefixlen < pool.min_prefixlen) throw new MinPrefixSubnetAllocationError(prefixlen, pool.min_prefixlen);
  const allocations = await poolStore.poolAllocations(tx.db, pool.id);
  checkPoolQuota(pool, projectId, allocations, prefixlen);
  const blocks = freeBlocks(
    poolPrefixes(pool),
    allocations.flatMap((a) => parseCidrLoose(a.cidr) ?? []),
  );
  const cidr = specific ? fitSpecific(blocks, specific) : fitAny(blocks, version, prefixlen);
  return { cidr, subnetpoolId: pool.id, any: specific === undefined };
}

/** The pool named, or the caller's visible default pool of the version (default-subnetpools). */
async function poolIdOf(
  tx: NetworkTx,
  caller: AuthContext,
  body: Record<string, unknown>,
  version: IpVersion,
): Promise<string | null> {
  if (typeof body.subnetpool_id === "string") return body.subnetpool_id;
  if (body.use_default_subnetpool !== true) return null;
  const pool = await poolStore.selectDefaultPool(tx.db, version);
  try {
    return visibleOrMissing(caller, pool?.id ?? "", pool).id;
  } catch {
    throw badSubnet(`No default subnetpool found for IPv${version}`);
  }
}

/** An asked-for CIDR: given, or (Neutron) the gateway's network at the requested prefix length. */
function specificCidr(
  body: Record<string, unknown>,
  version: IpVersion,
  pool: poolStore.SubnetpoolRow,
): Cidr | undefined {
  if (body.cidr !== null) return checkCidr(body.cidr, version);
  if (typeof body.gateway_ip !== "string") return undefined;
  const gateway = checkAddress(body.gateway_ip, version, "gateway_ip");
  const prefix = (body.prefixlen as number | null) ?? pool.default_prefixlen;
  return gateway === null ? undefined : checkCidr(`${body.gateway_ip}/${prefix}`, version);
}

/** The first block of the smallest free space that holds the prefix length (Neutron's best fit). */
function fitAny(blocks: readonly Cidr[], version: IpVersion, prefixlen: number): Cidr {
  const block = blocks.find((b) => b.prefix <= prefixlen && prefixlen <= versionWidth(version));
  if (block === undefined)
    throw new SubnetAllocationError(`Insufficient prefix space to allocate subnet size /${prefixlen}`);
  return { version, network: block.network, prefix: prefixlen };
}

function fitSpecific(blocks: readonly Cidr[], cidr: Cidr): Cidr {
  if (!blocks.some((b) => b.prefix <= cidr.prefix && cidrsOverlap(b, cidr)))
    throw new SubnetAllocationError("Cannot allocate requested subnet from the available set of prefixes");
  return cidr;
}

/**
 * default_quota caps the addresses (IPv4) or /64s (IPv6) a project holds in the pool. Neutron
 * counts the pool owner's subnets; Stratus counts the requesting project's, as documented.
 */
function checkPoolQuota(
  pool: poolStore.SubnetpoolRow,
  projectId: string,
  allocations: ReadonlyArray<{ cidr: string; project_id: string }>,
  prefixlen: number,
): void {
  if (pool.default_quota === null || pool.default_quota === 0) return;
  const unit = pool.ip_version === 4 ? 32 : 64;
  const units = (prefix: number) => 2 ** (unit - prefix);
  const used = allocations
    .filter((a) => a.project_id === projectId)
    .reduce((sum, a) => sum + units(parseCidrLoose(a.cidr)?.prefix ?? unit), 0);
  if (used + units(prefixlen) > pool.default_quota) throw new SubnetPoolQuotaExceeded();
}
