import { BadRequest, Conflict, NotFound } from "../../lib/errors.ts";

/**
 * Neutron FWaaS v2's errors (neutron-lib exceptions/firewall_v2.py): the class name is the wire
 * `type`, the message Neutron's text. Its InvalidInput subclasses carry their own message (no
 * "Invalid input for operation:" prefix), hence BadRequest here.
 */

/** Python's repr() of a list of ids, as Neutron formats `%(port_ids)s`. */
const pyList = (ids: readonly string[]) => `[${ids.map((id) => `'${id}'`).join(", ")}]`;

export class FirewallGroupNotFound extends NotFound {
  constructor(id: string) {
    super(`Firewall group ${id} could not be found.`);
  }
}

/** Deleting a group still bound to ports (Neutron's plugin: "if fwg['ports']"). */
export class FirewallGroupInUse extends Conflict {
  constructor(id: string) {
    super(`Firewall group ${id} is still active.`);
  }
}

export class FirewallGroupPortInvalid extends Conflict {
  constructor(portId: string) {
    super(`Port ${portId} of firewall group is invalid.`);
  }
}

export class FirewallGroupPortInvalidProject extends Conflict {
  constructor(portId: string, projectId: string) {
    super(`Operation cannot be performed as port ${portId} is in an invalid project ${projectId}.`);
  }
}

export class FirewallGroupPortInUse extends Conflict {
  constructor(portIds: readonly string[]) {
    super(`Port(s) ${pyList(portIds)} provided already associated with other firewall group(s).`);
  }
}

export class FirewallPolicyNotFound extends NotFound {
  constructor(id: string) {
    super(`Firewall policy ${id} could not be found.`);
  }
}

export class FirewallPolicyInUse extends Conflict {
  constructor(id: string) {
    super(`Firewall policy ${id} is being used.`);
  }
}

/** Another project's unshared policy named by a group (a 404 class in neutron-lib). */
export class FirewallPolicyConflict extends NotFound {
  constructor(id: string) {
    super(
      `Operation cannot be performed since firewall policy ${id} for your project could not be found. ` +
        "Please confirm if the firewall policy exists and is shared.",
    );
  }
}

/** A shared policy given an unshared rule (a 404 class in neutron-lib). */
export class FirewallRuleSharingConflict extends NotFound {
  constructor(policyId: string, ruleId: string) {
    super(
      `Operation cannot be performed since firewall policy ${policyId} could not find the firewall rule ` +
        `${ruleId}. Please confirm if the firewall rule exists and is shared.`,
    );
  }
}

/** Sharing a policy whose rules are not all shared. */
export class FirewallPolicySharingConflict extends Conflict {
  constructor(policyId: string, ruleId: string) {
    super(
      `Operation cannot be performed. Before sharing firewall policy ${policyId}, share associated ` +
        `firewall rule ${ruleId}.`,
    );
  }
}

export class FirewallRuleNotFound extends NotFound {
  constructor(id: string) {
    super(`Firewall rule ${id} could not be found.`);
  }
}

export class FirewallRuleInUse extends Conflict {
  constructor(id: string) {
    super(`Firewall rule ${id} is being used.`);
  }
}

export class FirewallRuleNotAssociatedWithPolicy extends BadRequest {
  constructor(ruleId: string, policyId: string) {
    super(`Firewall rule ${ruleId} is not associated with firewall policy ${policyId}.`);
  }
}

/** Ports with a protocol other than tcp/udp (Neutron's wording names ICMP whatever it is). */
export class FirewallRuleInvalidICMPParameter extends BadRequest {
  constructor(param: string) {
    super(`${param} are not allowed when protocol is set to ICMP.`);
  }
}

export class FirewallRuleWithPortWithoutProtocolInvalid extends BadRequest {
  constructor() {
    super("Source/destination port requires a protocol.");
  }
}

export class FirewallRuleInfoMissing extends BadRequest {
  constructor() {
    super("Missing rule info argument for insert/remove rule operation.");
  }
}

export class FirewallIpAddressConflict extends BadRequest {
  constructor() {
    super("Invalid input - IP addresses do not agree with IP Version.");
  }
}

/** Another project's unshared rule put in a policy (only an admin can name one). */
export class FirewallRuleConflict extends Conflict {
  constructor(ruleId: string, projectId: string) {
    super(
      `Operation cannot be performed since firewall rule ${ruleId} is not shared and belongs to ` +
        `another project ${projectId}.`,
    );
  }
}

export class FirewallRuleAlreadyAssociated extends Conflict {
  constructor(ruleId: string, policyId: string) {
    super(
      `Operation cannot be performed since firewall rule ${ruleId} is already associated with firewall ` +
        `policy ${policyId}.`,
    );
  }
}
