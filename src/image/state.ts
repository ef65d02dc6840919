import { InvalidImageStatusTransition } from "./errors.ts";
import type { ImageStatus } from "./tables.ts";

/**
 * Glance's image state machine. Upload: queued -> saving -> active; a failed upload goes back to
 * queued (client gone, too big, wrong format: retryable) or to killed (the store failed).
 * Interoperable import: queued -> uploading (staged) -> importing -> active, or from queued
 * straight to importing (web-download); a failed import goes back to queued. An admin moves
 * active <-> deactivated. With delayed delete an image with data goes to pending_delete, from
 * where the scrubber deletes it or an admin restores it. Any state may be deleted.
 */
const TRANSITIONS: Readonly<Record<ImageStatus, readonly ImageStatus[]>> = {
  queued: ["saving", "uploading", "importing", "deleted"],
  saving: ["active", "queued", "killed", "deleted"],
  uploading: ["importing", "queued", "deleted"],
  importing: ["active", "queued", "killed", "deleted"],
  active: ["deactivated", "pending_delete", "deleted"],
  deactivated: ["active", "pending_delete", "deleted"],
  killed: ["deleted"],
  pending_delete: ["active", "deactivated", "deleted"],
  deleted: [],
};

export function canTransition(from: ImageStatus, to: ImageStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** 409 "Image status transition from <from> to <to> is not allowed" unless allowed. */
export function assertTransition(from: ImageStatus, to: ImageStatus): void {
  if (!canTransition(from, to)) throw new InvalidImageStatusTransition(from, to);
}
