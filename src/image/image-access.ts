import type { Kysely } from "kysely";
import type { AuthContext } from "../http/auth.ts";
import { isAdmin } from "./deps.ts";
import { ImageNotFound } from "./errors.ts";
import { selectImage, selectImageForUpdate, selectMember } from "./store.ts";
import type { ImageRow, ImageTables } from "./tables.ts";

/**
 * Who sees an image (Glance's visibility rules): admins all; the owner project its own; everyone
 * public and community images; a shared image also the projects it is offered to (whatever they
 * answered). A private image is its owner's alone; a pending_delete one admins' alone. Unseen
 * images are 404, never 403.
 */
export async function canSee(db: Kysely<ImageTables>, auth: AuthContext, row: ImageRow): Promise<boolean> {
  if (isAdmin(auth)) return true;
  // Deleted, waiting for the scrubber: gone for everyone but admins (who may restore it).
  if (row.status === "pending_delete") return false;
  if (auth.project_id !== null && row.owner === auth.project_id) return true;
  if (row.visibility === "public" || row.visibility === "community") return true;
  if (row.visibility !== "shared" || auth.project_id === null) return false;
  return (await selectMember(db, row.id, auth.project_id)) !== undefined;
}

/** The image if the caller sees it; 404 otherwise. */
export async function visibleImage(
  db: Kysely<ImageTables>,
  auth: AuthContext,
  id: string,
): Promise<ImageRow> {
  const row = await selectImage(db, id);
  if (row === undefined || !(await canSee(db, auth, row))) throw new ImageNotFound(id);
  return row;
}

/** As visibleImage, with the row locked for the transaction on PostgreSQL. */
export async function visibleImageForUpdate(
  db: Kysely<ImageTables>,
  dialect: string,
  auth: AuthContext,
  id: string,
): Promise<ImageRow> {
  const row = await selectImageForUpdate(db, dialect, id);
  if (row === undefined || !(await canSee(db, auth, row))) throw new ImageNotFound(id);
  return row;
}

/** The policy target for an image: its owner project. */
export function ownerTarget(row: ImageRow): { project_id: string | null } {
  return { project_id: row.owner };
}
