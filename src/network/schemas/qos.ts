import { toInteger, validRange, validUuidOrNull, type AttributeMap } from "../../lib/attributes.ts";
import { booleanAttribute, standardAttributes } from "./standard.ts";

/** neutron-lib's db_const.DB_INTEGER_MAX_VALUE: the bound of every kbps value. */
export const DB_INTEGER_MAX_VALUE = 2147483647;

/** neutron-lib's VALID_DSCP_MARKS. */
export const VALID_DSCP_MARKS = [
  0, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 46, 48, 56,
] as const;

export const VALID_DIRECTIONS = ["egress", "ingress"] as const;

/** neutron-lib's validate_values wording: "<value> is not in valid_values". */
const oneOf =
  (values: readonly unknown[]) =>
  (value: unknown): string | undefined =>
    values.includes(value)
      ? undefined
      : `${typeof value === "string" ? value : JSON.stringify(value)} is not in valid_values`;

const filterable = (column: string) => ({ is_filter: true, is_sort_key: true, column });

/** POST/PUT /v2.0/qos/policies [qos]; is_default (qos-default) is not offered. */
export const qosPolicyAttributes: AttributeMap = {
  ...standardAttributes,
  shared: { ...booleanAttribute("shared", false), is_sort_key: false },
  rules: { allow_post: false, allow_put: false, is_visible: true },
};

const kbps = (column: string, fallback?: number) => ({
  allow_post: true,
  allow_put: true,
  ...(fallback !== undefined ? { default: fallback } : {}),
  convert: toInteger,
  validate: validRange(0, DB_INTEGER_MAX_VALUE),
  is_visible: true,
  ...filterable(column),
});

const ruleId = { allow_post: false, allow_put: false, is_visible: true, ...filterable("id") };

/** .../bandwidth_limit_rules [qos, qos-bw-limit-direction]. */
export const bandwidthLimitRuleAttributes: AttributeMap = {
  id: ruleId,
  max_kbps: kbps("max_kbps"),
  max_burst_kbps: kbps("max_burst_kbps", 0),
  direction: {
    allow_post: true,
    allow_put: true,
    default: "egress",
    validate: oneOf(VALID_DIRECTIONS),
    is_visible: true,
    ...filterable("direction"),
  },
};

/** .../dscp_marking_rules [qos]. */
export const dscpMarkingRuleAttributes: AttributeMap = {
  id: ruleId,
  dscp_mark: {
    allow_post: true,
    allow_put: true,
    convert: toInteger,
    validate: oneOf(VALID_DSCP_MARKS),
    is_visible: true,
    ...filterable("dscp_mark"),
  },
};

/** qos_policy_id on ports and networks [qos] and floating IPs [qos-fip]; not a filter in Neutron. */
export const qosPolicyIdAttribute = {
  allow_post: true,
  allow_put: true,
  default: null,
  validate: validUuidOrNull,
  is_visible: true,
};
