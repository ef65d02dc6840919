import { BadRequest, Conflict, NotFound } from "../../lib/errors.ts";

/** NAT gateway errors; the class name is the wire type, as in neutron-lib. */

export class NatGatewayNotFound extends NotFound {
  constructor(id: string) {
    super(`NAT gateway ${id} could not be found`);
  }
}

export class SnatRuleNotFound extends NotFound {
  constructor(id: string) {
    super(`SNAT rule ${id} could not be found`);
  }
}

export class DnatRuleNotFound extends NotFound {
  constructor(id: string) {
    super(`DNAT rule ${id} could not be found`);
  }
}

/** A request that does not fit the gateway's router, VPC or floating IP. */
export class InvalidNatRule extends BadRequest {}

/** The router cannot carry a NAT gateway (no external gateway, already has one). */
export class NatGatewayRouterConflict extends Conflict {}

export class NatGatewayInUse extends Conflict {
  constructor(id: string, snat: readonly string[], dnat: readonly string[]) {
    const parts = [
      ...(snat.length > 0 ? [`SNAT rules ${snat.join(", ")}`] : []),
      ...(dnat.length > 0 ? [`DNAT rules ${dnat.join(", ")}`] : []),
    ];
    super(`NAT gateway ${id} still has ${parts.join(" and ")}; delete them first`);
  }
}

/** The same source twice on one gateway, or an external port already forwarded. */
export class NatRuleConflict extends Conflict {}

/** A floating IP held by NAT rules cannot be associated with a port or deleted. */
export class FloatingIpInUseByNatRules extends Conflict {
  constructor(id: string, rules: readonly string[]) {
    super(`Floating IP ${id} is used by NAT rules ${rules.join(", ")}; delete them first`);
  }
}
