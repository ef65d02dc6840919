import { emptyModel, TABLES, type Model, type Problem } from "../model.ts";
import { buildContext, compareText } from "./context.ts";
import { compileChassis } from "./chassis.ts";
import { compileDhcp } from "./dhcp.ts";
import { compileNetworkAcls } from "./network-acls.ts";
import { compileQos } from "./qos.ts";
import { compileRouteTables } from "./route-tables.ts";
import type { NetworkState } from "./input.ts";
import { compileNats } from "./nat.ts";
import { compileNatGateways } from "./nat-gateways.ts";
import { compilePeerings } from "./peerings.ts";
import { compileRouters } from "./routers.ts";
import { compileSecurity } from "./security.ts";
import { compileSwitches } from "./switches.ts";

/**
 * Compiles the networking resources into the logical model. Pure: no I/O, never throws on bad
 * data; unrealisable combinations become `problems` and their rows are left out. The same input
 * gives byte-identical JSON: every table is keyed in sorted order, problems are sorted too.
 */
export function compile(state: NetworkState): Model {
  const model = emptyModel();
  const ctx = buildContext(state, model);
  compileSwitches(ctx);
  compileRouters(ctx);
  compileNats(ctx, state);
  compileNatGateways(ctx, state);
  compileSecurity(ctx, state.security_group_rules);
  compileDhcp(ctx);
  compileQos(ctx, state);
  compilePeerings(ctx, state);
  compileRouteTables(ctx, state);
  compileNetworkAcls(ctx, state);
  compileChassis(ctx);
  return sortModel(model);
}

function sortModel(model: Model): Model {
  const sorted = emptyModel();
  for (const table of TABLES) {
    const rows: Record<string, unknown> = model[table];
    const target: Record<string, unknown> = sorted[table];
    for (const name of Object.keys(rows).sort(compareText)) target[name] = rows[name];
  }
  sorted.problems = [...model.problems].sort(compareProblems);
  return sorted;
}

export function compareProblems(a: Problem, b: Problem): number {
  return (
    compareText(a.owner.type, b.owner.type) ||
    compareText(a.owner.id, b.owner.id) ||
    compareText(a.reason, b.reason)
  );
}
