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
  // QoS scoped to NAT rows applies to both ways of the traffic those rows translate.
  const nats = new Set(forward.conntrack.nats.map((nat) => nat.row.name));
  const result: TraceResult = summary(index, forward, nats);
  if (request.reply !== false && forward.verdict === "delivered" && forward.end !== undefined) {
    // The reply must come back to the very port that sent the request.
    const back = start.kind === "port" ? { target: start.port } : {};
    const reply = walk(index, forward.end, replyPacket(forward.packet), {
      request: forward.conntrack,
      ...back,
    });
    result.reply = summary(index, reply, nats);
  }
  return result;
}

/** The walk's verdict, hops and final packet, and the QoS limits its ports applied. */
function summary(index: Index, walked: Walk, nats: ReadonlySet<string>): Omit<TraceResult, "reply"> {
  const qos: TraceResult["qos"] = [];
  for (const meter of walked.meters) {
    for (const row of index.qos.get(meter.port) ?? []) {
      if (row.direction !== meter.direction) continue;
      if (row.nats.length > 0 && !row.nats.some((nat) => nats.has(nat))) continue;
      qos.push({
        object: row.name,
        port: row.port,
        qos_policy_id: row.qos_policy_id,
        ...(row.bandwidth === undefined ? {} : { bandwidth: { ...row.bandwidth } }),
        direction: row.direction,
        max_kbps: row.max_kbps,
        max_burst_kbps: row.max_burst_kbps,
        dscp_mark: row.dscp_mark,
      });
    }
  }
  return { verdict: walked.verdict, hops: walked.hops, final_packet: header(walked.packet), qos };
}
