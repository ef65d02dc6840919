import { toBoolean, validList, validString, validUuid, type AttributeMap } from "../../lib/attributes.ts";
import { standardAttributes } from "../schemas/standard.ts";
import { isDict, pyStr } from "../schemas/subnet.ts";
import { canonicalCidr, NEXTHOP_TYPES } from "./cidrs.ts";

/** A read-only attribute that can be filtered and sorted on. */
const readOnly = (column: string) => ({
  allow_post: false,
  allow_put: false,
  is_visible: true,
  is_filter: true,
  is_sort_key: true,
  column,
});

/** A list of CIDRs, at least one (the first is the primary one). */
function validCidrs(value: unknown): string | undefined {
  if (!Array.isArray(value)) return `'${pyStr(value)}' is not a list`;
  if (value.length === 0) return "a VPC needs at least one CIDR";
  const bad = (value as unknown[]).find(
    (cidr) => typeof cidr !== "string" || canonicalCidr(cidr) === undefined,
  );
  return bad === undefined ? undefined : `'${pyStr(bad)}' is not a valid CIDR`;
}

/** POST/PUT /v2.0/vpcs [vpc]. */
export const vpcAttributes: AttributeMap = {
  ...standardAttributes,
  cidrs: { allow_post: true, allow_put: false, validate: validCidrs, is_visible: true },
  availability_zones: {
    allow_post: true,
    allow_put: true,
    default: [],
    validate: validList(validString(255)),
    is_visible: true,
  },
  router_id: readOnly("router_id"),
  security_group_id: readOnly("security_group_id"),
  main_route_table_id: readOnly("main_route_table_id"),
  status: readOnly("status"),
};

const ROUTE_KEYS = ["destination", "nexthop_type", "nexthop"];

/** routes: [{destination, nexthop_type, nexthop?}]; the rules that need the database are checked later. */
export function validTableRoutes(value: unknown): string | undefined {
  if (!Array.isArray(value)) return `'${pyStr(value)}' is not a list`;
  for (const route of value) {
    if (!isDict(route)) return `'${pyStr(route)}' is not a dictionary`;
    const unknown = Object.keys(route).filter((key) => !ROUTE_KEYS.includes(key));
    if (unknown.length > 0) return `Unrecognized attribute(s) '${unknown.join(", ")}'`;
    if (typeof route.destination !== "string" || canonicalCidr(route.destination) === undefined)
      return `'${pyStr(route.destination)}' is not a valid CIDR`;
    if (!(NEXTHOP_TYPES as readonly unknown[]).includes(route.nexthop_type))
      return `'${pyStr(route.nexthop_type)}' is not in [${NEXTHOP_TYPES.map((t) => `'${t}'`).join(", ")}]`;
    const nexthop = route.nexthop ?? null;
    const withId = ["port", "peering", "nat_gateway"].includes(String(route.nexthop_type));
    if (withId && validUuid(nexthop) !== undefined)
      return `nexthop '${pyStr(nexthop)}' of a ${String(route.nexthop_type)} route is not a valid UUID`;
    if (!withId && nexthop !== null) return `a ${String(route.nexthop_type)} route has no nexthop`;
  }
  return undefined;
}

/** POST/PUT /v2.0/route-tables [vpc-route-tables]. */
export const routeTableAttributes: AttributeMap = {
  ...standardAttributes,
  vpc_id: {
    allow_post: true,
    allow_put: false,
    validate: validUuid,
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "vpc_id",
  },
  main: { ...readOnly("main"), convert: toBoolean },
  routes: { allow_post: true, allow_put: true, default: [], validate: validTableRoutes, is_visible: true },
  subnets: { allow_post: false, allow_put: false, is_visible: true },
};

/** The body of add_routes/remove_routes: {"routes": [...]}, as extraroute-atomic's. */
export const tableRoutesAttributes: AttributeMap = {
  routes: { allow_post: true, allow_put: true, validate: validTableRoutes, is_visible: true },
};

/** POST /v2.0/vpcs/{id}/subnets: a network, a subnet and the router interface at once. */
export const vpcSubnetAttributes: AttributeMap = {
  name: { allow_post: true, allow_put: false, default: "", validate: validString(255), is_visible: true },
  cidr: { allow_post: true, allow_put: false, validate: validString(64), is_visible: true },
  availability_zone: {
    allow_post: true,
    allow_put: false,
    default: null,
    validate: (value) => (value === null ? undefined : validString(255)(value)),
    is_visible: true,
  },
  ip_version: { allow_post: true, allow_put: false, default: null, is_visible: true },
  // Absent: the subnet's default gateway (undefined, not null, which means none).
  gateway_ip: { allow_post: true, allow_put: false, default: undefined, is_visible: true },
  enable_dhcp: { allow_post: true, allow_put: false, default: true, convert: toBoolean, is_visible: true },
};
