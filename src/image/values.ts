import { pythonRepr } from "../lib/validation.ts";
import { HTTPBadRequest, HTTPForbidden } from "./errors.ts";
import { imageProperties, isReserved, READ_ONLY } from "./schemas/image.ts";

/**
 * Checks one attribute's value against the image schema, worded as Glance (jsonschema):
 * "Provided object does not match schema 'image': 5 is not of type 'string'". Free-form
 * properties are strings (the schema's additionalProperties).
 */
export function checkValue(name: string, value: unknown): void {
  const schema = imageProperties[name] ?? { type: "string" };
  const reason = violation(schema, value);
  if (reason !== undefined)
    throw new HTTPBadRequest(`Provided object does not match schema 'image': ${reason}`);
}

/** 403 for an attribute no client may set. `id` is settable on create only. */
export function checkSettable(name: string, creating: boolean): void {
  if (isReserved(name)) throw new HTTPForbidden(`Attribute '${name}' is reserved.`);
  if (READ_ONLY.has(name) || (name === "id" && !creating))
    throw new HTTPForbidden(`Attribute '${name}' is read-only.`);
  if (name.length > 255)
    throw new HTTPBadRequest(
      `Provided object does not match schema 'image': ${pythonRepr(name)} is too long`,
    );
}

function violation(schema: Readonly<Record<string, unknown>>, value: unknown): string | undefined {
  const types = ([] as unknown[]).concat(schema.type);
  if (!types.some((t) => hasType(value, t))) {
    const expected = types.length === 1 ? pythonRepr(types[0]) : pythonRepr(types);
    return `${pythonRepr(value)} is not of type ${expected}`;
  }
  const allowed = schema.enum as unknown[] | undefined;
  if (allowed !== undefined && !allowed.includes(value))
    return `${pythonRepr(value)} is not one of ${pythonRepr(allowed)}`;
  if (typeof value === "string" && typeof schema.maxLength === "number" && value.length > schema.maxLength)
    return `${pythonRepr(value)} is too long`;
  if (typeof value === "number" && typeof schema.minimum === "number" && value < schema.minimum)
    return `${value} is less than the minimum of ${schema.minimum}`;
  if (Array.isArray(value) && schema.items !== undefined) {
    for (const item of value) {
      const inner = violation(schema.items as Record<string, unknown>, item);
      if (inner !== undefined) return inner;
    }
  }
  if (
    typeof value === "string" &&
    typeof schema.pattern === "string" &&
    !new RegExp(schema.pattern).test(value)
  )
    return `${pythonRepr(value)} does not match ${pythonRepr(schema.pattern)}`;
  return undefined;
}

function hasType(value: unknown, type: unknown): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return Number.isSafeInteger(value);
    case "array":
      return Array.isArray(value);
    default:
      return false;
  }
}
