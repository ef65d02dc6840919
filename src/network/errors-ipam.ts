import { BadRequest, Conflict, NotFound } from "../lib/errors.ts";

/** Neutron's subnet, port and IPAM errors (the class name is the wire `type`). */

export class SubnetNotFound extends NotFound {
  constructor(id: string) {
    super(`Subnet ${id} could not be found.`);
  }
}

export class PortNotFound extends NotFound {
  constructor(id: string) {
    super(`Port ${id} could not be found.`);
  }
}

export class SubnetInUse extends Conflict {
  constructor(id: string) {
    super(
      `Unable to complete operation on subnet ${id}: One or more ports have an IP allocation from this subnet.`,
    );
  }
}

export class GatewayConflictWithAllocationPools extends Conflict {
  constructor(gateway: string, pool: string) {
    super(`Gateway ip ${gateway} conflicts with allocation pool ${pool}.`);
  }
}

export class OutOfBoundsAllocationPool extends BadRequest {
  constructor(pool: string, cidr: string) {
    super(`The allocation pool ${pool} spans beyond the subnet cidr ${cidr}.`);
  }
}

export class OverlappingAllocationPools extends Conflict {
  constructor(a: string, b: string, cidr: string) {
    super(`Found overlapping allocation pools: ${a} ${b} for subnet ${cidr}.`);
  }
}

export class InvalidAllocationPool extends BadRequest {
  constructor(pool: string) {
    super(`The allocation pool ${pool} is not valid.`);
  }
}

/** A gateway IPAM cannot hand out, such as a /31's default gateway, its broadcast address. */
export class IpamValueInvalid extends Conflict {
  constructor(gateway: string, cidr: string) {
    super(`Gateway IP ${gateway} cannot be allocated in CIDR ${cidr}`);
  }
}

export class IpAddressGenerationFailure extends Conflict {
  constructor(networkId: string) {
    super(`No more IP addresses available on network ${networkId}.`);
  }
}

export class IpAddressAlreadyAllocated extends Conflict {
  constructor(ip: string, subnetId: string) {
    super(`IP address ${ip} already allocated in subnet ${subnetId}`);
  }
}

export class InvalidIpForSubnet extends BadRequest {
  constructor(ip: string) {
    super(`IP address ${ip} is not a valid IP for the specified subnet.`);
  }
}

export class AllocationOnAutoAddressSubnet extends BadRequest {
  constructor(ip: string, subnetId: string) {
    super(
      `IPv6 address ${ip} cannot be directly assigned to a port on subnet ${subnetId} as the subnet is configured for automatic addresses`,
    );
  }
}

export class InvalidIpForNetwork extends BadRequest {
  constructor(ip: string) {
    super(`IP address ${ip} is not a valid IP for any of the subnets on the specified network.`);
  }
}

export class MacAddressInUse extends Conflict {
  constructor(mac: string, networkId: string) {
    super(`Unable to complete operation for network ${networkId}. The mac address ${mac} is in use.`);
  }
}

export class PortInUse extends Conflict {
  constructor(networkId: string, portId: string, deviceId: string) {
    super(
      `Unable to complete operation on port ${portId} for network ${networkId}. Port already has an attached device ${deviceId}.`,
    );
  }
}
