// STUB: replaced by the compiler's author.
import { emptyModel, type Model } from "../model.ts";
import type { NetworkState } from "./input.ts";

/** Compiles the networking resources into the logical model. Pure: no I/O, never throws on bad data. */
export function compile(state: NetworkState): Model {
  void state;
  return emptyModel();
}
