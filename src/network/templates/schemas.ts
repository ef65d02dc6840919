import { toBoolean, type AttributeMap } from "../../lib/attributes.ts";
import { booleanAttribute, standardAttributes } from "../schemas/standard.ts";

/** The wire contracts of /v2.0/network-templates and /v2.0/network-template-instances. */

const readOnly = (column: string) => ({
  allow_post: false,
  allow_put: false,
  is_visible: true,
  is_filter: true,
  is_sort_key: true,
  column,
});

/** `parameters` and `resources` are checked as a whole by spec.ts (400 naming the bad item). */
export const networkTemplateAttributes: AttributeMap = {
  ...standardAttributes,
  shared: booleanAttribute("shared", false),
  read_only: { ...readOnly("read_only"), convert: toBoolean },
  parameters: { allow_post: true, allow_put: true, default: {}, is_visible: true },
  resources: { allow_post: true, allow_put: true, default: [], is_visible: true },
};

export const templateInstanceAttributes: AttributeMap = {
  id: standardAttributes.id!,
  project_id: standardAttributes.project_id!,
  tenant_id: standardAttributes.tenant_id!,
  name: standardAttributes.name!,
  template_id: readOnly("template_id"),
  vpc_id: readOnly("vpc_id"),
  status: readOnly("status"),
  parameters: { allow_post: false, allow_put: false, is_visible: true },
  resources: { allow_post: false, allow_put: false, is_visible: true },
  created_at: standardAttributes.created_at!,
  updated_at: standardAttributes.updated_at!,
  revision_number: standardAttributes.revision_number!,
};
