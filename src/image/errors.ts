import {
  BadRequest,
  Conflict,
  Forbidden,
  NotFound,
  ServiceUnavailable,
  StratusError,
} from "../lib/errors.ts";

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

export class ImageTagLimitExceeded extends HTTPRequestEntityTooLarge {
  constructor(attempted: number, maximum: number) {
    super(
      `The limit has been exceeded on the number of allowed image tags. Attempted: ${attempted}, Maximum: ${maximum}`,
    );
  }
}

export class ImageMemberLimitExceeded extends HTTPRequestEntityTooLarge {
  constructor(attempted: number, maximum: number) {
    super(
      "The limit has been exceeded on the number of allowed image members for this image. " +
        `Attempted: ${attempted}, Maximum: ${maximum}`,
    );
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

/** Multi-store: a store id that is not configured (X-Image-Meta-Store, copy-image target). */
export class UnknownStore extends HTTPBadRequest {
  constructor(storeId: string) {
    super(`Store for scheme ${storeId} not found`);
  }
}

/** DELETE /v2/stores/{store}/{image} naming a store that is not configured (Glance: 409). */
export class StoreNotAvailable extends HTTPConflict {
  constructor(storeId: string) {
    super(`The selected store ${storeId} is not available on this node.`);
  }
}

/** A copy whose bytes differ (size or md5) from the image's: the source data is damaged. */
export class StoreDataMismatch extends HTTPConflict {
  constructor(imageId: string, storeId: string) {
    super(`Image ${imageId} data copied to store ${storeId} does not match its size or checksum`);
  }
}

/** No store holding the image could open its data (Glance: the backend is unavailable, 503). */
export class StoreReadFailed extends ServiceUnavailable {
  constructor(imageId: string) {
    super(`Image ${imageId} data could not be read from any store holding it`);
  }
}
