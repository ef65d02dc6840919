import { toBoolean, validString, validUuid, type AttributeMap } from "../../lib/attributes.ts";

/** Attributes every Neutron resource has (project-id, standard-attr-* extensions). */
export const standardAttributes: AttributeMap = {
  id: {
    allow_post: false,
    allow_put: false,
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "id",
  },
  project_id: {
    allow_post: true,
    allow_put: false,
    default: null, // the caller's project
    validate: validString(255),
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "project_id",
  },
  tenant_id: {
    allow_post: true,
    allow_put: false,
    default: null, // the caller's project
    validate: validString(255),
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "project_id",
  },
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
    validate: validString(255),
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "description",
  },
  tags: { allow_post: false, allow_put: false, is_visible: true },
  created_at: {
    allow_post: false,
    allow_put: false,
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "created_at",
  },
  updated_at: {
    allow_post: false,
    allow_put: false,
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "updated_at",
  },
  revision_number: {
    allow_post: false,
    allow_put: false,
    is_visible: true,
    is_filter: true,
    is_sort_key: true,
    column: "revision_number",
  },
};

export const booleanAttribute = (column: string, fallback: boolean, allowPut = true) => ({
  allow_post: true,
  allow_put: allowPut,
  default: fallback,
  convert: toBoolean,
  is_visible: true,
  is_filter: true,
  is_sort_key: true,
  column,
});

export const uuidAttribute = (column: string) => ({
  allow_post: true,
  allow_put: false,
  validate: validUuid,
  is_visible: true,
  is_filter: true,
  is_sort_key: true,
  column,
});

/** The filters standard-attr-tag adds to every collection. */
export const TAG_FILTERS = ["tags", "tags-any", "not-tags", "not-tags-any"] as const;
