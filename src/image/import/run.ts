import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { emit, reader, write, type ImageDeps } from "../deps.ts";
import { formatMatches, ImageMeter } from "../format.ts";
import { loadView, timestamp } from "../images.ts";
import { activateRow } from "../image-data.ts";
import { copyImageToStore } from "../store-copy.ts";
import * as store from "../store.ts";
import type { StoredData } from "../stores/store.ts";
import type { TaskRow } from "../tables.ts";
import type { ImportTaskInput } from "./request.ts";
import { importSettings, stagingDir, stagingPath } from "./settings.ts";
import { removeStaged } from "./stage.ts";
import { download } from "./web-download.ts";

export interface Outcome {
  stored: { store: string; data: StoredData }[];
  failed: string[];
}

/**
 * Runs an api_image_import task. web-download first fetches into staging (as Glance does); then
 * the staged bytes are metered once (hashes, size cap, format check) and written to each target
 * store, progress shown in os_glance_importing_to_stores / os_glance_failed_import. Re-running
 * it from the start is safe: the staged file stays until the import ends.
 */
export async function runImport(
  deps: ImageDeps,
  task: TaskRow,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  const input = JSON.parse(task.input) as ImportTaskInput;
  const id = input.image_id;
  if (input.import_req.method.name === "copy-image") return runCopy(deps, task, input, signal);
  const mustAll = input.import_req.all_stores_must_succeed !== false;
  const outcome: Outcome = { stored: [], failed: [] };
  try {
    const staged = await stage(deps, input, signal);
    const meter = await measure(deps, staged);
    const declared = (await store.selectImage(reader(deps), id))?.disk_format ?? null;
    const detected = meter.sniffer.detect();
    if (declared !== null && !formatMatches(declared, detected))
      throw new Error(`Image data does not match disk_format ${declared} (the data is ${detected})`);
    for (const storeId of input.backend) {
      if (signal.aborted) throw signal.reason;
      await putInto(deps, task, staged, storeId, outcome, signal);
    }
    if (outcome.stored.length === 0 || (mustAll && outcome.failed.length > 0))
      throw new Error(`Import failed for stores: ${outcome.failed.join(",")}`);
    await activateImport(deps, task, meter, outcome);
  } catch (error) {
    if (signal.aborted) throw error;
    for (const { store: storeId, data } of outcome.stored)
      await deps.stores.get(storeId)?.delete(data.location);
    await revertImport(
      deps,
      task,
      input.backend.filter((s) => !outcome.stored.some((o) => o.store === s) || mustAll),
    );
    await removeStaged(deps, id);
    throw error;
  }
  await removeStaged(deps, id);
  return { image_id: id, stores: outcome.stored.map((s) => s.store), failed_stores: outcome.failed };
}

