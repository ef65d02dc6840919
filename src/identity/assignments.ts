import type { Kysely } from "kysely";
import type { AuthContext } from "../http/auth.ts";
import { authorize, emit, reader, write, type IdentityDeps } from "./deps.ts";
import { IdentityNotFound } from "./errors.ts";
import { expandRoles, inferenceClosure, mustRole } from "./roles.ts";
import * as store from "./store.ts";
import * as roles from "./store-roles.ts";
import type { ActorType, IdentityTables, TargetType } from "./tables.ts";
import { roleView } from "./views.ts";
import type { Role } from "./roles.ts";

export interface Grant {
  actor_type: ActorType;
  actor_id: string;
  target_type: TargetType;
  /** A project or domain id; "all" for the system. */
  target_id: string;
}

/** PUT, HEAD and DELETE /v3/{projects|domains|system}/.../{users|groups}/{id}/roles/{role_id}. */
export async function changeGrant(
  deps: IdentityDeps,
  auth: AuthContext | null,
  action: "create" | "check" | "delete",
  grant: Grant,
  roleId: string,
): Promise<void> {
  authorize(
    auth,
    { create: "identity:create_grant", check: "identity:check_grant", delete: "identity:revoke_grant" }[
      action
    ],
  );
  await write(deps, async (tx) => {
    await mustExist(tx.db, grant);
    await mustRole(tx.db, roleId);
    const key = { ...grant, role_id: roleId };
    if (action === "create") {
      await roles.insertAssignment(tx.db, key);
      await emit(
        deps,
        tx,
        "role_assignment.created",
        roleId,
        grant.target_type === "project" ? grant.target_id : null,
      );
      return;
    }
    const exists =
      (await roles.selectAssignments(tx.db, { ...grantFilter(grant), role_id: roleId })).length > 0;
    if (!exists) throw notAssigned(grant, roleId);
    if (action === "delete") {
      await roles.deleteAssignment(tx.db, key);
      await emit(
        deps,
        tx,
        "role_assignment.deleted",
        roleId,
        grant.target_type === "project" ? grant.target_id : null,
      );
    }
  });
}

/** GET .../{users|groups}/{id}/roles: the roles granted directly on the target. */
export async function listGrants(
  deps: IdentityDeps,
  auth: AuthContext | null,
  grant: Grant,
): Promise<Role[]> {
  authorize(auth, "identity:list_grants");
  const db = reader(deps);
  await mustExist(db, grant);
  const ids = (await roles.selectAssignments(db, grantFilter(grant))).map((row) => row.role_id);
  return (await roles.selectRoles(db, { ids })).map(roleView);
}

/** The effective roles of a user on a target: direct, through groups, and implied. */
export async function effectiveRoles(
  db: Kysely<IdentityTables>,
  userId: string,
  target: { type: TargetType; id: string },
): Promise<roles.RoleRow[]> {
  return expandRoles(db, await roles.selectGrantedRoleIds(db, userId, target));
}

export interface AssignmentQuery {
  user_id?: string | undefined;
  group_id?: string | undefined;
  role_id?: string | undefined;
  project_id?: string | undefined;
  domain_id?: string | undefined;
  system?: boolean | undefined;
  effective?: boolean | undefined;
  include_names?: boolean | undefined;
}

type Named = { id: string; name?: string; domain?: { id: string; name?: string } };
export interface RoleAssignment {
  role: Named;
  scope: { project: Named } | { domain: Named } | { system: { all: true } };
  user?: Named;
  group?: Named;
  links: { assignment: string; membership?: string; prior_role?: string };
}

/** GET /v3/role_assignments, with Keystone's filters, `effective` and `include_names`. */
export async function listRoleAssignments(
  deps: IdentityDeps,
  auth: AuthContext | null,
  q: AssignmentQuery,
  baseUrl: string,
): Promise<RoleAssignment[]> {
  // Non-admins may list only their own assignments (filtered by user.id = themselves).
  authorize(auth, "identity:list_role_assignments", { user_id: q.user_id ?? null });
  const db = reader(deps);
  const target_type: TargetType | undefined = q.project_id
    ? "project"
    : q.domain_id
      ? "domain"
      : q.system
        ? "system"
        : undefined;
  const target_id = q.project_id ?? q.domain_id ?? (q.system ? "all" : undefined);
  let rows = await roles.selectAssignments(db, { target_type, target_id });
  if (q.effective) rows = await expandEffective(db, rows);
  rows = rows.filter(
    (row) =>
      (q.user_id === undefined || (row.actor_type === "user" && row.actor_id === q.user_id)) &&
      (q.group_id === undefined || (row.actor_type === "group" && row.actor_id === q.group_id)) &&
      (q.role_id === undefined || row.role_id === q.role_id),
  );
  const names = q.include_names ? await nameLookup(db, rows) : undefined;
  return rows.map((row) => render(row, baseUrl, names));
}

type EffectiveRow = roles.AssignmentRow & { via_group?: string; prior_role?: string };

