import type { AuthContext } from "../http/auth.ts";
import { InvalidInput, parseBody } from "../lib/attributes.ts";
import { uuid } from "../lib/ids.ts";
import { formatCidr, parseCidrLoose, type Cidr, type IpVersion } from "../lib/ip.ts";
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
import { PolicyNotAuthorized } from "./errors.ts";
import {
  AddressScopeNotFound,
  EmptySubnetPoolPrefixList,
  IllegalSubnetPoolPrefixBounds,
  IllegalSubnetPoolPrefixUpdate,
  PrefixVersionMismatch,
  SubnetPoolDeleteError,
  SubnetPoolNotFound,
} from "./errors-subnetpool.ts";
import { compactCidrs, coversAll, versionWidth } from "./prefix-set.ts";
import { enforceQuota } from "./quotas.ts";
import { subnetpoolAttributes } from "./schemas/subnetpool.ts";
import * as store from "./store.ts";
import { changeTagsOf, checkRevision, ownedBy } from "./resource.ts";
import * as poolStore from "./store-subnetpools.ts";

export type Subnetpool = ReturnType<typeof poolView>;

/**
 * The wire shape. Neutron answers the prefix lengths as strings when it reads a pool back, but as
 * numbers, and without default_quota and address_scope_id, right after an update: so do we.
 */
