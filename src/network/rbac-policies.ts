import type { Kysely } from "kysely";
import type { AuthContext } from "../http/auth.ts";
import { InvalidInput, parseBody } from "../lib/attributes.ts";
import { uuid } from "../lib/ids.ts";
import type { ListQuery } from "../lib/list-query.ts";
import { isoSeconds } from "../lib/time.ts";
import {
  authorize,
  emit,
  isAdmin,
  permits,
  reader,
  requireAuth,
  write,
  type NetworkDeps,
  type NetworkTx,
} from "./deps.ts";
import { HTTPNotFound, PolicyNotAuthorized } from "./errors.ts";
import {
  DuplicateRbacPolicy,
  InvalidActionForType,
  InvalidSharedSetting,
  RbacPolicyInUse,
  RbacPolicyNotFound,
} from "./errors-rbac.ts";
import { visibleNetworkFor } from "./network-access.ts";
import { enforceQuota } from "./quotas.ts";
import { rbacPolicyAttributes } from "./schemas/rbac-policy.ts";
import * as store from "./store.ts";
import { createInBulk } from "./resource.ts";
import * as rbac from "./store-rbac.ts";
import type { NetworkTables } from "./tables.ts";

/**
 * Neutron's network RBAC policies: a network's owner (or an admin) grants another project, or
 * everyone ('*', admins only), access_as_shared (see it, attach ports) or access_as_external (see
 * it as an external network). The network's shared/external columns mirror the wildcard entries.
 */

export type RbacPolicy = {
  id: string;
  project_id: string;
  tenant_id: string;
  object_type: string;
  object_id: string;
  action: string;
  target_tenant: string;
  tags: string[];
};

const VALID_ACTIONS = [rbac.ACCESS_SHARED, rbac.ACCESS_EXTERNAL] as const;

/** The wire shape (Zed's attribute map: target_tenant, not target_project). */
export function rbacPolicyView(row: rbac.RbacRow): RbacPolicy {
  const view = {
    id: row.id,
    project_id: row.project_id,
    tenant_id: row.project_id,
    object_type: row.object_type,
    object_id: row.object_id,
    action: row.action,
    target_tenant: row.target_tenant,
  };
  // The collection routes want `tags`, but RBAC entries have none in Neutron: kept off the wire
  // (not enumerable) and any tag route answers 404, as Neutron's missing route does.
  return Object.defineProperty(view, "tags", {
    enumerable: false,
    get: () => {
      throw new HTTPNotFound();
    },
  }) as RbacPolicy;
}

