import { HTTPBadRequest } from "./errors.ts";

/** One JSON Patch operation on a top-level image attribute or property. */
export interface Change {
  op: "add" | "replace" | "remove";
  name: string;
  value?: unknown;
}

const OPS = ["add", "remove", "replace"] as const;

/**
 * Reads an `application/openstack-images-v2.1-json-patch` body (RFC 6902 restricted to
 * add/replace/remove on top-level paths), in Glance's words when it is malformed.
 */
export function parsePatch(body: unknown): Change[] {
  if (!Array.isArray(body))
    throw new HTTPBadRequest("Request body must be a JSON array of operation objects.");
  return body.map(parseChange);
}

function parseChange(raw: unknown): Change {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new HTTPBadRequest("Operations must be JSON objects.");
  const change = raw as Record<string, unknown>;
  for (const key of ["op", "path"]) {
    if (!(key in change)) throw new HTTPBadRequest(`Unable to find '${key}' in JSON Schema change`);
  }
  const op = change.op;
  if (typeof op !== "string" || !(OPS as readonly string[]).includes(op)) {
    throw new HTTPBadRequest(
      `Invalid operation: \`${String(op)}\`. It must be one of the following: \`add\`, \`remove\`, \`replace\`.`,
    );
  }
  const name = pathName(change.path);
  if (op === "remove") return { op, name };
  if (!("value" in change)) throw new HTTPBadRequest("Unable to find 'value' in JSON Schema change");
  return { op: op as Change["op"], name, value: change.value };
}

/** "/name" -> "name", with JSON Pointer escapes undone. Deeper paths are not image attributes. */
function pathName(path: unknown): string {
  if (typeof path !== "string" || !/^\/[^/]+$/.test(path)) {
    throw new HTTPBadRequest(
      "Json path should start with a '/', end with no '/', no 2 subsequent '/' are allowed.",
    );
  }
  return path.slice(1).replaceAll("~1", "/").replaceAll("~0", "~");
}
