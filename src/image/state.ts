import { InvalidImageStatusTransition } from "./errors.ts";
import type { ImageStatus } from "./tables.ts";

/**
 * Glance's image state machine. Upload: queued -> saving -> active; a failed upload goes back to
 * queued (client gone, too big, wrong format: retryable) or to killed (the store failed). An admin
 * moves active <-> deactivated. Any state may be deleted.
 */
const TRANSITIONS: Readonly<Record<ImageStatus, readonly ImageStatus[]>> = {
  queued: ["saving", "deleted"],
  saving: ["active", "queued", "killed", "deleted"],
  active: ["deactivated", "deleted"],
  deactivated: ["active", "deleted"],
  killed: ["deleted"],
  deleted: [],
};

export function canTransition(from: ImageStatus, to: ImageStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** 409 "Image status transition from <from> to <to> is not allowed" unless allowed. */
export function assertTransition(from: ImageStatus, to: ImageStatus): void {
  if (!canTransition(from, to)) throw new InvalidImageStatusTransition(from, to);
}
