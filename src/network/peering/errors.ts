import { BadRequest, Conflict, NotFound } from "../../lib/errors.ts";

/** VPC peering errors; the class name is the wire type, as in neutron-lib. */

export class VpcPeeringNotFound extends NotFound {
  constructor(id: string) {
    super(`VPC peering ${id} could not be found`);
  }
}

/** Peering a VPC with itself, or a malformed side. */
export class InvalidVpcPeering extends BadRequest {}

/** Peered VPCs route to each other's CIDRs: no address may mean two places. */
export class VpcPeeringCidrOverlap extends Conflict {
  constructor(requestVpc: string, requestCidr: string, acceptVpc: string, acceptCidr: string) {
    super(
      `CIDR ${requestCidr} of VPC ${requestVpc} overlaps with CIDR ${acceptCidr} of VPC ${acceptVpc}: overlapping VPCs cannot be peered`,
    );
  }
}

export class VpcPeeringExists extends Conflict {
  constructor(a: string, b: string, existing: string, status: string) {
    super(`VPCs ${a} and ${b} are already peered by VPC peering ${existing} (${status})`);
  }
}

/** accept/reject of a peering that no longer waits for an answer. */
export class VpcPeeringNotPending extends Conflict {
  constructor(id: string, status: string) {
    super(`VPC peering ${id} is ${status}, not PENDING_ACCEPTANCE`);
  }
}

export class VpcPeeringInUse extends Conflict {
  constructor(id: string, tables: readonly string[]) {
    super(`VPC peering ${id} is the next hop of routes in route tables ${tables.join(", ")}`);
  }
}

/** The link-local block for transit addresses is used up. */
export class VpcPeeringTransitExhausted extends Conflict {
  constructor() {
    super("No transit address is left for a new VPC peering");
  }
}
