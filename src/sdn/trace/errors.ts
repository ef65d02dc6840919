/** What a caller got wrong in a trace request; anything else about a trace is a verdict, never an error. */
export type TraceInputErrorCode = "source_not_found" | "destination_not_found" | "bad_request";

export class TraceInputError extends Error {
  override readonly name = "TraceInputError";

  constructor(
    readonly code: TraceInputErrorCode,
    message: string,
  ) {
    super(message);
  }
}
