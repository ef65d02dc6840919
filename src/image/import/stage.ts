import { createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { AuthContext } from "../../http/auth.ts";
import { authorize, emit, reader, requireAuth, write, type ImageDeps } from "../deps.ts";
import { HTTPBadRequest, ImageSizeLimitExceeded } from "../errors.ts";
import { ImageMeter } from "../format.ts";
import { ownerTarget, visibleImageForUpdate } from "../image-access.ts";
import { loadView, timestamp } from "../images.ts";
import { assertTransition } from "../state.ts";
import * as store from "../store.ts";
import { importSettings, stagingDir, stagingPath } from "./settings.ts";

const PARTIAL = ".part";

/**
 * PUT /v2/images/{id}/stage (glance-direct's first half): queued -> uploading, the body metered
 * (size cap) into `<data-dir>/staging/<id>`. Written to a `.part` file renamed when whole; on any
 * failure the partial file goes and the image returns to queued.
 */
export async function stageImageData(
  deps: ImageDeps,
  authIn: AuthContext | null,
  id: string,
  body: Readable,
  contentLength: number | undefined,
): Promise<void> {
  const auth = requireAuth(authIn);
  const settings = importSettings(deps);
  await write(deps, async (tx) => {
    const row = await visibleImageForUpdate(tx.db, tx.dialect, auth, id);
    authorize(auth, "upload_image", ownerTarget(row));
    assertTransition(row.status, "uploading");
    if (contentLength !== undefined && contentLength > deps.sizeCap) throw new ImageSizeLimitExceeded();
    const changed = { ...row, status: "uploading" as const, updated_at: timestamp(deps) };
    await store.updateImageRow(tx.db, id, { status: changed.status, updated_at: changed.updated_at });
    await emit(deps, tx, "image.update", id, row.owner, await loadView(tx.db, changed));
  });
  const final = stagingPath(settings, id);
  const partial = final + PARTIAL;
  try {
    await mkdir(stagingDir(settings), { recursive: true });
    // An unheard error on the body (client gone) would end the process; pipeline still sees it.
    body.on("error", () => undefined);
    await pipeline(body, new ImageMeter(deps.sizeCap), createWriteStream(partial));
    await rename(partial, final);
  } catch (error) {
    await rm(partial, { force: true });
    await unstage(deps, id);
    if (error instanceof ImageSizeLimitExceeded) throw error;
    throw new HTTPBadRequest("Image data could not be staged: the upload did not complete.");
  }
}

/** A failed stage: uploading -> queued (unless the image moved on meanwhile). */
async function unstage(deps: ImageDeps, id: string): Promise<void> {
  await write(deps, async (tx) => {
    await tx.db
      .updateTable("images")
      .set({ status: "queued", updated_at: timestamp(deps) })
      .where("id", "=", id)
      .where("status", "=", "uploading")
      .execute();
  });
}

/** Removes an image's staged data (after its import, or when the import failed). */
export async function removeStaged(deps: ImageDeps, id: string): Promise<void> {
  if (deps.importing === undefined) return;
  await rm(stagingPath(deps.importing, id), { force: true });
  await rm(stagingPath(deps.importing, id) + PARTIAL, { force: true });
}

/**
 * Start-up: partial staging files of a dead process go, and so does staged data no image waits
 * for (deleted meanwhile); an image left `uploading` without whole staged data returns to queued
 * (its client has long gone). Importing images keep their data: their task is re-run.
 */
export async function recoverStaging(deps: ImageDeps): Promise<void> {
  if (deps.importing === undefined) return;
  const dir = stagingDir(deps.importing);
  const names = await readdir(dir).catch(() => [] as string[]);
  const waiting = await reader(deps)
    .selectFrom("images")
    .select(["id", "status"])
    .where("status", "in", ["uploading", "importing"])
    .execute();
  const ids = new Set(waiting.map((r) => r.id));
  for (const name of names)
    if (name.endsWith(PARTIAL) || !ids.has(name)) await rm(join(dir, name), { force: true });
  for (const { id, status } of waiting)
    if (status === "uploading" && !names.includes(id)) await unstage(deps, id);
}
