import { randomBytes } from "node:crypto";
import type { Method, ParityCase } from "./keystone-cases.ts";

/** Runs the parity cases against one server and normalises what it answers. */

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
}

/** Letters that are not hex digits, so a suffix never looks like part of an id. */
export function randomSuffix(): string {
  const letters = "ghjkmnpqrstvwxyz";
  return [...randomBytes(8)].map((byte) => letters[byte % letters.length]).join("");
}

export async function runCases(cases: readonly ParityCase[], target: Target): Promise<Outcome[]> {
  const suffix = randomSuffix();
  const vars = new Map<string, string>([
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
    const body = c.raw ?? (c.body === undefined ? undefined : JSON.stringify(fillDeep(c.body, fill)));
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await target.send({
      method: c.method,
      path: fill(c.root ? c.path : `/v3${c.path}`),
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const json: unknown = response.text === "" ? null : JSON.parse(response.text);
    for (const [name, from] of Object.entries(c.save ?? {})) {
      const value = from.startsWith("header:") ? response.headers[from.slice(7)] : dig(json, from);
      if (typeof value === "string") vars.set(name, value);
    }
    outcomes.push({
      name: c.name,
      method: c.method,
      path: c.path,
      status: response.status,
      body: normalise(json),
    });
  }
  return outcomes;
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

/**
 * Makes a body stable across runs and servers: the identity root in URLs becomes "<url>", other
 * URLs' hosts "<host>", ids "<id>", timestamps "<time>", the name suffix "<suffix>", secrets
 * "<secret>" and audit ids "<audit_id>".
 */
export function normaliser(base: RegExp, suffix: string): (value: unknown) => unknown {
  const baseAtStart = new RegExp(`^${base.source}`);
  const text = (s: string) =>
    s
      .replaceAll(suffix, "<suffix>")
      .replace(baseAtStart, "<url>")
      .replace(/^[a-z][a-z0-9+.-]*:\/\/[^/\s]+/, "<host>")
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>")
      .replace(/[0-9a-f]{32}/g, "<id>")
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?/g, "<time>");
  const walk = (value: unknown, key: string | undefined): unknown => {
    if (key === "secret" && typeof value === "string") return "<secret>";
    if (key === "audit_ids" && Array.isArray(value)) return value.map(() => "<audit_id>");
    if (typeof value === "string") return text(value);
    if (Array.isArray(value)) return value.map((item) => walk(item, undefined));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    }
    return value;
  };
  return (value) => walk(value, undefined);
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
