import type { AuthContext } from "../../http/auth.ts";
import { authorize, emit, isAdmin, requireAuth, write, type ImageDeps, type ImageTx } from "../deps.ts";
import { HTTPBadRequest, HTTPConflict, PolicyForbidden, UnknownStore } from "../errors.ts";
import { ownerTarget, visibleImageForUpdate } from "../image-access.ts";
import { loadView, timestamp } from "../images.ts";
import { imageStores } from "../store-copy.ts";
import * as store from "../store.ts";
import type { ImageRow } from "../tables.ts";
import { insertTask, newTask, selectTask } from "../tasks/store.ts";
import { taskEvent } from "../tasks/view.ts";
import { importSettings } from "./settings.ts";
import { uriAllowed } from "./web-download.ts";

export const IMPORT_METHODS = ["glance-direct", "web-download", "copy-image"] as const;
export type ImportMethod = (typeof IMPORT_METHODS)[number];

/** The body of POST /v2/images/{id}/import, as kept in the task's input (`import_req`). */
export interface ImportRequest {
  method: { name: ImportMethod; uri?: string };
  stores?: string[];
  all_stores?: boolean;
  all_stores_must_succeed?: boolean;
}

/** What an api_image_import task runs: the image, the request and the stores to fill. */
export interface ImportTaskInput {
  image_id: string;
  import_req: ImportRequest;
  backend: string[];
}

/** GET /v2/info/import. */
export function importInfo(): Record<string, unknown> {
  return {
    "import-methods": {
      description: "Import methods available.",
      type: "array",
      value: [...IMPORT_METHODS],
    },
  };
}

/**
 * POST /v2/images/{id}/import: checks the request against the image, marks the image (status
 * importing, except copy-image; os_glance_* progress properties) and queues an api_image_import
 * task, all in one transaction. The task runner does the work; the answer is 202.
 */
export async function importImage(
  deps: ImageDeps,
  authIn: AuthContext | null,
  id: string,
  body: unknown,
  storeHeader: string | undefined,
  requestId: string,
): Promise<string> {
  const auth = requireAuth(authIn);
  const settings = importSettings(deps);
  const req = parseImportRequest(body);
  const uri = req.method.uri;
  if (req.method.name === "web-download" && !(await uriAllowed(uri ?? "", settings.filter)))
    throw new HTTPBadRequest(`URI for web-download does not pass filtering: ${uri ?? ""}`);
  return write(deps, async (tx) => {
    const row = await visibleImageForUpdate(tx.db, tx.dialect, auth, id);
    if (req.method.name === "copy-image") {
      // Glance's copy_image policy: admin only (it fills the operator's stores).
      if (!isAdmin(auth)) throw new PolicyForbidden("copy_image");
    } else authorize(auth, "upload_image", ownerTarget(row));
    const props = (await store.selectProperties(tx.db, [id])).get(id) ?? {};
    await checkNoImportRunning(tx, props);
    checkState(row, req.method.name);
    const held = req.method.name === "copy-image" ? await imageStores(tx.db, id) : [];
    const targets = targetStores(deps, req, storeHeader, held);
    const task = newTask(deps, auth, "api_image_import", requestId, id, {
      image_id: id,
      import_req: req,
      backend: targets,
    } satisfies ImportTaskInput);
    await insertTask(tx.db, task);
    const status = req.method.name === "copy-image" ? row.status : "importing";
    const changed: ImageRow = { ...row, status, updated_at: timestamp(deps) };
    await store.updateImageRow(tx.db, id, { status, updated_at: changed.updated_at });
    await store.replaceProperties(tx.db, id, {
      ...props,
      os_glance_import_task: task.id,
      os_glance_importing_to_stores: targets.join(","),
      os_glance_failed_import: "",
    });
    await emit(deps, tx, "image.update", id, row.owner, await loadView(tx.db, changed));
    await taskEvent(deps, tx, "task.create", task);
    return task.id;
  });
}

