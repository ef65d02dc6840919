import type { AuthContext } from "../../http/auth.ts";
import { emit, isAdmin, reader, write, type ImageDeps } from "../deps.ts";
import { HTTPBadRequest, HTTPConflict, PolicyForbidden } from "../errors.ts";
import { visibleImage } from "../image-access.ts";
import { createImage, loadView, timestamp } from "../images.ts";
import { importSettings } from "../import/settings.ts";
import { uriAllowed } from "../import/web-download.ts";
import { DISK_FORMATS } from "../schemas/image.ts";
import * as store from "../store.ts";
import type { TaskRow } from "../tables.ts";
import { insertTask, newTask } from "./store.ts";
import { taskEvent } from "./view.ts";

type Input = Record<string, unknown>;

/** An export's file name under <data-dir>/exports: no separators, no leading dot, so never `..`. */
export const EXPORT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

function required(input: Input, key: string): unknown {
  if (input[key] === undefined) throw new HTTPBadRequest(`Input does not contain '${key}' field`);
  return input[key];
}

function properties(input: Input, key: string, needed: boolean): Input {
  const value = needed ? required(input, key) : (input[key] ?? {});
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new HTTPBadRequest(`Input '${key}' must be an object`);
  return value as Input;
}

/**
 * Glance's legacy import task: {"import_from", "import_from_format", "image_properties"}. The
 * image is made now (so the task names it from the start) and filled by web-download into the
 * default store.
 */
export async function createImportTask(deps: ImageDeps, auth: AuthContext, input: Input, requestId: string) {
  const from = required(input, "import_from");
  const format = required(input, "import_from_format");
  const props = properties(input, "image_properties", true);
  if (typeof from !== "string" || !(await uriAllowed(from, importSettings(deps).filter)))
    throw new HTTPBadRequest(`URI for web-download does not pass filtering: ${String(from)}`);
  if (typeof format !== "string" || !DISK_FORMATS.includes(format))
    throw new HTTPBadRequest(`Invalid import_from_format: ${String(format)}`);
  const image = await createImage(deps, auth, { container_format: "bare", ...props, disk_format: format });
  return queueFill(deps, auth, String(image.id), "import", input, requestId);
}

/** Stratus's clone task: {"image_id", "image_properties"?}: a new image of the caller's with the same bytes. */
export async function createCloneTask(deps: ImageDeps, auth: AuthContext, input: Input, requestId: string) {
  const sourceId = required(input, "image_id");
  const overrides = properties(input, "image_properties", false);
  const db = reader(deps);
  const source = await visibleImage(db, auth, String(sourceId));
  if (source.status !== "active")
    throw new HTTPConflict(`Image ${source.id} is not active and cannot be cloned`);
  const sourceProps = (await store.selectProperties(db, [source.id])).get(source.id) ?? {};
  const copied = Object.fromEntries(
    Object.entries(sourceProps).filter(([name]) => !name.startsWith("os_glance")),
  );
  const image = await createImage(deps, auth, {
    ...copied,
    name: source.name,
    disk_format: source.disk_format,
    container_format: source.container_format,
    min_ram: source.min_ram,
    min_disk: source.min_disk,
    ...overrides,
  });
  return queueFill(deps, auth, String(image.id), "clone", input, requestId);
}

/**
 * Stratus's export task (admin: it writes on the operator's side): {"image_id", "target"}, the
 * target a store id or a file name under <data-dir>/exports.
 */
export async function createExportTask(deps: ImageDeps, auth: AuthContext, input: Input, requestId: string) {
  if (!isAdmin(auth)) throw new PolicyForbidden("export_image");
  const imageId = required(input, "image_id");
  const target = required(input, "target");
  const image = await visibleImage(reader(deps), auth, String(imageId));
  if (image.status !== "active")
    throw new HTTPConflict(`Image ${image.id} is not active and cannot be exported`);
  importSettings(deps);
  if (typeof target !== "string" || (deps.stores.get(target) === undefined && !EXPORT_NAME.test(target)))
    throw new HTTPBadRequest(`Invalid export target: ${String(target)}`);
  return write(deps, async (tx) => {
    const task = newTask(deps, auth, "export", requestId, image.id, input);
    await insertTask(tx.db, task);
    await taskEvent(deps, tx, "task.create", task);
    return task;
  });
}

/** Marks a queued image importing under the task's lock, and queues the task. */
async function queueFill(
  deps: ImageDeps,
  auth: AuthContext,
  imageId: string,
  type: string,
  input: Input,
  requestId: string,
): Promise<TaskRow> {
  return write(deps, async (tx) => {
    const row = await store.selectImageForUpdate(tx.db, tx.dialect, imageId);
    if (row === undefined || row.status !== "queued")
      throw new HTTPConflict(`Image ${imageId} changed meanwhile`);
    const task = newTask(deps, auth, type, requestId, imageId, input);
    await insertTask(tx.db, task);
    const changed = { ...row, status: "importing" as const, updated_at: timestamp(deps) };
    await store.updateImageRow(tx.db, imageId, { status: changed.status, updated_at: changed.updated_at });
    const props = (await store.selectProperties(tx.db, [imageId])).get(imageId) ?? {};
    await store.replaceProperties(tx.db, imageId, {
      ...props,
      os_glance_import_task: task.id,
      os_glance_importing_to_stores: deps.stores.default.id,
      os_glance_failed_import: "",
    });
    await emit(deps, tx, "image.update", imageId, row.owner, await loadView(tx.db, changed));
    await taskEvent(deps, tx, "task.create", task);
    return task;
  });
}