export function poolView(
  row: poolStore.SubnetpoolRow,
  tags: readonly string[],
  answer: "read" | "update" = "read",
) {
  const length = (value: number): number | string => (answer === "read" ? String(value) : value);
  return {
    id: row.id,
    name: row.name,
    tenant_id: row.project_id,
    project_id: row.project_id,
    prefixes: JSON.parse(row.prefixes) as string[],
    ip_version: row.ip_version,
    default_prefixlen: length(row.default_prefixlen),
    min_prefixlen: length(row.min_prefixlen),
    max_prefixlen: length(row.max_prefixlen),
    ...(answer === "read" ? { default_quota: row.default_quota } : {}),
    is_default: row.is_default === 1,
    shared: row.shared === 1,
    ...(answer === "read" ? { address_scope_id: row.address_scope_id } : {}),
    description: row.description,
    tags: [...tags],
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

/** The stored prefixes of a pool. */
export function poolPrefixes(row: poolStore.SubnetpoolRow): Cidr[] {
  return (JSON.parse(row.prefixes) as string[]).flatMap((text) => parseCidrLoose(text) ?? []);
}

/** Neutron's SubnetPoolReader: one IP version, compacted prefixes. The schema has checked each. */
function readPrefixes(given: unknown): { version: IpVersion; prefixes: Cidr[] } {
  const cidrs = (given as string[]).flatMap((text) => parseCidrLoose(text) ?? []);
  const version = cidrs[0]?.version;
  if (version === undefined) throw new EmptySubnetPoolPrefixList();
  if (cidrs.some((cidr) => cidr.version !== version)) throw new PrefixVersionMismatch();
  return { version, prefixes: compactCidrs(cidrs) };
}

type Bounds = { min: number; max: number; default: number };

/** Defaults (min 8 or 64, max 32 or 128, default = min) and Neutron's order of checks. */
function readBounds(version: IpVersion, given: Partial<Record<keyof Bounds, number | null>>): Bounds {
  const min = given.min ?? (version === 4 ? 8 : 64);
  const max = given.max ?? versionWidth(version);
  const fallback = given.default ?? min;
  if (min > max) throw new IllegalSubnetPoolPrefixBounds("min_prefixlen", min, "max_prefixlen", max);
  if (max > versionWidth(version))
    throw new IllegalSubnetPoolPrefixBounds("max_prefixlen", max, "ip_version_max", versionWidth(version));
  if (fallback < min)
    throw new IllegalSubnetPoolPrefixBounds("default_prefixlen", fallback, "min_prefixlen", min);
  if (fallback > max)
    throw new IllegalSubnetPoolPrefixBounds("default_prefixlen", fallback, "max_prefixlen", max);
  return { min, max, default: fallback };
}

/** shared and is_default are admin-only: set to true on create, or given at all on update. */
function refuseAdminOnly(caller: AuthContext, action: "create" | "update", body: Record<string, unknown>) {
  if (isAdmin(caller)) return;
  for (const name of action === "create" ? ["shared", "is_default"] : ["is_default"]) {
    if (body[name] !== undefined && (action === "update" || body[name] === true))
      throw new PolicyNotAuthorized(`${action}_subnetpool:${name}`);
  }
}

/** Address scopes are not implemented: naming one can only be naming a missing one. */
function refuseAddressScope(value: unknown): void {
  if (typeof value === "string") throw new AddressScopeNotFound(value);
}

/** There is one default pool per IP version (Neutron: _check_default_subnetpool_exists). */
async function refuseSecondDefault(tx: NetworkTx, version: number): Promise<void> {
  await poolStore.lockDefaultPools(tx);
  if ((await poolStore.selectDefaultPool(tx.db, version)) !== undefined) {
    throw new InvalidInput(
      "A default subnetpool for this IP family has already been set. Only one default may exist per IP family",
    );
  }
}

export async function createSubnetpools(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<Subnetpool[]> {
  const caller = requireAuth(auth);
  const requests = inputs.map((input) => {
    const body = parseBody(subnetpoolAttributes, input, "create");
    const projectId = owningProject(caller, input, "subnetpool");
    authorize(caller, "create_subnetpool", { project_id: projectId });
    refuseAdminOnly(caller, "create", body);
    const { version, prefixes } = readPrefixes(body.prefixes);
    const bounds = readBounds(version, {
      min: body.min_prefixlen as number | null,
      max: body.max_prefixlen as number | null,
      default: body.default_prefixlen as number | null,
    });
    refuseAddressScope(body.address_scope_id);
    return { body, projectId, version, prefixes, bounds };
  });
  return write(deps, async (tx) => {
    const created: Subnetpool[] = [];
    for (const { body, projectId, version, prefixes, bounds } of requests) {
      await enforceQuota(tx, projectId, "subnetpool");
      if (body.is_default === true) await refuseSecondDefault(tx, version);
      const now = isoSeconds(deps.clock.now());
      const row: poolStore.SubnetpoolRow = {
        id: uuid(),
        project_id: projectId,
        name: body.name as string,
        description: body.description as string,
        ip_version: version,
        prefixes: JSON.stringify(prefixes.map(formatCidr)),
        default_prefixlen: bounds.default,
        min_prefixlen: bounds.min,
        max_prefixlen: bounds.max,
        default_quota: body.default_quota as number | null,
        shared: body.shared ? 1 : 0,
        is_default: body.is_default ? 1 : 0,
        address_scope_id: null,
        revision_number: 0,
        created_at: now,
        updated_at: now,
      };
      await poolStore.insertPool(tx.db, row);
      const view = poolView(row, []);
      await emit(deps, tx, "subnetpool", "create", view);
      created.push(view);
    }
    return created;
  });
}

export async function getSubnetpool(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<Subnetpool> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const row = visibleOrMissing(caller, id, await poolStore.selectPool(db, id));
  return poolView(row, (await store.selectTags(db, [id])).get(id) ?? []);
}

export async function listSubnetpools(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<Subnetpool[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const rows = await poolStore.selectPools(db, query, {
    all: isAdmin(caller),
    project_id: caller.project_id,
  });
  const tags = await store.selectTags(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => poolView(row, tags.get(row.id) ?? []));
}

export async function updateSubnetpool(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
  ifMatch: number | undefined,
): Promise<Subnetpool> {
  const caller = requireAuth(auth);
  const body = parseBody(subnetpoolAttributes, input, "update");
  return write(deps, async (tx) => {
    const row = await lockedPool(tx, caller, id);
    authorize(caller, "update_subnetpool", { project_id: row.project_id });
    refuseAdminOnly(caller, "update", body);
    checkRevision(row.revision_number, ifMatch);
    const changes = await poolChanges(tx, row, body);
    return bumpPool(deps, tx, row, changes);
  });
}

/** The validated changes of an update, checked as Neutron re-reads the whole updated pool. */
async function poolChanges(
  tx: NetworkTx,
  row: poolStore.SubnetpoolRow,
  body: Record<string, unknown>,
): Promise<Partial<poolStore.SubnetpoolRow>> {
  let prefixes = poolPrefixes(row);
  if (body.prefixes !== undefined) {
    const given = (body.prefixes as string[]).flatMap((text) => parseCidrLoose(text) ?? []);
    // Prefixes only grow: shrinking them could strand allocated subnets outside the pool.
    if (!coversAll(given, prefixes))
      throw new IllegalSubnetPoolPrefixUpdate("Existing prefixes must be a subset of the new prefixes");
    prefixes = readPrefixes(body.prefixes).prefixes;
  }
  const version = row.ip_version as IpVersion;
  const bounds = readBounds(version, {
    min: (body.min_prefixlen as number | undefined) ?? row.min_prefixlen,
    max: (body.max_prefixlen as number | undefined) ?? row.max_prefixlen,
    default: (body.default_prefixlen as number | undefined) ?? row.default_prefixlen,
  });
  refuseAddressScope(body.address_scope_id);
  if (body.is_default === true && row.is_default === 0) await refuseSecondDefault(tx, version);
  const given = <K extends keyof poolStore.SubnetpoolRow>(key: K, value: poolStore.SubnetpoolRow[K]) =>
    body[key] !== undefined ? { [key]: value } : {};
  return {
    ...given("name", body.name as string),
    ...given("description", body.description as string),
    ...given("prefixes", JSON.stringify(prefixes.map(formatCidr))),
    ...given("min_prefixlen", bounds.min),
    ...given("max_prefixlen", bounds.max),
    ...given("default_prefixlen", bounds.default),
    ...given("default_quota", body.default_quota as number | null),
    ...given("is_default", body.is_default ? 1 : 0),
  };
}

export async function deleteSubnetpool(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = await lockedPool(tx, caller, id);
    authorize(caller, "delete_subnetpool", { project_id: row.project_id });
    if (await poolStore.poolInUse(tx.db, id))
      throw new SubnetPoolDeleteError("Subnet pool has existing allocations");
    await poolStore.deletePoolRow(tx.db, id);
    await emit(deps, tx, "subnetpool", "delete", poolView(row, []));
  });
}

export function changeSubnetpoolTags(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  return changeTagsOf(deps, auth, id, change, {
    load: lockedPool,
    action: "update_subnetpool",
    target: ownedBy,
    save: (tx, row) => bumpPool(deps, tx, row, {}),
  });
}

/** Own and shared pools are seen; others' do not exist for the caller (404), as in Neutron. */
export function visibleOrMissing(
  caller: AuthContext,
  id: string,
  row: poolStore.SubnetpoolRow | undefined,
): poolStore.SubnetpoolRow {
  const target = { project_id: row?.project_id ?? null, shared: String(row?.shared === 1) };
  if (row === undefined || !permits(caller, "get_subnetpool", target)) throw new SubnetPoolNotFound(id);
  return row;
}

/** The visible pool, locked for the rest of the transaction. */
export async function lockedPool(
  tx: NetworkTx,
  caller: AuthContext,
  id: string,
): Promise<poolStore.SubnetpoolRow> {
  return visibleOrMissing(caller, id, await poolStore.selectPoolForUpdate(tx, id));
}

async function bumpPool(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: poolStore.SubnetpoolRow,
  changes: Partial<poolStore.SubnetpoolRow>,
): Promise<Subnetpool> {
  const bumped = await store.saveRevision(tx.db, "subnetpools", row, changes, isoSeconds(deps.clock.now()));
  const tags = (await store.selectTags(tx.db, [row.id])).get(row.id) ?? [];
  await emit(deps, tx, "subnetpool", "update", poolView(bumped, tags));
  return poolView(bumped, tags, "update");
}
