import { BadRequest, Conflict, NotFound } from "../../lib/errors.ts";

/** Bandwidth errors; the class name is the wire type, as in neutron-lib. */

export class BandwidthNotFound extends NotFound {
  constructor(id: string) {
    super(`Bandwidth ${id} could not be found`);
  }
}

/** A malformed publicip_info, a PER bandwidth without exactly one floating IP, insert into a PER one. */
export class InvalidBandwidth extends BadRequest {}

/** A floating IP is metered by one bandwidth at most. */
export class FloatingIPInBandwidth extends Conflict {
  constructor(fipId: string, bandwidthId: string) {
    super(`Floating IP ${fipId} is already in bandwidth ${bandwidthId}`);
  }
}

export class FloatingIPNotInBandwidth extends BadRequest {
  constructor(fipId: string, bandwidthId: string) {
    super(`Floating IP ${fipId} is not in bandwidth ${bandwidthId}`);
  }
}

/** A shared pool still metering floating IPs cannot go: remove them first. */
export class BandwidthInUse extends Conflict {
  constructor(id: string, fipIds: readonly string[]) {
    super(`Bandwidth ${id} is in use by floating IPs ${fipIds.join(", ")}: remove them first`);
  }
}
