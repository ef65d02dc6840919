import { reader, write, type ImageDeps } from "../deps.ts";
import { timestamp } from "../images.ts";
import type { TaskRow } from "../tables.ts";
import { TASK_HANDLERS } from "./handlers.ts";
import { claimTask, requeueProcessing, selectPendingIds, selectTask, updateTask } from "./store.ts";
import { taskEvent } from "./view.ts";

/** How many tasks run at once, how often other nodes' tasks are looked for, and Glance's task_time_to_live. */
const CONCURRENCY = 2;
const POLL_MS = 2_000;
const TIME_TO_LIVE_MS = 48 * 3600 * 1000;

export interface TaskRunner {
  /** Looks for pending tasks now (called after a task is created). */
  wake(): void;
  /** Aborts running tasks, leaving them `processing` for the next start to re-run. */
  stop(): Promise<void>;
}

/**
 * Runs tasks from the database, which is the only queue: a task is claimed (pending ->
 * processing) in one statement, so two runners never both run it. At start-up, tasks a dead
 * process left processing go back to pending and run again from the start (handlers are written
 * to be re-run). Stopping aborts the handlers and records nothing, as a crash would.
 */
export async function startTaskRunner(
  deps: ImageDeps,
  onError: (error: unknown) => void,
): Promise<TaskRunner> {
  await write(deps, (tx) => requeueProcessing(tx.db, timestamp(deps)));
  const aborter = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let scanning = false;
  let again = false;

  const pump = async (): Promise<void> => {
    if (scanning) {
      again = true;
      return;
    }
    scanning = true;
    try {
      do {
        again = false;
        while (!stopped && inFlight.size < CONCURRENCY) {
          const task = await claimNext(deps);
          if (task === undefined) break;
          const run: Promise<void> = runTask(deps, task, aborter.signal)
            .catch(onError)
            .finally(() => {
              inFlight.delete(run);
              if (!stopped) void pump().catch(onError);
            });
          inFlight.add(run);
        }
      } while (again && !stopped);
    } finally {
      scanning = false;
    }
  };
  const wake = () => {
    if (!stopped) void pump().catch(onError);
  };
  const timer = setInterval(wake, POLL_MS);
  timer.unref();
  wake();
  return {
    wake,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      aborter.abort();
      await Promise.allSettled([...inFlight]);
    },
  };
}

async function claimNext(deps: ImageDeps): Promise<TaskRow | undefined> {
  for (const id of await selectPendingIds(reader(deps), CONCURRENCY + 1)) {
    const claimed = await write(deps, async (tx) => {
      if (!(await claimTask(tx.db, id, timestamp(deps)))) return undefined;
      const row = await selectTask(tx.db, id);
      if (row !== undefined) await taskEvent(deps, tx, "task.processing", row);
      return row;
    });
    if (claimed !== undefined) return claimed;
  }
  return undefined;
}

async function runTask(deps: ImageDeps, task: TaskRow, signal: AbortSignal): Promise<void> {
  const handler = TASK_HANDLERS[task.type];
  let outcome: { status: "success"; result: unknown } | { status: "failure"; message: string };
  try {
    if (handler === undefined) throw new Error(`Unknown task type ${task.type}`);
    outcome = { status: "success", result: await handler(deps, task, signal) };
  } catch (error) {
    // Stopping: leave it processing, as a crash would, for the next start to re-run.
    if (signal.aborted) return;
    outcome = { status: "failure", message: error instanceof Error ? error.message : String(error) };
  }
  await write(deps, async (tx) => {
    const now = timestamp(deps);
    const expires = new Date(deps.clock.now().getTime() + TIME_TO_LIVE_MS).toISOString();
    const changes: Partial<TaskRow> =
      outcome.status === "success"
        ? { status: "success", result: JSON.stringify(outcome.result), message: "" }
        : { status: "failure", message: outcome.message };
    const row = { ...task, ...changes, expires_at: expires, updated_at: now };
    await updateTask(tx.db, task.id, { ...changes, expires_at: expires, updated_at: now });
    await taskEvent(deps, tx, `task.${outcome.status}`, row);
  });
}
