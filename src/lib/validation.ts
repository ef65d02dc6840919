/**
 * Words schema violations the way Python's jsonschema does, which is what Keystone and Glance
 * print: "'x' is too short", "5 is not of type 'string'", "'name' is a required property".
 */
export interface SchemaViolation {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string | undefined;
  /** The offending value (present when the validator runs with `verbose`). */
  data?: unknown;
}

/** Python's repr() of a JSON value, as jsonschema quotes it. */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "string") return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(", ")}]`;
  if (typeof value === "object") {
    return `{${Object.entries(value)
      .map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`)
      .join(", ")}}`;
  }
  return JSON.stringify(value); // numbers
}

/** The sentence for one violation, without the field prefix. */
export function describeViolation(v: SchemaViolation): string {
  const value = pythonRepr(v.data);
  switch (v.keyword) {
    case "required":
      return `${pythonRepr(v.params.missingProperty)} is a required property`;
    case "type":
      return `${value} is not of type ${pythonRepr(v.params.type)}`;
    case "minLength":
    case "minItems":
      return `${value} is too short`;
    case "maxLength":
    case "maxItems":
      return `${value} is too long`;
    case "pattern":
      return `${value} does not match ${pythonRepr(v.params.pattern)}`;
    case "format":
      return `${value} is not a ${pythonRepr(v.params.format)}`;
    case "const":
    case "enum":
      return `${value} is not one of ${pythonRepr(v.params.allowedValues ?? [v.params.allowedValue])}`;
    case "anyOf":
      return `${value} is not valid under any of the given schemas`;
    case "additionalProperties":
      return `Additional properties are not allowed (${pythonRepr(v.params.additionalProperty)} was unexpected)`;
    default:
      return v.message ?? "is invalid";
  }
}

/**
 * "Invalid input for field 'name': '' is too short". `skip` drops leading path segments (the
 * request body's wrapper key, e.g. `project`), as the services validate the wrapped entity.
 */
export function violationMessage(v: SchemaViolation, skip = 1): string {
  const path = v.instancePath
    .split("/")
    .filter((s) => s !== "")
    .slice(skip);
  if (v.keyword === "required" || path.length === 0) return describeViolation(v);
  return `Invalid input for field '${path.join(".")}': ${describeViolation(v)}`;
}
