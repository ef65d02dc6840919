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
  constructor(tag: string) {
    super(`Tag ${tag} could not be found.`);
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

export class VlanIdInUse extends Conflict {
  constructor(id: number, physnet: string) {
    super(`Unable to create the network. The VLAN ${id} on physical network ${physnet} is in use.`);
  }
}

/** Neutron's word for a taken vxlan VNI or geneve id. */
export class TunnelIdInUse extends Conflict {
  constructor(id: number) {
    super(`Unable to create the network. The tunnel ID ${id} is in use.`);
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

/**
 * `rule` is an action ("update_network") or an action's attribute rule
 * ("create_network:provider:network_type"). Neutron names the check that failed: the action alone
 * ("rule:update_network is disallowed by policy"), or the action and the attribute rule it is
 * checked with, nested per level for the sub-attributes of fixed_ips.
 */
export class PolicyNotAuthorized extends Forbidden {
  /** `check` is the whole failed check when the caller builds it (dict sub-attributes). */
  constructor(rule: string, check = policyCheck(rule)) {
    super(`${check} is disallowed by policy`);
  }
}

function policyCheck(rule: string): string {
  const colon = rule.indexOf(":");
  if (colon < 0) return `rule:${rule}`;
  const action = rule.slice(0, colon);
  const attribute = rule.slice(colon + 1);
  if (attribute.startsWith("fixed_ips:"))
    return `(rule:${action} and (rule:${action}:fixed_ips and (rule:${rule})))`;
  return `(rule:${action} and rule:${rule})`;
}

export class RevisionNumberConstraintFailed extends PreconditionFailed {
  constructor(expected: number, current: number) {
    super(`Constrained to ${expected}, but current revision is ${current}`);
  }
}