/** Replaces group grants by one grant per member, and adds the roles each grant implies. */
async function expandEffective(
  db: Kysely<IdentityTables>,
  rows: roles.AssignmentRow[],
): Promise<EffectiveRow[]> {
  const closure = await inferenceClosure(db);
  const out: EffectiveRow[] = [];
  const seen = new Set<string>();
  const push = (row: EffectiveRow) => {
    const key = `${row.actor_id}|${row.target_type}|${row.target_id}|${row.role_id}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(row);
    }
  };
  for (const row of rows) {
    const actors =
      row.actor_type === "user"
        ? [{ ...row }]
        : (await store.selectUsers(db, { group_id: row.actor_id })).map((user) => ({
            ...row,
            actor_type: "user" as const,
            actor_id: user.id,
            via_group: row.actor_id,
          }));
    for (const actor of actors) {
      push(actor);
      for (const implied of closure.get(row.role_id) ?? [])
        push({ ...actor, role_id: implied, prior_role: row.role_id });
    }
  }
  return out;
}

interface Names {
  roles: Map<string, string>;
  users: Map<string, { name: string; domain_id: string }>;
  groups: Map<string, { name: string; domain_id: string }>;
  projects: Map<string, { name: string; domain_id: string }>;
  domains: Map<string, string>;
}

/** Names for just the users, groups, projects and roles that appear in `rows`. */
async function nameLookup(db: Kysely<IdentityTables>, rows: readonly roles.AssignmentRow[]): Promise<Names> {
  const ids = (pick: (row: roles.AssignmentRow) => string | false) => [
    ...new Set(rows.map(pick).filter((id): id is string => id !== false)),
  ];
  const users = ids((row) => row.actor_type === "user" && row.actor_id);
  const groups = ids((row) => row.actor_type === "group" && row.actor_id);
  const projects = ids((row) => row.target_type === "project" && row.target_id);
  return {
    roles: new Map(
      (await roles.selectRoles(db, { ids: ids((row) => row.role_id) })).map((r) => [r.id, r.name]),
    ),
    users: new Map((await store.selectUsers(db, { ids: users })).map((u) => [u.id, u])),
    groups: new Map((await store.selectGroups(db, { ids: groups })).map((g) => [g.id, g])),
    projects: new Map((await store.selectProjects(db, { ids: projects })).map((p) => [p.id, p])),
    domains: new Map((await store.selectDomains(db, {})).map((d) => [d.id, d.name])),
  };
}

function render(row: EffectiveRow, baseUrl: string, names: Names | undefined): RoleAssignment {
  const domain = (id: string) => ({ id, ...(names ? { name: names.domains.get(id) ?? "" } : {}) });
  const owned = (id: string, entry: { name: string; domain_id: string } | undefined): Named =>
    names && entry ? { id, name: entry.name, domain: domain(entry.domain_id) } : { id };
  const scope: RoleAssignment["scope"] =
    row.target_type === "system"
      ? { system: { all: true } }
      : row.target_type === "domain"
        ? { domain: domain(row.target_id) }
        : { project: owned(row.target_id, names?.projects.get(row.target_id)) };
  const actor =
    row.actor_type === "user"
      ? { user: owned(row.actor_id, names?.users.get(row.actor_id)) }
      : { group: owned(row.actor_id, names?.groups.get(row.actor_id)) };
  const targetPath = row.target_type === "system" ? "system" : `${row.target_type}s/${row.target_id}`;
  const actorType = row.via_group ? "group" : row.actor_type;
  const actorId = row.via_group ?? row.actor_id;
  const grantedRole = row.prior_role ?? row.role_id;
  return {
    role: { id: row.role_id, ...(names ? { name: names.roles.get(row.role_id) ?? "" } : {}) },
    scope,
    ...actor,
    links: {
      assignment: `${baseUrl}/v3/${targetPath}/${actorType}s/${actorId}/roles/${grantedRole}`,
      ...(row.via_group ? { membership: `${baseUrl}/v3/groups/${row.via_group}/users/${row.actor_id}` } : {}),
      // Keystone's own link for an implied role: not a route, and the ids in Keystone's order.
      ...(row.prior_role
        ? { prior_role: `${baseUrl}/v3/prior_role/${row.role_id}/implies/${row.prior_role}` }
        : {}),
    },
  };
}

function grantFilter(grant: Grant): roles.AssignmentFilters {
  return {
    actor_type: grant.actor_type,
    actor_ids: [grant.actor_id],
    target_type: grant.target_type,
    target_id: grant.target_id,
  };
}

async function mustExist(db: Kysely<IdentityTables>, grant: Grant): Promise<void> {
  const actor =
    grant.actor_type === "user"
      ? await store.selectUser(db, grant.actor_id)
      : await store.selectGroup(db, grant.actor_id);
  if (actor === undefined) throw new IdentityNotFound(grant.actor_type, grant.actor_id);
  if (grant.target_type === "project" && !(await store.selectProject(db, grant.target_id))) {
    throw new IdentityNotFound("project", grant.target_id);
  }
  if (grant.target_type === "domain" && !(await store.selectDomain(db, grant.target_id))) {
    throw new IdentityNotFound("domain", grant.target_id);
  }
}

function notAssigned(grant: Grant, roleId: string): IdentityNotFound {
  return new IdentityNotFound(
    "role assignment",
    `role ${roleId}, ${grant.actor_type} ${grant.actor_id}, ${grant.target_type} ${grant.target_id}`,
  );
}
