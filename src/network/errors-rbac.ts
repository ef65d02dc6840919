import { BadRequest, Conflict, NotFound } from "../lib/errors.ts";

/** Neutron's RBAC errors (the class name is the wire `type`, the message Neutron's text). */

/** Neutron names the type it found; a policy the caller cannot see is found in no table: "unknown". */
export class RbacPolicyNotFound extends NotFound {
  constructor(id: string, objectType = "unknown") {
    super(`RBAC policy of type ${objectType} with ID ${id} not found`);
  }
}

export class DuplicateRbacPolicy extends Conflict {
  constructor() {
    super("An RBAC policy already exists with those values.");
  }
}

/** `details` is the reason the dependent check gave (Neutron appends it after a newline). */
export class RbacPolicyInUse extends Conflict {
  constructor(objectId: string, details: string) {
    super(
      `RBAC policy on object ${objectId} cannot be removed because other objects depend on it.\nDetails: ${details}`,
    );
  }
}

/** Neutron prints the valid actions as a Python tuple. */
export class InvalidActionForType extends BadRequest {
  constructor(action: string, objectType: string, valid: readonly string[]) {
    super(
      `Invalid action '${action}' for object type '${objectType}'. Valid actions: (${valid.map((a) => `'${a}'`).join(", ")})`,
    );
  }
}

/** Taking sharing away from a network that other projects still use. */
export class InvalidSharedSetting extends Conflict {
  constructor(network: string) {
    super(`Unable to reconfigure sharing settings for network ${network}. Multiple tenants are using it.`);
  }
}
