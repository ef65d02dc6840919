/**
 * The metadefs schemas served at /v2/schemas/metadefs/*, shaped as Glance's (a JSON schema per
 * entity, and a list schema wrapping it with first/next/schema links). Data, not validation.
 */
type Schema = Record<string, unknown>;

const stamp = (what: string) => ({
  created_at: {
    type: "string",
    readOnly: true,
    description: `Date and time of ${what} creation`,
    format: "date-time",
  },
  updated_at: {
    type: "string",
    readOnly: true,
    description: `Date and time of the last ${what} modification`,
    format: "date-time",
  },
});

const property: Schema = {
  name: "property",
  required: ["name", "title", "type"],
  properties: {
    name: { type: "string", maxLength: 80 },
    title: { type: "string" },
    description: { type: "string" },
    operators: { type: "array", items: { type: "string" } },
    type: { type: "string", enum: ["array", "boolean", "integer", "number", "object", "string", null] },
    required: { type: "array", items: { type: "string" } },
    minimum: { type: "number" },
    maximum: { type: "number" },
    maxLength: { type: "integer", minimum: 0 },
    minLength: { type: "integer", minimum: 0 },
    pattern: { type: "string", format: "regex" },
    enum: { type: "array" },
    readonly: { type: "boolean" },
    default: {},
    items: { type: "object", properties: { type: { type: "string" }, enum: { type: "array" } } },
    maxItems: { type: "integer", minimum: 0 },
    minItems: { type: "integer", minimum: 0 },
    uniqueItems: { type: "boolean", default: false },
    additionalItems: { type: "boolean" },
  },
};

const tag: Schema = {
  name: "tag",
  required: ["name"],
  additionalProperties: false,
  properties: { name: { type: "string", maxLength: 255 }, ...stamp("tag") },
};

const resourceType: Schema = {
  name: "resource_type_association",
  required: ["name"],
  additionalProperties: false,
  properties: {
    name: {
      type: "string",
      maxLength: 80,
      description:
        "Resource type names should be aligned with Heat resource types whenever possible: https://docs.openstack.org/heat/latest/template_guide/openstack.html",
    },
    prefix: {
      type: "string",
      maxLength: 80,
      description: "Specifies the prefix to use for the given resource type.",
    },
    properties_target: {
      type: "string",
      maxLength: 80,
      description: "Some resource types allow more than one key / value pair per instance.",
    },
    ...stamp("resource type association"),
  },
};

const object: Schema = {
  name: "object",
  required: ["name"],
  properties: {
    name: { type: "string", maxLength: 80 },
    description: { type: "string" },
    required: { type: "array", items: { type: "string" } },
    properties: { type: "object", additionalProperties: { type: "object", properties: property.properties } },
    schema: { type: "string", readOnly: true },
    self: { type: "string", readOnly: true },
    ...stamp("object"),
  },
};

const namespace: Schema = {
  name: "namespace",
  required: ["namespace"],
  additionalProperties: false,
  properties: {
    namespace: { type: "string", maxLength: 80, description: "The unique namespace text." },
    display_name: { type: "string", maxLength: 80, description: "The user friendly name for the namespace." },
    description: {
      type: "string",
      maxLength: 500,
      description: "Provides a user friendly description of the namespace.",
    },
    visibility: {
      type: "string",
      enum: ["public", "private"],
      description: "Scope of namespace accessibility.",
    },
    protected: { type: "boolean", description: "If true, namespace will not be deletable." },
    owner: { type: "string", maxLength: 255, description: "Owner of the namespace." },
    resource_type_associations: { type: "array", items: resourceType },
    properties: { type: "object", additionalProperties: property },
    objects: { type: "array", items: object },
    tags: { type: "array", items: tag },
    schema: { type: "string", readOnly: true },
    self: { type: "string", readOnly: true },
    ...stamp("namespace"),
  },
};

function collection(name: string, key: string, item: Schema, paged = true): Schema {
  return {
    name,
    properties: {
      [key]: { type: "array", items: item },
      schema: { type: "string" },
      ...(paged ? { first: { type: "string" }, next: { type: "string" } } : {}),
    },
    links: [
      ...(paged
        ? [
            { rel: "first", href: "{first}" },
            { rel: "next", href: "{next}" },
          ]
        : []),
      { rel: "describedby", href: "{schema}" },
    ],
  };
}

/** name -> schema, for GET /v2/schemas/metadefs/{name}. */
export const METADEF_SCHEMAS: Readonly<Record<string, Schema>> = {
  namespace,
  namespaces: collection("namespaces", "namespaces", namespace),
  object,
  objects: collection("objects", "objects", object),
  property,
  properties: {
    name: "properties",
    properties: {
      properties: { type: "object", additionalProperties: property },
      schema: { type: "string" },
    },
    links: [{ rel: "describedby", href: "{schema}" }],
  },
  tag,
  tags: collection("tags", "tags", tag),
  resource_type: resourceType,
  resource_types: collection("resource_type_associations", "resource_type_associations", resourceType),
};
