import type { Kysely } from "kysely";
import { transaction, type Database, type TxScope } from "../db/index.ts";
import type { EventLog } from "../events/log.ts";
import type { AuthContext } from "../http/auth.ts";
import type { Clock } from "../lib/clock.ts";
import { allows } from "../policy/index.ts";
import { AuthenticationRequired, ForbiddenAction } from "./errors.ts";
import { identityPolicy } from "./policy.ts";
import type { IdentityTables } from "./tables.ts";

/** What identity's domain functions need from the application. */
export interface IdentityDeps {
  readonly db: Database;
  readonly events: EventLog;
  readonly clock: Clock;
}

export type IdentityTx = TxScope<IdentityTables>;

export function reader(deps: IdentityDeps): Kysely<IdentityTables> {
  return deps.db.as<IdentityTables>();
}

export function write<T>(deps: IdentityDeps, fn: (tx: IdentityTx) => Promise<T>): Promise<T> {
  return transaction<IdentityTables, T>(deps.db, fn);
}

/** Appends `identity.<resource>.<action>` with Keystone's notification payload. */
export async function emit(
  deps: IdentityDeps,
  tx: IdentityTx,
  type: string,
  resourceId: string,
  projectId: string | null = null,
): Promise<void> {
  await deps.events.append(tx, {
    type: `identity.${type}`,
    resource_id: resourceId,
    project_id: projectId,
    payload: { resource_info: resourceId },
  });
}

/** Throws 401 without a valid token, 403 if policy denies the action. */
export function authorize(
  auth: AuthContext | null,
  action: string,
  target: Record<string, string | null | undefined> = {},
): AuthContext {
  const caller = requireAuth(auth);
  if (!allows(identityPolicy, action, caller, target)) throw new ForbiddenAction(action);
  return caller;
}

export function requireAuth(auth: AuthContext | null): AuthContext {
  if (auth === null) throw new AuthenticationRequired();
  return auth;
}

/** Whether the caller may take the action, without throwing. */
export function permits(
  auth: AuthContext,
  action: string,
  target: Record<string, string | null | undefined> = {},
): boolean {
  return allows(identityPolicy, action, auth, target);
}
