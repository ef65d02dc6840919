import type { Model } from "../model.ts";
import { indexOf, type Index } from "./index-model.ts";
import { header, replyPacket } from "./packet.ts";
import { resolve } from "./request.ts";
import type { TraceRequest, TraceResult } from "./types.ts";
import { walk, type Walk } from "./walk.ts";

export { TraceInputError, type TraceInputErrorCode } from "./errors.ts";
export { forgetIndex } from "./index-model.ts";

/**
 * Walks a packet through the model hop by hop, as ovn-trace does, and its reply when asked and
 * delivered. Pure; throws only TraceInputError, for a source or destination that is not there or a
 * malformed request. Lookup indexes are cached per model object (see forgetIndex).
 */
export function trace(model: Model, request: TraceRequest): TraceResult {
  const index = indexOf(model);
  const { start, packet, target } = resolve(model, index, request);
  const forward = walk(index, start, packet, { ...(target === undefined ? {} : { target }) });
  const result: TraceResult = summary(index, forward);
  if (request.reply !== false && forward.verdict === "delivered" && forward.end !== undefined) {
    // The reply must come back to the very port that sent the request.
    const back = start.kind === "port" ? { target: start.port } : {};
    const reply = walk(index, forward.end, replyPacket(forward.packet), {
      request: forward.conntrack,
      ...back,
    });
    result.reply = summary(index, reply);
  }
  return result;
}

function summary(index: Index, walked: Walk): Omit<TraceResult, "reply"> {
  const qos: TraceResult["qos"] = [];
  for (const port of walked.crossed) {
    for (const row of index.qos.get(port) ?? [])
      qos.push({
        object: row.name,
        direction: row.direction,
        max_kbps: row.max_kbps,
        max_burst_kbps: row.max_burst_kbps,
      });
  }
  return { verdict: walked.verdict, hops: walked.hops, final_packet: header(walked.packet), qos };
}
