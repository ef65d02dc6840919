import {
  toBoolean,
  toInteger,
  validString,
  validUuidOrNull,
  type AttributeMap,
  type AttributeSpec,
} from "../../lib/attributes.ts";
import { formatCidr, parseCidrLoose } from "../../lib/ip.ts";
import { pyStr } from "./subnet.ts";
import { standardAttributes } from "./standard.ts";

/** neutron-lib's validate_subnet: a CIDR with a prefix; an IPv4 one without host bits. */
export function validSubnet(value: unknown): string | undefined {
  const cidr = typeof value === "string" ? parseCidrLoose(value) : undefined;
  if (cidr === undefined || typeof value !== "string") return `'${pyStr(value)}' is not a valid IP subnet`;
  if (!value.includes("/") || (cidr.version === 4 && formatCidr(cidr) !== value))
    return `'${value}' isn't a recognized IP subnet cidr, '${formatCidr(cidr)}' is recommended`;
  return undefined;
}

/** validate_subnet_list: a list, without duplicates, of valid subnets. */
const validSubnetList = (value: unknown): string | undefined => {
  if (!Array.isArray(value)) return `'${pyStr(value)}' is not a list`;
  const dups = value.filter((item, i) => value.indexOf(item) !== i);
  if (dups.length > 0) return `Duplicate items in the list: '${[...new Set(dups)].map(pyStr).join(", ")}'`;
  for (const item of value) {
    const reason = validSubnet(item);
    if (reason !== undefined) return reason;
  }
  return undefined;
};

const blank = (value: string): string | undefined =>
  value.trim() === "" ? `'${value}' Blank strings are not permitted` : undefined;

const nonNegative = (value: unknown): string | undefined =>
  typeof value === "number" && value < 0 ? `'${value}' should be non-negative` : undefined;

/** convert_to_int, with Python's spelling of null in the message. */
export const toInt = (value: unknown): number => toInteger(value === null ? "None" : value);

const prefixlen = (column: string): AttributeSpec => ({
  allow_post: true,
  allow_put: true,
  // Left out: derived from the IP version (or, for default_prefixlen, from min_prefixlen).
  default: null,
  convert: toInt,
  validate: nonNegative,
  is_visible: true,
  is_filter: true,
  is_sort_key: true,
  column,
});

/** POST/PUT /v2.0/subnetpools (subnet_allocation). */
export const subnetpoolAttributes: AttributeMap = {
  ...standardAttributes,
  // Required, and never blank (validate_not_empty_string).
  name: {
    allow_post: true,
    allow_put: true,
    validate: (v) => validString(255)(v) ?? blank(v as string),
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "name",
  },
  prefixes: { allow_post: true, allow_put: true, validate: validSubnetList, is_visible: true },
  ip_version: {
    allow_post: false,
    allow_put: false,
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "ip_version",
  },
  default_prefixlen: prefixlen("default_prefixlen"),
  min_prefixlen: prefixlen("min_prefixlen"),
  max_prefixlen: prefixlen("max_prefixlen"),
  default_quota: {
    allow_post: true,
    allow_put: true,
    default: null,
    convert: toInt,
    validate: nonNegative,
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "default_quota",
  },
  is_default: {
    allow_post: true,
    allow_put: true,
    default: false,
    convert: toBoolean,
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "is_default",
  },
  shared: {
    allow_post: true,
    allow_put: false,
    default: false,
    convert: toBoolean,
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "shared",
  },
  address_scope_id: {
    allow_post: true,
    allow_put: true,
    default: null,
    validate: validUuidOrNull,
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "address_scope_id",
  },
};
