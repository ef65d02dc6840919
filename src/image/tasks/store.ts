import type { Kysely } from "kysely";
import type { AuthContext } from "../../http/auth.ts";
import { uuid } from "../../lib/ids.ts";
import type { ImageDeps } from "../deps.ts";
import { timestamp } from "../images.ts";
import type { ImageTables, TaskRow, TaskStatus } from "../tables.ts";

/** Queries over image_tasks: free functions over a db (or a transaction's). */
type Db = Kysely<ImageTables>;

/** A new pending task owned by the caller's project. */
export function newTask(
  deps: ImageDeps,
  auth: AuthContext,
  type: string,
  requestId: string | null,
  imageId: string | null,
  input: unknown,
): TaskRow {
  const now = timestamp(deps);
  return {
    id: uuid(),
    type,
    status: "pending",
    owner: auth.project_id,
    user_id: auth.user_id,
    request_id: requestId,
    image_id: imageId,
    input: JSON.stringify(input),
    result: null,
    message: "",
    expires_at: null,
    created_at: now,
    updated_at: now,
  };
}

export async function insertTask(db: Db, row: TaskRow): Promise<void> {
  await db.insertInto("image_tasks").values(row).execute();
}

export async function selectTask(db: Db, id: string): Promise<TaskRow | undefined> {
  return db.selectFrom("image_tasks").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function updateTask(db: Db, id: string, changes: Partial<TaskRow>): Promise<void> {
  await db.updateTable("image_tasks").set(changes).where("id", "=", id).execute();
}

/** Tasks matching every given column (listing sorts and pages them). */
export async function selectTasks(
  db: Db,
  where: { owner?: string; type?: string; status?: TaskStatus; image_id?: string },
): Promise<TaskRow[]> {
  let query = db.selectFrom("image_tasks").selectAll();
  if (where.owner !== undefined) query = query.where("owner", "=", where.owner);
  if (where.type !== undefined) query = query.where("type", "=", where.type);
  if (where.status !== undefined) query = query.where("status", "=", where.status);
  if (where.image_id !== undefined) query = query.where("image_id", "=", where.image_id);
  return query.execute();
}

/** The oldest pending task ids (the runner claims them one by one). */
export async function selectPendingIds(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom("image_tasks")
    .select("id")
    .where("status", "=", "pending")
    .orderBy("created_at")
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** pending -> processing; false when another runner (or a cancel) got there first. */
export async function claimTask(db: Db, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable("image_tasks")
    .set({ status: "processing", updated_at: now })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Start-up: what a dead process left processing runs again from the start. */
export async function requeueProcessing(db: Db, now: string): Promise<number> {
  const result = await db
    .updateTable("image_tasks")
    .set({ status: "pending", updated_at: now })
    .where("status", "=", "processing")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export const TASK_STATUSES: readonly TaskStatus[] = ["pending", "processing", "success", "failure"];
