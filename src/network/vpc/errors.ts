import { BadRequest, Conflict, NotFound } from "../../lib/errors.ts";

/** VPC and route table errors; the class name is the wire type, as in neutron-lib. */

export class VpcNotFound extends NotFound {
  constructor(id: string) {
    super(`VPC ${id} could not be found`);
  }
}

export class RouteTableNotFound extends NotFound {
  constructor(id: string) {
    super(`Route table ${id} could not be found`);
  }
}

/** What still lives in a VPC about to be deleted. */
export class VpcInUse extends Conflict {
  constructor(id: string, what: string, ids: readonly string[]) {
    super(`VPC ${id} still has ${what} ${ids.join(", ")}`);
  }
}

export class VpcCidrInUse extends Conflict {
  constructor(id: string, cidr: string, reason: string) {
    super(`CIDR ${cidr} of VPC ${id} cannot be removed: ${reason}`);
  }
}

/** A subnet (or port) that does not fit the VPC's CIDRs, zones or membership. */
export class InvalidVpcSubnet extends BadRequest {}

export class InvalidVpcCidr extends BadRequest {}

export class InvalidRouteTableRoutes extends BadRequest {}

export class RouteTableInUse extends Conflict {}

/** The router, security group and main route table go with their VPC, never alone. */
export class VpcResourceInUse extends Conflict {
  constructor(kind: string, id: string, vpcId: string) {
    super(`${kind} ${id} belongs to VPC ${vpcId}; delete the VPC instead`);
  }
}
