import { BadRequest, Conflict, Forbidden, NotFound, Unauthorized } from "../lib/errors.ts";

/** Keystone's error catalog: class names as Keystone's exceptions, messages as Keystone words them. */

export class ValidationError extends BadRequest {}

export class AuthenticationRequired extends Unauthorized {
  constructor(message = "The request you have made requires authentication.") {
    super(message);
  }
}

export class ForbiddenAction extends Forbidden {
  constructor(action: string) {
    super(`You are not authorized to perform the requested action: ${action}.`);
  }
}

/** "Could not find project: 1234." — Keystone names the kind and the id it was given. */
export class IdentityNotFound extends NotFound {
  constructor(kind: string, id: string) {
    super(`Could not find ${kind}: ${id}.`);
  }
}

export class DuplicateEntry extends Conflict {
  constructor(kind: string, detail: string) {
    super(`Conflict occurred attempting to store ${kind} - ${detail}.`);
  }
}

export class IdentityConflict extends Conflict {}

/** A subject token that is missing, malformed, expired or revoked (Keystone's TokenNotFound). */
export class TokenNotFound extends NotFound {}
