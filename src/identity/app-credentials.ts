import { randomBytes } from "node:crypto";
import type { AuthContext } from "../http/auth.ts";
import { hexId } from "../lib/ids.ts";
import { effectiveRoles } from "./assignments.ts";
import { authorize, emit, reader, write, type IdentityDeps } from "./deps.ts";
import { DuplicateEntry, ForbiddenAction, IdentityNotFound, ValidationError } from "./errors.ts";
import { hashSecret } from "./passwords.ts";
import { revokeTokens } from "./revocations.ts";
import type { AppCredentialCreate } from "./schemas.ts";
import * as store from "./store-credentials.ts";
import { selectRoles } from "./store-roles.ts";
import { appCredentialView } from "./views.ts";

export type AppCredential = ReturnType<typeof appCredentialView>;

/**
 * Creates a credential for the caller's current project. Its roles must be a subset of the
 * caller's; the secret is returned once and stored only as a hash.
 */
export async function createAppCredential(
  deps: IdentityDeps,
  auth: AuthContext | null,
  userId: string,
  input: AppCredentialCreate,
): Promise<AppCredential & { secret: string }> {
  const caller = authorize(auth, "identity:create_application_credential", { user_id: userId });
  if (caller.project_id === null) {
    throw new ValidationError("Application credentials can only be created with a project-scoped token.");
  }
  if (caller.application_credential_id !== null) {
    throw new ForbiddenAction("identity:create_application_credential with an application credential token");
  }
  const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
  if (expiresAt !== null && expiresAt <= deps.clock.now()) {
    throw new ValidationError("The expiration date of an application credential must be in the future.");
  }
  const held = await effectiveRoles(reader(deps), userId, { type: "project", id: caller.project_id });
  const wanted = (input.roles ?? held).map((ref) => {
    const role = held.find((r) => r.id === ref.id || (ref.id === undefined && r.name === ref.name));
    if (role === undefined) {
      throw new IdentityNotFound(
        "role assignment",
        `role ${ref.id ?? ref.name ?? ""}, user ${userId}, project ${caller.project_id ?? ""}`,
      );
    }
    return role;
  });
  const secret = input.secret ?? randomBytes(48).toString("base64url");
  const row = {
    id: hexId(),
    name: input.name,
    user_id: userId,
    project_id: caller.project_id,
    secret_hash: await hashSecret(secret),
    description: input.description ?? null,
    expires_at: expiresAt?.toISOString() ?? null,
    unrestricted: input.unrestricted ? 1 : 0,
    role_ids: JSON.stringify([...new Set(wanted.map((role) => role.id))]),
  };
  return write(deps, async (tx) => {
    if ((await store.selectAppCredentials(tx.db, { user_id: userId, name: input.name })).length > 0) {
      throw new DuplicateEntry("application_credential", `Duplicate entry found with name ${input.name}`);
    }
    await store.insertAppCredential(tx.db, row);
    await emit(deps, tx, "application_credential.created", row.id, row.project_id);
    return { ...appCredentialView(row, dedupe(wanted)), secret };
  });
}

export async function getAppCredential(
  deps: IdentityDeps,
  auth: AuthContext | null,
  userId: string,
  id: string,
): Promise<AppCredential> {
  authorize(auth, "identity:get_application_credential", { user_id: userId });
  const row = await store.selectAppCredential(reader(deps), id);
  if (row === undefined || row.user_id !== userId) throw new IdentityNotFound("application credential", id);
  return withRoles(deps, row);
}

export async function listAppCredentials(
  deps: IdentityDeps,
  auth: AuthContext | null,
  userId: string,
  filters: { name?: string | undefined },
): Promise<AppCredential[]> {
  authorize(auth, "identity:list_application_credentials", { user_id: userId });
  const rows = await store.selectAppCredentials(reader(deps), { user_id: userId, name: filters.name });
  return Promise.all(rows.map((row) => withRoles(deps, row)));
}

export async function deleteAppCredential(
  deps: IdentityDeps,
  auth: AuthContext | null,
  userId: string,
  id: string,
): Promise<void> {
  authorize(auth, "identity:delete_application_credential", { user_id: userId });
  await write(deps, async (tx) => {
    const row = await store.selectAppCredential(tx.db, id);
    if (row === undefined || row.user_id !== userId) throw new IdentityNotFound("application credential", id);
    await store.deleteAppCredentialRow(tx.db, id);
    await revokeTokens(deps, tx, { application_credential_id: id });
    await emit(deps, tx, "application_credential.deleted", id, row.project_id);
  });
}

async function withRoles(deps: IdentityDeps, row: store.AppCredentialRow): Promise<AppCredential> {
  const roles = await selectRoles(reader(deps), { ids: JSON.parse(row.role_ids) as string[] });
  return appCredentialView(row, roles);
}

function dedupe<T extends { id: string }>(items: readonly T[]): T[] {
  return [...new Map(items.map((item) => [item.id, item])).values()];
}
