import { toBoolean, validList, validString, type AttributeMap } from "../../lib/attributes.ts";
import { qosPolicyIdAttribute } from "./qos.ts";
import { booleanAttribute, standardAttributes, uuidAttribute } from "./standard.ts";

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
export const validMac = (value: unknown): string | undefined =>
  typeof value === "string" && MAC.test(value) && value !== "00:00:00:00:00:00"
    ? undefined
    : `'${typeof value === "string" ? value : JSON.stringify(value)}' is not a valid MAC address`;

const objectList =
  (keys: readonly string[], required: readonly string[]) =>
  (value: unknown): string | undefined => {
    if (!Array.isArray(value)) return `Invalid data format for ${JSON.stringify(value)}`;
    for (const entry of value as unknown[]) {
      if (typeof entry !== "object" || entry === null || Array.isArray(entry))
        return `Invalid data format for ${JSON.stringify(entry)}`;
      const extra = Object.keys(entry).filter((k) => !keys.includes(k));
      if (extra.length > 0) return `Unrecognized attribute(s) '${extra.join(", ")}'`;
      const missing = required.filter((k) => !(k in entry));
      if (missing.length > 0) return `${missing.join(", ")} must be specified`;
    }
    return undefined;
  };

/** POST/PUT /v2.0/ports (ports, binding, port-security, allowed-address-pairs, extra_dhcp_opt). */
export const portAttributes: AttributeMap = {
  ...standardAttributes,
  network_id: uuidAttribute("network_id"),
  admin_state_up: booleanAttribute("admin_state_up", true),
  status: {
    allow_post: false,
    allow_put: false,
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "status",
  },
  mac_address: {
    allow_post: true,
    allow_put: true,
    default: null, // generated: fa:16:3e:xx:xx:xx
    validate: (v) => (v === null ? undefined : validMac(v)),
    convert: (v) => (typeof v === "string" ? v.toLowerCase() : v),
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "mac_address",
  },
  fixed_ips: {
    allow_post: true,
    allow_put: true,
    default: null, // allocated automatically
    validate: (v) => (v === null ? undefined : objectList(["subnet_id", "ip_address"], [])(v)),
    is_visible: true,
  },
  device_id: {
    allow_post: true,
    allow_put: true,
    default: "",
    validate: validString(255),
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "device_id",
  },
  device_owner: {
    allow_post: true,
    allow_put: true,
    default: "",
    validate: validString(255),
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "device_owner",
  },
  security_groups: {
    allow_post: true,
    allow_put: true,
    default: [],
    validate: validList((v) =>
      typeof v === "string" ? undefined : `'${JSON.stringify(v)}' is not a valid UUID`,
    ),
    is_visible: true,
  },
  port_security_enabled: {
    allow_post: true,
    allow_put: true,
    default: null, // the network's
    convert: (v) => (v === null ? null : toBoolean(v)),
    is_visible: true,
  },
  allowed_address_pairs: {
    allow_post: true,
    allow_put: true,
    default: [],
    validate: objectList(["ip_address", "mac_address"], ["ip_address"]),
    is_visible: true,
  },
  extra_dhcp_opts: {
    allow_post: true,
    allow_put: true,
    default: [],
    validate: objectList(["opt_name", "opt_value", "ip_version"], ["opt_name"]),
    is_visible: true,
  },
  "binding:host_id": {
    allow_post: true,
    allow_put: true,
    default: "",
    validate: validString(255),
    is_visible: true,
    is_filter: true,
    column: "binding_host_id",
  },
  "binding:vnic_type": {
    allow_post: true,
    allow_put: true,
    default: "normal",
    validate: (v) =>
      [
        "normal",
        "direct",
        "macvtap",
        "baremetal",
        "direct-physical",
        "virtio-forwarder",
        "smart-nic",
        "remote-managed",
      ].includes(v as string)
        ? undefined
        : `'${JSON.stringify(v)}' is not in the list of valid vnic types`,
    is_visible: true,
    is_filter: true,
    column: "binding_vnic_type",
  },
  "binding:profile": {
    allow_post: true,
    allow_put: true,
    default: {},
    validate: (v) =>
      typeof v === "object" && v !== null && !Array.isArray(v)
        ? undefined
        : `'${JSON.stringify(v)}' is not a dictionary`,
    is_visible: true,
  },
  "binding:vif_type": { allow_post: false, allow_put: false, is_visible: true },
  "binding:vif_details": { allow_post: false, allow_put: false, is_visible: true },
  qos_policy_id: qosPolicyIdAttribute,
};

/** Only admins set these (Neutron's `create_port:binding:*` rules). */
export const ADMIN_ONLY_PORT_ATTRIBUTES = ["binding:host_id", "binding:profile"] as const;
