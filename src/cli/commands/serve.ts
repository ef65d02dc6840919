import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildApp } from "../../app.ts";
import { loadConfig } from "../../config.ts";
import { createContext } from "../../context.ts";
import { bootstrapIdentity } from "../../identity/bootstrap.ts";
import { serviceCatalog } from "../../services.ts";
import { acquireLock } from "../lock.ts";

/** `stratus serve`: migrate, bootstrap, listen; write admin-openrc.sh; stop cleanly on signals. */
export async function serve(argv: readonly string[]): Promise<void> {
  const started = performance.now();
  const config = loadConfig(argv);
  const release = config.dbUrl.startsWith("sqlite:")
    ? acquireLock(`${config.dbUrl.slice("sqlite:".length)}.lock`)
    : () => {};
  const ctx = await createContext(config);
  const app = await buildApp(ctx, { logger: true });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.port;
  const baseUrl =
    config.publicUrl ?? `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  const openrc = join(config.dataDir, "admin-openrc.sh");
  const password = await bootstrapIdentity(
    { db: ctx.db, events: ctx.events, clock: ctx.clock },
    { baseUrl, region: config.region, adminPassword: config.adminPassword, services: serviceCatalog },
    () => randomBytes(12).toString("base64url"),
  );
  writeOpenrc(openrc, baseUrl, config.region, password ?? previousPassword(openrc));
  const ms = Math.round(performance.now() - started);
  process.stdout.write(`Stratus ready at ${baseUrl} in ${ms} ms (database: ${ctx.db.dialect})\n`);
  process.stdout.write(`Credentials: source ${openrc}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Received ${signal}, shutting down\n`);
    await app.close();
    await ctx.close();
    release();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

function previousPassword(openrc: string): string {
  if (!existsSync(openrc)) return "";
  return /OS_PASSWORD='([^']*)'/.exec(readFileSync(openrc, "utf8"))?.[1] ?? "";
}

function writeOpenrc(file: string, baseUrl: string, region: string, password: string): void {
  const lines = [
    "# Written by `stratus serve`. Source it to use the openstack CLI as the admin user.",
    `export OS_AUTH_URL='${baseUrl}/identity/v3'`,
    "export OS_USERNAME='admin'",
    `export OS_PASSWORD='${password}'`,
    "export OS_PROJECT_NAME='admin'",
    "export OS_USER_DOMAIN_NAME='Default'",
    "export OS_PROJECT_DOMAIN_NAME='Default'",
    `export OS_REGION_NAME='${region}'`,
    "export OS_IDENTITY_API_VERSION=3",
    "export OS_INTERFACE=public",
    "",
  ];
  writeFileSync(file, lines.join("\n"), { mode: 0o600 });
}
