import type { Kysely } from "kysely";
import { transaction, type Database, type TxScope } from "../db/index.ts";
import type { EventLog } from "../events/log.ts";
import type { AuthContext } from "../http/auth.ts";
import { AuthenticationRequired } from "../identity/errors.ts";
import type { Clock } from "../lib/clock.ts";
import { allows, type Target } from "../policy/index.ts";
import { PolicyForbidden } from "./errors.ts";
import { imagePolicy } from "./policy.ts";
import type { ImageCache } from "./cache/cache.ts";
import type { ImportSettings } from "./import/settings.ts";
import type { StoreRegistry } from "./stores/index.ts";
import type { ImageTables } from "./tables.ts";

/** What the image service's domain functions need from the application. */
export interface ImageDeps {
  readonly db: Database;
  readonly events: EventLog;
  readonly clock: Clock;
  /** Where image data goes; the default store takes uploads. */
  readonly stores: StoreRegistry;
  /** image_size_cap, in bytes. */
  readonly sizeCap: number;
  /** image_property_quota; -1 for no limit. */
  readonly propertyQuota: number;
  /** Seconds a deleted image waits in pending_delete (delayed delete); 0: deleted at once. */
  readonly scrubTime: number;
  /** image_tag_quota and image_member_quota; -1 for no limit, DEFAULT_IMAGE_QUOTA when absent. */
  readonly tagQuota?: number;
  readonly memberQuota?: number;
  /** The image cache in front of downloads; absent when STRATUS_IMAGE_CACHE=off. */
  readonly cache?: ImageCache;
  /** Interoperable import and tasks (staging, exports, web-download filter); absent: not offered. */
  readonly importing?: ImportSettings;
}

export type ImageTx = TxScope<ImageTables>;

/** Glance's default for image_tag_quota and image_member_quota. */
export const DEFAULT_IMAGE_QUOTA = 128;

export function reader(deps: ImageDeps): Kysely<ImageTables> {
  return deps.db.as<ImageTables>();
}

export function write<T>(deps: ImageDeps, fn: (tx: ImageTx) => Promise<T>): Promise<T> {
  return transaction<ImageTables, T>(deps.db, fn);
}

/** Appends Glance's notification (`image.create`, `image.member.update`, ...) with its payload. */
export async function emit(
  deps: ImageDeps,
  tx: ImageTx,
  type: string,
  imageId: string,
  projectId: string | null,
  payload: Record<string, unknown>,
): Promise<void> {
  await deps.events.append(tx, { type, resource_id: imageId, project_id: projectId, payload });
}

/** 401 without a token (keystonemiddleware's answer, in Keystone's body). */
export function requireAuth(auth: AuthContext | null): AuthContext {
  if (auth === null) throw new AuthenticationRequired();
  return auth;
}

export function permits(auth: AuthContext, action: string, target: Target): boolean {
  return allows(imagePolicy, action, auth, target);
}

/** Throws 403 "You are not authorized to complete <action> action." unless allowed. */
export function authorize(auth: AuthContext, action: string, target: Target): void {
  if (!permits(auth, action, target)) throw new PolicyForbidden(action);
}

export function isAdmin(auth: AuthContext): boolean {
  return auth.roles.includes("admin");
}

export function now(deps: ImageDeps): string {
  return deps.clock.now().toISOString();
}
