import type { Kysely } from "kysely";
import type { SegmentConfig } from "../config.ts";
import { transaction, type Database, type TxScope } from "../db/index.ts";
import type { EventLog } from "../events/log.ts";
import type { AuthContext } from "../http/auth.ts";
import { AuthenticationRequired } from "../identity/errors.ts";
import type { Clock } from "../lib/clock.ts";
import { allows, type Target } from "../policy/index.ts";
import { PolicyNotAuthorized } from "./errors.ts";
import { networkPolicy } from "./policy.ts";
import type { NetworkTables } from "./tables.ts";
import type { Tracer } from "./traces.ts";

/** What networking's domain functions need from the application. */
export interface NetworkDeps {
  readonly db: Database;
  readonly events: EventLog;
  readonly clock: Clock;
  readonly segments: SegmentConfig;
  /** Neutron's pagination_max_limit (config.paginationMaxLimit); absent or -1: pages uncapped. */
  readonly paginationMaxLimit?: number;
  /** Answers POST /v2.0/traces: the SDN controller. */
  readonly tracer?: Tracer;
}

export type NetworkTx = TxScope<NetworkTables>;

export function reader(deps: NetworkDeps): Kysely<NetworkTables> {
  return deps.db.as<NetworkTables>();
}

export function write<T>(deps: NetworkDeps, fn: (tx: NetworkTx) => Promise<T>): Promise<T> {
  return transaction<NetworkTables, T>(deps.db, fn);
}

/** Appends `<resource>.<create|update|delete>.end`, Neutron's notification names, with the new state. */
export async function emit(
  deps: NetworkDeps,
  tx: NetworkTx,
  resource: string,
  action: "create" | "update" | "delete",
  item: { id: string; project_id: string; revision_number?: number },
): Promise<void> {
  await deps.events.append(tx, {
    type: `${resource}.${action}.end`,
    resource_id: item.id,
    project_id: item.project_id,
    payload: { [resource]: item },
  });
}

/** 401 without a token (Keystone's body, as keystonemiddleware answers for Neutron). */
export function requireAuth(auth: AuthContext | null): AuthContext {
  if (auth === null) throw new AuthenticationRequired();
  return auth;
}

export function permits(auth: AuthContext, action: string, target: Target): boolean {
  return allows(networkPolicy, action, auth, target);
}

/** Throws PolicyNotAuthorized (403) unless the action is allowed. */
export function authorize(auth: AuthContext | null, action: string, target: Target): AuthContext {
  const caller = requireAuth(auth);
  if (!permits(caller, action, target)) throw new PolicyNotAuthorized(action);
  return caller;
}

export function isAdmin(auth: AuthContext): boolean {
  return auth.roles.includes("admin");
}

/** The project a new resource belongs to: the caller's, or the one an admin names. */
export function owningProject(auth: AuthContext, body: Record<string, unknown>, resource: string): string {
  const named = (body.project_id ?? body.tenant_id) as string | undefined;
  if (body.project_id !== undefined && body.tenant_id !== undefined && body.project_id !== body.tenant_id) {
    throw new PolicyNotAuthorized(`create_${resource}`);
  }
  if (named !== undefined && named !== auth.project_id && !isAdmin(auth)) {
    throw new PolicyNotAuthorized(`create_${resource}`);
  }
  const project = named ?? auth.project_id;
  if (project === null) throw new PolicyNotAuthorized(`create_${resource}`);
  return project;
}
