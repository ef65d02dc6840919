// STUB: replaced by the tracer's author.
import type { Model } from "../model.ts";
import type { TraceRequest, TraceResult } from "./types.ts";

/** Walks a packet through the model hop by hop. Pure. */
export function trace(model: Model, request: TraceRequest): TraceResult {
  void model;
  void request;
  throw new Error("the tracer is not written yet");
}
