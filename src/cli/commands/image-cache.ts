import { parseArgs } from "node:util";
import type { CacheState } from "../../image/cache/api.ts";
import type { CleanResult, PruneResult } from "../../image/cache/maintenance.ts";
import { ApiError, openSession, UsageError, type Session } from "../openstack-session.ts";
import { imageJson, imageRequest } from "./image.ts";

export const IMAGE_CACHE_USAGE = `Usage: stratus image-cache list [--json]
       stratus image-cache queue <image id>...     queue images for the prefetcher
       stratus image-cache delete <image id>...    drop images from the cache and the queue
       stratus image-cache clear [--target cache|queue|both]
       stratus image-cache clean [--json]          remove stalled, orphan and invalid cache files
       stratus image-cache prune [--json]          evict least recently used images down to the size limit
The image cache of the server the catalog's image endpoint reaches (admin). Reads OS_* variables
(source data/admin-openrc.sh). Exits 0, 1 on an API error, 2 on a usage error.
`;

type Command =
  | { kind: "list" | "clean" | "prune"; json: boolean }
  | { kind: "queue" | "delete"; ids: string[] }
  | { kind: "clear"; target: string };

/** `stratus image-cache ...`. Returns the exit code. */
export async function imageCache(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    process.stderr.write(`stratus image-cache: ${(error as Error).message}\n\n${IMAGE_CACHE_USAGE}`);
    return 2;
  }
  try {
    process.stdout.write(await run(await openSession(), command));
    return 0;
  } catch (error) {
    process.stderr.write(`stratus image-cache: ${(error as Error).message}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

function parseCommand(argv: string[]): Command {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: "boolean" }, target: { type: "string" } },
    allowPositionals: true,
  });
  const [verb, ...rest] = positionals;
  const json = values.json === true;
  switch (verb) {
    case "list":
    case "clean":
    case "prune":
      if (rest.length > 0) throw new UsageError(`${verb} takes no arguments`);
      return { kind: verb, json };
    case "queue":
    case "delete":
      if (rest.length === 0) throw new UsageError(`name the images to ${verb}`);
      return { kind: verb, ids: rest };
    case "clear": {
      const target = values.target ?? "both";
      if (!["cache", "queue", "both"].includes(target))
        throw new UsageError(`--target must be cache, queue or both, not '${target}'`);
      return { kind: "clear", target };
    }
    default:
      throw new UsageError(`unknown subcommand '${verb ?? ""}'`);
  }
}

async function run(session: Session, command: Command): Promise<string> {
  switch (command.kind) {
    case "list": {
      const state = await imageJson<CacheState>(session, "GET", "/v2/cache");
      return command.json ? `${JSON.stringify(state, null, 2)}\n` : renderState(state);
    }
    case "clean":
    case "prune": {
      const result = await imageJson<CleanResult | PruneResult>(session, "POST", `/v2/cache/${command.kind}`);
      return command.json ? `${JSON.stringify(result, null, 2)}\n` : renderResult(result);
    }
    case "queue":
    case "delete": {
      const method = command.kind === "queue" ? "PUT" : "DELETE";
      for (const id of command.ids) await imageJson(session, method, `/v2/cache/${encodeURIComponent(id)}`);
      return `${command.kind === "queue" ? "Queued" : "Deleted"}: ${command.ids.join(", ")}\n`;
    }
    case "clear": {
      const headers = command.target === "both" ? {} : { "x-image-cache-clear-target": command.target };
      const response = await imageRequest(session, "DELETE", "/v2/cache", { headers });
      response.resume();
      if (response.statusCode !== 204)
        throw new ApiError(`clearing the cache failed (HTTP ${response.statusCode})`);
      return `Cleared: ${command.target}\n`;
    }
  }
}

const time = (seconds: number) =>
  seconds === 0 ? "N/A" : new Date(seconds * 1000).toISOString().slice(0, 19);

/** The table glance cache-list prints, with the same columns. */
export function renderState(state: CacheState): string {
  const rows = [
    ["ID", "State", "Last Accessed (UTC)", "Last Modified (UTC)", "Size", "Hits"],
    ...state.cached_images.map((c) => [
      c.image_id,
      "cached",
      time(c.last_accessed),
      time(c.last_modified),
      String(c.size),
      String(c.hits),
    ]),
    ...state.queued_images.map((id) => [id, "queued", "N/A", "N/A", "N/A", "N/A"]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map(
      (r) =>
        `${r
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join("  ")
          .trimEnd()}\n`,
    )
    .join("");
}

function renderResult(result: CleanResult | PruneResult): string {
  if ("pruned_images" in result)
    return (
      `Pruned ${result.pruned_images.length} image(s), ${result.freed_bytes} bytes freed; ` +
      `cache holds ${result.cache_size} of ${result.max_size} bytes\n`
    );
  return `Removed ${result.removed_files} file(s) and the copies of ${result.removed_images.length} image(s)\n`;
}
