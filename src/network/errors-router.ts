import { BadRequest as HttpBadRequest, Conflict, NotFound } from "../lib/errors.ts";

/** Neutron's L3 errors (neutron-lib exceptions/l3.py and friends; the class name is the wire type). */

/** neutron-lib's BadRequest(resource, msg): "Bad <resource> request: <msg>." */
export class BadRequest extends HttpBadRequest {
  constructor(resource: string, message: string) {
    super(`Bad ${resource} request: ${message}.`);
  }
}

export class RouterNotFound extends NotFound {
  constructor(id: string) {
    super(`Router ${id} could not be found`);
  }
}

export class RouterInUse extends Conflict {
  constructor(id: string, portIds: readonly string[]) {
    super(`Router ${id} has ports still attached: ${portIds.join(", ")}`);
  }
}

export class RouterInterfaceNotFound extends NotFound {
  constructor(routerId: string, portId: string) {
    super(`Router ${routerId} does not have an interface with id ${portId}`);
  }
}

export class RouterInterfaceNotFoundForSubnet extends NotFound {
  constructor(routerId: string, subnetId: string) {
    super(`Router ${routerId} has no interface on subnet ${subnetId}`);
  }
}

export class RouterInterfaceInUseByFloatingIP extends Conflict {
  constructor(routerId: string, subnetId: string) {
    super(
      `Router interface for subnet ${subnetId} on router ${routerId} cannot be deleted, as it is required by one or more floating IPs.`,
    );
  }
}

export class RouterInterfaceInUseByRoute extends Conflict {
  constructor(routerId: string, subnetId: string) {
    super(
      `Router interface for subnet ${subnetId} on router ${routerId} cannot be deleted, as it is required by one or more routes.`,
    );
  }
}

export class RouterExternalGatewayInUseByFloatingIp extends Conflict {
  constructor(routerId: string, networkId: string) {
    super(
      `Gateway cannot be updated for router ${routerId}, since a gateway to external network ${networkId} is required by one or more floating IPs.`,
    );
  }
}

export class InvalidRoutes extends HttpBadRequest {
  constructor(routes: string, reason: string) {
    super(`Invalid format for routes: ${routes}, ${reason}`);
  }
}

export class RoutesExhausted extends HttpBadRequest {
  constructor(routerId: string, max: number) {
    super(`Unable to complete operation for ${routerId}. The number of routes exceeds the maximum ${max}.`);
  }
}

export class ServicePortInUse extends Conflict {
  constructor(portId: string, reason: string) {
    super(`Port ${portId} cannot be deleted directly via the port API: ${reason}.`);
  }
}

export class FloatingIPNotFound extends NotFound {
  constructor(id: string) {
    super(`Floating IP ${id} could not be found`);
  }
}

export class ExternalGatewayForFloatingIPNotFound extends NotFound {
  constructor(networkId: string, subnetId: string, portId: string) {
    super(
      `External network ${networkId} is not reachable from subnet ${subnetId}.  Therefore, cannot associate Port ${portId} with a Floating IP.`,
    );
  }
}

export class FloatingIPPortAlreadyAssociated extends Conflict {
  constructor(fip: { id: string; address: string }, portId: string, fixedIp: string, networkId: string) {
    super(
      `Cannot associate floating IP ${fip.address} (${fip.id}) with port ${portId} using fixed IP ${fixedIp}, as that fixed IP already has a floating IP on external network ${networkId}.`,
    );
  }
}

export class PortForwardingNotFound extends NotFound {
  constructor(id: string) {
    super(`Port Forwarding ${id} could not be found.`);
  }
}

export class FipInUseByPortForwarding extends Conflict {
  constructor(id: string) {
    super(`Floating IP ${id} in use by Port Forwarding resources.`);
  }
}

export class PortHasBindingFloatingIP extends Conflict {
  constructor(fip: { id: string; address: string }, portId: string, fixedIp: string) {
    super(
      `Cannot create port forwarding to floating IP ${fip.address} (${fip.id}) with port ${portId} using fixed IP ${fixedIp}, as that port already has a binding floating IP.`,
    );
  }
}

export class SubnetMismatchForPort extends HttpBadRequest {
  constructor(portId: string, subnetId: string) {
    super(`Subnet on port ${portId} does not match the requested subnet ${subnetId}.`);
  }
}

export class ExternalIpAddressExhausted extends HttpBadRequest {
  constructor(networkId: string) {
    super(`Unable to find any IP address on external network ${networkId}.`);
  }
}
