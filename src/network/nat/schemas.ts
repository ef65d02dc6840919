import {
  toInteger,
  validRange,
  validUuid,
  validUuidOrNull,
  type AttributeMap,
} from "../../lib/attributes.ts";
import { booleanAttribute, standardAttributes } from "../schemas/standard.ts";
import { pyStr, validIpAddress } from "../schemas/subnet.ts";
import { validSubnet } from "../schemas/subnetpool.ts";

/** The NAT gateway contract [nat-gateway], after Huawei's NAT gateway API (Neutron-styled). */

export const NAT_SPECS = ["1", "2", "3", "4"] as const;
export const DNAT_PROTOCOLS = ["tcp", "udp", "any"] as const;

const column = (name: string) => ({ is_filter: true, is_sort_key: true, column: name });
const readOnly = (name: string) => ({
  allow_post: false,
  allow_put: false,
  is_visible: true,
  ...column(name),
});
const createOnly = (name: string, extra: object) => ({
  allow_post: true,
  allow_put: false,
  is_visible: true,
  ...column(name),
  ...extra,
});

const oneOf =
  (values: readonly unknown[]) =>
  (value: unknown): string | undefined =>
    values.includes(value) ? undefined : `${pyStr(value)} is not in valid_values`;

const nullOr = (validate: (value: unknown) => string | undefined) => (value: unknown) =>
  value === null ? undefined : validate(value);

/** /v2.0/nat-gateways: router_id, or vpc_id (its router is taken). */
export const natGatewayAttributes: AttributeMap = {
  ...standardAttributes,
  router_id: createOnly("router_id", { default: null, validate: validUuidOrNull }),
  vpc_id: { allow_post: true, allow_put: false, default: null, validate: validUuidOrNull, is_visible: true },
  spec: {
    allow_post: true,
    allow_put: true,
    default: "1",
    convert: (value: unknown) => (typeof value === "number" ? String(value) : value),
    validate: oneOf(NAT_SPECS),
    is_visible: true,
    ...column("spec"),
  },
  admin_state_up: booleanAttribute("admin_state_up", true),
  status: readOnly("status"),
};

/** /v2.0/snat-rules: a source (network_id or cidr) and a target (floating_ip_id or service_network_id). */
export const snatRuleAttributes: AttributeMap = {
  ...standardAttributes,
  nat_gateway_id: createOnly("nat_gateway_id", { validate: validUuid }),
  floating_ip_id: createOnly("floating_ip_id", { default: null, validate: validUuidOrNull }),
  floating_ip_address: { allow_post: false, allow_put: false, is_visible: true },
  service_network_id: createOnly("service_network_id", { default: null, validate: validUuidOrNull }),
  network_id: createOnly("network_id", { default: null, validate: validUuidOrNull }),
  cidr: createOnly("cidr", { default: null, validate: nullOr(validSubnet) }),
  admin_state_up: booleanAttribute("admin_state_up", true),
  status: readOnly("status"),
};

/** /v2.0/dnat-rules: a floating IP's (protocol, external port) forwarded to a port or address. */
export const dnatRuleAttributes: AttributeMap = {
  ...standardAttributes,
  nat_gateway_id: createOnly("nat_gateway_id", { validate: validUuid }),
  floating_ip_id: createOnly("floating_ip_id", { validate: validUuid }),
  floating_ip_address: { allow_post: false, allow_put: false, is_visible: true },
  port_id: createOnly("port_id", { default: null, validate: validUuidOrNull }),
  private_ip: createOnly("private_ip", { default: null, validate: nullOr(validIpAddress) }),
  protocol: createOnly("protocol", {
    convert: (value: unknown) => (typeof value === "string" ? value.toLowerCase() : value),
    validate: oneOf(DNAT_PROTOCOLS),
  }),
  internal_service_port: createOnly("internal_service_port", {
    default: 0,
    convert: toInteger,
    validate: validRange(0, 65535),
  }),
  external_service_port: createOnly("external_service_port", {
    default: 0,
    convert: toInteger,
    validate: validRange(0, 65535),
  }),
  admin_state_up: booleanAttribute("admin_state_up", true),
  status: readOnly("status"),
};
