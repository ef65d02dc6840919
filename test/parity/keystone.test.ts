import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { isDeepStrictEqual } from "node:util";
import { ADMIN_PASSWORD, startTestApp, type TestApp } from "../helpers/app.ts";
import { cases } from "./keystone-cases.ts";
import { runCases, shapeOf, type Outcome, type Shape } from "./harness.ts";

/**
 * Replays test/parity/keystone-cases.ts against Stratus and compares each answer with the one a
 * real Keystone gave (test/parity/keystone.json, written by test/parity/record.ts), both normalised:
 * the status; the shape of the body (keys and JSON types, recursively; a list by its first element);
 * a list's own `links`; and for errors the code, title and message (its first paragraph: Keystone
 * appends a schema dump to validation messages that Stratus leaves out).
 */

/**
 * Cases where Stratus deliberately answers differently, with the reason. A listed case must still
 * differ: once it matches Keystone, its entry has to go.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {
  "project update": "Keystone leaks its internal `extra` column ({}) into PATCH responses only",
  "role list by name":
    "Keystone's bootstrap roles carry options.immutable; Stratus has no resource options, so nothing is immutable",
  "application credential create":
    "roles' options.immutable as above, and Keystone reports `unrestricted` null when the request omits it (Stratus: false)",
  "application credential get": "as for application credential create",
};

const fixture = JSON.parse(readFileSync(new URL("./keystone.json", import.meta.url), "utf8")) as {
  generated: string;
  cases: Outcome[];
};

let t: TestApp;
let stratus: Map<string, Outcome>;
before(async () => {
  t = await startTestApp();
  const outcomes = await runCases(cases, {
    send: async ({ method, path, headers, body }) => {
      const response = await t.app.inject({
        method,
        url: `/identity${path}`,
        headers,
        ...(body !== undefined ? { payload: body } : {}),
      });
      const flat: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(response.headers)) flat[name] = value?.toString();
      return { status: response.statusCode, headers: flat, text: response.body };
    },
    adminToken: t.adminToken,
    adminPassword: ADMIN_PASSWORD,
    base: /http:\/\/localhost(:80)?\/identity/,
  });
  stratus = new Map(outcomes.map((outcome) => [outcome.name, outcome]));
});
after(() => t.close());

test("the fixture was recorded from the current cases", () => {
  assert.match(fixture.generated, /^by test\/parity\/record\.ts from Keystone /);
  assert.deepEqual(
    fixture.cases.map((c) => `${c.method} ${c.path} (${c.name})`),
    cases.map((c) => `${c.method} ${c.path} (${c.name})`),
    "re-record with `node --import tsx test/parity/record.ts`",
  );
  for (const name of Object.keys(KNOWN_DIFFERENCES)) {
    assert.ok(
      cases.some((c) => c.name === name),
      `KNOWN_DIFFERENCES names no case: ${name}`,
    );
  }
});

for (const keystone of fixture.cases) {
  test(`${keystone.name}: ${keystone.method} ${keystone.path}`, (ctx) => {
    const ours = stratus.get(keystone.name);
    assert.ok(ours, "the case ran");
    const problems = differences(keystone, ours);
    const reason = KNOWN_DIFFERENCES[keystone.name];
    if (reason === undefined) {
      assert.deepEqual(problems, [], `Stratus differs from Keystone:\n  ${problems.join("\n  ")}`);
      return;
    }
    ctx.diagnostic(`known difference (${reason}): ${problems.join("; ")}`);
    assert.notDeepEqual(problems, [], "now the same as Keystone: remove it from KNOWN_DIFFERENCES");
  });
}

/** What differs between Keystone's answer and Stratus's, one line each. */
function differences(keystone: Outcome, ours: Outcome): string[] {
  const out: string[] = [];
  if (keystone.status !== ours.status)
    out.push(`status: Keystone ${keystone.status}, Stratus ${ours.status}`);
  compareShapes(shapeOf(keystone.body), shapeOf(ours.body), "body", out);
  // A list's own links (self with its query string, previous, next) are the same once normalised.
  const theirLinks = topLinks(keystone.body);
  const myLinks = topLinks(ours.body);
  if (theirLinks !== undefined && myLinks !== undefined && !isDeepStrictEqual(theirLinks, myLinks)) {
    out.push(`body.links: Keystone ${JSON.stringify(theirLinks)}, Stratus ${JSON.stringify(myLinks)}`);
  }
  const theirs = errorOf(keystone.body);
  const mine = errorOf(ours.body);
  if (theirs !== undefined && mine !== undefined) {
    for (const field of ["code", "title", "message"] as const) {
      if (theirs[field] !== mine[field]) {
        out.push(
          `error.${field}: Keystone ${JSON.stringify(theirs[field])}, Stratus ${JSON.stringify(mine[field])}`,
        );
      }
    }
  }
  return out;
}

function topLinks(body: unknown): unknown {
  return body !== null && typeof body === "object" && "links" in body ? body.links : undefined;
}

/** The error's code, title and message; only the message's first paragraph (no schema dump). */
function errorOf(body: unknown): { code: unknown; title: unknown; message: unknown } | undefined {
  if (body === null || typeof body !== "object" || !("error" in body)) return undefined;
  const error = body.error as { code?: unknown; title?: unknown; message?: unknown };
  const message = typeof error.message === "string" ? error.message.split("\n\n")[0] : error.message;
  return { code: error.code, title: error.title, message };
}

function compareShapes(keystone: Shape, ours: Shape, path: string, out: string[]): void {
  const kind = (shape: Shape) =>
    typeof shape === "string"
      ? shape
      : Array.isArray(shape)
        ? shape.length
          ? "list"
          : "empty list"
        : "object";
  if (typeof keystone === "string" || typeof ours === "string" || kind(keystone) !== kind(ours)) {
    if (kind(keystone) !== kind(ours)) out.push(`${path}: Keystone ${kind(keystone)}, Stratus ${kind(ours)}`);
    return;
  }
  if (Array.isArray(keystone) || Array.isArray(ours)) {
    const [first] = keystone as Shape[];
    const [mine] = ours as Shape[];
    if (first !== undefined && mine !== undefined) compareShapes(first, mine, `${path}[0]`, out);
    return;
  }
  for (const key of new Set([...Object.keys(keystone), ...Object.keys(ours)])) {
    const theirs = keystone[key];
    const mine = ours[key];
    if (theirs === undefined) out.push(`${path}.${key}: only in Stratus`);
    else if (mine === undefined) out.push(`${path}.${key}: only in Keystone`);
    else compareShapes(theirs, mine, `${path}.${key}`, out);
  }
}
