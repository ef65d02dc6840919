import type { AuthContext } from "../http/auth.ts";
import { isoSeconds } from "../lib/time.ts";
import { authorize, emit, reader, requireAuth, write, type ImageDeps, type ImageTx } from "./deps.ts";
import { visibleImageForUpdate } from "./image-access.ts";
import { loadView, timestamp } from "./images.ts";
import { assertTransition } from "./state.ts";
import * as store from "./store.ts";
import type { ImageRow } from "./tables.ts";

/**
 * Glance's delayed delete: with a scrub time set, deleting an image that has data moves it to
 * pending_delete (hidden from everyone but admins, data kept) instead of removing it; the scrubber
 * removes it for good once the scrub time has passed, and until then an admin may restore it (what
 * `glance-scrubber --restore` does, here `POST /v2/images/{id}/actions/restore`).
 */

/** Inside the delete's transaction: true when the image waits for the scrubber instead. */
export async function deferDelete(deps: ImageDeps, tx: ImageTx, row: ImageRow): Promise<boolean> {
  if (deps.scrubTime <= 0 || (await store.selectLocations(tx.db, row.id)).length === 0) return false;
  assertTransition(row.status, "pending_delete");
  const now = timestamp(deps);
  await store.updateImageRow(tx.db, row.id, {
    status: "pending_delete",
    restore_status: row.status,
    deleted_at: now,
    updated_at: now,
  });
  return true;
}

/** Admin: pending_delete back to the status it was deleted from (409 from any other status). */
export async function restoreImage(deps: ImageDeps, authIn: AuthContext | null, id: string): Promise<void> {
  const auth = requireAuth(authIn);
  await write(deps, async (tx) => {
    const row = await visibleImageForUpdate(tx.db, tx.dialect, auth, id);
    authorize(auth, "restore_image", { project_id: row.owner });
    const to = row.restore_status ?? "active";
    assertTransition(row.status, to);
    const restored = {
      ...row,
      status: to,
      restore_status: null,
      deleted_at: null,
      updated_at: timestamp(deps),
    };
    await store.updateImageRow(tx.db, id, restored);
    await emit(deps, tx, "image.update", id, row.owner, await loadView(tx.db, restored));
  });
}

/** Removes the images whose scrub time has passed, with their data; returns how many. */
export async function scrubImages(deps: ImageDeps): Promise<number> {
  const due = isoSeconds(new Date(deps.clock.now().getTime() - deps.scrubTime * 1000));
  const candidates = await reader(deps)
    .selectFrom("images")
    .select("id")
    .where("status", "=", "pending_delete")
    .where("deleted_at", "<=", due)
    .execute();
  let scrubbed = 0;
  for (const { id } of candidates) {
    // Re-read under the lock: a restore may have won the race.
    const locations = await write(deps, async (tx) => {
      const row = await store.selectImageForUpdate(tx.db, tx.dialect, id);
      if (row?.status !== "pending_delete") return undefined;
      const found = await store.selectLocations(tx.db, id);
      await store.deleteLocations(tx.db, id);
      await store.deleteImageRow(tx.db, id);
      return found;
    });
    if (locations === undefined) continue;
    for (const location of locations) await deps.stores.get(location.store)?.delete(location.url);
    scrubbed += 1;
  }
  return scrubbed;
}

/** Runs the scrubber every `min(scrub time, a minute)`; returns the stop function. */
export function startScrubber(deps: ImageDeps, onError: (error: unknown) => void): () => void {
  if (deps.scrubTime <= 0) return () => undefined;
  const timer = setInterval(() => void scrubImages(deps).catch(onError), Math.min(deps.scrubTime, 60) * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
