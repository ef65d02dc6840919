import type { Kysely } from "kysely";
import type { AuthContext } from "../http/auth.ts";
import { isUniqueViolation } from "../db/index.ts";
import { isoSeconds } from "../lib/time.ts";
import { uuid } from "../lib/ids.ts";
import {
  authorize,
  DEFAULT_IMAGE_QUOTA,
  emit,
  isAdmin,
  reader,
  requireAuth,
  write,
  type ImageDeps,
  type ImageTx,
} from "./deps.ts";
import {
  HTTPBadRequest,
  HTTPConflict,
  HTTPForbidden,
  HTTPNotFound,
  ImagePropertyLimitExceeded,
  ImageTagLimitExceeded,
  PolicyForbidden,
} from "./errors.ts";
import { deferDelete } from "./delayed-delete.ts";
import { imageView, type ImageView } from "./image-view.ts";
import { ownerTarget, visibleImage, visibleImageForUpdate } from "./image-access.ts";
import type { Change } from "./patch.ts";
import { isWritableCore, type WritableCore } from "./schemas/image.ts";
import * as store from "./store.ts";
import { imageStores } from "./stores/locations.ts";
import type { ImageRow, ImageTables, Visibility } from "./tables.ts";
import { checkSettable, checkValue } from "./values.ts";

/** Image metadata: create, show, JSON Patch update, delete, tags. */

/** The working copy an update or create edits before it is written. */
interface Draft {
  row: ImageRow;
  props: Record<string, string>;
  tags: string[];
}

async function loadDraft(db: Kysely<ImageTables>, row: ImageRow): Promise<Draft> {
  const props = (await store.selectProperties(db, [row.id])).get(row.id) ?? {};
  const tags = (await store.selectTags(db, [row.id])).get(row.id) ?? [];
  return { row: { ...row }, props, tags };
}

export async function loadView(db: Kysely<ImageTables>, row: ImageRow): Promise<ImageView> {
  const draft = await loadDraft(db, row);
  return imageView(draft.row, draft.props, draft.tags, await imageStores(db, row.id));
}

export function timestamp(deps: ImageDeps): string {
  return isoSeconds(deps.clock.now());
}

export async function createImage(
  deps: ImageDeps,
  authIn: AuthContext | null,
  body: unknown,
): Promise<ImageView> {
  const auth = requireAuth(authIn);
  const input = bodyObject(body);
  for (const [name, value] of Object.entries(input)) {
    checkSettable(name, true);
    checkValue(name, value);
  }
  const owner = (input.owner as string | null | undefined) ?? auth.project_id;
  if (owner !== auth.project_id && !isAdmin(auth))
    throw new HTTPForbidden(`You are not permitted to create images owned by '${String(owner)}'.`);
  authorize(auth, "add_image", { project_id: owner });
  const now = timestamp(deps);
  const draft: Draft = {
    row: {
      id: (input.id as string | undefined) ?? uuid(),
      name: null,
      owner,
      status: "queued",
      visibility: "shared",
      protected: 0,
      os_hidden: 0,
      checksum: null,
      os_hash_algo: null,
      os_hash_value: null,
      size: null,
      virtual_size: null,
      min_ram: 0,
      min_disk: 0,
      disk_format: null,
      container_format: null,
      created_at: now,
      updated_at: now,
    },
    props: {},
    tags: [],
  };
  for (const [name, value] of Object.entries(input)) if (name !== "id") setAttribute(draft, name, value);
  checkVisibilityChange(auth, draft.row, draft.row.visibility);
  checkQuotas(deps, draft);
  return write(deps, async (tx) => {
    try {
      await store.insertImage(tx.db, draft.row);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new HTTPConflict(`Image with identifier ${draft.row.id} already exists!`);
      throw error;
    }
    await store.replaceProperties(tx.db, draft.row.id, draft.props);
    await store.replaceTags(tx.db, draft.row.id, draft.tags);
    return announce(deps, tx, "image.create", draft);
  });
}

export async function getImage(deps: ImageDeps, authIn: AuthContext | null, id: string): Promise<ImageView> {
  const auth = requireAuth(authIn);
  const db = reader(deps);
  return loadView(db, await visibleImage(db, auth, id));
}

