import { join } from "node:path";
import { FileStore } from "./file.ts";
import type { ImageStore } from "./store.ts";

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

/** Today: the file store under `<data-dir>/images`. */
export function createStores(dataDir: string): StoreRegistry {
  return storeRegistry([new FileStore(join(dataDir, "images"))]);
}
