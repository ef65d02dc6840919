/**
 * The image contract as data (Glance's `image` schema): every core attribute with its JSON
 * schema. `GET /v2/schemas/image` serves it, create and JSON Patch check values against it, and
 * the read-only and reserved sets below decide what a client may set (403 otherwise).
 */
type JsonSchema = Readonly<Record<string, unknown>>;

const UUID_PATTERN =
  "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$";
export const CONTAINER_FORMATS = ["ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"];
export const DISK_FORMATS = [
  "ami",
  "ari",
  "aki",
  "vhd",
  "vhdx",
  "vmdk",
  "raw",
  "qcow2",
  "vdi",
  "iso",
  "ploop",
];
export const STATUSES = ["queued", "saving", "active", "killed", "deleted", "uploading", "importing"];
const ALL_STATUSES = [...STATUSES, "pending_delete", "deactivated"];

const readOnly = (type: unknown, description: string, extra: JsonSchema = {}): JsonSchema => ({
  type,
  readOnly: true,
  description,
  ...extra,
});

export const imageProperties: Readonly<Record<string, JsonSchema>> = {
  id: { type: "string", description: "An identifier for the image", pattern: UUID_PATTERN },
  name: { type: ["null", "string"], description: "Descriptive name for the image", maxLength: 255 },
  status: readOnly("string", "Status of the image", { enum: ALL_STATUSES }),
  visibility: {
    type: "string",
    description: "Scope of image accessibility",
    enum: ["community", "public", "private", "shared"],
  },
  protected: { type: "boolean", description: "If true, image will not be deletable." },
  os_hidden: {
    type: "boolean",
    description: "If true, image will not appear in default image list response.",
  },
  checksum: readOnly(["null", "string"], "md5 hash of image contents.", { maxLength: 32 }),
  os_hash_algo: readOnly(["null", "string"], "Algorithm to calculate the os_hash_value", { maxLength: 64 }),
  os_hash_value: readOnly(
    ["null", "string"],
    "Hexdigest of the image contents using the algorithm specified by the os_hash_algo",
    { maxLength: 128 },
  ),
  owner: { type: ["null", "string"], description: "Owner of the image", maxLength: 255 },
  size: readOnly(["null", "integer"], "Size of image file in bytes"),
  virtual_size: readOnly(["null", "integer"], "Virtual size of image in bytes"),
  container_format: {
    type: ["null", "string"],
    description: "Format of the container",
    enum: [null, ...CONTAINER_FORMATS],
  },
  disk_format: { type: ["null", "string"], description: "Format of the disk", enum: [null, ...DISK_FORMATS] },
  created_at: readOnly("string", "Date and time of image registration"),
  updated_at: readOnly("string", "Date and time of the last image modification"),
  tags: {
    type: "array",
    description: "List of strings related to the image",
    items: { type: "string", maxLength: 255 },
  },
  direct_url: readOnly("string", "URL to access the image file kept in external store"),
  min_ram: { type: "integer", description: "Amount of ram (in MB) required to boot image.", minimum: 0 },
  min_disk: {
    type: "integer",
    description: "Amount of disk space (in GB) required to boot image.",
    minimum: 0,
  },
  self: readOnly("string", "An image self url"),
  file: readOnly("string", "An image file url"),
  stores: readOnly(
    "string",
    "Store in which image data resides.  Only present when the operator has enabled multiple stores.  May be a comma-separated list of store identifiers.",
  ),
  schema: readOnly("string", "An image schema url"),
};

/** GET /v2/schemas/image. */
export function imageSchema(): JsonSchema {
  return {
    name: "image",
    properties: imageProperties,
    additionalProperties: { type: "string" },
    links: [
      { rel: "self", href: "{self}" },
      { rel: "enclosure", href: "{file}" },
      { rel: "describedby", href: "{schema}" },
    ],
  };
}

/** GET /v2/schemas/images. */
export function imagesSchema(): JsonSchema {
  return {
    name: "images",
    properties: {
      images: { type: "array", items: imageSchema() },
      schema: { type: "string" },
      first: { type: "string" },
      next: { type: "string" },
    },
    links: [
      { rel: "first", href: "{first}" },
      { rel: "next", href: "{next}" },
      { rel: "describedby", href: "{schema}" },
    ],
  };
}

/** Attributes no client sets (403 "Attribute 'x' is read-only."); `id` only on create. */
export const READ_ONLY = new Set(
  Object.entries(imageProperties)
    .filter(([, schema]) => schema.readOnly === true)
    .map(([name]) => name),
);
/** Never stored as properties (403 "Attribute 'x' is reserved."), nor anything `os_glance_*`. */
const RESERVED = new Set(["location", "deleted", "deleted_at", "locations"]);

export function isReserved(name: string): boolean {
  return RESERVED.has(name) || name.startsWith("os_glance");
}

/** Core attributes a client writes (create and JSON Patch); everything else is a property. */
export const WRITABLE_CORE = [
  "name",
  "visibility",
  "protected",
  "os_hidden",
  "owner",
  "container_format",
  "disk_format",
  "min_ram",
  "min_disk",
  "tags",
] as const;
export type WritableCore = (typeof WRITABLE_CORE)[number];

export function isWritableCore(name: string): name is WritableCore {
  return (WRITABLE_CORE as readonly string[]).includes(name);
}