export async function updateImage(
  deps: ImageDeps,
  authIn: AuthContext | null,
  id: string,
  changes: readonly Change[],
): Promise<ImageView> {
  const auth = requireAuth(authIn);
  return write(deps, async (tx) => {
    const row = await visibleImageForUpdate(tx.db, tx.dialect, auth, id);
    authorize(auth, "modify_image", ownerTarget(row));
    const draft = await loadDraft(tx.db, row);
    for (const change of changes) applyChange(auth, draft, change);
    checkQuotas(deps, draft);
    draft.row.updated_at = timestamp(deps);
    await store.updateImageRow(tx.db, id, draft.row);
    await store.replaceProperties(tx.db, id, draft.props);
    await store.replaceTags(tx.db, id, draft.tags);
    return announce(deps, tx, "image.update", draft);
  });
}

function applyChange(auth: AuthContext, draft: Draft, change: Change): void {
  const { name } = change;
  checkSettable(name, false);
  if (isWritableCore(name)) {
    if (change.op === "remove") throw new HTTPForbidden(`Property ${name} may not be removed.`);
    checkValue(name, change.value);
    if ((name === "disk_format" || name === "container_format") && draft.row.status !== "queued")
      throw new HTTPForbidden(`Attribute ${name} can be only replaced for a queued image.`);
    if (name === "owner" && change.value !== draft.row.owner && !isAdmin(auth))
      throw new HTTPForbidden("You are not permitted to modify 'owner' on this image.");
    if (name === "visibility") checkVisibilityChange(auth, draft.row, change.value as Visibility);
    setAttribute(draft, name, change.value);
    return;
  }
  const exists = Object.hasOwn(draft.props, name);
  if (change.op !== "add" && !exists) throw new HTTPConflict(`Property ${name} does not exist.`);
  if (change.op === "remove") {
    delete draft.props[name];
    return;
  }
  checkValue(name, change.value);
  draft.props[name] = change.value as string;
}

/** Sets a checked core attribute or a property on the draft. */
function setAttribute(draft: Draft, name: string, value: unknown): void {
  if (!isWritableCore(name)) {
    draft.props[name] = value as string;
    return;
  }
  const setters: Record<WritableCore, () => void> = {
    name: () => (draft.row.name = value as string | null),
    visibility: () => (draft.row.visibility = value as Visibility),
    protected: () => (draft.row.protected = value === true ? 1 : 0),
    os_hidden: () => (draft.row.os_hidden = value === true ? 1 : 0),
    owner: () => (draft.row.owner = value as string | null),
    container_format: () => (draft.row.container_format = value as string | null),
    disk_format: () => (draft.row.disk_format = value as string | null),
    min_ram: () => (draft.row.min_ram = value as number),
    min_disk: () => (draft.row.min_disk = value as number),
    tags: () => (draft.tags = [...new Set(value as string[])]),
  };
  setters[name]();
}

/** Making an image public is admin-only (publicize_image), community its owner's (communitize_image). */
function checkVisibilityChange(auth: AuthContext, row: ImageRow, to: Visibility): void {
  if (to === "public") authorize(auth, "publicize_image", ownerTarget(row));
  if (to === "community") authorize(auth, "communitize_image", ownerTarget(row));
}

/** image_property_quota and image_tag_quota (413 past either; -1: no limit). */
function checkQuotas(deps: ImageDeps, draft: Draft): void {
  const count = Object.keys(draft.props).length;
  if (deps.propertyQuota >= 0 && count > deps.propertyQuota)
    throw new ImagePropertyLimitExceeded(count, deps.propertyQuota);
  const tagQuota = deps.tagQuota ?? DEFAULT_IMAGE_QUOTA;
  if (tagQuota >= 0 && draft.tags.length > tagQuota)
    throw new ImageTagLimitExceeded(draft.tags.length, tagQuota);
}

