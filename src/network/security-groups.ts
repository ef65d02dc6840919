import type { AuthContext } from "../http/auth.ts";
import { parseBody } from "../lib/attributes.ts";
import { uuid } from "../lib/ids.ts";
import { formatCidr, parseCidrLoose } from "../lib/ip.ts";
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
import {
  SecurityGroupCannotRemoveDefault,
  SecurityGroupCannotUpdateDefault,
  SecurityGroupInUse,
  SecurityGroupNotFound,
} from "./errors-security.ts";
import { enforceQuota } from "./quotas.ts";
import { securityGroupAttributes } from "./schemas/security-group.ts";
import * as store from "./store.ts";
import { changeTagsOf, checkRevision, createInBulk, ownedBy, seenByProject } from "./resource.ts";
import * as sgStore from "./store-security.ts";
import { refuseVpcGroup } from "./vpc/guards.ts";

export type SecurityGroup = ReturnType<typeof groupView>;
export type SecurityGroupRule = ReturnType<typeof ruleView>;

/** A rule as the security-group-rules collection shows it: Neutron gives it no tags there. */
export function ruleView(row: sgStore.RuleRow) {
  const cidr = row.remote_ip_prefix === null ? undefined : parseCidrLoose(row.remote_ip_prefix);
  return {
    id: row.id,
    tenant_id: row.project_id,
    project_id: row.project_id,
    security_group_id: row.security_group_id,
    ethertype: row.ethertype,
    direction: row.direction,
    protocol: row.protocol,
    port_range_min: row.port_range_min,
    port_range_max: row.port_range_max,
    remote_ip_prefix: row.remote_ip_prefix,
    remote_address_group_id: null,
    normalized_cidr: cidr ? formatCidr(cidr) : null,
    remote_group_id: row.remote_group_id,
    description: row.description,
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

export function groupView(
  row: sgStore.SecurityGroupRow,
  rules: readonly sgStore.RuleRow[],
  tags: readonly string[],
) {
  return {
    id: row.id,
    name: row.name,
    stateful: row.stateful === 1,
    tenant_id: row.project_id,
    project_id: row.project_id,
    description: row.description,
    shared: false,
    // Rules shown inside their group do carry tags: [] in Neutron (rules are never tagged here).
    security_group_rules: rules.map((rule) => ({ ...ruleView(rule), tags: [] as string[] })),
    tags: [...tags],
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

/**
 * The project's default group, made on first need with Neutron's rules: all egress, and ingress
 * from members of the same group. A race to make it is settled by the default-group table's key.
 */
export async function ensureDefaultGroup(
  deps: NetworkDeps,
  tx: NetworkTx,
  projectId: string,
): Promise<string> {
  const existing = await sgStore.defaultGroupOf(tx.db, projectId);
  if (existing !== undefined) return existing;
  const id = uuid();
  const now = isoSeconds(deps.clock.now());
  const row: sgStore.SecurityGroupRow = {
    id,
    project_id: projectId,
    name: "default",
    description: "Default security group",
    stateful: 1,
    revision_number: 1,
    created_at: now,
    updated_at: now,
  };
  await sgStore.insertGroup(tx.db, row);
  const rules = defaultRules(id, projectId, now);
  for (const rule of rules) await sgStore.insertRule(tx.db, rule);
  if (await sgStore.claimDefaultGroup(tx.db, projectId, id)) {
    // Announced like any new group (Neutron does too): the SDN controller compiles it.
    await emit(deps, tx, "security_group", "create", groupView(row, rules, []));
    return id;
  }
  await sgStore.deleteGroupRow(tx.db, id);
  return (await sgStore.defaultGroupOf(tx.db, projectId)) ?? id;
}

/** The default group's rules (also a VPC's group's): all egress, ingress from the group's members. */
export function defaultRules(groupId: string, projectId: string, now: string): sgStore.RuleRow[] {
  return ["ingress", "egress"].flatMap((direction) =>
    ["IPv4", "IPv6"].map((ethertype) => ({
      ...blankRule(groupId, projectId, now),
      direction,
      ethertype,
      remote_group_id: direction === "ingress" ? groupId : null,
    })),
  );
}

export function blankRule(groupId: string, projectId: string, now: string): sgStore.RuleRow {
  return {
    id: uuid(),
    project_id: projectId,
    security_group_id: groupId,
    direction: "egress",
    ethertype: "IPv4",
    protocol: null,
    port_range_min: null,
    port_range_max: null,
    remote_ip_prefix: null,
    remote_group_id: null,
    description: null,
    revision_number: 0,
    created_at: now,
    updated_at: now,
  };
}

export function createSecurityGroups(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<SecurityGroup[]> {
  return createInBulk(deps, auth, inputs, {
    attributes: securityGroupAttributes,
    resource: "security_group",
    insert: (tx, _caller, { body, projectId }) => insertGroup(deps, tx, body, projectId),
  });
}

async function insertGroup(
  deps: NetworkDeps,
  tx: NetworkTx,
  body: Record<string, unknown>,
  projectId: string,
): Promise<SecurityGroup> {
  await ensureDefaultGroup(deps, tx, projectId);
  await enforceQuota(tx, projectId, "security_group");
  const now = isoSeconds(deps.clock.now());
  const row: sgStore.SecurityGroupRow = {
    id: uuid(),
    project_id: projectId,
    name: body.name as string,
    description: body.description as string,
    stateful: body.stateful ? 1 : 0,
    revision_number: 1,
    created_at: now,
    updated_at: now,
  };
  await sgStore.insertGroup(tx.db, row);
  // A new group lets everything out, as in Neutron.
  const rules = ["IPv4", "IPv6"].map((ethertype) => ({ ...blankRule(row.id, projectId, now), ethertype }));
  for (const rule of rules) await sgStore.insertRule(tx.db, rule);
  const group = groupView(row, rules, []);
  await emit(deps, tx, "security_group", "create", group);
  return group;
}

export async function getSecurityGroup(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<SecurityGroup> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const row = await visibleGroup(db, caller, id);
  return groupView(
    row,
    (await sgStore.rulesOf(db, [id])).get(id) ?? [],
    (await store.selectTags(db, [id])).get(id) ?? [],
  );
}

export async function listSecurityGroups(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<SecurityGroup[]> {
  const caller = requireAuth(auth);
  if (caller.project_id !== null) {
    const projectId = caller.project_id;
    await write(deps, (tx) => ensureDefaultGroup(deps, tx, projectId));
  }
  const db = reader(deps);
  const rows = await sgStore.selectGroups(db, query, { all: isAdmin(caller), project_id: caller.project_id });
  const ids = rows.map((row) => row.id);
  const [rules, tags] = [await sgStore.rulesOf(db, ids), await store.selectTags(db, ids)];
  return rows.map((row) => groupView(row, rules.get(row.id) ?? [], tags.get(row.id) ?? []));
}

export async function updateSecurityGroup(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
  ifMatch: number | undefined,
): Promise<SecurityGroup> {
  const caller = requireAuth(auth);
  const body = parseBody(securityGroupAttributes, input, "update");
  return write(deps, async (tx) => {
    const row = await visibleGroup(tx.db, caller, id);
    authorize(caller, "update_security_group", { project_id: row.project_id });
    checkRevision(row.revision_number, ifMatch);
    if (
      body.name !== undefined &&
      body.name !== "default" &&
      (await sgStore.defaultGroupOf(tx.db, row.project_id)) === id
    ) {
      throw new SecurityGroupCannotUpdateDefault();
    }
    const changes: Partial<sgStore.SecurityGroupRow> = {
      ...(body.name !== undefined ? { name: body.name as string } : {}),
      ...(body.description !== undefined ? { description: body.description as string } : {}),
      ...(body.stateful !== undefined ? { stateful: body.stateful ? 1 : 0 } : {}),
    };
    return bumpGroup(deps, tx, { ...row, ...changes }, changes);
  });
}

export async function deleteSecurityGroup(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = await visibleGroup(tx.db, caller, id);
    authorize(caller, "delete_security_group", { project_id: row.project_id });
    if (!isAdmin(caller) && (await sgStore.defaultGroupOf(tx.db, row.project_id)) === id)
      throw new SecurityGroupCannotRemoveDefault();
    if (await sgStore.groupInUse(tx.db, id)) throw new SecurityGroupInUse(id);
    await refuseVpcGroup(tx.db, id);
    await sgStore.deleteGroupRow(tx.db, id);
    await emit(deps, tx, "security_group", "delete", groupView(row, [], []));
  });
}

export function changeSecurityGroupTags(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  return changeTagsOf(deps, auth, id, change, {
    load: (tx, caller, id) => visibleGroup(tx.db, caller, id),
    action: "update_security_group",
    target: ownedBy,
    save: (tx, row) => bumpGroup(deps, tx, row, {}),
  });
}

/** The port's groups must exist and be the caller's (or the admin's); returns their ids. */
export async function checkPortGroups(
  tx: NetworkTx,
  caller: AuthContext,
  ids: readonly string[],
): Promise<string[]> {
  for (const id of ids) await visibleGroup(tx.db, caller, id);
  return [...new Set(ids)];
}

export async function visibleGroup(
  db: NetworkTx["db"],
  caller: AuthContext,
  id: string,
): Promise<sgStore.SecurityGroupRow> {
  return seenByProject(caller, await sgStore.selectGroup(db, id), () => new SecurityGroupNotFound(id));
}

export async function bumpGroup(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: sgStore.SecurityGroupRow,
  changes: Partial<sgStore.SecurityGroupRow>,
): Promise<SecurityGroup> {
  const bumped = await store.saveRevision(
    tx.db,
    "security_groups",
    row,
    changes,
    isoSeconds(deps.clock.now()),
  );
  const group = groupView(
    bumped,
    (await sgStore.rulesOf(tx.db, [row.id])).get(row.id) ?? [],
    (await store.selectTags(tx.db, [row.id])).get(row.id) ?? [],
  );
  await emit(deps, tx, "security_group", "update", group);
  return group;
}
