import type { AuthContext } from "../../http/auth.ts";
import { parseBody } from "../../lib/attributes.ts";
import { uuid } from "../../lib/ids.ts";
import { parseCidrLoose } from "../../lib/ip.ts";
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
import {
  FirewallIpAddressConflict,
  FirewallRuleInUse,
  FirewallRuleInvalidICMPParameter,
  FirewallRuleNotFound,
  FirewallRuleWithPortWithoutProtocolInvalid,
} from "./errors.ts";
import { canSee, refuseShared, sharedTarget } from "./access.ts";
import { markUnaudited } from "./policies.ts";
import { firewallRuleAttributes } from "./schemas.ts";
import * as store from "./store.ts";

export type FirewallRule = ReturnType<typeof ruleView>;

/** `firewall_policy_id` lists the policies holding the rule, null when none (Neutron's show). */
export function ruleView(row: store.FirewallRuleRow, policies: readonly string[], tags: readonly string[]) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tenant_id: row.project_id,
    project_id: row.project_id,
    protocol: row.protocol,
    ip_version: row.ip_version,
    source_ip_address: row.source_ip_address,
    destination_ip_address: row.destination_ip_address,
    source_port: row.source_port,
    destination_port: row.destination_port,
    action: row.action,
    enabled: row.enabled === 1,
    shared: row.shared === 1,
    firewall_policy_id: policies.length > 0 ? [...policies] : null,
    tags: [...tags],
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

async function visibleRule(db: NetworkTx["db"], caller: AuthContext, id: string) {
  const row = await store.selectRow(db, "firewall_rules", id);
  if (row === undefined || !canSee(caller, "firewall_rule", row)) throw new FirewallRuleNotFound(id);
  return row;
}

type RuleFields = Pick<
  store.FirewallRuleRow,
  | "protocol"
  | "ip_version"
  | "source_ip_address"
  | "destination_ip_address"
  | "source_port"
  | "destination_port"
>;

/** Neutron's _validate_fwr_protocol_parameters and _validate_fwr_src_dst_ip_version. */
function checkRule(rule: RuleFields): void {
  const ports = rule.source_port !== null || rule.destination_port !== null;
  if (ports && rule.protocol === null) throw new FirewallRuleWithPortWithoutProtocolInvalid();
  if (ports && rule.protocol !== "tcp" && rule.protocol !== "udp")
    throw new FirewallRuleInvalidICMPParameter("Source, destination port");
  for (const address of [rule.source_ip_address, rule.destination_ip_address]) {
    if (address !== null && parseCidrLoose(address)?.version !== rule.ip_version)
      throw new FirewallIpAddressConflict();
  }
}

/** Neutron keeps a range as min/max and shows "80" for 80:80. */
function normalizePort(range: unknown): string | null {
  if (typeof range !== "string") return null;
  const [min, max = min] = range.split(":").map(Number);
  return min === max ? String(min) : `${min}:${max}`;
}

const PLAIN_COLUMNS = [
  "name",
  "description",
  "protocol",
  "ip_version",
  "action",
  "source_ip_address",
  "destination_ip_address",
] as const;

/** The columns a create or update body sets. */
function ruleColumns(body: Record<string, unknown>): Partial<store.FirewallRuleRow> {
  const out: Record<string, unknown> = {};
  for (const name of PLAIN_COLUMNS) if (body[name] !== undefined) out[name] = body[name];
  for (const name of ["source_port", "destination_port"])
    if (body[name] !== undefined) out[name] = normalizePort(body[name]);
  for (const name of ["enabled", "shared"]) if (body[name] !== undefined) out[name] = body[name] ? 1 : 0;
  return out;
}

export function createRules(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<FirewallRule[]> {
  return createInBulk(deps, auth, inputs, {
    attributes: firewallRuleAttributes,
    resource: "firewall_rule",
    check: (caller, body) => refuseShared(caller, "create_firewall_rule", body),
    insert: async (tx, _caller, { body, projectId }) => {
      const now = isoSeconds(deps.clock.now());
      const row = {
        id: uuid(),
        project_id: projectId,
        revision_number: 1,
        created_at: now,
        updated_at: now,
        ...ruleColumns(body),
      } as store.FirewallRuleRow;
      checkRule(row);
      await store.insertRow(tx.db, "firewall_rules", row);
      const rule = ruleView(row, [], []);
      await emit(deps, tx, "firewall_rule", "create", rule);
      return rule;
    },
  });
}

export async function getRule(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<FirewallRule> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const row = await visibleRule(db, caller, id);
  return withRelations(db, [row]).then(([rule]) => rule as FirewallRule);
}

export async function listRules(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<FirewallRule[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const rows = await store.selectRules(db, query, { all: isAdmin(caller), project_id: caller.project_id });
  return withRelations(db, rows);
}

/** Rules with their policies and tags: two queries whatever their number. */
async function withRelations(db: NetworkTx["db"], rows: readonly store.FirewallRuleRow[]) {
  const ids = rows.map((row) => row.id);
  const [policies, tags] = [await store.policiesOfRules(db, ids), await tagStore.selectTags(db, ids)];
  return rows.map((row) => ruleView(row, policies.get(row.id) ?? [], tags.get(row.id) ?? []));
}

/** A rule change is also a change of every policy holding it: each turns unaudited (as Neutron). */
export async function updateRule(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
  ifMatch: number | undefined,
): Promise<FirewallRule> {
  const caller = requireAuth(auth);
  const body = parseBody(firewallRuleAttributes, input, "update");
  return write(deps, async (tx) => {
    const row = await visibleRule(tx.db, caller, id);
    authorize(caller, "update_firewall_rule", sharedTarget(row));
    refuseShared(caller, "update_firewall_rule", body);
    checkRevision(row.revision_number, ifMatch);
    const changes = ruleColumns(body);
    checkRule({ ...row, ...changes });
    const rule = await bumpRule(deps, tx, row, changes);
    for (const policyId of rule.firewall_policy_id ?? []) await markUnaudited(deps, tx, policyId);
    return rule;
  });
}

export async function deleteRule(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = await visibleRule(tx.db, caller, id);
    authorize(caller, "delete_firewall_rule", sharedTarget(row));
    if ((await store.policiesOfRules(tx.db, [id])).has(id)) throw new FirewallRuleInUse(id);
    await store.deleteRow(tx.db, "firewall_rules", id);
    await emit(deps, tx, "firewall_rule", "delete", ruleView(row, [], []));
  });
}

export function changeRuleTags(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  return changeTagsOf(deps, auth, id, change, {
    load: (tx, caller, ruleId) => visibleRule(tx.db, caller, ruleId),
    action: "update_firewall_rule",
    target: sharedTarget,
    save: (tx, row) => bumpRule(deps, tx, row, {}),
  });
}

async function bumpRule(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: store.FirewallRuleRow,
  changes: Partial<store.FirewallRuleRow>,
): Promise<FirewallRule> {
  const now = isoSeconds(deps.clock.now());
  const bumped = await tagStore.saveRevision(tx.db, "firewall_rules", row, changes, now);
  const [rule] = await withRelations(tx.db, [bumped]);
  await emit(deps, tx, "firewall_rule", "update", rule as FirewallRule);
  return rule as FirewallRule;
}
