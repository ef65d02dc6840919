import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { cases, type Area } from "./neutron-cases.ts";
import { GLOBAL_DIFFERENCES, KNOWN_DIFFERENCES } from "./neutron-differences.ts";
import { runCases, type Outcome } from "./harness.ts";

/**
 * Replays test/parity/neutron-cases.ts against Stratus and compares each answer with the one a real
 * Neutron gave (test/parity/neutron.json, written by test/parity/record-neutron.ts), both
 * normalised (ids, times, MACs and addresses the server picked): the status; the shape of the body
 * (keys and JSON types, recursively; a list by its first element); and the values — every scalar
 * present on both sides, lists item by item (in order when the case sorts, else as sets), which
 * covers list links, defaults, and errors' type and message.
 */

/** Resource families being built right now: their cases are recorded but not yet replayed. */
const UNDER_CONSTRUCTION: Partial<Record<Area, string>> = {};

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

test("every global known difference still occurs", () => {
  for (const known of GLOBAL_DIFFERENCES) {
    const seen = fixture.cases.some((neutron) => {
      const ours = stratus.get(neutron.name);
      if (ours === undefined || UNDER_CONSTRUCTION[areaOf.get(neutron.name) ?? "core"]) return false;
      return rawDifferences(neutron, ours).some((line) => known.pattern.test(line));
    });
    assert.ok(seen, `no case differs so any more: remove it from GLOBAL_DIFFERENCES (${known.reason})`);
  }
});

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

/**
 * Attributes the reference adds through extensions Stratus does not advertise in /v2.0/extensions
 * (clients look there before using them), with the extension's alias; and one Neutron internal.
 * Their absence from Stratus's answers is not a difference.
 */
const UNADVERTISED_ATTRIBUTES: Record<string, string> = {
  qos_policy_id: "qos (enabled on the reference by setup.sh's service_plugins)",
  qos_network_policy_id: "qos-port-network-policy",
  resource_request: "port-resource-request",
  ipv4_address_scope: "address-scope",
  ipv6_address_scope: "address-scope",
  address_scope_id: "address-scope",
  is_default: "auto-allocated-topology / default-subnetpools",
  ha: "l3-ha",
  distributed: "dvr",
  flavor_id: "l3-flavors",
  port_details: "fip-port-details",
  qos_network_policy: "qos",
  standard_attr_id: "none: Neutron leaks its standard-attribute row id into a group's embedded rules",
  gw_port_id: "none: Neutron leaks it (and ha_vr_id) into add_extraroutes/remove_extraroutes answers",
  ha_vr_id: "none: as gw_port_id",
};

/**
 * Values no two servers share: a row number of Neutron's standard-attribute table, the segment a
 * tenant network was given (Neutron picks at random), and a network's or router's availability
 * zones (Neutron's come from its DHCP and L3 agents, and the reference has none, so always []).
 * Their presence and JSON kind are still compared.
 */
const UNCOMPARED_VALUES = new Set(["standard_attr_id", "provider:segmentation_id", "availability_zones"]);

/** What differs between Neutron's answer and Stratus's, one line each, less the global ones. */
function differences(neutron: Outcome, ours: Outcome): string[] {
  return rawDifferences(neutron, ours).filter(
    (line) => !GLOBAL_DIFFERENCES.some((known) => known.pattern.test(line)),
  );
}

function rawDifferences(neutron: Outcome, ours: Outcome): string[] {
  const out: string[] = [];
  if (neutron.status !== ours.status) out.push(`status: Neutron ${neutron.status}, Stratus ${ours.status}`);
  compare(
    neutron.body,
    ours.body,
    "body",
    { ordered: neutron.path.includes("sort_key="), values: true },
    out,
  );
  return out.filter((line) => {
    const only = /\.([\w:]+): only in Neutron$/.exec(line);
    return !(only?.[1] !== undefined && only[1] in UNADVERTISED_ATTRIBUTES);
  });
}

const show = (value: unknown) => JSON.stringify(value);

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  return typeof value;
}

const isObject = (value: unknown): value is Record<string, unknown> => kindOf(value) === "object";

/**
 * Compares two normalised bodies: keys present on one side only, JSON kinds, and (with `values`)
 * scalars and list lengths. Lists are compared item by item in order when `ordered`, else as sets:
 * each of Neutron's items against the remaining one of Stratus's it differs least from.
 */
function compare(
  neutron: unknown,
  ours: unknown,
  path: string,
  mode: { ordered: boolean; values: boolean },
  out: string[],
): void {
  const [theirKind, myKind] = [kindOf(neutron), kindOf(ours)];
  if (theirKind !== myKind) {
    out.push(`${path}: Neutron ${theirKind}, Stratus ${myKind}`);
    return;
  }
  if (Array.isArray(neutron) && Array.isArray(ours)) {
    if (neutron.length !== ours.length) {
      if (mode.values) out.push(`${path}: Neutron ${show(neutron)}, Stratus ${show(ours)}`);
      // Still compare what an item looks like.
      if (neutron.length > 0 && ours.length > 0)
        compare(neutron[0], ours[0], `${path}[0]`, { ...mode, values: false }, out);
      return;
    }
    if (mode.ordered) {
      neutron.forEach((item, i) => compare(item, ours[i], `${path}[${i}]`, mode, out));
      return;
    }
    const left = [...ours];
    neutron.forEach((item, i) => {
      const costs = left.map((candidate) => {
        const found: string[] = [];
        compare(item, candidate, "", mode, found);
        return found.length;
      });
      const best = costs.indexOf(Math.min(...costs));
      compare(item, left[best], `${path}[${i}]`, mode, out);
      left.splice(best, 1);
    });
    return;
  }
  if (isObject(neutron) && isObject(ours)) {
    for (const key of new Set([...Object.keys(neutron), ...Object.keys(ours)])) {
      if (!(key in ours)) out.push(`${path}.${key}: only in Neutron`);
      else if (!(key in neutron)) out.push(`${path}.${key}: only in Stratus`);
      else {
        const values = mode.values && !UNCOMPARED_VALUES.has(key);
        compare(neutron[key], ours[key], `${path}.${key}`, { ...mode, values }, out);
      }
    }
    return;
  }
  if (mode.values && neutron !== ours) out.push(`${path}: Neutron ${show(neutron)}, Stratus ${show(ours)}`);
}
