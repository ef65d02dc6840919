import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildApp } from "../../app.ts";
import { loadConfig } from "../../config.ts";
import { createContext } from "../../context.ts";
import { bootstrapIdentity } from "../../identity/bootstrap.ts";
import { serviceCatalog } from "../../services.ts";
import { acquireLock } from "../lock.ts";

/** `stratus serve`: migrate, bootstrap, listen; write admin-openrc.sh; stop cleanly on signals. */
export async function serve(argv: readonly string[]): Promise<void> {
  const config = loadConfig(argv);
  mkdirSync(config.dataDir, { recursive: true });
  const release = config.dbUrl.startsWith("sqlite:")
    ? acquireLock(`${config.dbUrl.slice("sqlite:".length)}.lock`)
    : () => {};
  const ctx = await createContext(config);
  const app = await buildApp(ctx, { logger: true });
  // The port is known only once listening (--port 0) and the catalog needs it, so the bootstrap
  // runs after listen; until it is done, requests get a 503 rather than a confusing 401.
  let bootstrapped = false;
  app.addHook("onRequest", async (_request, reply) => {
    if (!bootstrapped) {
      await reply
        .code(503)
        .header("retry-after", "1")
        .send({
          error: {
            code: 503,
            title: "Service Unavailable",
            message: "Stratus is starting; retry in a moment.",
          },
        });
    }
  });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.port;
  const baseUrl = config.publicUrl ?? `http://${advertisedHost(config.host)}:${port}`;
  const openrc = join(config.dataDir, "admin-openrc.sh");
  const password = await bootstrapIdentity(
    { db: ctx.db, events: ctx.events, clock: ctx.clock },
    { baseUrl, region: config.region, adminPassword: config.adminPassword, services: serviceCatalog },
    () => randomBytes(12).toString("base64url"),
  );
  bootstrapped = true;
  await ctx.sdn.start();
  writeOpenrc(openrc, baseUrl, config.region, password ?? previousPassword(openrc));
  const ms = Math.round(process.uptime() * 1000);
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

/** A wildcard bind is reachable on loopback; --public-url names the address others should use. */
function advertisedHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
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
