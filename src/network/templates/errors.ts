import { BadRequest, Conflict, Forbidden, NotFound } from "../../lib/errors.ts";

/** Network template errors; the class name is the wire type, as in neutron-lib. */

export class NetworkTemplateNotFound extends NotFound {
  constructor(id: string) {
    super(`Network template ${id} could not be found.`);
  }
}

export class NetworkTemplateInstanceNotFound extends NotFound {
  constructor(id: string) {
    super(`Network template instance ${id} could not be found.`);
  }
}

/** The shipped examples belong to the cloud: nobody, not even an admin, changes or deletes them. */
export class NetworkTemplateReadOnly extends Forbidden {
  constructor(id: string) {
    super(`Network template ${id} is shipped with the cloud and cannot be changed or deleted.`);
  }
}

export class NetworkTemplateInUse extends Conflict {
  constructor(id: string, instances: readonly string[]) {
    super(`Network template ${id} still has instances ${instances.join(", ")}.`);
  }
}

/** An instance whose resources something else now uses (a VM port on its subnet...). */
export class NetworkTemplateInstanceInUse extends Conflict {
  constructor(id: string, reason: string) {
    super(`Network template instance ${id} cannot be deleted: ${reason}.`);
  }
}

/** A template (or an instantiation's parameters) that does not hold: the message names the bad item. */
export class InvalidNetworkTemplate extends BadRequest {
  constructor(path: string, reason: string) {
    super(`Invalid network template: ${path}: ${reason}`);
  }
}
