import { BadRequest, Conflict, NotFound, OverQuota } from "../lib/errors.ts";

/** Neutron's subnet pool and subnet allocation errors (the class name is the wire `type`). */

export class SubnetPoolNotFound extends NotFound {
  constructor(id: string) {
    super(`Subnet pool ${id} could not be found.`);
  }
}

/** Address scopes are not implemented, so every one named is missing. */
export class AddressScopeNotFound extends NotFound {
  constructor(id: string) {
    super(`Address scope ${id} could not be found.`);
  }
}

export class EmptySubnetPoolPrefixList extends BadRequest {
  constructor() {
    super("Empty subnet pool prefix list.");
  }
}

export class PrefixVersionMismatch extends BadRequest {
  constructor() {
    super("Cannot mix IPv4 and IPv6 prefixes in a subnet pool.");
  }
}

export class IllegalSubnetPoolPrefixBounds extends BadRequest {
  constructor(type: string, prefixlen: number, baseType: string, baseLen: number) {
    super(`Illegal prefix bounds: ${type}=${prefixlen}, ${baseType}=${baseLen}.`);
  }
}

export class IllegalSubnetPoolPrefixUpdate extends BadRequest {
  constructor(reason: string) {
    super(`Illegal update to prefixes: ${reason}.`);
  }
}

/** Deleting a pool that still has subnets: Neutron's 400. */
export class SubnetPoolDeleteError extends BadRequest {
  constructor(reason: string) {
    super(`Unable to delete subnet pool: ${reason}.`);
  }
}

/** Neutron leaves this one unmapped (500); a full pool is a conflict with the state, so 409. */
export class SubnetAllocationError extends Conflict {
  constructor(reason: string) {
    super(`Failed to allocate subnet: ${reason}.`);
  }
}

export class MinPrefixSubnetAllocationError extends BadRequest {
  constructor(prefixlen: number, min: number) {
    super(`Unable to allocate subnet with prefix length ${prefixlen}, minimum allowed prefix is ${min}.`);
  }
}

export class MaxPrefixSubnetAllocationError extends BadRequest {
  constructor(prefixlen: number, max: number) {
    super(`Unable to allocate subnet with prefix length ${prefixlen}, maximum allowed prefix is ${max}.`);
  }
}

export class SubnetPoolQuotaExceeded extends OverQuota {
  constructor() {
    super("Per-tenant subnet pool prefix quota exceeded.");
  }
}

export class NetworkSubnetPoolAffinityError extends BadRequest {
  constructor() {
    super("Subnets hosted on the same network must be allocated from the same subnet pool.");
  }
}
