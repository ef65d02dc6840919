#!/usr/bin/env node
// The whole suite: every test file on SQLite, then again on PostgreSQL. Installs the openstack CLI
// (Debian's python3-openstackclient) for the end-to-end tests when it is missing.
import { execSync, spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const args = process.argv.slice(2);
const withE2e = !args.includes("--no-e2e");
const pgUrl = process.env.STRATUS_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "e2e" && !withE2e ? [] : files(path);
    return name.endsWith(".test.ts") ? [path] : [];
  });
}

function has(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
}

if (withE2e && !has("openstack")) {
  console.log("Installing python3-openstackclient for the end-to-end tests (apt-get)...");
  execSync(
    "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-openstackclient python3-neutronclient",
    {
      stdio: "inherit",
    },
  );
}

function pgReachable() {
  return spawnSync("pg_isready", ["-d", pgUrl, "-t", "3"]).status === 0;
}

const tests = files("test").sort();
const runs = [["sqlite", {}]];
if (pgReachable()) runs.push(["postgres", { STRATUS_TEST_PG_URL: pgUrl }]);
else if (process.env.CI)
  throw new Error(`PostgreSQL is not reachable at ${pgUrl}; CI must test both databases.`);
else console.warn(`\n!! PostgreSQL is not reachable at ${pgUrl}: running on SQLite only.\n`);

let failed = false;
for (const [dialect, env] of runs) {
  console.log(`\n== ${tests.length} test files on ${dialect} ==`);
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--test", "--test-concurrency=2", "--test-reporter=spec", ...tests],
    { stdio: "inherit", env: { ...process.env, STRATUS_TEST_DB: dialect, ...env } },
  );
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
