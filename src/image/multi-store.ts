import type { AuthContext } from "../http/auth.ts";
import { admin, allows, anyOf, projectMember } from "../policy/index.ts";
import { emit, isAdmin, requireAuth, write, type ImageDeps } from "./deps.ts";
import { HTTPConflict, HTTPForbidden, HTTPNotFound, PolicyForbidden, StoreNotAvailable } from "./errors.ts";
import { visibleImageForUpdate, ownerTarget } from "./image-access.ts";
import { loadView, timestamp } from "./images.ts";
import * as store from "./store.ts";
import { storeDetail } from "./stores/index.ts";

/** Glance's multi-store API: the configured stores, and removing an image's copy from one. */

export function listStores(deps: ImageDeps, authIn: AuthContext | null) {
  requireAuth(authIn);
  return {
    stores: deps.stores.list().map((s) => ({
      id: s.id,
      description: s.description,
      ...(s === deps.stores.default ? { default: true } : {}),
    })),
  };
}

/** GET /v2/info/stores/detail: admin only (Glance's stores_info_detail), with type and settings. */
export function listStoresDetail(deps: ImageDeps, authIn: AuthContext | null) {
  const auth = requireAuth(authIn);
  if (!isAdmin(auth)) throw new PolicyForbidden("stores_info_detail");
  return {
    stores: deps.stores.list().map((s) => ({
      id: s.id,
      description: s.description,
      ...(s === deps.stores.default ? { default: true } : {}),
      ...storeDetail(s),
    })),
  };
}

// Glance's defaults for the location policies that deleting from a store checks.
const locationPolicy = {
  get_image_location: anyOf(admin, projectMember),
  delete_image_location: anyOf(admin, projectMember),
};

/**
 * DELETE /v2/stores/{store}/{image} (Image API 2.10): forgets the image's copy in one store and
 * removes its bytes there, after commit. Glance's answers: 409 for a store not configured or an
 * image not active, 403 for the image's only copy, 404 when the image is not in that store.
 */
export async function deleteFromStore(
  deps: ImageDeps,
  authIn: AuthContext | null,
  storeId: string,
  imageId: string,
): Promise<void> {
  const auth = requireAuth(authIn);
  const target = deps.stores.get(storeId);
  if (target === undefined) throw new StoreNotAvailable(storeId);
  const removed = await write(deps, async (tx) => {
    const row = await visibleImageForUpdate(tx.db, tx.dialect, auth, imageId);
    for (const action of ["get_image_location", "delete_image_location"] as const)
      if (!allows(locationPolicy, action, auth, ownerTarget(row))) throw new PolicyForbidden(action);
    if (row.status !== "active")
      throw new HTTPConflict(
        "It's not allowed to remove image data from store if image status is not 'active'",
      );
    const locations = await store.selectLocations(tx.db, imageId);
    if (locations.length === 1)
      throw new HTTPForbidden(
        "Cannot delete image data from the only store containing it. Consider deleting the image instead.",
      );
    const gone = locations.filter((l) => l.store === storeId);
    if (gone.length === 0) throw new HTTPNotFound(`Image ${imageId} is not stored in store ${storeId}.`);
    await tx.db
      .deleteFrom("image_locations")
      .where(
        "id",
        "in",
        gone.map((l) => l.id),
      )
      .execute();
    const changed = { ...row, updated_at: timestamp(deps) };
    await store.updateImageRow(tx.db, imageId, { updated_at: changed.updated_at });
    await emit(deps, tx, "image.update", imageId, row.owner, await loadView(tx.db, changed));
    return gone;
  });
  // No store I/O inside the transaction. The row is gone already: bytes a failing store keeps
  // belong to no image (the same as Glance when its backend delete fails after the pop).
  for (const location of removed) await target.delete(location.url).catch(() => undefined);
}
