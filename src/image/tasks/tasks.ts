import type { AuthContext } from "../../http/auth.ts";
import { pythonRepr } from "../../lib/validation.ts";
import { isAdmin, reader, requireAuth, type ImageDeps } from "../deps.ts";
import { HTTPBadRequest, HTTPNotFound } from "../errors.ts";
import { visibleImage } from "../image-access.ts";
import type { TaskRow, TaskStatus } from "../tables.ts";
import { createCloneTask, createExportTask, createImportTask } from "./create.ts";
import { selectTask, selectTasks, TASK_STATUSES } from "./store.ts";
import { taskView } from "./view.ts";

/** /v2/tasks: Glance's tasks API (import) plus Stratus's export and clone task types. */

type Query = Readonly<Record<string, string | string[] | undefined>>;

export const TASK_TYPES = ["import", "export", "clone", "api_image_import"] as const;
const CREATABLE = ["import", "export", "clone"];
const SORT_KEYS = ["id", "type", "status", "created_at", "updated_at", "expires_at"] as const;
type SortKey = (typeof SORT_KEYS)[number];
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 1000;

export class TaskNotFound extends HTTPNotFound {
  constructor(id: string) {
    super(`Task with the given ID ${id} not found`);
  }
}

/** Admins see every task; others their project's. */
function sees(auth: AuthContext, row: TaskRow): boolean {
  return isAdmin(auth) || (auth.project_id !== null && row.owner === auth.project_id);
}

export async function getTask(deps: ImageDeps, authIn: AuthContext | null, id: string) {
  const auth = requireAuth(authIn);
  const row = await selectTask(reader(deps), id);
  if (row === undefined || !sees(auth, row)) throw new TaskNotFound(id);
  return taskView(row);
}

/** POST /v2/tasks {"type", "input"}: 201 with the pending task. */
export async function createTask(
  deps: ImageDeps,
  authIn: AuthContext | null,
  body: unknown,
  requestId: string,
): Promise<Record<string, unknown>> {
  const auth = requireAuth(authIn);
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new HTTPBadRequest("Body expected in request.");
  const { type, input } = body as Record<string, unknown>;
  if (type === undefined)
    throw new HTTPBadRequest("Provided object does not match schema 'task': 'type' is a required property");
  if (typeof type !== "string" || !CREATABLE.includes(type))
    throw new HTTPBadRequest(
      `Provided object does not match schema 'task': ${pythonRepr(type)} is not one of ${pythonRepr(CREATABLE)}`,
    );
  if (typeof input !== "object" || input === null || Array.isArray(input))
    throw new HTTPBadRequest(
      "Provided object does not match schema 'task': 'input' is a required property of type 'object'",
    );
  const fields = input as Record<string, unknown>;
  const row =
    type === "import"
      ? await createImportTask(deps, auth, fields, requestId)
      : type === "clone"
        ? await createCloneTask(deps, auth, fields, requestId)
        : await createExportTask(deps, auth, fields, requestId);
  return taskView(row);
}

/** GET /v2/tasks: filters type and status, sort_key/sort_dir, limit/marker; no input or result. */
export async function listTasks(deps: ImageDeps, authIn: AuthContext | null, query: Query) {
  const auth = requireAuth(authIn);
  const type = one(query, "type");
  const status = one(query, "status");
  if (status !== undefined && !(TASK_STATUSES as readonly string[]).includes(status))
    throw new HTTPBadRequest(`Invalid status value: ${status}`);
  if (type !== undefined && !(TASK_TYPES as readonly string[]).includes(type))
    throw new HTTPBadRequest(`Invalid type value: ${type}`);
  const sortKey = one(query, "sort_key") ?? "created_at";
  const sortDir = one(query, "sort_dir") ?? "desc";
  if (!(SORT_KEYS as readonly string[]).includes(sortKey))
    throw new HTTPBadRequest(
      `Invalid sort key: ${sortKey}. It must be one of the following: ${SORT_KEYS.join(", ")}.`,
    );
  if (sortDir !== "asc" && sortDir !== "desc") throw new HTTPBadRequest(`Invalid sort direction: ${sortDir}`);
  const limit = parseLimit(one(query, "limit"));
  const rows = await selectTasks(reader(deps), {
    ...(isAdmin(auth) ? {} : { owner: auth.project_id ?? "" }),
    ...(type !== undefined ? { type } : {}),
    ...(status !== undefined ? { status: status as TaskStatus } : {}),
  });
  rows.sort(compare(sortKey as SortKey, sortDir));
  const marker = one(query, "marker");
  const start = marker === undefined ? 0 : rows.findIndex((r) => r.id === marker) + 1;
  if (marker !== undefined && start === 0)
    throw new HTTPBadRequest(`Invalid marker. Task ${marker} could not be found.`);
  const page = rows.slice(start, start + limit);
  const last = page.at(-1);
  return {
    tasks: page.map((r) => taskView(r, false)),
    first: link(query, {}),
    ...(last !== undefined && start + limit < rows.length ? { next: link(query, { marker: last.id }) } : {}),
    schema: "/v2/schemas/tasks",
  };
}

/** GET /v2/images/{id}/tasks: the image's tasks (newest first) the caller may see. */
export async function listImageTasks(deps: ImageDeps, authIn: AuthContext | null, imageId: string) {
  const auth = requireAuth(authIn);
  const db = reader(deps);
  await visibleImage(db, auth, imageId);
  const rows = await selectTasks(db, { image_id: imageId });
  rows.sort(compare("created_at", "desc"));
  return { tasks: rows.filter((r) => sees(auth, r)).map((r) => taskView(r)) };
}

function compare(key: SortKey, dir: "asc" | "desc") {
  const sign = dir === "asc" ? 1 : -1;
  return (a: TaskRow, b: TaskRow): number => {
    const x = a[key] ?? "";
    const y = b[key] ?? "";
    if (x !== y) return (x < y ? -1 : 1) * sign;
    return (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) * sign;
  };
}

function one(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function parseLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIMIT;
  if (!/^\d+$/.test(text)) throw new HTTPBadRequest("limit param must be an integer");
  return Math.min(Number(text), MAX_LIMIT);
}

function link(query: Query, extra: Record<string, string>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query))
    if (name !== "marker" && value !== undefined)
      for (const v of ([] as string[]).concat(value)) params.append(name, v);
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  const text = params.toString();
  return text === "" ? "/v2/tasks" : `/v2/tasks?${text}`;
}
