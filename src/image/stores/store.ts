import type { Readable } from "node:stream";

/** Inclusive byte offsets, as in an HTTP Range. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface StoredData {
  /** The store's URL for the bytes (kept in image_locations). */
  location: string;
  size: number;
}

/**
 * A place image bytes live (Glance's glance_store driver). Locations are made by the store from
 * ids it generates, never from client input; every method refuses a location it did not make.
 */
export interface ImageStore {
  /** The store id listed by /v2/info/stores ("file"). */
  readonly id: string;
  readonly description: string;
  /**
   * Consumes the stream into new bytes. Nothing is visible under the location until the stream
   * ended cleanly; if it fails (client gone, size cap, ...) the partial bytes are removed and the
   * stream's error is rethrown.
   */
  put(data: Readable): Promise<StoredData>;
  get(location: string, range?: ByteRange): Promise<Readable>;
  /** Removes the bytes; a location already gone is not an error. */
  delete(location: string): Promise<void>;
  exists(location: string): Promise<boolean>;
  /** Start-up: removes partial writes a process that died mid-upload left behind. */
  cleanPartial(): Promise<void>;
}
