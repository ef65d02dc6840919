import { resolve } from "node:path";
import { parseArgs } from "node:util";

/** The longest token lifetime allowed; revocations are kept this long (see identity/revocations). */
export const MAX_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** `sqlite:<file>` (default: <dataDir>/stratus.db) or `postgres://...`. */
  dbUrl: string;
  /** Base URL the catalog advertises; defaults to http://<host>:<port>. */
  publicUrl: string | undefined;
  region: string;
  tokenTtlSeconds: number;
  adminPassword: string | undefined;
  logLevel: string;
}

/** Flags win over environment variables, which win over defaults. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Config {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      host: { type: "string" },
      port: { type: "string" },
      "data-dir": { type: "string" },
      db: { type: "string" },
      "public-url": { type: "string" },
      "token-ttl": { type: "string" },
      "log-level": { type: "string" },
    },
    strict: true,
  });
  const dataDir = resolve(values["data-dir"] ?? env.STRATUS_DATA_DIR ?? "./data");
  const port = Number(values.port ?? env.STRATUS_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, got ${values.port ?? env.STRATUS_PORT}`);
  const ttl = Number(values["token-ttl"] ?? env.STRATUS_TOKEN_TTL ?? 3600);
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > MAX_TOKEN_TTL_SECONDS) {
    throw new Error(`--token-ttl must be a number of seconds from 1 to ${MAX_TOKEN_TTL_SECONDS} (7 days)`);
  }
  return {
    host: values.host ?? env.STRATUS_HOST ?? "127.0.0.1",
    port,
    dataDir,
    dbUrl: values.db ?? env.STRATUS_DB_URL ?? `sqlite:${resolve(dataDir, "stratus.db")}`,
    publicUrl: values["public-url"] ?? env.STRATUS_PUBLIC_URL,
    region: env.STRATUS_REGION ?? "RegionOne",
    tokenTtlSeconds: ttl,
    adminPassword: env.STRATUS_ADMIN_PASSWORD || undefined,
    logLevel: values["log-level"] ?? env.STRATUS_LOG_LEVEL ?? "info",
  };
}
