import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { reader, type ImageDeps } from "../deps.ts";
import { ImageMeter } from "../format.ts";
import { loadView } from "../images.ts";
import { activateImport, revertImport, runImport } from "../import/run.ts";
import type { ImportTaskInput } from "../import/request.ts";
import { exportsDir, importSettings } from "../import/settings.ts";
import * as store from "../store.ts";
import { openLocations } from "../stores/locations.ts";
import type { ImageRow, TaskRow } from "../tables.ts";
import { EXPORT_NAME } from "./create.ts";

/** The task handlers that fill or copy images. Each may be re-run from the start after a crash. */

/** Glance's legacy import: a web-download of the image the task made, into the default store. */
export async function runLegacyImport(deps: ImageDeps, task: TaskRow, signal: AbortSignal) {
  const input = JSON.parse(task.input) as { import_from: string };
  const synthetic: ImportTaskInput = {
    image_id: task.image_id ?? "",
    import_req: { method: { name: "web-download", uri: input.import_from } },
    backend: [deps.stores.default.id],
  };
  const result = await runImport(deps, { ...task, input: JSON.stringify(synthetic) }, signal);
  return { image_id: result.image_id };
}

/** The bytes of an active image, read from the first store that answers. */
async function openImage(deps: ImageDeps, imageId: string): Promise<{ row: ImageRow; data: Readable }> {
  const db = reader(deps);
  const row = await store.selectImage(db, imageId);
  if (row === undefined) throw new Error(`Image ${imageId} not found`);
  if (row.status !== "active") throw new Error(`Image ${imageId} is ${row.status}, not active`);
  const locations = await store.selectLocations(db, imageId);
  if (locations.length === 0) throw new Error(`Image ${imageId} has no data`);
  const data = await openLocations(deps.stores, locations);
  return { row, data };
}

/** A metered copy must match the source's size and md5, or the source data is damaged. */
function checkCopy(row: ImageRow, meter: ImageMeter): { checksum: string } {
  const digests = meter.digests();
  if (meter.size !== row.size || (row.checksum !== null && digests.checksum !== row.checksum))
    throw new Error(`Image ${row.id} data does not match its size or checksum`);
  return digests;
}

/** Clone: the source's bytes copied store-side into the default store for the new image. */
export async function runClone(deps: ImageDeps, task: TaskRow, signal: AbortSignal) {
  const sourceId = String((JSON.parse(task.input) as { image_id: unknown }).image_id);
  const imageId = task.image_id ?? "";
  const target = deps.stores.default;
  let stored: Awaited<ReturnType<typeof target.put>> | undefined;
  try {
    const { data } = await openImage(deps, sourceId);
    const meter = new ImageMeter(deps.sizeCap);
    data.on("error", (error) => meter.destroy(error));
    signal.addEventListener("abort", () => data.destroy(signal.reason as Error), { once: true });
    stored = await target.put(data.pipe(meter));
    await activateImport(deps, task, meter, { stored: [{ store: target.id, data: stored }], failed: [] });
    return { image_id: imageId, source_image_id: sourceId };
  } catch (error) {
    if (signal.aborted) throw error;
    if (stored !== undefined) await target.delete(stored.location);
    await revertImport(deps, task, [target.id]);
    throw error;
  }
}

/**
 * Export: the bytes to a store, or to <data-dir>/exports/<name> beside <name>.json (the image's
 * metadata); a file is written as .part and renamed when whole, and an existing one is kept.
 */
export async function runExport(deps: ImageDeps, task: TaskRow, signal: AbortSignal) {
  const input = JSON.parse(task.input) as { image_id: string; target: string };
  const { row, data } = await openImage(deps, input.image_id);
  const view = await loadView(reader(deps), row);
  const meter = new ImageMeter(Number.MAX_SAFE_INTEGER);
  data.on("error", (error) => meter.destroy(error));
  const store = deps.stores.get(input.target);
  if (store !== undefined) {
    signal.addEventListener("abort", () => data.destroy(signal.reason as Error), { once: true });
    const stored = await store.put(data.pipe(meter));
    try {
      checkCopy(row, meter);
    } catch (error) {
      await store.delete(stored.location);
      throw error;
    }
    return { image_id: row.id, store: store.id, location: stored.location, size: meter.size };
  }
  if (!EXPORT_NAME.test(input.target)) throw new Error(`Invalid export target: ${input.target}`);
  const dir = exportsDir(importSettings(deps));
  await mkdir(dir, { recursive: true });
  const final = join(dir, input.target);
  const partial = `${final}.${task.id}.part`;
  try {
    await rm(partial, { force: true }); // a dead run's leftovers
    await pipeline(data, meter, createWriteStream(partial, { flags: "wx" }), { signal });
    const digests = checkCopy(row, meter);
    await writeFile(
      `${final}.json`,
      JSON.stringify({ image: view, ...digests, exported_at: deps.clock.now().toISOString() }, null, 2),
      { flag: "wx" },
    );
    await rename(partial, final);
  } catch (error) {
    await rm(partial, { force: true });
    if ((error as { code?: string }).code === "EEXIST")
      throw new Error(`Export target ${input.target} already exists`, { cause: error });
    throw error;
  }
  return { image_id: row.id, file: input.target, size: meter.size, checksum: row.checksum };
}