function parseImportRequest(body: unknown): ImportRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new HTTPBadRequest("Body expected in request.");
  const input = body as Record<string, unknown>;
  const method = input.method as Record<string, unknown> | undefined;
  if (typeof method !== "object" || method === null || typeof method.name !== "string")
    throw new HTTPBadRequest("Import request requires a 'method' field.");
  if (!(IMPORT_METHODS as readonly string[]).includes(method.name))
    throw new HTTPBadRequest(`Import method ${method.name} is not valid.`);
  const name = method.name as ImportMethod;
  if (name === "web-download" && typeof method.uri !== "string")
    throw new HTTPBadRequest("URI is required for web-download import method.");
  const stores = input.stores;
  if (stores !== undefined && (!Array.isArray(stores) || !stores.every((s) => typeof s === "string")))
    throw new HTTPBadRequest("Invalid stores: must be a list of store identifiers.");
  for (const flag of ["all_stores", "all_stores_must_succeed"] as const)
    if (input[flag] !== undefined && typeof input[flag] !== "boolean")
      throw new HTTPBadRequest(`Invalid ${flag}: must be a boolean.`);
  return {
    method: name === "web-download" ? { name, uri: method.uri as string } : { name },
    ...(stores !== undefined ? { stores } : {}),
    ...(input.all_stores !== undefined ? { all_stores: input.all_stores as boolean } : {}),
    all_stores_must_succeed: (input.all_stores_must_succeed as boolean | undefined) ?? true,
  };
}

/** One import at a time per image (Glance's os_glance_import_task lock). */
async function checkNoImportRunning(tx: ImageTx, props: Record<string, string>): Promise<void> {
  const taskId = props.os_glance_import_task;
  if (taskId === undefined || taskId === "") return;
  const task = await selectTask(tx.db, taskId);
  if (task !== undefined && (task.status === "pending" || task.status === "processing"))
    throw new HTTPConflict(`Image has an import task ${taskId} in progress`);
}

function checkState(row: ImageRow, method: ImportMethod): void {
  if (method === "copy-image") {
    if (row.status !== "active")
      throw new HTTPConflict("Only images with status active can be targeted for copying");
    return;
  }
  if (row.disk_format === null || row.container_format === null)
    throw new HTTPBadRequest("Properties disk_format, container_format must be set prior to importing data.");
  if (method === "glance-direct" && row.status !== "uploading")
    throw new HTTPConflict("Image needs to be staged before 'glance-direct' method can be used");
  if (method === "web-download" && row.status !== "queued")
    throw new HTTPConflict("Image needs to be in 'queued' state to use 'web-download' method");
}

/** The stores to fill: `stores`, every store (`all_stores`), the header's, or the default. */
function targetStores(
  deps: ImageDeps,
  req: ImportRequest,
  header: string | undefined,
  held: readonly string[],
): string[] {
  if (req.all_stores === true && (req.stores !== undefined || header !== undefined))
    throw new HTTPBadRequest(
      "All_stores parameter can't be used with x-image-meta-store header or stores parameter",
    );
  let targets: string[];
  if (req.all_stores === true) targets = deps.stores.list().map((s) => s.id);
  else if (req.stores !== undefined) targets = [...new Set(req.stores)];
  else if (header !== undefined) targets = [header];
  else if (req.method.name === "copy-image")
    throw new HTTPBadRequest("Import method copy-image requires stores or all_stores.");
  else targets = [deps.stores.default.id];
  if (targets.length === 0) throw new HTTPBadRequest("Invalid stores: at least one store is required.");
  for (const id of targets) if (deps.stores.get(id) === undefined) throw new UnknownStore(id);
  if (req.method.name !== "copy-image") return targets;
  const missing = targets.filter((id) => !held.includes(id));
  if (missing.length === 0)
    throw new HTTPConflict(`Image is already present at store '${targets.join(",")}'`);
  return missing;
}
