import {
  validList,
  validString,
  validUuid,
  validUuidOrNull,
  type AttributeMap,
} from "../../lib/attributes.ts";
import { toBoolean } from "../../lib/attributes.ts";
import { booleanAttribute, standardAttributes } from "./standard.ts";
import { isDict, nullAsEmpty, pyStr, validHostRoutes } from "./subnet.ts";

const GATEWAY_KEYS = ["network_id", "enable_snat", "external_fixed_ips", "qos_policy_id"];

/** external_gateway_info: {network_id, enable_snat?, external_fixed_ips?, qos_policy_id?}, or null/{}. */
function validGatewayInfo(value: unknown): string | undefined {
  if (value === null) return undefined;
  if (!isDict(value)) return `'${pyStr(value)}' is not a dictionary`;
  if (Object.keys(value).length === 0) return undefined;
  const unknown = Object.keys(value).filter((key) => !GATEWAY_KEYS.includes(key));
  if (unknown.length > 0) return `Unrecognized attribute(s) '${unknown.join(", ")}'`;
  if (!("network_id" in value))
    return `Validation of dictionary's keys failed. Expected keys: {'network_id'} Provided keys: {${Object.keys(
      value,
    )
      .sort()
      .map((key) => `'${key}'`)
      .join(", ")}}`;
  const invalidNetwork = validUuid(value.network_id);
  if (invalidNetwork !== undefined) return invalidNetwork;
  const invalidPolicy = "qos_policy_id" in value ? validUuidOrNull(value.qos_policy_id) : undefined;
  if (invalidPolicy !== undefined) return invalidPolicy;
  const fixedIps = value.external_fixed_ips;
  if (fixedIps === undefined || fixedIps === null) return undefined;
  return validList((ip) => {
    if (!isDict(ip)) return `Invalid data format for fixed IP: '${pyStr(ip)}'`;
    const extra = Object.keys(ip).filter((key) => key !== "subnet_id" && key !== "ip_address");
    return extra.length > 0 ? `Unrecognized attribute(s) '${extra.join(", ")}'` : undefined;
  })(fixedIps);
}

/** enable_snat arrives as a boolean or its string forms; store it as a boolean. */
function convertGatewayInfo(value: unknown): unknown {
  if (!isDict(value) || value.enable_snat === undefined) return value;
  return { ...value, enable_snat: toBoolean(value.enable_snat) };
}

/** POST/PUT /v2.0/routers (router, ext-gw-mode, extraroute, router_availability_zone). */
export const routerAttributes: AttributeMap = {
  ...standardAttributes,
  admin_state_up: booleanAttribute("admin_state_up", true),
  status: {
    allow_post: false,
    allow_put: false,
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "status",
  },
  external_gateway_info: {
    allow_post: true,
    allow_put: true,
    default: null,
    convert: convertGatewayInfo,
    validate: validGatewayInfo,
    is_visible: true,
  },
  // extraroute: routes are set by update only, as in Neutron.
  routes: {
    allow_post: false,
    allow_put: true,
    convert: nullAsEmpty,
    validate: validHostRoutes,
    is_visible: true,
  },
  availability_zone_hints: {
    allow_post: true,
    allow_put: false,
    default: [],
    validate: validList(validString(255)),
    is_visible: true,
  },
  availability_zones: { allow_post: false, allow_put: false, is_visible: true },
};

/** The body of add_extraroutes/remove_extraroutes: {"router": {"routes": [...]}}. */
export const extraRoutesAttributes: AttributeMap = {
  routes: {
    allow_post: true,
    allow_put: true,
    convert: nullAsEmpty,
    validate: validHostRoutes,
    is_visible: true,
  },
};
