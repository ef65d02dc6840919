import { randomUUID } from "node:crypto";

/** Keystone-style id: a UUID4 as 32 hex digits. */
export function hexId(): string {
  return randomUUID().replaceAll("-", "");
}

/** Neutron/Glance-style id: a dashed UUID4. */
export function uuid(): string {
  return randomUUID();
}

/** The request id OpenStack services return in x-openstack-request-id. */
export function requestId(): string {
  return `req-${randomUUID()}`;
}
