import { join } from "node:path";
import { FileStore } from "./file.ts";
import { S3Store, type S3Settings } from "./s3.ts";
import type { ImageStore } from "./store.ts";
import type { ImageStoreSpec } from "../../config.ts";

/** The configured stores; `default` (the first) takes uploads that name no store. */
export interface StoreRegistry {
  readonly default: ImageStore;
  get(id: string): ImageStore | undefined;
  list(): readonly ImageStore[];
}

export function storeRegistry(stores: readonly [ImageStore, ...ImageStore[]]): StoreRegistry {
  return {
    default: stores[0],
    get: (id) => stores.find((s) => s.id === id),
    list: () => stores,
  };
}

/**
 * The configured stores: the file store "file" keeps `<data-dir>/images`, other file stores
 * `images-<id>`; an s3 store needs the STRATUS_IMAGE_S3_* settings.
 */
export function createStores(
  dataDir: string,
  specs: readonly ImageStoreSpec[] = DEFAULT,
  s3: S3Settings | null = null,
): StoreRegistry {
  const made = specs.map((spec): ImageStore => {
    if (spec.type === "file")
      return new FileStore(join(dataDir, spec.id === "file" ? "images" : `images-${spec.id}`), spec.id);
    if (s3 === null) throw new Error(`image store ${spec.id}: the STRATUS_IMAGE_S3_* settings are missing`);
    return new S3Store(s3, spec.id);
  });
  const [first, ...rest] = made;
  if (first === undefined) throw new Error("at least one image store must be configured");
  return storeRegistry([first, ...rest]);
}

/** What GET /v2/info/stores/detail shows of a store: its kind and settings, never secrets. */
export function storeDetail(store: ImageStore): { type: string; properties: Record<string, unknown> } {
  if (store instanceof S3Store) return { type: "s3", properties: store.properties() };
  if (store instanceof FileStore) return { type: "file", properties: store.properties() };
  return { type: "unknown", properties: {} };
}

const DEFAULT: readonly ImageStoreSpec[] = [{ id: "file", type: "file" }];
