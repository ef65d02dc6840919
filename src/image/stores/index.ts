import { join } from "node:path";
import { FileStore } from "./file.ts";
import type { ImageStore } from "./store.ts";
import type { ImageStoreSpec } from "../../config.ts";

/** The configured stores; `default` takes uploads (multi-store will name others). */
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

/** The configured stores: the store "file" keeps `<data-dir>/images`, other file stores `images-<id>`. */
export function createStores(dataDir: string, specs: readonly ImageStoreSpec[] = DEFAULT): StoreRegistry {
  const made = specs.map((spec) => {
    if (spec.type === "s3") throw new Error(`image store ${spec.id}: the s3 store is not available yet`);
    return new FileStore(join(dataDir, spec.id === "file" ? "images" : `images-${spec.id}`), spec.id);
  });
  const [first, ...rest] = made;
  if (first === undefined) throw new Error("at least one image store must be configured");
  return storeRegistry([first, ...rest]);
}

const DEFAULT: readonly ImageStoreSpec[] = [{ id: "file", type: "file" }];
