import type { AuthContext } from "../../http/auth.ts";
import { parseBody } from "../../lib/attributes.ts";
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
import { PortNotFound } from "../errors-ipam.ts";
import { changeTagsOf, checkRevision, createInBulk } from "../resource.ts";
import * as tagStore from "../store.ts";
import { canSee, refuseShared, sharedTarget } from "./access.ts";
import {
  FirewallGroupInUse,
  FirewallGroupNotFound,
  FirewallGroupPortInUse,
  FirewallGroupPortInvalid,
  FirewallGroupPortInvalidProject,
  FirewallPolicyConflict,
} from "./errors.ts";
import { visiblePolicy } from "./policies.ts";
import { firewallGroupAttributes } from "./schemas.ts";
import * as store from "./store.ts";

export type FirewallGroup = ReturnType<typeof groupView>;
type GroupRow = store.FirewallGroupRow;

/** neutron-lib's ROUTER_INTERFACE_OWNERS: the L3 ports a group may bind (the subnets' ACLs). */
const ROUTER_INTERFACE_OWNERS = [
  "network:router_interface",
  "network:router_interface_distributed",
  "network:ha_router_replicated_interface",
];

/**
 * Status is derived, not stored: INACTIVE without ports (as Neutron's drivers report), DOWN when
 * administratively down, else ACTIVE (Stratus has no PENDING_* states: the API is the source of
 * truth and the SDN controller converges on it).
 */
function statusOf(row: GroupRow, ports: readonly string[]): string {
  if (ports.length === 0) return "INACTIVE";
  return row.admin_state_up === 1 ? "ACTIVE" : "DOWN";
}

export function groupView(row: GroupRow, ports: readonly string[], tags: readonly string[]) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tenant_id: row.project_id,
    project_id: row.project_id,
    ingress_firewall_policy_id: row.ingress_firewall_policy_id,
    egress_firewall_policy_id: row.egress_firewall_policy_id,
    admin_state_up: row.admin_state_up === 1,
    ports: [...ports],
    status: statusOf(row, ports),
    shared: row.shared === 1,
    tags: [...tags],
    created_at: row.created_at,
    updated_at: row.updated_at,
    revision_number: row.revision_number,
  };
}

async function visibleGroup(db: NetworkTx["db"], caller: AuthContext, id: string): Promise<GroupRow> {
  const row = await store.selectRow(db, "firewall_groups", id);
  if (row === undefined || !canSee(caller, "firewall_group", row)) throw new FirewallGroupNotFound(id);
  return row;
}

/** Each named policy is seen by the caller (404) and is the group's project's or shared. */
async function checkPolicies(
  tx: NetworkTx,
  caller: AuthContext,
  projectId: string,
  policyIds: ReadonlyArray<unknown>,
): Promise<void> {
  for (const id of policyIds) {
    if (typeof id !== "string") continue;
    const policy = await visiblePolicy(tx.db, caller, id);
    if (policy.project_id !== projectId && policy.shared !== 1) throw new FirewallPolicyConflict(id);
  }
}

/**
 * Neutron's _validate_ports_for_firewall_group: each port seen by the caller (404), of the group's
 * project (409), and a router interface or a VM port (409), then not in another group (409).
 */
async function bindPorts(
  tx: NetworkTx,
  caller: AuthContext,
  group: Pick<GroupRow, "id" | "project_id">,
  portIds: readonly string[],
): Promise<void> {
  const ports = new Map((await store.selectPortOwners(tx.db, portIds)).map((port) => [port.id, port]));
  for (const id of portIds) {
    const port = ports.get(id);
    if (port === undefined || (!isAdmin(caller) && port.project_id !== caller.project_id))
      throw new PortNotFound(id);
    if (port.project_id !== group.project_id) throw new FirewallGroupPortInvalidProject(id, port.project_id);
    if (!ROUTER_INTERFACE_OWNERS.includes(port.device_owner) && !port.device_owner.startsWith("compute:"))
      throw new FirewallGroupPortInvalid(id);
  }
  const inUse = await store.claimPorts(tx.db, group.id, portIds);
  if (inUse.length > 0) throw new FirewallGroupPortInUse(inUse);
}

