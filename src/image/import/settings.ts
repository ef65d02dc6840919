import { join } from "node:path";
import type { ImageDeps } from "../deps.ts";
import { HTTPNotFound } from "../errors.ts";
import type { ImportFilter } from "./filter.ts";

/** What interoperable import and the tasks need beyond the stores. */
export interface ImportSettings {
  /** Staged data lives in `<dataDir>/staging`, exports in `<dataDir>/exports`. */
  readonly dataDir: string;
  readonly filter: ImportFilter;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function importSettings(deps: ImageDeps): ImportSettings {
  if (deps.importing === undefined) throw new HTTPNotFound();
  return deps.importing;
}

export function stagingDir(settings: ImportSettings): string {
  return join(settings.dataDir, "staging");
}

/** `<data-dir>/staging/<image-id>`: only ever a UUID, so no id can name a path elsewhere. */
export function stagingPath(settings: ImportSettings, imageId: string): string {
  if (!UUID.test(imageId)) throw new Error(`not an image id: ${imageId}`);
  return join(stagingDir(settings), imageId);
}

export function exportsDir(settings: ImportSettings): string {
  return join(settings.dataDir, "exports");
}
