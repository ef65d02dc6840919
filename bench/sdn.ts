import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { createContext } from "../src/context.ts";
import { transaction } from "../src/db/index.ts";
import type { NetworkTables } from "../src/network/tables.ts";
import { compile } from "../src/sdn/compile/index.ts";
import type { Model } from "../src/sdn/model.ts";
import { trace } from "../src/sdn/trace/index.ts";
import type { Row } from "./report.ts";
import { loadIntoDb } from "./sdn-load.ts";
import { syntheticState } from "./sdn-state.ts";
import { median, percentile } from "./stats.ts";

const SCALE = { ports: 10_000, rules: 1_000, routers: 100 };
const COMPILES = 5;
const TRACES = 2_000;
const CHANGES = 50;
const scale = `${SCALE.ports} ports, ${SCALE.rules} SG rules, ${SCALE.routers} routers`;
const ms = (value: number) => value.toFixed(value < 10 ? 2 : 0);

/** 6. The SDN controller at scale: full compile, one traced packet, one port change reconciled. */
export async function sdnBenchmarks(rows: Row[], progress: (message: string) => void): Promise<void> {
  const state = syntheticState(SCALE);
  progress(`compile x ${COMPILES} at ${scale}`);
  const compileTimes: number[] = [];
  let model: Model | undefined;
  for (let i = 0; i < COMPILES; i++) {
    const start = performance.now();
    model = compile(state);
    compileTimes.push(performance.now() - start);
  }
  rows.push({
    name: "SDN full compile p50",
    value: median(compileTimes),
    unit: "ms",
    goal: 2_000,
    note: `${scale}; ${COMPILES} runs, in-process; ${Object.keys(model?.acls ?? {}).length} ACLs out`,
  });
  if (model !== undefined) traces(rows, model, progress);
  await reconciles(rows, progress);
}

function traces(rows: Row[], model: Model, progress: (message: string) => void): void {
  progress(`trace x ${TRACES} at ${scale}`);
  const vms = Object.values(model.logical_switch_ports).filter(
    (p) => p.type === "" && p.addresses.length > 0,
  );
  const times: number[] = [];
  const verdicts = { delivered: 0, dropped: 0 };
  for (let i = 0; i < TRACES + 100; i++) {
    const from = vms[(i * 7919) % vms.length]!;
    const to = vms[(i * 104_729 + 1) % vms.length]!;
    const start = performance.now();
    const result = trace(model, {
      source: { port_id: from.name },
      destination: { port_id: to.name },
      protocol: "tcp",
      destination_port: 22,
    });
    if (i >= 100) {
      times.push(performance.now() - start);
      verdicts[result.verdict]++;
    }
  }
  rows.push({
    name: "SDN trace p50",
    value: percentile(times, 50),
    unit: "ms",
    goal: 1,
    note: `${TRACES} port-to-port tcp/22 traces with replies at ${scale}; p95 ${ms(percentile(times, 95))} ms; ${verdicts.delivered} delivered, ${verdicts.dropped} dropped`,
  });
}

async function reconciles(rows: Row[], progress: (message: string) => void): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "stratus-bench-sdn-"));
  const ctx = await createContext(loadConfig(["--data-dir", dataDir]));
  try {
    const state = syntheticState(SCALE);
    progress(`loading ${scale} into SQLite`);
    await loadIntoDb(ctx.db, state);
    progress("controller full sync");
    const start = performance.now();
    await ctx.sdn.reconcileNow();
    const fullMs = performance.now() - start;
    progress(`port change + reconcile x ${CHANGES}`);
    const times: number[] = [];
    let incremental = 0;
    for (let i = 0; i < CHANGES; i++) {
      const port = state.ports[(i * 7919) % state.ports.length]!;
      await renamePort(ctx, port.id, `renamed-${i}`);
      const begin = performance.now();
      const report = await ctx.sdn.reconcileNow();
      times.push(performance.now() - begin);
      if (report.incremental === report.passes) incremental++;
    }
    rows.push(
      {
        name: "SDN reconcile of one port change p50",
        value: percentile(times, 50),
        unit: "ms",
        goal: 5,
        note: `${CHANGES} changes of any port (update + event, then reconcileNow) at ${scale} on SQLite; ${incremental} incremental, the rest (router, floating IP, NAT-target ports) full passes; p95 ${ms(percentile(times, 95))} ms`,
      },
      {
        name: "  SDN full sync at that scale",
        value: fullMs,
        unit: "ms",
        goal: null,
        note: "load from the database, compile, apply everything to the virtual driver, write statuses",
      },
    );
  } finally {
    await ctx.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A port update as the API makes it: new name and revision, and its event, in one transaction. */
async function renamePort(
  ctx: Awaited<ReturnType<typeof createContext>>,
  id: string,
  name: string,
): Promise<void> {
  await transaction<NetworkTables, void>(ctx.db, async (tx) => {
    await tx.db
      .updateTable("ports")
      .set((eb) => ({ name, revision_number: eb("revision_number", "+", 1) }))
      .where("id", "=", id)
      .execute();
    await ctx.events.append(tx, {
      type: "port.update.end",
      resource_id: id,
      payload: { port: { id, name } },
    });
  });
}