/** POST /v2.0/rbac-policies, single or bulk: all entries are created in one transaction, or none. */
export function createRbacPolicies(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<RbacPolicy[]> {
  return createInBulk(deps, auth, inputs, {
    attributes: rbacPolicyAttributes,
    resource: "rbac_policy",
    check: (caller, body) => {
      refuseWildcard(caller, "create", body.target_tenant as string);
      if (!(VALID_ACTIONS as readonly string[]).includes(body.action as string))
        throw new InvalidActionForType(body.action as string, body.object_type as string, VALID_ACTIONS);
    },
    insert: (tx, caller, { body, projectId }) => insertEntry(deps, tx, caller, body, projectId),
  });
}

async function insertEntry(
  deps: NetworkDeps,
  tx: NetworkTx,
  caller: AuthContext,
  body: Record<string, unknown>,
  projectId: string,
): Promise<RbacPolicy> {
  await enforceQuota(tx, projectId, "rbac_policy");
  const network = await ownedNetwork(tx, caller, body.object_id as string);
  const row: rbac.RbacRow = {
    id: uuid(),
    project_id: projectId,
    object_type: body.object_type as string,
    object_id: network.id,
    action: body.action as string,
    target_tenant: body.target_tenant as string,
  };
  if (!(await rbac.insertPolicy(tx.db, row))) throw new DuplicateRbacPolicy();
  await syncNetwork(deps, tx, network);
  const view = rbacPolicyView(row);
  await emit(deps, tx, "rbac_policy", "create", view);
  return view;
}

export async function getRbacPolicy(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<RbacPolicy> {
  const caller = requireAuth(auth);
  return rbacPolicyView(await visibleEntry(reader(deps), caller, id));
}

export async function listRbacPolicies(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<RbacPolicy[]> {
  const caller = requireAuth(auth);
  const rows = await rbac.selectPolicies(reader(deps), query, {
    all: isAdmin(caller),
    project_id: caller.project_id,
  });
  return rows.map(rbacPolicyView);
}

/** PUT: only target_tenant changes. RBAC entries have no revision, so If-Match is not checked. */
export async function updateRbacPolicy(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
  _ifMatch: number | undefined,
): Promise<RbacPolicy> {
  const caller = requireAuth(auth);
  const body = parseBody(rbacPolicyAttributes, input, "update");
  return write(deps, async (tx) => {
    const row = await visibleEntry(tx.db, caller, id);
    authorize(caller, "update_rbac_policy", { project_id: row.project_id });
    const target = (body.target_tenant as string | undefined) ?? row.target_tenant;
    refuseWildcard(caller, "update", target);
    const network = await ownedNetwork(tx, caller, row.object_id);
    if (target !== row.target_tenant) {
      await checkAccessUnused(tx, network, row);
      if (!(await rbac.updatePolicyTarget(tx.db, id, target))) throw new DuplicateRbacPolicy();
      await syncNetwork(deps, tx, network);
    }
    const view = rbacPolicyView({ ...row, target_tenant: target });
    await emit(deps, tx, "rbac_policy", "update", view);
    return view;
  });
}

export async function deleteRbacPolicy(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = await visibleEntry(tx.db, caller, id);
    authorize(caller, "delete_rbac_policy", { project_id: row.project_id });
    // Entries go with their network, so it exists; the caller need not see it to drop its entry.
    const network = await store.selectNetwork(tx.db, row.object_id);
    if (network !== undefined) await checkAccessUnused(tx, network, row);
    await rbac.deletePolicyRow(tx.db, id);
    if (network !== undefined) await syncNetwork(deps, tx, network);
    await emit(deps, tx, "rbac_policy", "delete", rbacPolicyView(row));
  });
}

/** RBAC entries carry no tags in Neutron: the tag routes do not exist for them (404). */
export function changeRbacPolicyTags(
  _deps: NetworkDeps,
  _auth: AuthContext | null,
  _id: string,
  _change: (tags: string[]) => string[],
): Promise<string[]> {
  return Promise.reject(new HTTPNotFound());
}

/** Another project's entries do not exist for the caller, not even those naming its project. */
async function visibleEntry(
  db: Kysely<NetworkTables>,
  caller: AuthContext,
  id: string,
): Promise<rbac.RbacRow> {
  const row = await rbac.selectPolicy(db, id);
  const own = row !== undefined && (isAdmin(caller) || row.project_id === caller.project_id);
  if (!own || !permits(caller, "get_rbac_policy", { project_id: row.project_id }))
    throw new RbacPolicyNotFound(id);
  return row;
}

/** Only admins may target every project ('*'): Neutron's `<action>_rbac_policy:target_tenant`. */
function refuseWildcard(caller: AuthContext, action: "create" | "update", target: string): void {
  if (target !== rbac.WILDCARD || isAdmin(caller)) return;
  const rule = `${action}_rbac_policy`;
  // On create Neutron checks every enforced attribute, nesting the checks left to right.
  const check =
    action === "create"
      ? ["object_type", "object_id", "target_tenant", "action"].reduce(
          (inner, key) => `(${inner} and rule:${rule}:${key})`,
          `rule:${rule}`,
        )
      : undefined;
  throw new PolicyNotAuthorized(`${rule}:target_tenant`, check);
}

/** A network the caller cannot see is not found; one it sees but does not own is refused. */
async function ownedNetwork(
  tx: NetworkTx,
  caller: AuthContext,
  networkId: string,
): Promise<store.NetworkRow> {
  const network = await visibleNetworkFor(tx.db, caller, networkId);
  if (!isAdmin(caller) && network.project_id !== caller.project_id)
    throw new InvalidInput("Only admins can manipulate policies on networks they do not own");
  return network;
}

/**
 * Taking access away from a project (deleting or retargeting the entry) is refused while the
 * project still depends on it and no other entry (or the wildcard) keeps it: ports for
 * access_as_shared, router gateways and floating IPs for access_as_external.
 */
async function checkAccessUnused(tx: NetworkTx, network: store.NetworkRow, row: rbac.RbacRow): Promise<void> {
  if (row.target_tenant === network.project_id) return;
  const shared = row.action === rbac.ACCESS_SHARED;
  const entries = await rbac.selectPoliciesOf(tx.db, network.id, row.action);
  const users = shared
    ? await rbac.portProjectsOn(tx.db, network.id)
    : await rbac.externalUsersOn(tx.db, network.id);
  const others = entries.filter((entry) => entry.id !== row.id).map((entry) => entry.target_tenant);
  const stranded =
    row.target_tenant === rbac.WILDCARD
      ? users.filter((project) => project !== network.project_id && !others.includes(project))
      : others.includes(rbac.WILDCARD)
        ? []
        : users.filter((project) => project === row.target_tenant);
  if (stranded.length === 0) return;
  const details = shared
    ? new InvalidSharedSetting(network.id).message
    : `External network ${network.id} cannot be updated to be non-external as it has existing gateway ports`;
  throw new RbacPolicyInUse(network.id, details);
}

/** Mirrors the wildcard entries into the network row; an RBAC change is a new network revision. */
async function syncNetwork(deps: NetworkDeps, tx: NetworkTx, network: store.NetworkRow): Promise<void> {
  const flags = await rbac.wildcardFlags(tx.db, network.id);
  await store.saveRevision(tx.db, "networks", network, flags, isoSeconds(deps.clock.now()));
}
