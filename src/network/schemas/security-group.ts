import { toBoolean, toInteger, validString, validUuid, type AttributeMap } from "../../lib/attributes.ts";
import { SecurityGroupDefaultAlreadyExists } from "../errors-security.ts";
import { standardAttributes } from "./standard.ts";

/**
 * Neutron's name_not_default: only the project's own default group (made by Stratus, never through
 * the API) may be called "default", in any case; naming another one so is a 409, on create and update.
 */
function nameNotDefault(value: unknown): string | undefined {
  const reason = validString(255)(value);
  if (reason === undefined && (value as string).toLowerCase() === "default")
    throw new SecurityGroupDefaultAlreadyExists();
  return reason;
}

/** POST/PUT /v2.0/security-groups (security-group, stateful-security-group). */
export const securityGroupAttributes: AttributeMap = {
  ...standardAttributes,
  name: { ...standardAttributes.name, validate: nameNotDefault } as AttributeMap[string],
  stateful: {
    allow_post: true,
    allow_put: true,
    default: true,
    convert: toBoolean,
    is_visible: true,
    is_filter: true,
    column: "stateful",
  },
  security_group_rules: { allow_post: false, allow_put: false, is_visible: true },
  shared: { allow_post: false, allow_put: false, is_visible: true },
};

const oneOf =
  (...values: string[]) =>
  (value: unknown): string | undefined =>
    values.includes(value as string)
      ? undefined
      : `${typeof value === "string" ? value : JSON.stringify(value)} is not in valid_values`;

const optionalInteger = (value: unknown) => (value === null ? null : toInteger(value));
const nullableText = (max: number) => (value: unknown) =>
  value === null ? undefined : validString(max)(value);

/** POST /v2.0/security-group-rules; rules are never updated, only created and deleted. */
export const securityGroupRuleAttributes: AttributeMap = {
  ...standardAttributes,
  name: { allow_post: false, allow_put: false, is_visible: false },
  description: {
    ...standardAttributes.description,
    // A rule made through the API without one says "" (the default group's own rules say null).
    default: "",
    validate: nullableText(255),
  } as AttributeMap[string],
  security_group_id: {
    allow_post: true,
    allow_put: false,
    validate: validString(36),
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "security_group_id",
  },
  direction: {
    allow_post: true,
    allow_put: false,
    validate: oneOf("ingress", "egress"),
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "direction",
  },
  ethertype: {
    allow_post: true,
    allow_put: false,
    default: "IPv4",
    validate: oneOf("IPv4", "IPv6"),
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "ethertype",
  },
  protocol: {
    allow_post: true,
    allow_put: false,
    default: null,
    convert: (v) =>
      v === null || v === "any"
        ? null
        : typeof v === "number"
          ? String(v)
          : typeof v === "string"
            ? v.toLowerCase()
            : v,
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "protocol",
  },
  port_range_min: {
    allow_post: true,
    allow_put: false,
    default: null,
    convert: optionalInteger,
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "port_range_min",
  },
  port_range_max: {
    allow_post: true,
    allow_put: false,
    default: null,
    convert: optionalInteger,
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "port_range_max",
  },
  remote_ip_prefix: {
    allow_post: true,
    allow_put: false,
    default: null,
    validate: nullableText(64),
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "remote_ip_prefix",
  },
  remote_group_id: {
    allow_post: true,
    allow_put: false,
    default: null,
    validate: (v) => (v === null ? undefined : validUuid(v) === undefined ? undefined : nullableText(36)(v)),
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "remote_group_id",
  },
  remote_address_group_id: { allow_post: false, allow_put: false, is_visible: true },
  normalized_cidr: { allow_post: false, allow_put: false, is_visible: true },
};
