import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "stratus.js");
const READY = /^Stratus ready at (\S+) in (\d+) ms/;
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

export interface Server {
  readonly pid: number;
  readonly baseUrl: string;
  readonly dataDir: string;
  /** Wall time from spawn() to the ready line on stdout, measured by the benchmark. */
  readonly wallMs: number;
  /** The "in N ms" figure the server printed about itself. */
  readonly reportedMs: number;
  stop(): Promise<void>;
}

/** Every child and temp dir this module made and has not cleaned up yet; see stopAll(). */
const owned = new Set<() => Promise<void>>();

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

/** Spawns `stratus serve` on a fresh data dir and a free port; resolves once it prints its ready line. */
export async function startServer(adminPassword: string): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), "stratus-bench-"));
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const cleanup = async () => {
    owned.delete(cleanup);
    if (child !== undefined) await kill(child, exited);
    rmSync(dataDir, { recursive: true, force: true });
  };
  owned.add(cleanup);
  try {
    const port = await freePort();
    const args = [BIN, "serve", "--data-dir", dataDir, "--host", "127.0.0.1", "--port", String(port)];
    const started = performance.now();
    child = spawn(process.execPath, args, { cwd: ROOT, env: serverEnv(adminPassword), stdio: "pipe" });
    const proc = child;
    exited = new Promise((resolve) => {
      proc.once("exit", () => resolve());
      proc.on("error", () => proc.pid === undefined && resolve()); // spawn failed: no "exit" follows
    });
    const ready = await waitForReady(proc, exited);
    const wallMs = ready.at - started;
    if (proc.pid === undefined) throw new Error("server has no pid");
    if (!existsSync(join(dataDir, "admin-openrc.sh")))
      throw new Error("server did not write admin-openrc.sh");
    return { pid: proc.pid, baseUrl: ready.url, dataDir, wallMs, reportedMs: ready.ms, stop: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Wall time of `node -e 0`, the floor under any start-up figure on this machine. */
export async function bareNodeMs(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", () => resolve());
  });
  return performance.now() - started;
}

/** Stops every server still running and removes its data dir; safe to call more than once. */
export async function stopAll(): Promise<void> {
  await Promise.all([...owned].map((cleanup) => cleanup()));
}

/** VmRSS and VmHWM (peak) of a process in kB, from /proc; null where /proc is unavailable. */
export function memoryKb(pid: number): { rss: number; peak: number } | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return null;
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  const rss = field("VmRSS");
  return Number.isFinite(rss) ? { rss, peak: field("VmHWM") } : null;
}

/** The caller's environment minus STRATUS_* settings (e.g. a PostgreSQL URL), plus the password. */
function serverEnv(adminPassword: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("STRATUS_")) env[key] = value;
  env.STRATUS_ADMIN_PASSWORD = adminPassword;
  return env;
}

function waitForReady(
  child: ChildProcess,
  exited: Promise<void>,
): Promise<{ url: string; ms: number; at: number }> {
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    if (stderr.length < 8192) stderr += chunk.toString("utf8");
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server not ready after ${READY_TIMEOUT_MS} ms\n${stderr}`)),
      READY_TIMEOUT_MS,
    );
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited (code ${child.exitCode}) before it was ready\n${stderr}`));
    });
    if (child.stdout === null) return reject(new Error("server has no stdout"));
    // Keeps reading after the ready line too, so the server never blocks on a full pipe.
    createInterface({ input: child.stdout }).on("line", (line) => {
      const at = performance.now();
      const match = READY.exec(line);
      if (match?.[1] === undefined || match[2] === undefined) return;
      clearTimeout(timer);
      resolve({ url: match[1], ms: Number(match[2]), at });
    });
  });
}

/** SIGTERM, then SIGKILL if the process has not exited within STOP_TIMEOUT_MS. */
async function kill(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS);
  });
  const late = await Promise.race([exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (late) {
    child.kill("SIGKILL");
    await exited;
  }
}
