import { Conflict, NotFound } from "../../lib/errors.ts";

/** The topology's errors, Neutron style: the class name is the wire `type`. */

export class SdnZoneNotFound extends NotFound {
  constructor(id: string) {
    super(`SDN zone ${id} could not be found.`);
  }
}

export class SdnHostNotFound extends NotFound {
  constructor(id: string) {
    super(`SDN host ${id} could not be found.`);
  }
}

export class SdnDeviceNotFound extends NotFound {
  constructor(id: string) {
    super(`SDN device ${id} could not be found.`);
  }
}

export class SdnLinkNotFound extends NotFound {
  constructor(id: string) {
    super(`SDN link ${id} could not be found.`);
  }
}

/** A link endpoint that does not exist: names the side and the kind. */
export class SdnLinkEndpointNotFound extends NotFound {
  constructor(side: "a" | "b", kind: string, id: string) {
    super(`Link endpoint ${side}: SDN ${kind} ${id} could not be found.`);
  }
}

export class SdnNameInUse extends Conflict {
  constructor(resource: string, name: string) {
    super(`An SDN ${resource} named ${name} already exists.`);
  }
}

export class SdnZoneInUse extends Conflict {
  constructor(id: string, hosts: number, devices: number) {
    super(`SDN zone ${id} is in use by ${hosts} host(s) and ${devices} device(s).`);
  }
}

/** A VLAN range, VNI range or IP pool that another zone already holds. */
export class SdnZoneRangeOverlap extends Conflict {
  constructor(what: string, mine: string, other: string, zone: string) {
    super(`The ${what} ${mine} overlaps ${other} of SDN zone ${zone}.`);
  }
}

export class SdnLinkExists extends Conflict {
  constructor(id: string) {
    super(`SDN link ${id} already connects these endpoints.`);
  }
}
