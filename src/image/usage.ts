import type { AuthContext } from "../http/auth.ts";
import { reader, requireAuth, type ImageDeps } from "./deps.ts";

/** One quota's figures as Glance shows them; -1: no limit (Stratus has no unified limits yet). */
interface Figure {
  limit: number;
  usage: number;
}

const MIB = 1024 * 1024;
const IN_FLIGHT = ["saving", "uploading", "importing"] as const;

/**
 * `GET /v2/info/usage` (v2.13): the caller's project's image consumption — total size (MiB) and
 * count of its images, bytes staged for import (MiB) and uploads in flight. Stratus enforces no
 * per-project image limits, so every limit is -1.
 */
export async function projectUsage(
  deps: ImageDeps,
  authIn: AuthContext | null,
): Promise<{ usage: Record<string, Figure> }> {
  const auth = requireAuth(authIn);
  const rows = await reader(deps)
    .selectFrom("images")
    .select(["status", "size"])
    .where("owner", "=", auth.project_id ?? "")
    .where("status", "not in", ["deleted", "pending_delete"])
    .execute();
  const sum = (xs: ReadonlyArray<{ size: number | null }>) =>
    Math.ceil(xs.reduce((total, row) => total + Number(row.size ?? 0), 0) / MIB);
  const figure = (usage: number): Figure => ({ limit: -1, usage });
  return {
    usage: {
      image_size_total: figure(
        sum(rows.filter((row) => row.status === "active" || row.status === "deactivated")),
      ),
      image_stage_total: figure(sum(rows.filter((row) => row.status === "uploading"))),
      image_count_total: figure(rows.length),
      image_count_uploading: figure(
        rows.filter((row) => (IN_FLIGHT as readonly string[]).includes(row.status)).length,
      ),
    },
  };
}