/** The default group Neutron makes per project is not made: a group exists only when asked for. */
export function createGroups(
  deps: NetworkDeps,
  auth: AuthContext | null,
  inputs: ReadonlyArray<Record<string, unknown>>,
): Promise<FirewallGroup[]> {
  return createInBulk(deps, auth, inputs, {
    attributes: firewallGroupAttributes,
    resource: "firewall_group",
    check: (caller, body) => refuseShared(caller, "create_firewall_group", body),
    insert: async (tx, caller, { body, projectId }) => {
      const now = isoSeconds(deps.clock.now());
      const row: GroupRow = {
        id: uuid(),
        project_id: projectId,
        name: body.name as string,
        description: body.description as string,
        ingress_firewall_policy_id: body.ingress_firewall_policy_id as string | null,
        egress_firewall_policy_id: body.egress_firewall_policy_id as string | null,
        admin_state_up: body.admin_state_up ? 1 : 0,
        shared: body.shared ? 1 : 0,
        revision_number: 1,
        created_at: now,
        updated_at: now,
      };
      await checkPolicies(tx, caller, projectId, [
        row.ingress_firewall_policy_id,
        row.egress_firewall_policy_id,
      ]);
      await store.insertRow(tx.db, "firewall_groups", row);
      const ports = body.ports as string[];
      await bindPorts(tx, caller, row, ports);
      const group = groupView(row, [...ports].sort(), []);
      await emit(deps, tx, "firewall_group", "create", group);
      return group;
    },
  });
}

export async function getGroup(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
): Promise<FirewallGroup> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const [group] = await withRelations(db, [await visibleGroup(db, caller, id)]);
  return group as FirewallGroup;
}

export async function listGroups(
  deps: NetworkDeps,
  auth: AuthContext | null,
  query: ListQuery,
): Promise<FirewallGroup[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  return withRelations(
    db,
    await store.selectGroups(db, query, { all: isAdmin(caller), project_id: caller.project_id }),
  );
}

/** Groups with their ports and tags: two queries whatever their number. */
async function withRelations(db: NetworkTx["db"], rows: readonly GroupRow[]): Promise<FirewallGroup[]> {
  const ids = rows.map((row) => row.id);
  const [ports, tags] = [await store.portsOfGroups(db, ids), await tagStore.selectTags(db, ids)];
  return rows.map((row) => groupView(row, ports.get(row.id) ?? [], tags.get(row.id) ?? []));
}

/** `ports` replaces the group's ports; a named policy is checked as on create. */
export async function updateGroup(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  input: Record<string, unknown>,
  ifMatch: number | undefined,
): Promise<FirewallGroup> {
  const caller = requireAuth(auth);
  const body = parseBody(firewallGroupAttributes, input, "update");
  return write(deps, async (tx) => {
    const row = await visibleGroup(tx.db, caller, id);
    authorize(caller, "update_firewall_group", sharedTarget(row));
    refuseShared(caller, "update_firewall_group", body);
    checkRevision(row.revision_number, ifMatch);
    await checkPolicies(tx, caller, row.project_id, [
      body.ingress_firewall_policy_id,
      body.egress_firewall_policy_id,
    ]);
    if (body.ports !== undefined) await bindPorts(tx, caller, row, body.ports as string[]);
    const changes: Record<string, unknown> = {};
    for (const name of ["name", "description", "ingress_firewall_policy_id", "egress_firewall_policy_id"])
      if (body[name] !== undefined) changes[name] = body[name];
    for (const name of ["admin_state_up", "shared"])
      if (body[name] !== undefined) changes[name] = body[name] ? 1 : 0;
    return bumpGroup(deps, tx, row, changes);
  });
}

/** Refused while the group has ports (Neutron: FirewallGroupInUse, "still active"). */
export async function deleteGroup(deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> {
  const caller = requireAuth(auth);
  await write(deps, async (tx) => {
    const row = await visibleGroup(tx.db, caller, id);
    authorize(caller, "delete_firewall_group", sharedTarget(row));
    if ((await store.portsOfGroups(tx.db, [id])).has(id)) throw new FirewallGroupInUse(id);
    await store.deleteRow(tx.db, "firewall_groups", id);
    await emit(deps, tx, "firewall_group", "delete", groupView(row, [], []));
  });
}

export function changeGroupTags(
  deps: NetworkDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  return changeTagsOf(deps, auth, id, change, {
    load: (tx, caller, groupId) => visibleGroup(tx.db, caller, groupId),
    action: "update_firewall_group",
    target: sharedTarget,
    save: (tx, row) => bumpGroup(deps, tx, row, {}),
  });
}

async function bumpGroup(
  deps: NetworkDeps,
  tx: NetworkTx,
  row: GroupRow,
  changes: Partial<GroupRow>,
): Promise<FirewallGroup> {
  const bumped = await tagStore.saveRevision(
    tx.db,
    "firewall_groups",
    row,
    changes,
    isoSeconds(deps.clock.now()),
  );
  const [group] = await withRelations(tx.db, [bumped]);
  await emit(deps, tx, "firewall_group", "update", group as FirewallGroup);
  return group as FirewallGroup;
}
