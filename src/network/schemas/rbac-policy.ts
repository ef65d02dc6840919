import { InvalidInput, validString, validUuid, type AttributeMap } from "../../lib/attributes.ts";
import { standardAttributes } from "./standard.ts";

/** The object types RBAC policies can be attached to here (Neutron also has qos_policy etc.). */
export const RBAC_OBJECT_TYPES = ["network"] as const;

/** Neutron normalises the type (trimmed, lower case) before checking it. */
function toObjectType(value: unknown): string {
  const normal = typeof value === "string" ? value.trim().toLowerCase() : value;
  if (typeof normal === "string" && (RBAC_OBJECT_TYPES as readonly string[]).includes(normal)) return normal;
  throw new InvalidInput(`'${String(value)}' is not a valid RBAC object type`);
}

const filterable = (column: string) => ({ is_visible: true, is_filter: true, is_sort_key: true, column });

/**
 * POST/PUT /v2.0/rbac-policies (rbac-policies extension). No name, description, tags or
 * revision: RBAC entries carry no standard attributes in Neutron. Only target_tenant changes.
 */
export const rbacPolicyAttributes: AttributeMap = {
  ...Object.fromEntries(
    Object.entries(standardAttributes).filter(([name]) => ["id", "project_id", "tenant_id"].includes(name)),
  ),
  object_type: { allow_post: true, allow_put: false, convert: toObjectType, ...filterable("object_type") },
  object_id: { allow_post: true, allow_put: false, validate: validUuid, ...filterable("object_id") },
  // Neutron filters on action but does not sort by it.
  action: {
    allow_post: true,
    allow_put: false,
    validate: validString(255),
    ...filterable("action"),
    is_sort_key: false,
  },
  target_tenant: {
    allow_post: true,
    allow_put: true,
    validate: validString(255),
    ...filterable("target_tenant"),
  },
};
