import type { AuthContext } from "../http/auth.ts";
import { hexId } from "../lib/ids.ts";
import {
  authorize,
  emit,
  permits,
  reader,
  requireAuth,
  write,
  type IdentityDeps,
  type IdentityTx,
} from "./deps.ts";
import { DuplicateEntry, ForbiddenAction, IdentityNotFound, ValidationError } from "./errors.ts";
import type { ProjectCreate, ProjectUpdate } from "./schemas.ts";
import * as store from "./store.ts";
import { selectTargetsOfUser, deleteAssignmentsOf } from "./store-roles.ts";
import { revokeTokens } from "./revocations.ts";
import { projectView } from "./views.ts";

export type Project = ReturnType<typeof projectView>;

export async function createProject(
  deps: IdentityDeps,
  auth: AuthContext | null,
  input: ProjectCreate,
): Promise<Project> {
  const caller = authorize(auth, "identity:create_project", { domain_id: input.domain_id });
  return write(deps, async (tx) => {
    const parent = input.parent_id ? await store.selectProject(tx.db, input.parent_id) : undefined;
    if (input.parent_id && parent === undefined) throw new IdentityNotFound("project", input.parent_id);
    const domainId = input.domain_id ?? parent?.domain_id ?? caller.project_domain_id ?? "default";
    if (parent !== undefined && parent.domain_id !== domainId) {
      throw new ValidationError("Cannot create project, the parent is in a different domain.");
    }
    if ((await store.selectDomain(tx.db, domainId)) === undefined)
      throw new IdentityNotFound("domain", domainId);
    await assertUniqueName(tx, domainId, input.name);
    const row = {
      id: hexId(),
      name: input.name,
      domain_id: domainId,
      parent_id: parent?.id ?? null,
      description: input.description ?? "",
      enabled: input.enabled === false ? 0 : 1,
    };
    await store.insertProject(tx.db, row);
    await store.replaceTags(tx.db, row.id, input.tags ?? []);
    await emit(deps, tx, "project.created", row.id, row.id);
    return projectView(row, [...new Set(input.tags ?? [])].sort());
  });
}

/** Another project is "not found" to a caller who may not read it. */
export async function getProject(deps: IdentityDeps, auth: AuthContext | null, id: string): Promise<Project> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const row = await store.selectProject(db, id);
  if (row === undefined || !permits(caller, "identity:get_project", { project_id: id })) {
    throw new IdentityNotFound("project", id);
  }
  const tags = await store.selectTags(db, [id]);
  return projectView(row, tags.get(id));
}

/** Admins and system readers see every project; anyone else only those they hold a role on. */
export async function listProjects(
  deps: IdentityDeps,
  auth: AuthContext | null,
  filters: store.ProjectFilters,
): Promise<Project[]> {
  const caller = requireAuth(auth);
  const db = reader(deps);
  const ids = permits(caller, "identity:list_projects")
    ? undefined
    : await selectTargetsOfUser(db, caller.user_id, "project");
  return withTags(db, await store.selectProjects(db, { ...filters, ...(ids ? { ids } : {}) }));
}

/** The projects a user holds a role on (GET /v3/users/{id}/projects, /v3/auth/projects). */
export async function listUserProjects(
  deps: IdentityDeps,
  auth: AuthContext | null,
  userId: string,
): Promise<Project[]> {
  authorize(auth, "identity:list_user_projects", { user_id: userId });
  const db = reader(deps);
  if ((await store.selectUser(db, userId)) === undefined) throw new IdentityNotFound("user", userId);
  const ids = await selectTargetsOfUser(db, userId, "project");
  return withTags(db, await store.selectProjects(db, { ids, enabled: true }));
}

export async function updateProject(
  deps: IdentityDeps,
  auth: AuthContext | null,
  id: string,
  input: ProjectUpdate,
): Promise<Project> {
  authorize(auth, "identity:update_project", { project_id: id });
  return write(deps, async (tx) => {
    const row = await store.selectProject(tx.db, id);
    if (row === undefined) throw new IdentityNotFound("project", id);
    const changes = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== undefined ? { description: input.description ?? "" } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled ? 1 : 0 } : {}),
    };
    if (changes.name !== undefined && changes.name !== row.name)
      await assertUniqueName(tx, row.domain_id, changes.name);
    await store.updateProjectRow(tx.db, id, changes);
    if (input.tags !== undefined) await store.replaceTags(tx.db, id, input.tags);
    if (changes.enabled === 0) await revokeTokens(deps, tx, { project_id: id });
    await emit(deps, tx, "project.updated", id, id);
    const tags = await store.selectTags(tx.db, [id]);
    return projectView({ ...row, ...changes }, tags.get(id));
  });
}

export async function deleteProject(deps: IdentityDeps, auth: AuthContext | null, id: string): Promise<void> {
  authorize(auth, "identity:delete_project", { project_id: id });
  await write(deps, async (tx) => {
    if ((await store.selectProject(tx.db, id)) === undefined) throw new IdentityNotFound("project", id);
    if ((await store.countChildren(tx.db, id)) > 0) {
      throw new ForbiddenAction(`Cannot delete project ${id} since it is not a leaf in the hierarchy`);
    }
    await deleteAssignmentsOf(tx.db, "target", id);
    await store.deleteProjectRow(tx.db, id);
    await revokeTokens(deps, tx, { project_id: id });
    await emit(deps, tx, "project.deleted", id, id);
  });
}

/** Tag sub-resource: GET/PUT/DELETE /v3/projects/{id}/tags[/{tag}]. */
export async function setProjectTags(
  deps: IdentityDeps,
  auth: AuthContext | null,
  id: string,
  change: (tags: string[]) => string[],
): Promise<string[]> {
  authorize(auth, "identity:update_project_tags", { project_id: id });
  return write(deps, async (tx) => {
    if ((await store.selectProject(tx.db, id)) === undefined) throw new IdentityNotFound("project", id);
    const current = (await store.selectTags(tx.db, [id])).get(id) ?? [];
    const next = [...new Set(change(current))].sort();
    if (next.length > 80) throw new ValidationError("A project may have at most 80 tags.");
    await store.replaceTags(tx.db, id, next);
    await emit(deps, tx, "project.updated", id, id);
    return next;
  });
}

async function withTags(db: ReturnType<typeof reader>, rows: store.ProjectRow[]): Promise<Project[]> {
  const tags = await store.selectTags(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => projectView(row, tags.get(row.id)));
}

async function assertUniqueName(tx: IdentityTx, domainId: string, name: string): Promise<void> {
  const existing = await store.selectProjectByName(tx.db, domainId, name);
  if (existing) {
    throw new DuplicateEntry(
      "project",
      "it is not permitted to have two projects with either the same name or same id in the same domain: " +
        `name is ${name}, project id ${existing.id}`,
    );
  }
}
