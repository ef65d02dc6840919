import type { ImageDeps } from "../deps.ts";
import { runImport } from "../import/run.ts";
import type { TaskRow } from "../tables.ts";
import { runClone, runExport, runLegacyImport } from "./fill.ts";

/** Runs one task; the value is the task's result, a throw its failure message. */
export type TaskHandler = (deps: ImageDeps, task: TaskRow, signal: AbortSignal) => Promise<unknown>;

/** Every task type, in one literal map. */
export const TASK_HANDLERS: Readonly<Record<string, TaskHandler>> = {
  api_image_import: runImport,
  import: runLegacyImport,
  clone: runClone,
  export: runExport,
};
