import {
  toInteger,
  validRange,
  validString,
  validUuid,
  validUuidOrNull,
  type AttributeMap,
} from "../../lib/attributes.ts";
import { qosPolicyIdAttribute } from "./qos.ts";
import { standardAttributes } from "./standard.ts";
import { validIpAddress } from "./subnet.ts";

/** Floating IPs have the standard attributes but no name. */
const standard = Object.fromEntries(Object.entries(standardAttributes).filter(([key]) => key !== "name"));

const validIpOrNull = (value: unknown) => (value === null ? undefined : validIpAddress(value));

const filterable = (column: string) => ({ is_filter: true, is_sort_key: true, column });

/** POST/PUT /v2.0/floatingips (router's floatingip, standard attributes but no name). */
export const floatingIpAttributes: AttributeMap = {
  ...standard,
  floating_network_id: {
    allow_post: true,
    allow_put: false,
    validate: validUuid,
    is_visible: true,
    ...filterable("floating_network_id"),
  },
  floating_ip_address: {
    allow_post: true,
    allow_put: false,
    default: null,
    validate: validIpOrNull,
    is_visible: true,
    ...filterable("floating_ip_address"),
  },
  subnet_id: {
    allow_post: true,
    allow_put: false,
    default: null,
    validate: validUuidOrNull,
    is_visible: false,
  },
  port_id: {
    allow_post: true,
    allow_put: true,
    default: null,
    validate: validUuidOrNull,
    is_visible: true,
    ...filterable("port_id"),
  },
  fixed_ip_address: {
    allow_post: true,
    allow_put: true,
    default: null,
    validate: validIpOrNull,
    is_visible: true,
    ...filterable("fixed_ip_address"),
  },
  router_id: { allow_post: false, allow_put: false, is_visible: true, ...filterable("router_id") },
  status: { allow_post: false, allow_put: false, is_visible: true, ...filterable("status") },
  qos_policy_id: qosPolicyIdAttribute,
};

const PROTOCOLS = ["tcp", "udp", "udplite", "sctp"];
const port = (column: string) => ({
  allow_post: true,
  allow_put: true,
  convert: toInteger,
  validate: validRange(1, 65535),
  is_visible: true,
  ...filterable(column),
});

/** POST/PUT /v2.0/floatingips/{id}/port_forwardings [floating-ip-port-forwarding]. */
export const portForwardingAttributes: AttributeMap = {
  id: { allow_post: false, allow_put: false, is_visible: true, ...filterable("id") },
  external_port: port("external_port"),
  internal_port: port("internal_port"),
  internal_ip_address: {
    allow_post: true,
    allow_put: true,
    validate: validIpAddress,
    is_visible: true,
    ...filterable("internal_ip_address"),
  },
  internal_port_id: {
    allow_post: true,
    allow_put: true,
    validate: validUuid,
    is_visible: true,
    ...filterable("internal_port_id"),
  },
  protocol: {
    allow_post: true,
    allow_put: true,
    validate: (v) => (PROTOCOLS.includes(v as string) ? undefined : `${String(v)} is not in valid_values`),
    is_visible: true,
    ...filterable("protocol"),
  },
  description: {
    allow_post: true,
    allow_put: true,
    default: "",
    validate: validString(255),
    is_visible: true,
    ...filterable("description"),
  },
};
