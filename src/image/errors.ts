import { BadRequest, Conflict, Forbidden, NotFound, StratusError } from "../lib/errors.ts";

/**
 * Glance's errors: webob HTTP exceptions whose explanation is the message. The class names are
 * webob's; Glance's body carries no type, so only the status and the text reach the wire.
 */

export class HTTPBadRequest extends BadRequest {}
export class HTTPForbidden extends Forbidden {}
export class HTTPConflict extends Conflict {}

export class HTTPNotFound extends NotFound {
  constructor(message = "The resource could not be found.") {
    super(message);
  }
}

export class ImageNotFound extends NotFound {
  constructor(id: string) {
    super(`No image found with ID ${id}`);
  }
}

export class HTTPRequestEntityTooLarge extends StratusError {
  readonly status = 413;
  readonly title = "Request Entity Too Large";
}

export class HTTPUnsupportedMediaType extends StratusError {
  readonly status = 415;
  readonly title = "Unsupported Media Type";
  constructor(message = "Unsupported Content-Type") {
    super(message);
  }
}

export class HTTPRequestRangeNotSatisfiable extends StratusError {
  readonly status = 416;
  readonly title = "Requested Range Not Satisfiable";
  /** The image size, which the 416 answer states in Content-Range. */
  constructor(readonly size: number) {
    super("Requested range not satisfiable");
  }
}

/** Glance's policy refusal: "You are not authorized to complete <action> action." */
export class PolicyForbidden extends Forbidden {
  constructor(action: string) {
    super(`You are not authorized to complete ${action} action.`);
  }
}

export class InvalidImageStatusTransition extends Conflict {
  constructor(from: string, to: string) {
    super(`Image status transition from ${from} to ${to} is not allowed`);
  }
}

export class ImageSizeLimitExceeded extends HTTPRequestEntityTooLarge {
  constructor() {
    super("The provided image is too large.");
  }
}

export class ImagePropertyLimitExceeded extends HTTPRequestEntityTooLarge {
  constructor(attempted: number, maximum: number) {
    super(
      "The limit has been exceeded on the number of allowed image properties. " +
        `Attempted: ${attempted}, Maximum: ${maximum}`,
    );
  }
}

/** A store failed while writing: the image is killed (not the client's fault, not retryable). */
export class StoreWriteFailed extends StratusError {
  readonly status = 500;
  readonly title = "Internal Server Error";
  constructor() {
    super("Failed to upload image data due to internal error");
  }
}

/** The image was deleted while its data was uploading. */
export class HTTPGone extends StratusError {
  readonly status = 410;
  readonly title = "Gone";
}
