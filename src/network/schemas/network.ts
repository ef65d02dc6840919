import { toInteger, validList, validRange, validString, type AttributeMap } from "../../lib/attributes.ts";
import { qosPolicyIdAttribute } from "./qos.ts";
import { booleanAttribute, standardAttributes } from "./standard.ts";

/** POST/PUT /v2.0/networks (network, net-mtu-writable, external-net, provider, port-security, AZ). */
export const networkAttributes: AttributeMap = {
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
  subnets: { allow_post: false, allow_put: false, is_visible: true },
  shared: booleanAttribute("shared", false),
  "router:external": booleanAttribute("external", false),
  port_security_enabled: booleanAttribute("port_security_enabled", true),
  mtu: {
    allow_post: true,
    allow_put: true,
    default: null, // then the segment's: 1450 on VXLAN, 1442 on Geneve, 1500 on VLAN/flat
    convert: toInteger,
    validate: validRange(68, 9216),
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "mtu",
  },
  "provider:network_type": {
    allow_post: true,
    allow_put: false,
    default: null,
    validate: validString(255),
    is_visible: true,
    is_filter: true,
    column: "network_type",
  },
  "provider:physical_network": {
    allow_post: true,
    allow_put: false,
    default: null,
    validate: validString(64),
    is_visible: true,
    is_filter: true,
    column: "physical_network",
  },
  "provider:segmentation_id": {
    allow_post: true,
    allow_put: false,
    default: null,
    convert: toInteger,
    is_visible: true,
    is_filter: true,
    column: "segmentation_id",
  },
  availability_zone_hints: {
    allow_post: true,
    allow_put: false,
    default: [],
    validate: validList(validString(255)),
    is_visible: true,
  },
  availability_zones: { allow_post: false, allow_put: false, is_visible: true },
  qos_policy_id: qosPolicyIdAttribute,
};

/** Attributes only an admin may set (Neutron's `create_network:<attr>` rules). */
export const ADMIN_ONLY_NETWORK_ATTRIBUTES = [
  "shared",
  "router:external",
  "provider:network_type",
  "provider:physical_network",
  "provider:segmentation_id",
] as const;
