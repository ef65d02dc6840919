import { arch, availableParallelism, loadavg, platform } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { Client } from "./http.ts";
import { ADMIN_PASSWORD, benchIssue, benchValidation, issueToken, validateToken } from "./identity.ts";
import { imageBenchmarks } from "./image.ts";
import { portBenchmarks } from "./network.ts";
import { sdnBenchmarks } from "./sdn.ts";
import { summary, table, type Row } from "./report.ts";
import { bareNodeMs, memoryKb, startServer, stopAll, type Server } from "./server.ts";
import { max, median, min, percentile } from "./stats.ts";

const STARTS = 5;
const VALIDATIONS = 2_000;
const VALIDATION_WARMUP = 200;
const ISSUES = 50;
const ISSUE_WARMUP = 3;
const KDF_RUNS = 20;
const IDLE_SETTLE_MS = 1_000;

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)}`;
const mb = (kb: number) => (kb * 1024) / 1e6;
const share = (part: number, whole: number) => `${((part / whole) * 100).toFixed(0)} %`;

/** 1. Spawn-to-ready, STARTS times on fresh data dirs; the last server is left running for the rest. */
async function startup(rows: Row[]): Promise<Server> {
  const wall: number[] = [];
  const reported: number[] = [];
  const bare: number[] = [];
  let server: Server | undefined;
  for (let i = 1; i <= STARTS; i++) {
    bare.push(await bareNodeMs());
    await server?.stop(); // one server at a time, so start-ups do not compete for the CPU
    progress(`start ${i}/${STARTS}`);
    server = await startServer(ADMIN_PASSWORD);
    wall.push(server.wallMs);
    reported.push(server.reportedMs);
  }
  if (server === undefined) throw new Error("no server started");
  const range = (xs: number[]) => `${STARTS} runs: ${ms(min(xs))}-${ms(max(xs))} ms`;
  rows.push(
    {
      name: "start to ready (spawn, median)",
      value: median(wall),
      unit: "ms",
      goal: 1000,
      note: range(wall),
    },
    {
      name: "  process uptime at ready (server's own)",
      value: median(reported),
      unit: "ms",
      goal: null,
      note: `${range(reported)}; from node's start, so without spawn overhead`,
    },
    { name: "  for scale: bare `node -e 0`", value: median(bare), unit: "ms", goal: null, note: range(bare) },
  );
  return server;
}

/** 2. Resident memory once the server has answered a few requests and then sat idle. */
async function idleMemory(rows: Row[], server: Server, client: Client): Promise<string> {
  progress("idle memory");
  const atReady = memoryKb(server.pid);
  const root = await client.send("GET", "/");
  if (root.status !== 200) throw new Error(`GET / answered ${root.status}`);
  const token = await issueToken(client);
  for (let i = 0; i < 5; i++) await validateToken(client, token);
  await sleep(IDLE_SETTLE_MS);
  const memory = memoryKb(server.pid);
  rows.push({
    name: "idle RSS after a few requests",
    value: memory === null ? null : mb(memory.rss),
    unit: "MB",
    goal: 150,
    note:
      memory === null || atReady === null
        ? "/proc/<pid>/status unavailable"
        : `VmRSS ${memory.rss} kB; ${mb(atReady.rss).toFixed(1)} MB right at ready`,
  });
  return token;
}

/** 3. Sequential GET /v3/auth/tokens over one keep-alive connection. */
async function validation(rows: Row[], client: Client, token: string): Promise<void> {
  progress(`token validation x ${VALIDATIONS}`);
  const started = performance.now();
  const times = await benchValidation(client, token, VALIDATIONS, VALIDATION_WARMUP);
  const seconds = (performance.now() - started) / 1000;
  const rate = Math.round((VALIDATIONS + VALIDATION_WARMUP) / seconds);
  const note = `${VALIDATIONS} sequential after ${VALIDATION_WARMUP} warm-up; same token (cached), with catalog`;
  rows.push(
    { name: "token validation p50 (HTTP)", value: percentile(times, 50), unit: "ms", goal: 2, note },
    {
      name: "token validation p95 (HTTP)",
      value: percentile(times, 95),
      unit: "ms",
      goal: null,
      note: `p99 ${ms(percentile(times, 99))} ms, max ${ms(max(times))} ms, ~${rate} req/s`,
    },
  );
}

