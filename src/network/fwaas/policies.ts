import type { AuthContext } from "../../http/auth.ts";
import { parseBody, validUuid } from "../../lib/attributes.ts";
import { uuid } from "../../lib/ids.ts";
import type { ListQuery } from "../../lib/list-query.ts";
import { isoSeconds } from "../../lib/time.ts";
import {
  authorize,
  emit,
  isAdmin,
  reader,
  requireAuth,
  write,
  type NetworkDeps,
  type NetworkTx,
} from "../deps.ts";
import { changeTagsOf, checkRevision, createInBulk } from "../resource.ts";
import * as tagStore from "../store.ts";
import { canSee, refuseShared, sharedTarget } from "./access.ts";
import {
  FirewallPolicyInUse,
  FirewallPolicyNotFound,
  FirewallPolicySharingConflict,
  FirewallRuleAlreadyAssociated,
  FirewallRuleConflict,
  FirewallRuleInfoMissing,
  FirewallRuleNotAssociatedWithPolicy,
  FirewallRuleNotFound,
  FirewallRuleSharingConflict,
} from "./errors.ts";
import { firewallPolicyAttributes } from "./schemas.ts";
import * as store from "./store.ts";

export type FirewallPolicy = ReturnType<typeof policyView>;
type PolicyRow = store.FirewallPolicyRow;

export function policyView(row: PolicyRow, rules: readonly string[], tags: readonly string[]) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tenant_id: row.project_id,
    project_id: row.project_id,
    audited: row.audited === 1,
    shared: row.shared === 1,
    firewall_rules: [...rules],
    tags: [...tags],
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

/** The policy as the caller may see it; anyone else's unshared one does not exist (404). */
export async function visiblePolicy(
  db: NetworkTx["db"],
  caller: AuthContext,
  id: string,
): Promise<PolicyRow> {
  const row = await store.selectRow(db, "firewall_policies", id);
  if (row === undefined || !canSee(caller, "firewall_policy", row)) throw new FirewallPolicyNotFound(id);
  return row;
}

/**
 * Neutron's _check_rules_for_policy_is_valid: every rule seen by the caller (404), a shared
 * policy's rules shared, and an unshared rule of the policy's own project.
 */
async function checkRules(
  tx: NetworkTx,
  caller: AuthContext,
  policy: Pick<PolicyRow, "id" | "project_id" | "shared">,
  ruleIds: readonly string[],
): Promise<void> {
  const rows = new Map((await store.selectRulesById(tx.db, ruleIds)).map((row) => [row.id, row]));
  for (const id of ruleIds) {
    const rule = rows.get(id);
    if (rule === undefined || !canSee(caller, "firewall_rule", rule)) throw new FirewallRuleNotFound(id);
    if (policy.shared === 1 && rule.shared !== 1) throw new FirewallRuleSharingConflict(policy.id, id);
    if (rule.shared !== 1 && rule.project_id !== policy.project_id)
      throw new FirewallRuleConflict(id, rule.project_id);
  }
}