export async function deleteImage(deps: ImageDeps, authIn: AuthContext | null, id: string): Promise<void> {
  const auth = requireAuth(authIn);
  const locations = await write(deps, async (tx) => {
    const row = await visibleImageForUpdate(tx.db, tx.dialect, auth, id);
    authorize(auth, "delete_image", ownerTarget(row));
    if (row.protected === 1) throw new HTTPForbidden(`Image ${id} is protected and cannot be deleted.`);
    const view = await loadView(tx.db, row);
    if (await deferDelete(deps, tx, row)) {
      await emit(deps, tx, "image.delete", id, row.owner, { ...view, status: "pending_delete" });
      return [];
    }
    const locations = await store.selectLocations(tx.db, id);
    await store.deleteLocations(tx.db, id);
    await store.deleteImageRow(tx.db, id);
    await emit(deps, tx, "image.delete", id, row.owner, { ...view, status: "deleted" });
    return locations;
  });
  // After commit: a rolled-back delete must still find its bytes.
  for (const location of locations) await deps.stores.get(location.store)?.delete(location.url);
  await deps.cache?.forget(deps, id);
}

export async function addTag(
  deps: ImageDeps,
  authIn: AuthContext | null,
  id: string,
  tag: string,
): Promise<void> {
  await changeTags(deps, authIn, id, (draft) => {
    checkValue("tags", [tag]);
    draft.tags = [...new Set([...draft.tags, tag])];
  });
}

export async function removeTag(
  deps: ImageDeps,
  authIn: AuthContext | null,
  id: string,
  tag: string,
): Promise<void> {
  await changeTags(deps, authIn, id, (draft) => {
    if (!draft.tags.includes(tag)) throw new HTTPNotFound(`Tag ${tag} not found`);
    draft.tags = draft.tags.filter((t) => t !== tag);
  });
}

async function changeTags(
  deps: ImageDeps,
  authIn: AuthContext | null,
  id: string,
  edit: (draft: Draft) => void,
): Promise<void> {
  const auth = requireAuth(authIn);
  await write(deps, async (tx) => {
    const row = await visibleImageForUpdate(tx.db, tx.dialect, auth, id);
    authorize(auth, "modify_image", ownerTarget(row));
    const draft = await loadDraft(tx.db, row);
    draft.row.updated_at = timestamp(deps);
    edit(draft);
    checkQuotas(deps, draft);
    await store.updateImageRow(tx.db, id, { updated_at: draft.row.updated_at });
    await store.replaceTags(tx.db, id, draft.tags);
    await announce(deps, tx, "image.update", draft);
  });
}

/** deactivate/reactivate (admin): active <-> deactivated; the other way round is a no-op. */
export async function setActivation(
  deps: ImageDeps,
  authIn: AuthContext | null,
  id: string,
  action: "deactivate" | "reactivate",
): Promise<void> {
  const auth = requireAuth(authIn);
  await write(deps, async (tx) => {
    const row = await visibleImageForUpdate(tx.db, tx.dialect, auth, id);
    if (!isAdmin(auth)) throw new PolicyForbidden(action);
    const [from, to] =
      action === "deactivate" ? (["active", "deactivated"] as const) : (["deactivated", "active"] as const);
    if (row.status === to) return;
    if (row.status !== from)
      throw new HTTPConflict(`Not allowed to ${action} image in status '${row.status}'`);
    const draft: Draft = { row: { ...row, status: to, updated_at: timestamp(deps) }, props: {}, tags: [] };
    await store.updateImageRow(tx.db, id, { status: to, updated_at: draft.row.updated_at });
    const view = await loadView(tx.db, draft.row);
    await emit(deps, tx, `image.${action}`, id, row.owner, view);
  });
}

/** Emits the event with the image as it now is and returns that view. */
export async function announce(deps: ImageDeps, tx: ImageTx, type: string, draft: Draft): Promise<ImageView> {
  const stores = await imageStores(tx.db, draft.row.id);
  const view = imageView(draft.row, draft.props, [...draft.tags].sort(), stores);
  await emit(deps, tx, type, draft.row.id, draft.row.owner, view);
  return view;
}

function bodyObject(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new HTTPBadRequest("Body expected in request.");
  return body as Record<string, unknown>;
}
