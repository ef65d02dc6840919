import assert from "node:assert/strict";
import { join } from "node:path";
import { openstack, type CliResult, type Server } from "./server.ts";

/** OS_* variables for one CLI call. */
export type Env = Readonly<Record<string, string>>;

/** Rows of `-f json` list output. */
export type Row = Record<string, unknown>;

/**
 * CLI helpers bound to a server (read lazily: it starts in `before`). Every failed assertion says
 * what the command printed and what the server last answered.
 */
export function cliFor(server: () => Server) {
  const explain = (args: readonly string[], result: CliResult): string =>
    [
      `openstack ${args.join(" ")} -> exit ${result.code}`,
      `stdout: ${result.stdout}`,
      `stderr: ${result.stderr}`,
      "server's last requests:",
      ...server()
        .requests()
        .slice(-6)
        .map((r) => `  ${r.method} ${r.path} -> ${r.status}`),
    ].join("\n");
  const cli = (env: Env, args: readonly string[]): Promise<CliResult> =>
    openstack(join(server().dataDir, "home"), env, args);
  /** A command that must succeed; returns its stdout. */
  const ok = async (env: Env, args: readonly string[]): Promise<string> => {
    const result = await cli(env, args);
    assert.equal(result.code, 0, explain(args, result));
    return result.stdout;
  };
  /** A command with `-f json` that must succeed; returns the parsed output. */
  const json = async <T>(env: Env, args: readonly string[]): Promise<T> =>
    JSON.parse(await ok(env, [...args, "-f", "json"])) as T;
  /** A command that must fail; returns its result. */
  const fails = async (env: Env, args: readonly string[]): Promise<CliResult> => {
    const result = await cli(env, args);
    assert.notEqual(result.code, 0, explain(args, result));
    return result;
  };
  return { explain, cli, ok, json, fails };
}
