import type { AuthContext } from "../http/auth.ts";
import { parseBody } from "../lib/attributes.ts";
import { uuid } from "../lib/ids.ts";
import type { ListQuery } from "../lib/list-query.ts";
import { isoSeconds } from "../lib/time.ts";
import type { Target } from "../policy/index.ts";
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
import { QosPolicyInUse, QosPolicyNotFound } from "./errors-qos.ts";
import { changeTagsOf, checkRevision, createInBulk } from "./resource.ts";
import { qosPolicyAttributes } from "./schemas/qos.ts";
import * as store from "./store.ts";
import * as qosStore from "./store-qos.ts";

export type QosPolicy = ReturnType<typeof policyView>;

/** A rule as a policy's `rules` list shows it: its type and policy beside its parameters. */
export function ruleViews(rules: qosStore.PolicyRules | undefined) {
  return [
    ...(rules?.bandwidth_limit ?? []).map((rule) => ({
      id: rule.id,
      type: "bandwidth_limit",
      qos_policy_id: rule.qos_policy_id,
      max_kbps: rule.max_kbps,
      max_burst_kbps: rule.max_burst_kbps,
      direction: rule.direction,
    })),
    ...(rules?.dscp_marking ?? []).map((rule) => ({
      id: rule.id,
      type: "dscp_marking",
      qos_policy_id: rule.qos_policy_id,
      dscp_mark: rule.dscp_mark,
    })),
  ];
}

export function policyView(
  row: qosStore.QosPolicyRow,
  rules: qosStore.PolicyRules | undefined,
  tags: readonly string[],
) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tenant_id: row.project_id,
    project_id: row.project_id,
    shared: row.shared === 1,
    rules: ruleViews(rules),
    tags: [...tags],
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

export const policyTarget = (row: qosStore.QosPolicyRow): Target => ({
  project_id: row.project_id,
  shared: row.shared === 1 ? "true" : "false",
});

/** Own, shared, or any for admins: Neutron's QoS policy object query. */
export function canSeePolicy(caller: AuthContext, row: qosStore.QosPolicyRow): boolean {
  return isAdmin(caller) || row.shared === 1 || row.project_id === caller.project_id;
}

/** The policy as the caller may see it; anyone else's unshared one does not exist (404). */
export async function visiblePolicy(
  db: NetworkTx["db"],
  caller: AuthContext,
  id: string,
): Promise<qosStore.QosPolicyRow> {
  const row = await qosStore.selectPolicy(db, id);
  if (row === undefined || !canSeePolicy(caller, row)) throw new QosPolicyNotFound(id);
  return row;
}

/** POST /v2.0/qos/policies: admin-only in Neutron's default policy (create_policy). */
export function createPolicies(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<QosPolicy[]> {
  return createInBulk(deps, auth, inputs, {
    attributes: qosPolicyAttributes,
    resource: "policy",
    insert: async (tx, _caller, { body, projectId }) => {
      const now = isoSeconds(deps.clock.now());
      const row: qosStore.QosPolicyRow = {
        id: uuid(),
        project_id: projectId,
        name: body.name as string,
        description: body.description as string,
        shared: body.shared ? 1 : 0,
        revision_number: 1,
        created_at: now,
        updated_at: now,
      };
      await qosStore.insertPolicy(tx.db, row);
      const policy = policyView(row, undefined, []);
      await emit(deps, tx, "qos_policy", "create", policy);
      return policy;
    },
  });
}

export async function getPolicy(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<QosPolicy> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const row = await visiblePolicy(db, caller, id);
  return policyView(
    row,
    (await qosStore.rulesOf(db, [id])).get(id),
    (await store.selectTags(db, [id])).get(id) ?? [],
  );
}

export async function listPolicies(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<QosPolicy[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const rows = await qosStore.selectPolicies(db, query, {
    all: isAdmin(caller),
    project_id: caller.project_id,
  });
  const ids = rows.map((row) => row.id);
  const [rules, tags] = [await qosStore.rulesOf(db, ids), await store.selectTags(db, ids)];
  return rows.map((row) => policyView(row, rules.get(row.id), tags.get(row.id) ?? []));
}

export async function updatePolicy(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
  ifMatch: number | undefined,
): Promise<QosPolicy> {
  const caller = requireAuth(auth);
  const body = parseBody(qosPolicyAttributes, input, "update");
  return write(deps, async (tx) => {
    const row = await visiblePolicy(tx.db, caller, id);
    authorize(caller, "update_policy", policyTarget(row));
    checkRevision(row.revision_number, ifMatch);
    const changes: Partial<qosStore.QosPolicyRow> = {
      ...(body.name !== undefined ? { name: body.name as string } : {}),
      ...(body.description !== undefined ? { description: body.description as string } : {}),
      ...(body.shared !== undefined ? { shared: body.shared ? 1 : 0 } : {}),
    };
    return bumpPolicy(deps, tx, { ...row, ...changes }, changes);
  });
}

/** Refused while a port, network, floating IP or router gateway uses the policy (as Neutron). */
export async function deletePolicy(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = await visiblePolicy(tx.db, caller, id);
    authorize(caller, "delete_policy", policyTarget(row));
    const user = await qosStore.policyUser(tx.db, id);
    if (user !== undefined) throw new QosPolicyInUse(id, user.type, user.id);
    const rules = (await qosStore.rulesOf(tx.db, [id])).get(id);
    await qosStore.deletePolicyRow(tx.db, id);
    await emit(deps, tx, "qos_policy", "delete", policyView(row, rules, []));
  });
}

export function changePolicyTags(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  return changeTagsOf(deps, auth, id, change, {
    load: (tx, caller, policyId) => visiblePolicy(tx.db, caller, policyId),
    action: "update_policy",
    target: policyTarget,
    save: (tx, row) => bumpPolicy(deps, tx, row, {}),
  });
}

/** Every change to a policy or its rules is a new revision of the policy, announced with its rules. */
export async function bumpPolicy(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: qosStore.QosPolicyRow,
  changes: Partial<qosStore.QosPolicyRow>,
): Promise<QosPolicy> {
  const bumped = await store.saveRevision(tx.db, "qos_policies", row, changes, isoSeconds(deps.clock.now()));
  const policy = policyView(
    bumped,
    (await qosStore.rulesOf(tx.db, [row.id])).get(row.id),
    (await store.selectTags(tx.db, [row.id])).get(row.id) ?? [],
  );
  await emit(deps, tx, "qos_policy", "update", policy);
  return policy;
}
