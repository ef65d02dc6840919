import type { AuthContext } from "../http/auth.ts";
import { hexId } from "../lib/ids.ts";
import { authorize, emit, reader, write, type IdentityDeps, type IdentityTx } from "./deps.ts";
import { AuthenticationRequired, DuplicateEntry, IdentityNotFound } from "./errors.ts";
import { hashSecret, verifySecret } from "./passwords.ts";
import { revokeTokens } from "./revocations.ts";
import type { PasswordChange, UserCreate, UserUpdate } from "./schemas.ts";
import * as store from "./store.ts";
import { deleteAssignmentsOf } from "./store-roles.ts";
import { userView } from "./views.ts";

export type User = ReturnType<typeof userView>;

const COLUMNS = new Set([
  "id",
  "name",
  "domain_id",
  "password",
  "enabled",
  "default_project_id",
  "links",
  "options",
]);

/** Keystone keeps attributes it has no column for (email, description, ...) and returns them. */
function extraOf(input: Record<string, unknown>, base: Record<string, unknown> = {}): string {
  const extra = { ...base };
  for (const [key, value] of Object.entries(input)) if (!COLUMNS.has(key)) extra[key] = value;
  return JSON.stringify(extra);
}

export async function createUser(
  deps: IdentityDeps,
  auth: AuthContext | null,
  input: UserCreate,
): Promise<User> {
  const caller = authorize(auth, "identity:create_user", { domain_id: input.domain_id });
  const domainId = input.domain_id ?? caller.project_domain_id ?? "default";
  const passwordHash = typeof input.password === "string" ? await hashSecret(input.password) : null;
  return write(deps, async (tx) => {
    if ((await store.selectDomain(tx.db, domainId)) === undefined)
      throw new IdentityNotFound("domain", domainId);
    await assertUniqueName(tx, domainId, input.name);
    const row = {
      id: hexId(),
      name: input.name,
      domain_id: domainId,
      enabled: input.enabled === false ? 0 : 1,
      password_hash: passwordHash,
      default_project_id: input.default_project_id ?? null,
      extra: extraOf(input),
      created_at: deps.clock.now().toISOString(),
    };
    await store.insertUser(tx.db, row);
    await emit(deps, tx, "user.created", row.id);
    return userView(row);
  });
}

export async function getUser(deps: IdentityDeps, auth: AuthContext | null, id: string): Promise<User> {
  authorize(auth, "identity:get_user", { user_id: id });
  const row = await store.selectUser(reader(deps), id);
  if (row === undefined) throw new IdentityNotFound("user", id);
  return userView(row);
}

export async function listUsers(
  deps: IdentityDeps,
  auth: AuthContext | null,
  filters: store.NameFilters,
): Promise<User[]> {
  authorize(auth, "identity:list_users");
  return (await store.selectUsers(reader(deps), filters)).map(userView);
}

export async function updateUser(
  deps: IdentityDeps,
  auth: AuthContext | null,
  id: string,
  input: UserUpdate,
): Promise<User> {
  authorize(auth, "identity:update_user", { user_id: id });
  const passwordHash = typeof input.password === "string" ? await hashSecret(input.password) : undefined;
  return write(deps, async (tx) => {
    const row = await store.selectUser(tx.db, id);
    if (row === undefined) throw new IdentityNotFound("user", id);
    if (input.name !== undefined && input.name !== row.name)
      await assertUniqueName(tx, row.domain_id, input.name);
    const changes = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled ? 1 : 0 } : {}),
      ...(input.default_project_id !== undefined ? { default_project_id: input.default_project_id } : {}),
      ...(passwordHash !== undefined ? { password_hash: passwordHash } : {}),
      extra: extraOf(input, JSON.parse(row.extra) as Record<string, unknown>),
    };
    await store.updateUserRow(tx.db, id, changes);
    if (passwordHash !== undefined || changes.enabled === 0) await revokeTokens(deps, tx, { user_id: id });
    await emit(deps, tx, "user.updated", id);
    return userView({ ...row, ...changes });
  });
}

export async function deleteUser(deps: IdentityDeps, auth: AuthContext | null, id: string): Promise<void> {
  authorize(auth, "identity:delete_user", { user_id: id });
  await write(deps, async (tx) => {
    if ((await store.selectUser(tx.db, id)) === undefined) throw new IdentityNotFound("user", id);
    await deleteAssignmentsOf(tx.db, "actor", id);
    await store.deleteUserRow(tx.db, id);
    await revokeTokens(deps, tx, { user_id: id });
    await emit(deps, tx, "user.deleted", id);
  });
}

/** Self-service password change; the original password must be right (401 otherwise). */
export async function changePassword(
  deps: IdentityDeps,
  auth: AuthContext | null,
  id: string,
  input: PasswordChange,
): Promise<void> {
  authorize(auth, "identity:change_password", { user_id: id });
  const row = await store.selectUser(reader(deps), id);
  if (row === undefined) throw new IdentityNotFound("user", id);
  if (!(await verifySecret(input.original_password, row.password_hash))) throw new AuthenticationRequired();
  const passwordHash = await hashSecret(input.password);
  await write(deps, async (tx) => {
    await store.updateUserRow(tx.db, id, { password_hash: passwordHash });
    await revokeTokens(deps, tx, { user_id: id });
    await emit(deps, tx, "user.updated", id);
  });
}

async function assertUniqueName(tx: IdentityTx, domainId: string, name: string): Promise<void> {
  if (await store.selectUserByName(tx.db, domainId, name)) {
    throw new DuplicateEntry("user", `Duplicate entry found with name ${name} at domain ID ${domainId}`);
  }
}
