import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { cases, type Area } from "./neutron-cases.ts";
import { KNOWN_DIFFERENCES } from "./neutron-differences.ts";
import { runCases, shapeOf, type Outcome, type Shape } from "./harness.ts";

/**
 * Replays test/parity/neutron-cases.ts against Stratus and compares each answer with the one a real
 * Neutron gave (test/parity/neutron.json, written by test/parity/record-neutron.ts), both
 * normalised (ids, times, MACs and addresses the server picked): the status; the shape of the body
 * (keys and JSON types, recursively; a list by its first element); and the values — every scalar
 * present on both sides, lists item by item (in order when the case sorts, else as sets), which
 * covers list links, defaults, and errors' type and message.
 */

/** Resource families being built right now: their cases are recorded but not yet replayed. */
const UNDER_CONSTRUCTION: Partial<Record<Area, string>> = {
  router: "resource under construction — enable once built",
  floatingip: "resource under construction — enable once built",
  subnetpool: "resource under construction — enable once built",
  rbac: "resource under construction — enable once built",
};

const fixture = JSON.parse(readFileSync(new URL("./neutron.json", import.meta.url), "utf8")) as {
  generated: string;
  cases: Outcome[];
};

let t: TestApp;
let stratus: Map<string, Outcome>;
before(async () => {
  t = await startTestApp();
  const projectId = async (name: string) =>
    (await call(t.app, t.adminToken, "GET", `/identity/v3/projects?name=${name}`)).json().projects[0]
      .id as string;
  const member = await userInNewProject(t, "parity-member");
  const other = await userInNewProject(t, "parity-other");
  const outcomes = await runCases(cases, {
    send: async ({ method, path, headers, body }) => {
      const response = await t.app.inject({
        method,
        url: `/networking${path}`,
        headers,
        ...(body !== undefined ? { payload: body } : {}),
      });
      const flat: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(response.headers)) flat[name] = value?.toString();
      return { status: response.statusCode, headers: flat, text: response.body };
    },
    adminToken: t.adminToken,
    adminPassword: "",
    base: /http:\/\/localhost(:80)?\/networking/,
    prefix: "/v2.0",
    tokens: { member, other },
    vars: {
      admin_project_id: await projectId("admin"),
      member_project_id: await projectId("parity-member"),
      other_project_id: await projectId("parity-other"),
      missing_uuid: randomUUID(),
    },
  });
  stratus = new Map(outcomes.map((outcome) => [outcome.name, outcome]));
});
after(() => t.close());

test("the fixture was recorded from the current cases", () => {
  assert.match(fixture.generated, /^by test\/parity\/record-neutron\.ts from Neutron /);
  assert.deepEqual(
    fixture.cases.map((c) => `${c.method} ${c.path} (${c.name})`),
    cases.map((c) => `${c.method} ${c.path} (${c.name})`),
    "re-record with `node --import tsx test/parity/record-neutron.ts`",
  );
  assert.equal(new Set(cases.map((c) => c.name)).size, cases.length, "case names are unique");
  for (const name of Object.keys(KNOWN_DIFFERENCES)) {
    assert.ok(
      cases.some((c) => c.name === name),
      `KNOWN_DIFFERENCES names no case: ${name}`,
    );
  }
});

const areaOf = new Map(cases.map((c) => [c.name, c.area]));
for (const neutron of fixture.cases) {
  const skip = UNDER_CONSTRUCTION[areaOf.get(neutron.name) ?? "core"];
  test(`${neutron.name}: ${neutron.method} ${neutron.path}`, skip ? { skip } : {}, (ctx) => {
    const ours = stratus.get(neutron.name);
    assert.ok(ours, "the case ran");
    const problems = differences(neutron, ours);
    const known = KNOWN_DIFFERENCES[neutron.name];
    if (known === undefined) {
      assert.deepEqual(problems, [], `Stratus differs from Neutron:\n  ${problems.join("\n  ")}`);
      return;
    }
    ctx.diagnostic(`known difference (${known.reason}): ${problems.join("; ")}`);
    assert.notDeepEqual(problems, [], "now the same as Neutron: remove it from KNOWN_DIFFERENCES");
    assert.deepEqual(
      problems,
      known.problems,
      "differs from Neutron otherwise than KNOWN_DIFFERENCES says: fix Stratus or update the entry",
    );
  });
}

/** What differs between Neutron's answer and Stratus's, one line each. */
function differences(neutron: Outcome, ours: Outcome): string[] {
  const out: string[] = [];
  if (neutron.status !== ours.status) out.push(`status: Neutron ${neutron.status}, Stratus ${ours.status}`);
  compareShapes(shapeOf(neutron.body), shapeOf(ours.body), "body", out);
  compareValues(neutron.body, ours.body, "body", neutron.path.includes("sort_key="), out);
  return out;
}

const show = (value: unknown) => JSON.stringify(value);

function compareValues(neutron: unknown, ours: unknown, path: string, ordered: boolean, out: string[]): void {
  if (Array.isArray(neutron) && Array.isArray(ours)) {
    if (neutron.length !== ours.length) {
      out.push(`${path}: Neutron ${show(neutron)}, Stratus ${show(ours)}`);
      return;
    }
    const order = (list: unknown[]) =>
      ordered ? list : [...list].sort((a, b) => (show(a) < show(b) ? -1 : 1));
    const [theirs, mine] = [order(neutron), order(ours)];
    theirs.forEach((item, i) => compareValues(item, mine[i], `${path}[${i}]`, ordered, out));
    return;
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObject(neutron) && isObject(ours)) {
    for (const key of Object.keys(neutron)) {
      if (key in ours) compareValues(neutron[key], ours[key], `${path}.${key}`, ordered, out);
    }
    return;
  }
  // A kind mismatch (object vs list, null vs string...) is the shape comparison's to report.
  if (shapeKind(neutron) === shapeKind(ours) && neutron !== ours) {
    out.push(`${path}: Neutron ${show(neutron)}, Stratus ${show(ours)}`);
  }
}

function shapeKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  return typeof value;
}

function compareShapes(neutron: Shape, ours: Shape, path: string, out: string[]): void {
  const kind = (shape: Shape) =>
    typeof shape === "string"
      ? shape
      : Array.isArray(shape)
        ? shape.length
          ? "list"
          : "empty list"
        : "object";
  if (typeof neutron === "string" || typeof ours === "string" || kind(neutron) !== kind(ours)) {
    const [a, b] = [kind(neutron), kind(ours)];
    // An empty list against a full one is a value difference, reported as such.
    const lists = (a === "list" || a === "empty list") && (b === "list" || b === "empty list");
    if (a !== b && !lists) out.push(`${path}: Neutron ${a}, Stratus ${b}`);
    return;
  }
  if (Array.isArray(neutron) || Array.isArray(ours)) {
    const [first] = neutron as Shape[];
    const [mine] = ours as Shape[];
    if (first !== undefined && mine !== undefined) compareShapes(first, mine, `${path}[0]`, out);
    return;
  }
  for (const key of new Set([...Object.keys(neutron), ...Object.keys(ours)])) {
    const theirs = neutron[key];
    const mine = ours[key];
    if (theirs === undefined) out.push(`${path}.${key}: only in Stratus`);
    else if (mine === undefined) out.push(`${path}.${key}: only in Neutron`);
    else compareShapes(theirs, mine, `${path}.${key}`, out);
  }
}
