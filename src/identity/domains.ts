import { hexId } from "../lib/ids.ts";
import type { AuthContext } from "../http/auth.ts";
import { authorize, emit, reader, write, type IdentityDeps } from "./deps.ts";
import { DuplicateEntry, ForbiddenAction, IdentityNotFound } from "./errors.ts";
import type { DomainCreate, DomainUpdate } from "./schemas.ts";
import * as store from "./store.ts";
import { selectTargetsOfUser } from "./store-roles.ts";
import { domainView } from "./views.ts";

export type Domain = ReturnType<typeof domainView>;

export async function createDomain(
  deps: IdentityDeps,
  auth: AuthContext | null,
  input: DomainCreate,
): Promise<Domain> {
  authorize(auth, "identity:create_domain");
  const row = {
    id: hexId(),
    name: input.name,
    description: input.description ?? "",
    enabled: input.enabled === false ? 0 : 1,
  };
  return write(deps, async (tx) => {
    if (await store.selectDomainByName(tx.db, row.name)) {
      throw new DuplicateEntry("domain", `Duplicate entry found with name ${row.name}`);
    }
    await store.insertDomain(tx.db, row);
    await emit(deps, tx, "domain.created", row.id);
    return domainView(row);
  });
}

export async function getDomain(deps: IdentityDeps, auth: AuthContext | null, id: string): Promise<Domain> {
  const row = await store.selectDomain(reader(deps), id);
  if (row === undefined) throw new IdentityNotFound("domain", id);
  authorize(auth, "identity:get_domain", { domain_id: row.id });
  return domainView(row);
}

export async function listDomains(
  deps: IdentityDeps,
  auth: AuthContext | null,
  filters: store.NameFilters,
): Promise<Domain[]> {
  authorize(auth, "identity:list_domains");
  return (await store.selectDomains(reader(deps), filters)).map(domainView);
}

export async function updateDomain(
  deps: IdentityDeps,
  auth: AuthContext | null,
  id: string,
  input: DomainUpdate,
): Promise<Domain> {
  authorize(auth, "identity:update_domain");
  return write(deps, async (tx) => {
    const row = await store.selectDomain(tx.db, id);
    if (row === undefined) throw new IdentityNotFound("domain", id);
    const changes = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== undefined ? { description: input.description ?? "" } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled ? 1 : 0 } : {}),
    };
    if (
      changes.name !== undefined &&
      changes.name !== row.name &&
      (await store.selectDomainByName(tx.db, changes.name))
    ) {
      throw new DuplicateEntry("domain", `Duplicate entry found with name ${changes.name}`);
    }
    await store.updateDomainRow(tx.db, id, changes);
    await emit(deps, tx, "domain.updated", id);
    return domainView({ ...row, ...changes });
  });
}

export async function deleteDomain(deps: IdentityDeps, auth: AuthContext | null, id: string): Promise<void> {
  authorize(auth, "identity:delete_domain");
  await write(deps, async (tx) => {
    const row = await store.selectDomain(tx.db, id);
    if (row === undefined) throw new IdentityNotFound("domain", id);
    if (row.enabled === 1) {
      throw new ForbiddenAction("Cannot delete a domain that is enabled, please disable it first");
    }
    const owned = [
      ...(await store.selectProjects(tx.db, { domain_id: id })),
      ...(await store.selectUsers(tx.db, { domain_id: id })),
      ...(await store.selectGroups(tx.db, { domain_id: id })),
    ];
    if (owned.length > 0) {
      throw new ForbiddenAction(`Cannot delete domain ${id}: it still owns projects, users or groups`);
    }
    await store.deleteDomainRow(tx.db, id);
    await emit(deps, tx, "domain.deleted", id);
  });
}

/** Domains the user holds a role on (GET /v3/auth/domains). */
export async function listDomainsOfUser(deps: IdentityDeps, userId: string): Promise<Domain[]> {
  const db = reader(deps);
  const ids = new Set(await selectTargetsOfUser(db, userId, "domain"));
  return (await store.selectDomains(db, { enabled: true })).filter((row) => ids.has(row.id)).map(domainView);
}

/** Whether the user holds any role on the system (GET /v3/auth/system). */
export async function hasSystemRole(deps: IdentityDeps, userId: string): Promise<boolean> {
  return (await selectTargetsOfUser(reader(deps), userId, "system")).length > 0;
}
