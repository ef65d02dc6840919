import { randomBytes } from "node:crypto";
import type { Method } from "./keystone-cases.ts";

/** Runs the parity cases against one server and normalises what it answers. */

/** What the harness needs of a case (keystone-cases.ts and neutron-cases.ts both fit). */
export interface CaseLike {
  name: string;
  method: Method;
  path: string;
  /** Sent below the server's root as-is rather than below `Target.prefix`. */
  root?: true;
  body?: unknown;
  raw?: string;
  /** "admin", "none", or a name in `Target.tokens`. */
  as: string;
  headers?: Record<string, string>;
  save?: Record<string, string>;
}

export interface WireRequest {
  method: Method;
  /** Below the identity root ("/v3/projects"). */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string | undefined>;
  text: string;
}

export type Send = (request: WireRequest) => Promise<WireResponse>;

export interface Outcome {
  name: string;
  method: Method;
  /** The case's path template (before placeholders are filled in). */
  path: string;
  status: number;
  /** The normalised JSON body, or null when there is none. */
  body: unknown;
}

export interface Target {
  send: Send;
  adminToken: string;
  adminPassword: string;
  /** Matches the server's identity root in URLs ("http://127.0.0.1:5000"); replaced by "<url>". */
  base: RegExp;
  /** Put before every case's path unless the case is `root` (default "/v3"). */
  prefix?: string;
  /** Tokens of other principals, by the name cases use in `as`. */
  tokens?: Record<string, string>;
  /** Further placeholders for paths, headers and bodies (project ids...). */
  vars?: Record<string, string>;
}

/** Letters that are not hex digits, so a suffix never looks like part of an id. */
export function randomSuffix(): string {
  const letters = "ghjkmnpqrstvwxyz";
  return [...randomBytes(8)].map((byte) => letters[byte % letters.length]).join("");
}

export async function runCases(cases: readonly CaseLike[], target: Target): Promise<Outcome[]> {
  const suffix = randomSuffix();
  const vars = new Map<string, string>([
    ...Object.entries(target.vars ?? {}),
    ["suffix", suffix],
    ["admin_password", target.adminPassword],
    ["missing_id", randomBytes(16).toString("hex")],
  ]);
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (whole, name: string) => vars.get(name) ?? whole);
  const normalise = normaliser(target.base, suffix);
  const outcomes: Outcome[] = [];
  for (const c of cases) {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(c.headers ?? {})) headers[name.toLowerCase()] = fill(value);
    if (c.as === "admin") headers["x-auth-token"] = target.adminToken;
    else if (c.as !== "none") {
      const token = target.tokens?.[c.as];
      if (token === undefined) throw new Error(`case ${c.name}: no token for ${c.as}`);
      headers["x-auth-token"] = token;
    }
    const body = c.raw ?? (c.body === undefined ? undefined : JSON.stringify(fillDeep(c.body, fill)));
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await target.send({
      method: c.method,
      path: fill(c.root ? c.path : `${target.prefix ?? "/v3"}${c.path}`),
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const json: unknown = response.text === "" ? null : parseOrText(response.text);
    for (const [name, from] of Object.entries(c.save ?? {})) {
      const value = from.startsWith("header:") ? response.headers[from.slice(7)] : dig(json, from);
      if (typeof value === "string") vars.set(name, value);
    }
    outcomes.push({
      name: c.name,
      method: c.method,
      path: c.path,
      status: response.status,
      body: normalise(json, body ?? ""),
    });
  }
  return outcomes;
}

/** JSON, or the text itself when it is not JSON (an HTML error page, plain text). */
function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function fillDeep(value: unknown, fill: (text: string) => string): unknown {
  if (typeof value === "string") return fill(value);
  if (Array.isArray(value)) return value.map((item) => fillDeep(item, fill));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v, fill)]));
  }
  return value;
}

function dig(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Keys whose IP address a server picks itself (at random in Neutron) unless the request named it. */
const ALLOCATED_ADDRESS_KEYS = new Set(["ip_address", "floating_ip_address", "fixed_ip_address"]);

/**
 * Makes a body stable across runs and servers: the identity root in URLs becomes "<url>", other
 * URLs' hosts "<host>", ids "<id>", timestamps "<time>", the name suffix "<suffix>", secrets
 * "<secret>", audit ids "<audit_id>", MAC addresses "<mac>", and addresses the server allocated
 * (ALLOCATED_ADDRESS_KEYS whose value the request did not contain) "<ip>", also where an error
 * message quotes one of them later in the run (or a floating IP nothing else showed).
 */
export function normaliser(base: RegExp, suffix: string): (value: unknown, request?: string) => unknown {
  const baseAtStart = new RegExp(`^${base.source}`);
  const text = (s: string) =>
    s
      .replaceAll(suffix, "<suffix>")
      .replace(baseAtStart, "<url>")
      .replace(/^[a-z][a-z0-9+.-]*:\/\/[^/\s]+/, "<host>")
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>")
      .replace(/[0-9a-f]{32}/g, "<id>")
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?/g, "<time>")
      .replace(/\b[0-9a-f]{2}(:[0-9a-f]{2}){5}\b/gi, "<mac>")
      // Neutron names callbacks by a per-process number ("...policy_change-138337 failed").
      .replace(/(Callback \S+?)-\d+ failed/g, "$1-<n> failed");
  let request = "";
  const allocated = new Set<string>();
  const withoutAllocated = (message: string) =>
    [...allocated].reduce(
      (out, address) =>
        out.replace(new RegExp(`(?<![\\w.:])${address.replace(/\./g, "\\.")}(?![\\w:]|\\.\\d)`, "g"), "<ip>"),
      message,
    );
  const walk = (value: unknown, key: string | undefined): unknown => {
    if (key === "secret" && typeof value === "string") return "<secret>";
    if (key !== undefined && ALLOCATED_ADDRESS_KEYS.has(key) && typeof value === "string") {
      if (!request.includes(`"${value}"`)) {
        allocated.add(value);
        return "<ip>";
      }
    }
    if (key === "message" && typeof value === "string") {
      // A floating IP a failed request allocated and gave back is quoted nowhere else.
      const quoted = withoutAllocated(value).replace(
        /(floating IP )([\d.]+)/g,
        (whole, lead: string, address: string) => (request.includes(`"${address}"`) ? whole : `${lead}<ip>`),
      );
      return text(quoted);
    }
    if (key === "audit_ids" && Array.isArray(value)) return value.map(() => "<audit_id>");
    if (typeof value === "string") return text(value);
    if (Array.isArray(value)) return value.map((item) => walk(item, undefined));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    }
    return value;
  };
  return (value, requestBody = "") => {
    request = requestBody;
    return walk(value, undefined);
  };
}

export type Shape = string | Shape[] | { [key: string]: Shape };

/** The keys (recursively) and JSON types of a value; a list is the shape of its first element. */
export function shapeOf(value: unknown): Shape {
  if (value === null) return "null";
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, shapeOf((value as Record<string, unknown>)[key])]),
    );
  }
  return typeof value;
}
