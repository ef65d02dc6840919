/**
 * Typed errors. The class name is the wire `type` (as in neutron-lib), the base class fixes the
 * HTTP status, and each service renders its own envelope from these.
 */
export abstract class StratusError extends Error {
  abstract readonly status: number;
  /** OpenStack's short title for the status ("Not Found", "Conflict", ...). */
  abstract readonly title: string;
  readonly detail: string = "";

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequest extends StratusError {
  readonly status = 400;
  readonly title = "Bad Request";
}

export class Unauthorized extends StratusError {
  readonly status = 401;
  readonly title = "Unauthorized";
}

export class Forbidden extends StratusError {
  readonly status = 403;
  readonly title = "Forbidden";
}

export class NotFound extends StratusError {
  readonly status = 404;
  readonly title = "Not Found";
}

export class Conflict extends StratusError {
  readonly status = 409;
  readonly title = "Conflict";
}

export class OverQuota extends StratusError {
  readonly status = 409;
  readonly title = "Conflict";
}

export class PreconditionFailed extends StratusError {
  readonly status = 412;
  readonly title = "Precondition Failed";
}

export class ServiceUnavailable extends StratusError {
  readonly status = 503;
  readonly title = "Service Unavailable";
}
