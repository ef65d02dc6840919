import { toInteger, validUuid, validUuidOrNull, type AttributeMap } from "../../lib/attributes.ts";
import { standardAttributes } from "../schemas/standard.ts";
import { isDict, pyStr } from "../schemas/subnet.ts";

/**
 * /v2.0/bandwidths [bandwidth], Huawei VPC's Neutron-styled shape. Sizes are Mbit/s from 1 to
 * 100,000 (100 Gbit/s, a gateway port's order of magnitude; Huawei's regions cap lower by config).
 */
export const SHARE_TYPES = ["PER", "WHOLE"] as const;
export const CHARGE_MODES = ["bandwidth", "traffic"] as const;
export const MIN_SIZE = 1;
export const MAX_SIZE = 100_000;

const oneOf =
  (values: readonly unknown[]) =>
  (value: unknown): string | undefined =>
    values.includes(value) ? undefined : `${pyStr(value)} is not in valid_values`;

export function validSize(value: unknown): string | undefined {
  return typeof value === "number" && value >= MIN_SIZE && value <= MAX_SIZE
    ? undefined
    : `'${pyStr(value)}' is not in range ${MIN_SIZE} through ${MAX_SIZE}`;
}

/** Huawei's publicip_info: [{"publicip_id": uuid, "publicip_type"?: ...}], no duplicates. */
export function validPublicIpInfo(value: unknown): string | undefined {
  if (!Array.isArray(value)) return `'${pyStr(value)}' is not a list`;
  const ids: unknown[] = [];
  for (const item of value) {
    if (!isDict(item)) return `'${pyStr(item)}' is not a dictionary`;
    const unknown = Object.keys(item).filter((key) => key !== "publicip_id" && key !== "publicip_type");
    if (unknown.length > 0) return `Unrecognized attribute(s) '${unknown.join(", ")}'`;
    const bad = validUuid(item.publicip_id);
    if (bad !== undefined) return bad;
    if (ids.includes(item.publicip_id)) return `Duplicate publicip_id '${pyStr(item.publicip_id)}'`;
    ids.push(item.publicip_id);
  }
  return undefined;
}

const column = (name: string) => ({ is_filter: true, is_sort_key: true, column: name });

export const bandwidthAttributes: AttributeMap = {
  ...standardAttributes,
  size: {
    allow_post: true,
    allow_put: true,
    convert: toInteger,
    validate: validSize,
    is_visible: true,
    ...column("size"),
  },
  share_type: {
    allow_post: true,
    allow_put: false,
    default: "WHOLE",
    validate: oneOf(SHARE_TYPES),
    is_visible: true,
    ...column("share_type"),
  },
  charge_mode: {
    allow_post: true,
    allow_put: true,
    default: "bandwidth",
    validate: oneOf(CHARGE_MODES),
    is_visible: true,
    ...column("charge_mode"),
  },
  /** Create only: the floating IP a PER bandwidth is for (or name it in publicip_info). */
  floatingip_id: {
    allow_post: true,
    allow_put: false,
    default: null,
    validate: validUuidOrNull,
    is_visible: false,
  },
  /** The floating IPs metered; on create, those to put in at once. */
  publicip_info: {
    allow_post: true,
    allow_put: false,
    default: [],
    validate: validPublicIpInfo,
    is_visible: true,
  },
  status: { allow_post: false, allow_put: false, is_visible: true, ...column("status") },
};

/** The body of insert/remove: {"bandwidth": {"publicip_info": [...], "size"?, "charge_mode"?}}. */
export interface MemberChange {
  fipIds: string[];
  /** remove only: give each removed floating IP a dedicated bandwidth of this size (Huawei). */
  size: number | null;
  chargeMode: string;
}

export function memberChange(body: unknown, action: "insert" | "remove"): MemberChange | string {
  const inner = isDict(body) ? body.bandwidth : undefined;
  if (!isDict(inner)) return "Body must be {'bandwidth': {'publicip_info': [...]}}";
  const allowed = action === "insert" ? ["publicip_info"] : ["publicip_info", "size", "charge_mode"];
  const unknown = Object.keys(inner).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) return `Unrecognized attribute(s) '${unknown.join(", ")}'`;
  const info = inner.publicip_info;
  const bad = validPublicIpInfo(info);
  if (bad !== undefined) return bad;
  const fipIds = (info as Array<{ publicip_id: string }>).map((item) => item.publicip_id);
  if (fipIds.length === 0) return "publicip_info must name at least one floating IP";
  const size = inner.size === undefined || inner.size === null ? null : Number(inner.size);
  if (size !== null && validSize(size) !== undefined) return validSize(inner.size) as string;
  const chargeMode = inner.charge_mode ?? "bandwidth";
  if (!CHARGE_MODES.includes(chargeMode as "bandwidth")) return `${pyStr(chargeMode)} is not in valid_values`;
  return { fipIds, size, chargeMode: chargeMode as string };
}
