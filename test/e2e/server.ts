import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

/**
 * A real `stratus serve` child process for the end-to-end tests, on a fresh database: a temporary
 * data dir with its SQLite file, or (STRATUS_TEST_DB=postgres) a new database created in the
 * PostgreSQL at STRATUS_TEST_PG_URL and dropped again by `stop()`.
 */
export interface Server {
  /** e.g. http://127.0.0.1:41234, as printed in the banner. */
  readonly baseUrl: string;
  /** `<baseUrl>/identity/v3`. */
  readonly authUrl: string;
  readonly dataDir: string;
  /** The dialect the banner reported ("sqlite" or "postgres"). */
  readonly database: string;
  readonly adminPassword: string;
  /** The variables exported by the admin-openrc.sh that serve wrote. */
  readonly openrc: Readonly<Record<string, string>>;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** The server's one-JSON-line-per-request log. */
  requests(): RequestLine[];
  /** Where the state lives; pass it to `startServer` again to restart on the same state. */
  readonly storage: Storage;
  /** SIGTERM, wait for the exit, then remove the data dir and the database (unless `keepData`). */
  stop(options?: { keepData?: boolean }): Promise<Exit>;
  /** SIGKILL (a crash: nothing is flushed or closed) and wait for the exit; the state stays. */
  kill(): Promise<void>;
}

export interface Storage {
  readonly dataDir: string;
  /** A PostgreSQL URL, or undefined for the SQLite file in the data dir. */
  readonly dbUrl: string | undefined;
  cleanup(): Promise<void>;
}

async function newStorage(): Promise<Storage> {
  const dataDir = mkdtempSync(join(tmpdir(), "stratus-e2e-"));
  const pgDb = testDialect() === "postgres" ? await createPgDatabase() : undefined;
  return {
    dataDir,
    dbUrl: pgDb?.url,
    cleanup: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      await pgDb?.drop();
    },
  };
}

export interface RequestLine {
  req_id: string;
  method: string;
  path: string;
  status: number;
  user_id?: string;
  project_id?: string;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from SIGTERM to exit. */
  ms: number;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const READY = /Stratus ready at (\S+) in \d+ ms \(database: (\w+)\)/;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export function testDialect(): "sqlite" | "postgres" {
  return process.env.STRATUS_TEST_DB === "postgres" ? "postgres" : "sqlite";
}

/**
 * Starts `stratus serve` on fresh storage, or on `storage` from an earlier server (a restart),
 * with `settings` (STRATUS_* variables) in its environment.
 */
/** A token for the admin user on the admin project (what admin-openrc.sh names), by password. */
export async function adminToken(server: Server): Promise<string> {
  const response = await fetch(`${server.authUrl}/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: "admin", domain: { id: "default" }, password: server.adminPassword } },
        },
        scope: { project: { name: "admin", domain: { id: "default" } } },
      },
    }),
  });
  if (response.status !== 201) throw new Error(`admin token: ${response.status} ${await response.text()}`);
  return response.headers.get("x-subject-token") ?? "";
}

export async function startServer(
  adminPassword: string | undefined,
  storage?: Storage,
  settings: Readonly<Record<string, string>> = {},
): Promise<Server> {
  const state = storage ?? (await newStorage());
  const { dataDir } = state;
  const cleanup = () => state.cleanup();
  // A start that fails must not delete state it was only lent (another server may be using it).
  const cleanupOwned = storage === undefined ? cleanup : async () => {};

  // Only our flags and the admin password: no STRATUS_* setting from the caller's shell leaks in.
  const env: NodeJS.ProcessEnv = adminPassword === undefined ? {} : { STRATUS_ADMIN_PASSWORD: adminPassword };
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith("STRATUS_") && !key.startsWith("OS_")) env[key] = value;
  // A test's own STRATUS_* settings (e.g. STRATUS_IMAGE_STORES) on top.
  Object.assign(env, settings);
  const args = ["bin/stratus.js", "serve", "--data-dir", dataDir, "--port", "0"];
  if (state.dbUrl !== undefined) args.push("--db", state.dbUrl);
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });

  let output = "";
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    output += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );

  let ready: RegExpExecArray | null;
  try {
    ready = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`stratus serve not ready after ${START_TIMEOUT_MS} ms:\n${output}`)),
        START_TIMEOUT_MS,
      );
      const check = () => {
        const match = READY.exec(stdout);
        if (match) {
          clearTimeout(timer);
          child.stdout.off("data", check);
          resolve(match);
        }
      };
      child.stdout.on("data", check);
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(
          new Error(`stratus serve exited (code ${code}, signal ${signal}) before it was ready:\n${output}`),
        );
      });
    });
  } catch (error) {
    child.kill("SIGKILL");
    await cleanupOwned();
    throw error;
  }

  const baseUrl = ready[1] ?? "";
  let stopped: Promise<Exit> | undefined;
  return {
    baseUrl,
    authUrl: `${baseUrl}/identity/v3`,
    dataDir,
    database: ready[2] ?? "",
    adminPassword: adminPassword ?? "",
    storage: state,
    openrc: parseOpenrc(readFileSync(join(dataDir, "admin-openrc.sh"), "utf8")),
    output: () => output,
    requests: () => parseRequests(stdout),
    kill: async () => {
      child.kill("SIGKILL");
      await exited;
    },
    stop: (options = {}) =>
      (stopped ??= (async () => {
        const started = performance.now();
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        const timeout = new Promise<null>((resolve) =>
          setTimeout(() => resolve(null), STOP_TIMEOUT_MS).unref(),
        );
        const result = await Promise.race([exited, timeout]);
        const ms = Math.round(performance.now() - started);
        if (result === null) child.kill("SIGKILL");
        await exited;
        if (options.keepData !== true) await cleanup();
        if (result === null)
          throw new Error(`stratus serve did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
        return { ...result, ms };
      })()),
  };
}

/** `export KEY='value'` / `export KEY=value` lines. */
function parseOpenrc(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const match of text.matchAll(/^export (\w+)=(?:'([^']*)'|(\S*))$/gm)) {
    const [, key, quoted, bare] = match;
    if (key !== undefined) vars[key] = quoted ?? bare ?? "";
  }
  return vars;
}

function parseRequests(stdout: string): RequestLine[] {
  const lines: RequestLine[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const entry = JSON.parse(line) as Partial<RequestLine> & { msg?: string };
      if (entry.msg === "request" && entry.path !== undefined) lines.push(entry as RequestLine);
    } catch {
      // not a log line
    }
  }
  return lines;
}

async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.STRATUS_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `stratus_e2e_${randomBytes(6).toString("hex")}`;
  const onAdmin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await onAdmin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * Runs the real `openstack` CLI with exactly `vars` as its OS_* environment (nothing from the
 * caller's shell, and a private HOME so no clouds.yaml is picked up).
 */
export function openstack(home: string, vars: Readonly<Record<string, string>>, args: readonly string[]) {
  mkdirSync(home, { recursive: true });
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, LANG: "C.UTF-8", ...vars };
  return new Promise<CliResult>((resolve) => {
    execFile(
      "openstack",
      [...args],
      { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs `stratus <args>` (bin/stratus.js) with exactly `vars` as its OS_* environment. */
export function stratus(vars: Readonly<Record<string, string>>, args: readonly string[]): Promise<CliResult> {
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", ...vars };
  return new Promise<CliResult>((resolve) => {
    execFile(
      process.execPath,
      ["bin/stratus.js", ...args],
      { cwd: ROOT, env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
