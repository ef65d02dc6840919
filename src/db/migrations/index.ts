import type { Migration } from "kysely";
import * as events from "./0001-core-events.ts";
import * as identity from "./0002-identity-core.ts";

/** Every migration, in order. Frozen once merged: change the schema with a new entry. */
export const migrations: Record<string, Migration> = {
  "0001-core-events": events,
  "0002-identity-core": identity,
};
