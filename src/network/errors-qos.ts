import { Conflict, Forbidden, NotFound } from "../lib/errors.ts";

/** Neutron's QoS errors (neutron-lib's exceptions/qos.py: the class name is the wire `type`). */

export class QosPolicyNotFound extends NotFound {
  constructor(id: string) {
    super(`QoS policy ${id} could not be found.`);
  }
}

export class QosRuleNotFound extends NotFound {
  constructor(ruleId: string, policyId: string) {
    super(`QoS rule ${ruleId} for policy ${policyId} could not be found.`);
  }
}

/** `objectType` is Neutron's binding name: port, network, fip or router. */
export class QosPolicyInUse extends Conflict {
  constructor(policyId: string, objectType: string, objectId: string) {
    super(`QoS Policy ${policyId} is used by ${objectType} ${objectId}.`);
  }
}

/** A second bandwidth limit in one direction, or a second DSCP mark, in one policy. */
export class QoSRulesConflict extends Conflict {
  constructor(newRuleType: string, ruleId: string, policyId: string) {
    super(
      `Rule ${newRuleType} conflicts with rule ${ruleId} which already exists in QoS Policy ${policyId}.`,
    );
  }
}

/** Changing or clearing a policy the caller cannot see (an admin's, on its port or network). */
export class PolicyRemoveAuthorizationError extends Forbidden {
  constructor(policyId: string) {
    super(`Failed to remove provided policy ${policyId} because you are not authorized.`);
  }
}
