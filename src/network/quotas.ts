import type { AuthContext } from "../http/auth.ts";
import { HTTPBadRequest, toInteger } from "../lib/attributes.ts";
import { OverQuota } from "../lib/errors.ts";
import { authorize, emit, reader, write, type NetworkDeps, type NetworkTx } from "./deps.ts";
import * as store from "./store-quotas.ts";

/** Neutron's default limits; -1 is unlimited. */
export const DEFAULT_QUOTAS: Readonly<Record<string, number>> = {
  network: 100,
  subnet: 100,
  subnetpool: -1,
  port: 500,
  router: 10,
  floatingip: 50,
  rbac_policy: 10,
  security_group: 10,
  security_group_rule: 100,
  vpc: 5,
  vpc_peering: 50,
  bandwidth: 50,
  nat_gateway: 10,
  snat_rule: 100,
  dnat_rule: 200,
};

export type Quota = Record<string, number>;

async function limitsOf(deps: NetworkDeps, projectId: string, db = reader(deps)): Promise<Quota> {
  const quota = { ...DEFAULT_QUOTAS };
  for (const row of await store.selectLimits(db, projectId)) quota[row.resource] = row.hard_limit;
  return quota;
}

/** GET /v2.0/quotas/{project}: admins, or the project's own members and readers. */
export async function getQuota(
  deps: NetworkDeps,
  auth: AuthContext | null,
  projectId: string,
): Promise<Quota> {
  authorize(auth, "get_quota", { project_id: projectId });
  return limitsOf(deps, projectId);
}

export async function getDefaultQuota(auth: AuthContext | null, projectId: string): Promise<Quota> {
  authorize(auth, "get_quota", { project_id: projectId });
  return { ...DEFAULT_QUOTAS };
}

/** GET /v2.0/quotas/{project}/details: limit, used and reserved (always 0: no reservations). */
export async function getQuotaDetails(
  deps: NetworkDeps,
  auth: AuthContext | null,
  projectId: string,
): Promise<Record<string, QuotaDetail>> {
  authorize(auth, "get_quota", { project_id: projectId });
  return quotaDetailsOf(deps, projectId);
}

export interface QuotaDetail {
  limit: number;
  used: number;
  reserved: number;
}

/** Every limit of the project with its usage (a VDC's roll-up, too). */
export async function quotaDetailsOf(
  deps: NetworkDeps,
  projectId: string,
  db = reader(deps),
): Promise<Record<string, QuotaDetail>> {
  const limits = await limitsOf(deps, projectId, db);
  const details: Record<string, QuotaDetail> = {};
  for (const [resource, limit] of Object.entries(limits)) {
    const used =
      resource in store.COUNTED
        ? await store.countOwned(db, resource as store.CountedResource, projectId)
        : 0;
    details[resource] = { limit, used, reserved: 0 };
  }
  return details;
}

/** GET /v2.0/quotas: every project with a limit of its own (admin only). */
export async function listQuotas(
  deps: NetworkDeps,
  auth: AuthContext | null,
): Promise<Array<Record<string, number | string>>> {
  authorize(auth, "get_quota", { project_id: null });
  const projects = [...new Set((await store.selectLimits(reader(deps))).map((row) => row.project_id))];
  return Promise.all(
    projects.map(async (id) => ({ ...(await limitsOf(deps, id)), project_id: id, tenant_id: id })),
  );
}

export async function updateQuota(
  deps: NetworkDeps,
  auth: AuthContext | null,
  projectId: string,
  input: Record<string, unknown>,
): Promise<Quota> {
  authorize(auth, "update_quota", { project_id: projectId });
  const limits = checkedLimits(input);
  return write(deps, async (tx) => {
    await saveLimits(deps, tx, projectId, limits);
    return limitsOf(deps, projectId, tx.db);
  });
}

/** Neutron's checks of a quota update body: known resources, integers from -1. */
export function checkedLimits(input: Record<string, unknown>): Array<readonly [string, number]> {
  const unknown = Object.keys(input).filter((key) => !(key in DEFAULT_QUOTAS));
  if (unknown.length > 0) throw new HTTPBadRequest(`Unrecognized attribute(s) '${unknown.join(", ")}'`);
  return Object.entries(input).map(([resource, value]) => {
    const limit = toInteger(value);
    if (limit < -1)
      throw new HTTPBadRequest(
        `Invalid input for ${resource}. Reason: '${limit}' is too small - must be at least '-1'.`,
      );
    return [resource, limit] as const;
  });
}

/** Writes the limits in the caller's transaction and announces the project's quota change. */
export async function saveLimits(
  deps: NetworkDeps,
  tx: NetworkTx,
  projectId: string,
  limits: ReadonlyArray<readonly [string, number]>,
): Promise<void> {
  for (const [resource, limit] of limits) await store.upsertLimit(tx.db, projectId, resource, limit);
  await emit(deps, tx, "quota", "update", { id: projectId, project_id: projectId });
}

export async function resetQuota(
  deps: NetworkDeps,
  auth: AuthContext | null,
  projectId: string,
): Promise<void> {
  authorize(auth, "delete_quota", { project_id: projectId });
  await write(deps, async (tx) => {
    await store.deleteLimits(tx.db, projectId);
    await emit(deps, tx, "quota", "delete", { id: projectId, project_id: projectId });
  });
}

/**
 * Refuses the creation when the project would exceed its limit. Runs inside the creating
 * transaction, after taking the project's quota lock, so the count it sees cannot go stale.
 */
export async function enforceQuota(
  tx: NetworkTx,
  projectId: string,
  resource: store.CountedResource,
): Promise<void> {
  await store.lockProjectQuota(tx, projectId);
  const fallback = DEFAULT_QUOTAS[resource] ?? -1;
  const { limit, used } = await store.limitAndUsage(tx.db, resource, projectId, fallback);
  const effective = limit ?? fallback;
  if (effective >= 0 && (used ?? 0) + 1 > effective)
    throw new OverQuota(`Quota exceeded for resources: ['${resource}'].`);
}
