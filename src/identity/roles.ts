import type { Kysely } from "kysely";
import type { AuthContext } from "../http/auth.ts";
import { hexId } from "../lib/ids.ts";
import { authorize, emit, reader, write, type IdentityDeps } from "./deps.ts";
import { DuplicateEntry, IdentityNotFound, ValidationError } from "./errors.ts";
import type { RoleCreate, RoleUpdate } from "./schemas.ts";
import * as store from "./store-roles.ts";
import type { IdentityTables } from "./tables.ts";
import { roleView } from "./views.ts";

export type Role = ReturnType<typeof roleView>;

export async function createRole(
  deps: IdentityDeps,
  auth: AuthContext | null,
  input: RoleCreate,
): Promise<Role> {
  authorize(auth, "identity:create_role");
  return write(deps, async (tx) => {
    if ((await store.selectRoles(tx.db, { name: input.name })).length > 0) {
      throw new DuplicateEntry("role", `Duplicate entry found with name ${input.name}`);
    }
    const row = { id: hexId(), name: input.name, domain_id: "", description: input.description ?? "" };
    await store.insertRole(tx.db, row);
    await emit(deps, tx, "role.created", row.id);
    return roleView(row);
  });
}

export async function getRole(deps: IdentityDeps, auth: AuthContext | null, id: string): Promise<Role> {
  authorize(auth, "identity:get_role");
  return roleView(await mustRole(reader(deps), id));
}

export async function listRoles(
  deps: IdentityDeps,
  auth: AuthContext | null,
  filters: { name?: string | undefined },
): Promise<Role[]> {
  authorize(auth, "identity:list_roles");
  return (await store.selectRoles(reader(deps), filters)).map(roleView);
}

export async function updateRole(
  deps: IdentityDeps,
  auth: AuthContext | null,
  id: string,
  input: RoleUpdate,
): Promise<Role> {
  authorize(auth, "identity:update_role");
  return write(deps, async (tx) => {
    const row = await mustRole(tx.db, id);
    if (
      input.name !== undefined &&
      input.name !== row.name &&
      (await store.selectRoles(tx.db, { name: input.name })).length
    ) {
      throw new DuplicateEntry("role", `Duplicate entry found with name ${input.name}`);
    }
    const changes = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== undefined ? { description: input.description ?? "" } : {}),
    };
    await store.updateRoleRow(tx.db, id, changes);
    await emit(deps, tx, "role.updated", id);
    return roleView({ ...row, ...changes });
  });
}

export async function deleteRole(deps: IdentityDeps, auth: AuthContext | null, id: string): Promise<void> {
  authorize(auth, "identity:delete_role");
  await write(deps, async (tx) => {
    await mustRole(tx.db, id);
    await store.deleteRoleRow(tx.db, id);
    await emit(deps, tx, "role.deleted", id);
  });
}

/** The roles each role implies, transitively (admin -> member -> reader). */
export async function inferenceClosure(db: Kysely<IdentityTables>): Promise<Map<string, Set<string>>> {
  const direct = new Map<string, string[]>();
  for (const rule of await store.selectImpliedRoles(db)) {
    direct.set(rule.prior_role_id, [...(direct.get(rule.prior_role_id) ?? []), rule.implied_role_id]);
  }
  const closure = new Map<string, Set<string>>();
  for (const prior of direct.keys()) {
    const seen = new Set<string>();
    const stack = [...(direct.get(prior) ?? [])];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      if (seen.has(next) || next === prior) continue;
      seen.add(next);
      stack.push(...(direct.get(next) ?? []));
    }
    closure.set(prior, seen);
  }
  return closure;
}

/** Granted roles plus everything they imply. */
export async function expandRoles(
  db: Kysely<IdentityTables>,
  roleIds: readonly string[],
): Promise<store.RoleRow[]> {
  const closure = await inferenceClosure(db);
  const ids = new Set(roleIds);
  for (const id of roleIds) for (const implied of closure.get(id) ?? []) ids.add(implied);
  return store.selectRoles(db, { ids: [...ids] });
}

type RoleRef = { id: string; name: string };
const ref = (row: store.RoleRow): RoleRef => ({ id: row.id, name: row.name });

/** PUT/GET/HEAD/DELETE /v3/roles/{prior}/implies/{implied}. */
export async function changeImpliedRole(
  deps: IdentityDeps,
  auth: AuthContext | null,
  action: "create" | "check" | "delete",
  priorId: string,
  impliedId: string,
): Promise<{ prior_role: RoleRef; implies: RoleRef }> {
  authorize(
    auth,
    {
      create: "identity:create_implied_role",
      check: "identity:get_implied_role",
      delete: "identity:delete_implied_role",
    }[action],
  );
  return write(deps, async (tx) => {
    const prior = await mustRole(tx.db, priorId);
    const implied = await mustRole(tx.db, impliedId);
    if (action === "create") {
      if (priorId === impliedId || (await inferenceClosure(tx.db)).get(impliedId)?.has(priorId)) {
        throw new ValidationError(
          `Role ${prior.name} cannot imply ${implied.name}: that would create a cycle.`,
        );
      }
      await store.insertImpliedRole(tx.db, priorId, impliedId);
      await emit(deps, tx, "role.updated", priorId);
    } else if (action === "delete") {
      if ((await store.deleteImpliedRole(tx.db, priorId, impliedId)) === 0) {
        throw new IdentityNotFound("implied role", `${priorId} implies ${impliedId}`);
      }
      await emit(deps, tx, "role.updated", priorId);
    } else if (
      !(await store.selectImpliedRoles(tx.db)).some(
        (r) => r.prior_role_id === priorId && r.implied_role_id === impliedId,
      )
    ) {
      throw new IdentityNotFound("implied role", `${priorId} implies ${impliedId}`);
    }
    return { prior_role: ref(prior), implies: ref(implied) };
  });
}

/** GET /v3/role_inferences, or one prior role's direct implications. */
export async function listRoleInferences(
  deps: IdentityDeps,
  auth: AuthContext | null,
  priorId?: string,
): Promise<Array<{ prior_role: RoleRef; implies: RoleRef[] }>> {
  authorize(
    auth,
    priorId === undefined ? "identity:list_role_inference_rules" : "identity:list_implied_roles",
  );
  const db = reader(deps);
  if (priorId !== undefined) await mustRole(db, priorId);
  const roles = new Map((await store.selectRoles(db, {})).map((row) => [row.id, row]));
  const grouped = new Map<string, RoleRef[]>();
  for (const rule of await store.selectImpliedRoles(db)) {
    const implied = roles.get(rule.implied_role_id);
    if (implied) grouped.set(rule.prior_role_id, [...(grouped.get(rule.prior_role_id) ?? []), ref(implied)]);
  }
  if (priorId !== undefined && !grouped.has(priorId)) grouped.set(priorId, []);
  return [...grouped]
    .filter(([prior]) => priorId === undefined || prior === priorId)
    .flatMap(([prior, implies]) => {
      const row = roles.get(prior);
      return row ? [{ prior_role: ref(row), implies }] : [];
    });
}

export async function mustRole(db: Kysely<IdentityTables>, id: string): Promise<store.RoleRow> {
  const row = await store.selectRole(db, id);
  if (row === undefined) throw new IdentityNotFound("role", id);
  return row;
}