/** 4. Sequential password-method token issue, and how much of it is the KDF. */
async function issue(rows: Row[], client: Client): Promise<void> {
  progress(`token issue x ${ISSUES}, scrypt in-process x ${KDF_RUNS}`);
  const { issue: times, verify, hash, uncached } = await benchIssue(client, ISSUES, KDF_RUNS, ISSUE_WARMUP);
  const issueP50 = percentile(times, 50);
  const verifyP50 = percentile(verify, 50);
  const [minVerify, minIssue] = [min(verify), min(times)];
  rows.push(
    {
      name: "token issue p50 (HTTP, password)",
      value: issueP50,
      unit: "ms",
      goal: null,
      note: `${ISSUES} sequential, project scope admin/Default; p95 ${ms(percentile(times, 95))} ms`,
    },
    {
      name: "  scrypt verifySecret p50 (in-process)",
      value: verifyP50,
      unit: "ms",
      goal: null,
      note: `${KDF_RUNS} runs between the issues; hashSecret p50 ${ms(percentile(hash, 50))} ms`,
    },
    {
      name: "  KDF share of token issue p50",
      value: (verifyP50 / issueP50) * 100, // two processes: can exceed 100 % on a busy host
      unit: "%",
      goal: null,
      note: `fastest runs: ${ms(minVerify)} of ${ms(minIssue)} ms = ${share(minVerify, minIssue)}`,
    },
    {
      name: "token validation p50, uncached (HTTP)",
      value: percentile(uncached, 50),
      unit: "ms",
      goal: 2,
      note: `first validation of each of the ${ISSUES} new tokens: decrypt, revocation and role lookups`,
    },
  );
}

/** `npm run bench -- --network`: one server, the networking figures only (quicker to iterate on). */
const NETWORK_ONLY = process.argv.includes("--network");
/** `npm run bench -- --sdn`: the SDN controller figures only, in-process (no server). */
const SDN_ONLY = process.argv.includes("--sdn");
/** `npm run bench -- --image`: one server, the image service figures only. */
const IMAGE_ONLY = process.argv.includes("--image");

async function main(): Promise<void> {
  const rows: Row[] = [];
  if (!SDN_ONLY) await serverBenchmarks(rows);
  if (!NETWORK_ONLY && !IMAGE_ONLY) await sdnBenchmarks(rows, progress);
  const load = loadavg()[0]?.toFixed(2) ?? "?";
  const host = `${platform()}-${arch()}, ${availableParallelism()} CPUs, 1-min load ${load}`;
  process.stdout.write(`\nStratus benchmark (node ${process.version}, ${host})\n\n`);
  process.stdout.write(`${table(rows)}\n\n${summary(rows)}\n`);
}

async function serverBenchmarks(rows: Row[]): Promise<void> {
  const one = NETWORK_ONLY || IMAGE_ONLY;
  const server = one ? await startServer(ADMIN_PASSWORD) : await startup(rows);
  const client = new Client(server.baseUrl);
  try {
    if (!one) {
      const token = await idleMemory(rows, server, client);
      await validation(rows, client, token);
      await issue(rows, client);
    }
    if (!IMAGE_ONLY) await portBenchmarks(rows, server, client, progress);
    if (!NETWORK_ONLY) await imageBenchmarks(rows, server, client, progress);
    const after = memoryKb(server.pid);
    if (after !== null)
      rows.push({
        name: "RSS after the benchmarks",
        value: mb(after.rss),
        unit: "MB",
        goal: null,
        note: `peak (VmHWM) ${mb(after.peak).toFixed(1)} MB`,
      });
  } finally {
    client.close();
    await server.stop();
  }
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    interrupted = true;
    progress(`${signal}: stopping servers`);
    void stopAll().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (error) {
  if (!interrupted)
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  process.exitCode = 1;
} finally {
  await stopAll();
}