/** The staged file; web-download fills it first (metered against the size cap). */
async function stage(deps: ImageDeps, input: ImportTaskInput, signal: AbortSignal): Promise<string> {
  const settings = importSettings(deps);
  const path = stagingPath(settings, input.image_id);
  const uri = input.import_req.method.uri;
  if (input.import_req.method.name !== "web-download" || uri === undefined) return path;
  await mkdir(stagingDir(settings), { recursive: true });
  const body = await download(uri, settings.filter, signal);
  const partial = `${path}.part`;
  try {
    await pipeline(body, new ImageMeter(deps.sizeCap), createWriteStream(partial), { signal });
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return path;
}

async function measure(deps: ImageDeps, path: string): Promise<ImageMeter> {
  const meter = new ImageMeter(deps.sizeCap);
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  try {
    await pipeline(createReadStream(path), meter, sink);
  } catch (error) {
    // Never a server path in the task's message.
    if ((error as { code?: string }).code === "ENOENT")
      throw new Error("The staged image data is missing: stage it again", { cause: error });
    throw error;
  }
  return meter;
}

async function putInto(
  deps: ImageDeps,
  task: TaskRow,
  path: string,
  storeId: string,
  outcome: Outcome,
  signal: AbortSignal,
): Promise<void> {
  const target = deps.stores.get(storeId);
  try {
    if (target === undefined) throw new Error(`Store for scheme ${storeId} not found`);
    const source = createReadStream(path, { signal });
    outcome.stored.push({ store: storeId, data: await target.put(source) });
  } catch (error) {
    if (signal.aborted) throw error;
    outcome.failed.push(storeId);
  }
  await progress(deps, task, storeId, outcome.failed.includes(storeId));
}

/** One store done: off os_glance_importing_to_stores, onto os_glance_failed_import if it failed. */
async function progress(deps: ImageDeps, task: TaskRow, storeId: string, failed: boolean): Promise<void> {
  const id = task.image_id ?? "";
  await write(deps, async (tx) => {
    // The row lock orders this with a concurrent PATCH, which rewrites the properties too.
    if ((await store.selectImageForUpdate(tx.db, tx.dialect, id)) === undefined) return;
    const props = (await store.selectProperties(tx.db, [id])).get(id);
    if (props === undefined || props.os_glance_import_task !== task.id) return;
    const without = (list = "") => list.split(",").filter((s) => s !== "" && s !== storeId);
    props.os_glance_importing_to_stores = without(props.os_glance_importing_to_stores).join(",");
    if (failed)
      props.os_glance_failed_import = [...without(props.os_glance_failed_import), storeId].join(",");
    await store.replaceProperties(tx.db, id, props);
  });
}

export async function activateImport(
  deps: ImageDeps,
  task: TaskRow,
  meter: ImageMeter,
  outcome: Outcome,
): Promise<void> {
  const id = task.image_id ?? "";
  const gone = await write(deps, async (tx) => {
    const row = await store.selectImageForUpdate(tx.db, tx.dialect, id);
    if (row === undefined || row.status !== "importing") return true;
    // The lock goes first: the announced view must not show the import still under way.
    await dropLock(tx.db, id, task.id, { os_glance_failed_import: outcome.failed.join(",") });
    const locations = outcome.stored.map(({ store: storeId, data }) => ({
      store: storeId,
      url: data.location,
    }));
    await activateRow(deps, tx, row, meter, locations);
    return false;
  });
  if (gone) throw new Error(`Image ${id} was deleted or changed during the import`);
}

/** A failed import: the image returns to queued, the failed stores listed. */
export async function revertImport(deps: ImageDeps, task: TaskRow, failed: readonly string[]): Promise<void> {
  const id = task.image_id ?? "";
  await write(deps, async (tx) => {
    const row = await store.selectImageForUpdate(tx.db, tx.dialect, id);
    if (row === undefined) return;
    const changed = { ...row, status: "queued" as const, updated_at: timestamp(deps) };
    if (row.status === "importing")
      await store.updateImageRow(tx.db, id, { status: "queued", updated_at: changed.updated_at });
    await dropLock(tx.db, id, task.id, { os_glance_failed_import: failed.join(",") });
    await emit(
      deps,
      tx,
      "image.update",
      id,
      row.owner,
      await loadView(tx.db, row.status === "importing" ? changed : row),
    );
  });
}

/** Ends the import's hold on the image: the task property goes, the progress lists settle. */
async function dropLock(
  db: Parameters<typeof store.selectProperties>[0],
  id: string,
  taskId: string,
  extra: Record<string, string>,
): Promise<void> {
  const props = (await store.selectProperties(db, [id])).get(id) ?? {};
  if (props.os_glance_import_task !== taskId) return;
  delete props.os_glance_import_task;
  await store.replaceProperties(db, id, { ...props, os_glance_importing_to_stores: "", ...extra });
}

/** copy-image: each store through the stores helper's copy; the image stays active throughout. */
async function runCopy(
  deps: ImageDeps,
  task: TaskRow,
  input: ImportTaskInput,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  const copied: string[] = [];
  const failed: string[] = [];
  const messages: string[] = [];
  for (const storeId of input.backend) {
    if (signal.aborted) throw signal.reason;
    try {
      await copyImageToStore(deps, input.image_id, storeId);
      copied.push(storeId);
    } catch (error) {
      failed.push(storeId);
      messages.push(error instanceof Error ? error.message : String(error));
    }
    await progress(deps, task, storeId, failed.includes(storeId));
  }
  await write(deps, async (tx) => {
    await store.selectImageForUpdate(tx.db, tx.dialect, input.image_id);
    await dropLock(tx.db, input.image_id, task.id, { os_glance_failed_import: failed.join(",") });
  });
  if (copied.length === 0 || (input.import_req.all_stores_must_succeed !== false && failed.length > 0))
    throw new Error(`Copy failed for stores: ${failed.join(",")}: ${messages.join("; ")}`);
  return { image_id: input.image_id, stores: copied, failed_stores: failed };
}