export function createPolicies(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<FirewallPolicy[]> {
  return createInBulk(deps, auth, inputs, {
    attributes: firewallPolicyAttributes,
    resource: "firewall_policy",
    check: (caller, body) => refuseShared(caller, "create_firewall_policy", body),
    insert: async (tx, caller, { body, projectId }) => {
      const now = isoSeconds(deps.clock.now());
      const row: PolicyRow = {
        id: uuid(),
        project_id: projectId,
        name: body.name as string,
        description: body.description as string,
        audited: body.audited ? 1 : 0,
        shared: body.shared ? 1 : 0,
        revision_number: 1,
        created_at: now,
        updated_at: now,
      };
      const rules = body.firewall_rules as string[];
      await checkRules(tx, caller, row, rules);
      await store.insertRow(tx.db, "firewall_policies", row);
      await store.setPolicyRules(tx.db, row.id, rules);
      const policy = policyView(row, rules, []);
      await emit(deps, tx, "firewall_policy", "create", policy);
      return policy;
    },
  });
}

export async function getPolicy(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<FirewallPolicy> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const [policy] = await withRelations(db, [await visiblePolicy(db, caller, id)]);
  return policy as FirewallPolicy;
}

export async function listPolicies(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<FirewallPolicy[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  return withRelations(
    db,
    await store.selectPolicies(db, query, { all: isAdmin(caller), project_id: caller.project_id }),
  );
}

/** Policies with their rules and tags: two queries whatever their number. */
async function withRelations(db: NetworkTx["db"], rows: readonly PolicyRow[]): Promise<FirewallPolicy[]> {
  const ids = rows.map((row) => row.id);
  const [rules, tags] = [await store.rulesOfPolicies(db, ids), await tagStore.selectTags(db, ids)];
  return rows.map((row) => policyView(row, rules.get(row.id) ?? [], tags.get(row.id) ?? []));
}

/**
 * Neutron's update_firewall_policy: `firewall_rules` replaces the list (and its order); unsharing
 * is refused while another project's group uses the policy, sharing while a rule is unshared;
 * `audited` turns false unless the update sets it.
 */
export async function updatePolicy(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
  ifMatch: number | undefined,
): Promise<FirewallPolicy> {
  const caller = requireAuth(auth);
  const body = parseBody(firewallPolicyAttributes, input, "update");
  return write(deps, async (tx) => {
    const row = await visiblePolicy(tx.db, caller, id);
    authorize(caller, "update_firewall_policy", sharedTarget(row));
    refuseShared(caller, "update_firewall_policy", body);
    checkRevision(row.revision_number, ifMatch);
    const changes: Partial<PolicyRow> = {
      ...(body.name !== undefined ? { name: body.name as string } : {}),
      ...(body.description !== undefined ? { description: body.description as string } : {}),
      ...(body.shared !== undefined ? { shared: body.shared ? 1 : 0 } : {}),
      audited: body.audited ? 1 : 0,
    };
    if (body.shared === false) await refuseUnsharing(tx, row);
    const rules = body.firewall_rules as string[] | undefined;
    if (rules !== undefined) {
      await checkRules(tx, caller, { ...row, ...changes }, rules);
      await store.setPolicyRules(tx.db, id, rules);
    } else if (body.shared === true) await refuseSharing(tx, row);
    return bumpPolicy(deps, tx, row, changes);
  });
}

async function refuseUnsharing(tx: NetworkTx, row: PolicyRow): Promise<void> {
  const groups = await store.groupsUsingPolicy(tx.db, row.id);
  if (groups.some((group) => group.project_id !== row.project_id)) throw new FirewallPolicyInUse(row.id);
}

async function refuseSharing(tx: NetworkTx, row: PolicyRow): Promise<void> {
  const ruleIds = (await store.rulesOfPolicies(tx.db, [row.id])).get(row.id) ?? [];
  const rules = await store.selectRulesById(tx.db, ruleIds);
  const unshared = ruleIds.find((id) => rules.find((rule) => rule.id === id)?.shared !== 1);
  if (unshared !== undefined) throw new FirewallPolicySharingConflict(row.id, unshared);
}

/** Refused while a group uses the policy in either direction. */
export async function deletePolicy(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = await visiblePolicy(tx.db, caller, id);
    authorize(caller, "delete_firewall_policy", sharedTarget(row));
    if ((await store.groupsUsingPolicy(tx.db, id)).length > 0) throw new FirewallPolicyInUse(id);
    const rules = (await store.rulesOfPolicies(tx.db, [id])).get(id) ?? [];
    await store.deleteRow(tx.db, "firewall_policies", id);
    await emit(deps, tx, "firewall_policy", "delete", policyView(row, rules, []));
  });
}

/** The body of insert_rule / remove_rule: {firewall_rule_id, ...}; a malformed id is an unknown rule. */
function ruleInfo(body: unknown): { ruleId: string; info: Record<string, unknown> } {
  if (typeof body !== "object" || body === null || Array.isArray(body) || !("firewall_rule_id" in body))
    throw new FirewallRuleInfoMissing();
  const info = body as Record<string, unknown>;
  const ruleId = info.firewall_rule_id;
  if (typeof ruleId !== "string" || validUuid(ruleId) !== undefined)
    throw new FirewallRuleNotFound(String(ruleId));
  return { ruleId, info };
}

