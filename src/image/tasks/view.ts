import { isoSeconds } from "../../lib/time.ts";
import { emit, type ImageDeps, type ImageTx } from "../deps.ts";
import type { TaskRow } from "../tables.ts";

/** A task as Glance shows it (v2.12: with image_id, request_id, user_id). */
export function taskView(row: TaskRow, full = true): Record<string, unknown> {
  const time = (text: string | null) => (text === null ? null : isoSeconds(new Date(text)));
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    owner: row.owner,
    ...(full ? { input: parse(row.input), result: row.result === null ? null : parse(row.result) } : {}),
    message: row.message,
    expires_at: time(row.expires_at),
    created_at: time(row.created_at),
    updated_at: time(row.updated_at),
    image_id: row.image_id,
    request_id: row.request_id,
    user_id: row.user_id,
    self: `/v2/tasks/${row.id}`,
    schema: "/v2/schemas/task",
  };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Glance's task notifications: task.create, task.processing, task.success, task.failure. */
export async function taskEvent(deps: ImageDeps, tx: ImageTx, type: string, row: TaskRow): Promise<void> {
  await emit(deps, tx, type, row.id, row.owner, taskView(row));
}
