import { Conflict, Forbidden, NotFound, PreconditionFailed, ServiceUnavailable } from "../lib/errors.ts";

/** Neutron's error catalog: the class name is the wire `type`, the message Neutron's text. */

export class HTTPNotFound extends NotFound {
  constructor() {
    super("The resource could not be found.");
  }
}

export class NetworkNotFound extends NotFound {
  constructor(id: string) {
    super(`Network ${id} could not be found.`);
  }
}

export class TagNotFound extends NotFound {
  constructor(resource: string, id: string, tag: string) {
    super(`Tag ${tag} could not be found for ${resource} ${id}.`);
  }
}

export class NetworkInUse extends Conflict {
  constructor(id: string, portIds: readonly string[]) {
    super(
      `Unable to complete operation on network ${id}. There are one or more ports still in use on the network, ` +
        `id for these ports is: ${portIds.join(",")}.`,
    );
  }
}

export class SegmentationIdInUse extends Conflict {
  constructor(type: string, id: number, physnet: string | null) {
    super(
      physnet
        ? `Unable to create the network. The ${type.toUpperCase()} ${id} on physical network ${physnet} is in use.`
        : `Unable to create the network. The ${type} ${id} is in use.`,
    );
  }
}

export class FlatNetworkInUse extends Conflict {
  constructor(physnet: string) {
    super(`Unable to create the flat network. Physical network ${physnet} is in use.`);
  }
}

export class NoNetworkAvailable extends ServiceUnavailable {
  constructor() {
    super("Unable to create the network. No tenant network is available for allocation.");
  }
}

export class PolicyNotAuthorized extends Forbidden {
  constructor(action: string) {
    super(`(rule:${action}) is disallowed by policy`);
  }
}

export class RevisionNumberConstraintFailed extends PreconditionFailed {
  constructor(expected: number, current: number) {
    super(`Constrained to ${expected}, but current revision is ${current}`);
  }
}
