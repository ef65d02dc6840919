import { BadRequest } from "./errors.ts";

/**
 * Resource contracts as data, after neutron-lib's attribute maps: one entry per attribute says
 * whether it may be set on create (allow_post) and update (allow_put), its default, how to check
 * and convert it, whether it is shown, and whether it can be filtered and sorted on. Validation,
 * defaults, `fields`, filters and sorting are all derived from it.
 */
export interface AttributeSpec {
  allow_post: boolean;
  allow_put: boolean;
  /** Used when absent on create; a function is called per request. Absent + allow_post = required. */
  default?: unknown;
  /** Returns an error reason, or undefined when the (converted) value is fine. */
  validate?: (value: unknown) => string | undefined;
  /** Turns the wire value into the stored one; throws InvalidInput when it cannot. */
  convert?: (value: unknown) => unknown;
  is_visible: boolean;
  is_filter?: boolean;
  is_sort_key?: boolean;
  /** The table column behind the attribute, when it can be filtered or sorted in SQL. */
  column?: string;
}

export type AttributeMap = Readonly<Record<string, AttributeSpec>>;

/** Neutron's generic 400 (the `type` on the wire is the class name). */
export class HTTPBadRequest extends BadRequest {}

/** Neutron's InvalidInput: "Invalid input for operation: <reason>." */
export class InvalidInput extends BadRequest {
  constructor(reason: string) {
    super(`Invalid input for operation: ${reason}.`);
  }
}

/** A default computed when the request leaves the attribute out. */
export const computed = (fn: () => unknown) => ({ computed: fn });

function defaultOf(spec: AttributeSpec): unknown {
  const value = spec.default;
  if (typeof value === "object" && value !== null && "computed" in value) {
    return (value as { computed: () => unknown }).computed();
  }
  return structuredClone(value);
}

/**
 * Checks a create or update body against the map: unknown attributes, read-only ones, missing
 * required ones, conversion and validation; fills defaults on create. Returns the clean body.
 */
export function parseBody(
  map: AttributeMap,
  body: Record<string, unknown>,
  action: "create" | "update",
): Record<string, unknown> {
  const unknown = Object.keys(body).filter((key) => map[key] === undefined);
  if (unknown.length > 0) throw new HTTPBadRequest(`Unrecognized attribute(s) '${unknown.join(", ")}'`);
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(map)) {
    const given = Object.hasOwn(body, name);
    if (action === "update") {
      if (!given) continue;
      if (!spec.allow_put) throw new HTTPBadRequest(`Cannot update read-only attribute ${name}`);
    } else if (given && !spec.allow_post) {
      throw new HTTPBadRequest(`Attribute '${name}' not allowed in POST`);
    } else if (!given) {
      if (!spec.allow_post) continue;
      if (!("default" in spec)) {
        throw new HTTPBadRequest(`Failed to parse request. Required attribute '${name}' not specified`);
      }
      out[name] = defaultOf(spec);
      continue;
    }
    const value = spec.convert ? spec.convert(body[name]) : body[name];
    const reason = spec.validate?.(value);
    if (reason !== undefined) throw new HTTPBadRequest(`Invalid input for ${name}. Reason: ${reason}.`);
    out[name] = value;
  }
  return out;
}

/** Only the requested fields (all visible ones when none are requested). */
export function selectFields<T extends Record<string, unknown>>(
  item: T,
  fields: readonly string[],
): Partial<T> {
  if (fields.length === 0) return item;
  const out: Partial<T> = {};
  for (const field of fields) if (Object.hasOwn(item, field)) out[field as keyof T] = item[field as keyof T];
  return out;
}

// Converters and validators with neutron-lib's wording.

export function toBoolean(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && ["true", "1"].includes(value.toLowerCase())) return true;
  if (typeof value === "string" && ["false", "0"].includes(value.toLowerCase())) return false;
  if (value === 1 || value === 0) return value === 1;
  throw new InvalidInput(`'${String(value)}' cannot be converted to boolean`);
}

export function toInteger(value: unknown): number {
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number === "number" && Number.isInteger(number)) return number;
  throw new InvalidInput(`'${String(value)}' is not an integer`);
}

export const validString =
  (maxLength = 255) =>
  (value: unknown): string | undefined => {
    if (typeof value !== "string") return `'${String(value)}' is not a valid string`;
    if (value.length > maxLength) return `'${value}' exceeds maximum length of ${maxLength}`;
    return undefined;
  };

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
export const validUuid = (value: unknown): string | undefined =>
  typeof value === "string" && UUID.test(value) ? undefined : `'${String(value)}' is not a valid UUID`;

export const validUuidOrNull = (value: unknown): string | undefined =>
  value === null ? undefined : validUuid(value);

export const validList =
  (item: (value: unknown) => string | undefined) =>
  (value: unknown): string | undefined => {
    if (!Array.isArray(value)) return `'${String(value)}' is not a list`;
    for (const entry of value) {
      const reason = item(entry);
      if (reason !== undefined) return reason;
    }
    return undefined;
  };

export const validRange =
  (min: number, max: number) =>
  (value: unknown): string | undefined =>
    typeof value === "number" && value >= min && value <= max
      ? undefined
      : `'${String(value)}' is not in range ${min} through ${max}`;
