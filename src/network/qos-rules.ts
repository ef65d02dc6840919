import type { AuthContext } from "../http/auth.ts";
import { isUniqueViolation } from "../db/index.ts";
import { parseBody, type AttributeMap } from "../lib/attributes.ts";
import { uuid } from "../lib/ids.ts";
import type { ListQuery } from "../lib/list-query.ts";
import { authorize, reader, requireAuth, write, type NetworkDeps, type NetworkTx } from "./deps.ts";
import { QoSRulesConflict, QosRuleNotFound } from "./errors-qos.ts";
import { bumpPolicy, policyTarget, visiblePolicy } from "./qos-policies.ts";
import { bandwidthLimitRuleAttributes, dscpMarkingRuleAttributes } from "./schemas/qos.ts";
import * as qosStore from "./store-qos.ts";

/**
 * A policy's rules, one sub-collection per kind. A change to a rule is a change to its policy:
 * the policy's revision goes up and `qos_policy.update.end` carries the new rules.
 */
type RuleRow = qosStore.BandwidthLimitRuleRow | qosStore.DscpMarkingRuleRow;
export type RuleAnswer = Record<string, unknown> & { id: string };

export interface RuleKind {
  /** "bandwidth_limit": the rule type, and the policy actions' middle (create_policy_<type>_rule). */
  type: "bandwidth_limit" | "dscp_marking";
  table: qosStore.RuleTable;
  attributes: AttributeMap;
  /** The parameters that make two rules of the kind duplicates (Neutron's duplicates_compare_fields). */
  unique: readonly string[];
}

export const BANDWIDTH_LIMIT: RuleKind = {
  type: "bandwidth_limit",
  table: "qos_bandwidth_limit_rules",
  attributes: bandwidthLimitRuleAttributes,
  unique: ["direction"],
};

export const DSCP_MARKING: RuleKind = {
  type: "dscp_marking",
  table: "qos_dscp_marking_rules",
  attributes: dscpMarkingRuleAttributes,
  unique: [],
};

/** The sub-resource's own view: its id and parameters (no type, no policy id), as Neutron's. */
function ruleView(row: RuleRow): RuleAnswer {
  const view: RuleAnswer = { ...row };
  delete view.qos_policy_id;
  return view;
}

/** Reading a policy's rules needs its visibility and get_policy_<type>_rule. */
async function readablePolicy(db: NetworkTx["db"], caller: AuthContext, kind: RuleKind, policyId: string) {
  const policy = await visiblePolicy(db, caller, policyId);
  authorize(caller, `get_policy_${kind.type}_rule`, policyTarget(policy));
  return policy;
}

export async function listRules(
  deps: NetworkDeps,
  auth: AuthContext | null,
  kind: RuleKind,
  policyId: string,
  query: ListQuery,
): Promise<RuleAnswer[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  await readablePolicy(db, caller, kind, policyId);
  return (await qosStore.selectRules<RuleRow>(db, kind.table, policyId, query)).map(ruleView);
}

export async function getRule(
  deps: NetworkDeps,
  auth: AuthContext | null,
  kind: RuleKind,
  policyId: string,
  id: string,
): Promise<RuleAnswer> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  await readablePolicy(db, caller, kind, policyId);
  return ruleView(await existingRule(db, kind, policyId, id));
}

export async function createRule(
  deps: NetworkDeps,
  auth: AuthContext | null,
  kind: RuleKind,
  policyId: string,
  input: Record<string, unknown>,
): Promise<RuleAnswer> {
  const caller = requireAuth(auth);
  const body = parseBody(kind.attributes, input, "create");
  return write(deps, async (tx) => {
    const policy = await visiblePolicy(tx.db, caller, policyId);
    authorize(caller, `create_policy_${kind.type}_rule`, policyTarget(policy));
    const row = { ...body, id: uuid(), qos_policy_id: policyId } as RuleRow;
    await refuseDuplicate(tx, kind, row);
    // The unique key settles a race the check above could not see.
    if (!(await qosStore.claimRule(tx.db, kind.table, row))) await refuseDuplicate(tx, kind, row, true);
    await bumpPolicy(deps, tx, policy, {});
    return ruleView(row);
  });
}

export async function updateRule(
  deps: NetworkDeps,
  auth: AuthContext | null,
  kind: RuleKind,
  policyId: string,
  id: string,
  input: Record<string, unknown>,
): Promise<RuleAnswer> {
  const caller = requireAuth(auth);
  const body = parseBody(kind.attributes, input, "update");
  return write(deps, async (tx) => {
    const policy = await visiblePolicy(tx.db, caller, policyId);
    authorize(caller, `update_policy_${kind.type}_rule`, policyTarget(policy));
    const next: RuleRow = { ...(await existingRule(tx.db, kind, policyId, id)), ...body };
    await refuseDuplicate(tx, kind, next);
    try {
      await qosStore.updateRuleRow(tx.db, kind.table, id, body);
    } catch (error) {
      if (isUniqueViolation(error)) throw new QoSRulesConflict(kind.type, id, policyId);
      throw error;
    }
    await bumpPolicy(deps, tx, policy, {});
    return ruleView(next);
  });
}

export async function deleteRule(
  deps: NetworkDeps,
  auth: AuthContext | null,
  kind: RuleKind,
  policyId: string,
  id: string,
): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const policy = await visiblePolicy(tx.db, caller, policyId);
    authorize(caller, `delete_policy_${kind.type}_rule`, policyTarget(policy));
    await existingRule(tx.db, kind, policyId, id);
    await qosStore.deleteRuleRow(tx.db, kind.table, id);
    await bumpPolicy(deps, tx, policy, {});
  });
}

async function existingRule(
  db: NetworkTx["db"],
  kind: RuleKind,
  policyId: string,
  id: string,
): Promise<RuleRow> {
  const row = await qosStore.selectRule<RuleRow>(db, kind.table, policyId, id);
  if (row === undefined) throw new QosRuleNotFound(id, policyId);
  return row;
}

/**
 * Neutron's check_rules_conflict: another rule of the kind with the same unique parameters (any
 * other DSCP mark; a bandwidth limit in the same direction) is a 409 naming it.
 */
async function refuseDuplicate(tx: NetworkTx, kind: RuleKind, rule: RuleRow, always = false): Promise<void> {
  const rules = (await qosStore.rulesOf(tx.db, [rule.qos_policy_id])).get(rule.qos_policy_id);
  const same = (rules?.[kind.type] ?? []) as RuleRow[];
  const field = (row: RuleRow, name: string) => (row as unknown as Record<string, unknown>)[name];
  const clash = same.find(
    (other) => other.id !== rule.id && kind.unique.every((name) => field(other, name) === field(rule, name)),
  );
  if (clash !== undefined) throw new QoSRulesConflict(kind.type, clash.id, rule.qos_policy_id);
  if (always) throw new QoSRulesConflict(kind.type, "", rule.qos_policy_id);
}
