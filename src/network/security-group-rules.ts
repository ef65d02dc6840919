import type { AuthContext } from "../http/auth.ts";
import { parseBody } from "../lib/attributes.ts";
import { formatCidr, parseCidrLoose } from "../lib/ip.ts";
import type { ListQuery } from "../lib/list-query.ts";
import { isoSeconds } from "../lib/time.ts";
import { authorize, emit, isAdmin, reader, requireAuth, write, type NetworkDeps } from "./deps.ts";
import { SecurityGroupRuleExists, SecurityGroupRuleNotFound } from "./errors-security.ts";
import { enforceQuota } from "./quotas.ts";
import { checkRule, type RuleInput } from "./rules.ts";
import { securityGroupRuleAttributes } from "./schemas/security-group.ts";
import { blankRule, bumpGroup, ruleView, visibleGroup, type SecurityGroupRule } from "./security-groups.ts";
import * as sgStore from "./store-security.ts";
import { seenByProject } from "./resource.ts";

/** Security group rules: created and deleted, never changed (as in Neutron). */

export async function createRules(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<SecurityGroupRule[]> {
  const caller = requireAuth(auth);
  const bodies = inputs.map(
    (input) =>
      parseBody(securityGroupRuleAttributes, input, "create") as unknown as RuleInput & {
        description: string | null;
      },
  );
  return write(deps, async (tx) => {
    const created: SecurityGroupRule[] = [];
    for (const body of bodies) {
      const group = await visibleGroup(tx.db, caller, body.security_group_id);
      authorize(caller, "create_security_group_rule", { project_id: group.project_id });
      if (body.remote_group_id !== null) await visibleGroup(tx.db, caller, body.remote_group_id);
      const rule = checkRule(body);
      const existing = ((await sgStore.rulesOf(tx.db, [group.id])).get(group.id) ?? []).find((r) =>
        sameRule(r, rule),
      );
      if (existing) throw new SecurityGroupRuleExists(existing.id);
      await enforceQuota(tx, group.project_id, "security_group_rule");
      const now = isoSeconds(deps.clock.now());
      const row: sgStore.RuleRow = {
        ...blankRule(group.id, group.project_id, now),
        ...rule,
        description: body.description,
      };
      await sgStore.insertRule(tx.db, row);
      await bumpGroup(deps, tx, group, {});
      const view = ruleView(row);
      await emit(deps, tx, "security_group_rule", "create", view);
      created.push(view);
    }
    return created;
  });
}

export async function getRule(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<SecurityGroupRule> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  return ruleView(
    seenByProject(caller, await sgStore.selectRule(db, id), () => new SecurityGroupRuleNotFound(id)),
  );
}

export async function listRules(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<SecurityGroupRule[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const rows = await sgStore.selectRules(db, query, { all: isAdmin(caller), project_id: caller.project_id });
  return rows.map((row) => ruleView(row));
}

export async function deleteRule(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = seenByProject(
      caller,
      await sgStore.selectRule(tx.db, id),
      () => new SecurityGroupRuleNotFound(id),
    );
    authorize(caller, "delete_security_group_rule", { project_id: row.project_id });
    await sgStore.deleteRuleRow(tx.db, id);
    const group = await sgStore.selectGroup(tx.db, row.security_group_id);
    if (group) await bumpGroup(deps, tx, group, {});
    await emit(deps, tx, "security_group_rule", "delete", ruleView(row));
  });
}

function sameRule(row: sgStore.RuleRow, rule: ReturnType<typeof checkRule>): boolean {
  const normal = (prefix: string | null) =>
    prefix === null ? null : formatCidr(parseCidrLoose(prefix) ?? { version: 4, network: 0n, prefix: 0 });
  return (
    row.direction === rule.direction &&
    row.ethertype === rule.ethertype &&
    row.protocol === rule.protocol &&
    row.port_range_min === rule.port_range_min &&
    row.port_range_max === rule.port_range_max &&
    normal(row.remote_ip_prefix) === normal(rule.remote_ip_prefix) &&
    row.remote_group_id === rule.remote_group_id
  );
}
