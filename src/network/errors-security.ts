import { BadRequest, Conflict, NotFound } from "../lib/errors.ts";

/** Neutron's security group errors (the class name is the wire `type`). */

export class SecurityGroupNotFound extends NotFound {
  constructor(id: string) {
    super(`Security group ${id} does not exist`);
  }
}

export class SecurityGroupRuleNotFound extends NotFound {
  constructor(id: string) {
    super(`Security group rule ${id} does not exist`);
  }
}

export class SecurityGroupInUse extends Conflict {
  constructor(id: string) {
    super(`Security Group ${id} in use.`);
  }
}

export class SecurityGroupCannotRemoveDefault extends Conflict {
  constructor() {
    super("Insufficient rights for removing default security group.");
  }
}

export class SecurityGroupDefaultAlreadyExists extends Conflict {
  constructor() {
    super("Default security group already exists.");
  }
}

export class SecurityGroupCannotUpdateDefault extends Conflict {
  constructor() {
    super("Updating default security group not allowed.");
  }
}

export class SecurityGroupRuleExists extends Conflict {
  constructor(id: string) {
    super(`Security group rule already exists. Rule id is ${id}.`);
  }
}

export class SecurityGroupInvalidPortRange extends BadRequest {
  constructor() {
    super("For TCP/UDP protocols, port_range_min must be <= port_range_max");
  }
}

export class SecurityGroupInvalidPortValue extends BadRequest {
  constructor(port: number) {
    super(`Invalid value for port ${port}`);
  }
}

export class SecurityGroupInvalidIcmpValue extends BadRequest {
  constructor(field: string, attr: string, value: number) {
    super(`Invalid value for ICMP ${field} (${attr}) ${value}. It must be 0 to 255.`);
  }
}

export class SecurityGroupMissingIcmpType extends BadRequest {
  constructor(code: number) {
    super(`ICMP code (port-range-max) ${code} is provided but ICMP type (port-range-min) is missing.`);
  }
}

export class SecurityGroupProtocolRequiredWithPorts extends BadRequest {
  constructor() {
    super("Must also specify protocol if port range is given.");
  }
}

export class SecurityGroupRuleInvalidProtocol extends BadRequest {
  constructor(protocol: string, allowed: readonly string[]) {
    super(
      `Security group rule protocol ${protocol} not supported. Only protocol values [None, ${allowed.map((p) => `'${p}'`).join(", ")}] and integer representations [0 to 255] are supported.`,
    );
  }
}

export class SecurityGroupRuleParameterConflict extends BadRequest {
  constructor(ethertype: string, cidr: string) {
    super(`Conflicting value ethertype ${ethertype} for CIDR ${cidr}`);
  }
}

/** "Entites" is Neutron's spelling, kept: it is the wire type. */
export class SecurityGroupMultipleRemoteEntites extends BadRequest {
  constructor() {
    super("Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.");
  }
}

export class PortSecurityAndIPRequiredForSecurityGroups extends BadRequest {
  constructor() {
    super("Port security must be enabled and port must have an IP address in order to use security groups.");
  }
}

export class AddressPairAndPortSecurityRequired extends Conflict {
  constructor() {
    super("Port Security must be enabled in order to have allowed address pairs on a port.");
  }
}