/**
 * PUT .../insert_rule: before `insert_before` (which wins when both are given), after
 * `insert_after`, else at the top, as Neutron does. Returns the policy (unwrapped, as Neutron).
 */
export function insertRule(deps: NetworkDeps, auth: AuthContext | null, id: string, body: unknown) {
  return changeRuleList(deps, auth, id, "insert_rule", async (tx, caller, policy, rules) => {
    const { ruleId, info } = ruleInfo(body);
    if (rules.includes(ruleId)) throw new FirewallRuleAlreadyAssociated(ruleId, id);
    const before = typeof info.insert_before === "string" && info.insert_before !== "";
    const reference = before ? info.insert_before : info.insert_after;
    const rule = await store.selectRow(tx.db, "firewall_rules", ruleId);
    if (rule === undefined || !canSee(caller, "firewall_rule", rule)) throw new FirewallRuleNotFound(ruleId);
    if (rule.shared !== 1 && rule.project_id !== policy.project_id)
      throw new FirewallRuleConflict(ruleId, rule.project_id);
    let position = 0;
    if (typeof reference === "string" && reference !== "") {
      const at = rules.indexOf(reference);
      if (at < 0) throw new FirewallRuleNotAssociatedWithPolicy(reference, id);
      position = before ? at : at + 1;
    }
    return [...rules.slice(0, position), ruleId, ...rules.slice(position)];
  });
}

/** PUT .../remove_rule: the rule must exist (404) and be in the policy (400). */
export function removeRule(deps: NetworkDeps, auth: AuthContext | null, id: string, body: unknown) {
  return changeRuleList(deps, auth, id, "remove_rule", async (tx, caller, _policy, rules) => {
    const { ruleId } = ruleInfo(body);
    const rule = await store.selectRow(tx.db, "firewall_rules", ruleId);
    if (rule === undefined || !canSee(caller, "firewall_rule", rule)) throw new FirewallRuleNotFound(ruleId);
    if (!rules.includes(ruleId)) throw new FirewallRuleNotAssociatedWithPolicy(ruleId, id);
    return rules.filter((r) => r !== ruleId);
  });
}

type RuleListChange = (
  tx: NetworkTx,
  caller: AuthContext,
  policy: PolicyRow,
  rules: readonly string[],
) => Promise<string[]>;

async function changeRuleList(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  action: "insert_rule" | "remove_rule",
  change: RuleListChange,
): Promise<FirewallPolicy> {
  const caller = requireAuth(auth);
  return write(deps, async (tx) => {
    const row = await visiblePolicy(tx.db, caller, id);
    authorize(caller, action, sharedTarget(row));
    const rules = await change(tx, caller, row, (await store.rulesOfPolicies(tx.db, [id])).get(id) ?? []);
    await store.setPolicyRules(tx.db, id, rules);
    return bumpPolicy(deps, tx, row, { audited: 0 });
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
    action: "update_firewall_policy",
    target: sharedTarget,
    save: (tx, row) => bumpPolicy(deps, tx, row, {}),
  });
}

/** A rule of the policy changed: a new, unaudited revision of the policy (as Neutron). */
export async function markUnaudited(deps: NetworkDeps, tx: NetworkTx, id: string): Promise<void> {
  const row = await store.selectRow(tx.db, "firewall_policies", id);
  if (row !== undefined) await bumpPolicy(deps, tx, row, { audited: 0 });
}

/** Every change of a policy or its rule list is a new revision, announced with the list. */
async function bumpPolicy(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: PolicyRow,
  changes: Partial<PolicyRow>,
): Promise<FirewallPolicy> {
  const bumped = await tagStore.saveRevision(
    tx.db,
    "firewall_policies",
    row,
    changes,
    isoSeconds(deps.clock.now()),
  );
  const [policy] = await withRelations(tx.db, [bumped]);
  await emit(deps, tx, "firewall_policy", "update", policy as FirewallPolicy);
  return policy as FirewallPolicy;
}
