import { validString, type AttributeMap, type AttributeSpec } from "../../lib/attributes.ts";
import { standardAttributes } from "../schemas/standard.ts";

const readOnly = (column?: string): AttributeSpec => ({
  allow_post: false,
  allow_put: false,
  is_visible: true,
  ...(column === undefined ? {} : { is_filter: true, is_sort_key: true, column }),
});

/** A map of resource -> integer limit; quotas.ts checks the names and values. */
const validQuotas = (value: unknown): string | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? undefined
    : `'${JSON.stringify(value)}' is not a dictionary of quota limits`;

/** /v2.0/vdcs [vdc]: no tags or revision; the id is the project's. */
export const vdcAttributes: AttributeMap = {
  ...Object.fromEntries(
    Object.entries(standardAttributes).filter(([name]) => ["id", "project_id", "tenant_id"].includes(name)),
  ),
  name: {
    allow_post: true,
    allow_put: true,
    default: "",
    validate: validString(255),
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "name",
  },
  description: {
    allow_post: true,
    allow_put: true,
    default: "",
    validate: validString(1024),
    is_visible: true,
  },
  quotas: { allow_post: true, allow_put: true, default: {}, validate: validQuotas, is_visible: true },
  usage: readOnly(),
  vpcs: readOnly(),
  created_at: readOnly("created_at"),
  updated_at: readOnly("updated_at"),
};
