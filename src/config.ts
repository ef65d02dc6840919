import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { importFilterConfig, type ImportFilter } from "./image/import/filter.ts";
import type { S3Settings } from "./image/stores/s3.ts";

/** The longest token lifetime allowed; revocations are kept this long (see identity/revocations). */
export const MAX_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

/** Where tenant network segments come from (ML2's type driver ranges). */
export interface SegmentConfig {
  /** The type a network gets when the request names none. */
  tenantNetworkType: "vxlan" | "geneve" | "vlan";
  vxlan: readonly [number, number];
  geneve: readonly [number, number];
  /** VLAN ranges per physical network. */
  vlan: Readonly<Record<string, readonly [number, number]>>;
  /** Physical networks that may carry one flat network each. */
  flat: readonly string[];
}

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** `sqlite:<file>` (default: <dataDir>/stratus.db) or `postgres://...`. */
  dbUrl: string;
  /** Base URL the catalog advertises; defaults to http://<host>:<port>. */
  publicUrl: string | undefined;
  region: string;
  tokenTtlSeconds: number;
  adminPassword: string | undefined;
  logLevel: string;
  segments: SegmentConfig;
  /**
   * Neutron's `pagination_max_limit`: the biggest page a collection GET returns when no `limit`
   * (or a bigger one) is given; the page then carries a `next` link. -1 turns the cap off.
   */
  paginationMaxLimit: number;
  /** The SDN controller's data-plane driver (a name in sdn/drivers): "virtual" by default. */
  sdnDriver: string;
  /** Seconds between the SDN controller's full consistency checks (observe vs desired). */
  sdnCheckIntervalSeconds: number;
  /** Glance's image_size_cap: the most bytes one image may hold (STRATUS_IMAGE_SIZE_CAP, 1 TiB). */
  imageSizeCap: number;
  /** Glance's image_property_quota: free-form properties per image (-1: no limit). */
  imagePropertyQuota: number;
  /**
   * Glance's enabled_backends (STRATUS_IMAGE_STORES, "id:type,...", default "file:file"): the
   * first takes uploads that name no store.
   */
  imageStores: readonly ImageStoreSpec[];
  /** The s3 store's service (STRATUS_IMAGE_S3_*); null when no store is of type s3. */
  imageS3: S3Settings | null;
  /**
   * Glance's delayed_delete + scrub_time (STRATUS_IMAGE_DELAYED_DELETE, seconds; 0, the default,
   * deletes at once): how long a deleted image's data waits in pending_delete for a restore.
   */
  imageScrubTime: number;
  /** Glance's image_tag_quota and image_member_quota (STRATUS_IMAGE_TAG_QUOTA, _MEMBER_QUOTA; 128). */
  imageTagQuota: number;
  imageMemberQuota: number;
  /** The image cache in front of downloads (src/image/cache); null when STRATUS_IMAGE_CACHE=off. */
  imageCache: ImageCacheConfig | null;
  /** Which hosts and ports web-download may fetch from (STRATUS_IMAGE_IMPORT_*; image/import/filter.ts). */
  imageImportFilter: ImportFilter;
}

/**
 * The image cache (Glance's image_cache_* options), from STRATUS_IMAGE_CACHE (on|off, default on:
 * its size is bounded, and repeated downloads, remote stores above all, should be fast without
 * an operator's step), STRATUS_IMAGE_CACHE_MAX_SIZE (bytes, 10 GiB as Glance's; -1: no limit),
 * STRATUS_IMAGE_CACHE_STALL_TIME (seconds an incomplete file may sit, 86400),
 * STRATUS_IMAGE_CACHE_INTERVAL (seconds between clean, prefetch and prune runs, 300) and
 * STRATUS_IMAGE_CACHE_AUTO_PREFETCH ("N:window_seconds", off).
 */
export interface ImageCacheConfig {
  maxSize: number;
  stallTime: number;
  interval: number;
  /** Queue an image for prefetch once it was downloaded `count` times within `window` seconds. */
  autoPrefetch: { count: number; window: number } | null;
}

export function imageCacheConfig(env: NodeJS.ProcessEnv): ImageCacheConfig | null {
  const switched = (env.STRATUS_IMAGE_CACHE ?? "on").trim().toLowerCase();
  if (!["on", "off", "true", "false", "1", "0", ""].includes(switched))
    throw new Error(`STRATUS_IMAGE_CACHE must be on or off, got '${env.STRATUS_IMAGE_CACHE}'`);
  if (["off", "false", "0"].includes(switched)) return null;
  const auto = env.STRATUS_IMAGE_CACHE_AUTO_PREFETCH?.trim() ?? "";
  const match = /^([1-9]\d*):([1-9]\d*)$/.exec(auto);
  if (auto !== "" && match === null)
    throw new Error(`STRATUS_IMAGE_CACHE_AUTO_PREFETCH must be N:window_seconds, got '${auto}'`);
  const interval = wholeNumber(env.STRATUS_IMAGE_CACHE_INTERVAL, "STRATUS_IMAGE_CACHE_INTERVAL", 300);
  const maxSize = wholeNumber(
    env.STRATUS_IMAGE_CACHE_MAX_SIZE,
    "STRATUS_IMAGE_CACHE_MAX_SIZE",
    10 * 1024 ** 3,
  );
  const stallTime = wholeNumber(env.STRATUS_IMAGE_CACHE_STALL_TIME, "STRATUS_IMAGE_CACHE_STALL_TIME", 86_400);
  return {
    maxSize: maxSize === -1 ? Number.MAX_SAFE_INTEGER : maxSize,
    stallTime: Math.max(1, stallTime),
    interval: Math.max(1, interval),
    autoPrefetch: match === null ? null : { count: Number(match[1]), window: Number(match[2]) },
  };
}

/** One image store: its id (what `stores` and X-Image-Meta-Store name) and its kind. */
export interface ImageStoreSpec {
  id: string;
  type: "file" | "s3";
}

/**
 * A default page of 1000: a 10,000-port project then lists in ~1 MB pages instead of one 8 MB
 * body that takes a quarter of a second of the server's only thread, while the clients that list
 * everything (openstacksdk, the openstack CLI, gophercloud) follow `next` links, and the rare
 * project with fewer than 1000 of a resource (the usual case) still gets it all in one page.
 */
export const DEFAULT_PAGINATION_MAX_LIMIT = 1000;

/** Flags win over environment variables, which win over defaults. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Config {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      host: { type: "string" },
      port: { type: "string" },
      "data-dir": { type: "string" },
      db: { type: "string" },
      "public-url": { type: "string" },
      "token-ttl": { type: "string" },
      "log-level": { type: "string" },
      "pagination-max-limit": { type: "string" },
      "sdn-driver": { type: "string" },
    },
    strict: true,
  });
  const dataDir = resolve(values["data-dir"] ?? env.STRATUS_DATA_DIR ?? "./data");
  const port = Number(values.port ?? env.STRATUS_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, got ${values.port ?? env.STRATUS_PORT}`);
  const ttl = Number(values["token-ttl"] ?? env.STRATUS_TOKEN_TTL ?? 3600);
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > MAX_TOKEN_TTL_SECONDS) {
    throw new Error(`--token-ttl must be a number of seconds from 1 to ${MAX_TOKEN_TTL_SECONDS} (7 days)`);
  }
  return {
    host: values.host ?? env.STRATUS_HOST ?? "127.0.0.1",
    port,
    dataDir,
    dbUrl: values.db ?? env.STRATUS_DB_URL ?? `sqlite:${resolve(dataDir, "stratus.db")}`,
    publicUrl: values["public-url"] ?? env.STRATUS_PUBLIC_URL,
    region: env.STRATUS_REGION ?? "RegionOne",
    tokenTtlSeconds: ttl,
    adminPassword: env.STRATUS_ADMIN_PASSWORD || undefined,
    logLevel: values["log-level"] ?? env.STRATUS_LOG_LEVEL ?? "info",
    segments: segmentConfig(env),
    paginationMaxLimit: pageCap(values["pagination-max-limit"] ?? env.STRATUS_PAGINATION_MAX_LIMIT),
    sdnDriver: values["sdn-driver"] ?? env.STRATUS_SDN_DRIVER ?? "virtual",
    sdnCheckIntervalSeconds: checkInterval(env.STRATUS_SDN_CHECK_INTERVAL),
    imageSizeCap: wholeNumber(env.STRATUS_IMAGE_SIZE_CAP, "STRATUS_IMAGE_SIZE_CAP", 1024 ** 4),
    imagePropertyQuota: wholeNumber(env.STRATUS_IMAGE_PROPERTY_QUOTA, "STRATUS_IMAGE_PROPERTY_QUOTA", 128),
    imageStores: imageStores(env.STRATUS_IMAGE_STORES),
    imageS3: imageS3Settings(imageStores(env.STRATUS_IMAGE_STORES), env),
    imageScrubTime: wholeNumber(env.STRATUS_IMAGE_DELAYED_DELETE, "STRATUS_IMAGE_DELAYED_DELETE", 0),
    imageTagQuota: wholeNumber(env.STRATUS_IMAGE_TAG_QUOTA, "STRATUS_IMAGE_TAG_QUOTA", 128),
    imageMemberQuota: wholeNumber(env.STRATUS_IMAGE_MEMBER_QUOTA, "STRATUS_IMAGE_MEMBER_QUOTA", 128),
    imageCache: imageCacheConfig(env),
    imageImportFilter: importFilterConfig(env),
  };
}

/** A whole number from the environment (-1 allowed: "no limit"), or the default. */
function wholeNumber(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < -1)
    throw new Error(`${name} must be a whole number, got '${text}'`);
  return value;
}

/** STRATUS_IMAGE_STORES: "id:type" pairs, ids unique, types file or s3. */
function imageStores(text: string | undefined): ImageStoreSpec[] {
  if (text === undefined || text.trim() === "") return [{ id: "file", type: "file" }];
  const specs = text.split(",").map((pair) => {
    const [id = "", type = ""] = pair.trim().split(":");
    if (!/^[a-z0-9_-]+$/i.test(id) || (type !== "file" && type !== "s3"))
      throw new Error(`STRATUS_IMAGE_STORES must be id:type pairs (type file or s3), got '${pair}'`);
    return { id, type } as const;
  });
  if (new Set(specs.map((s) => s.id)).size !== specs.length)
    throw new Error(`STRATUS_IMAGE_STORES names a store twice: '${text}'`);
  return specs;
}

/**
 * STRATUS_IMAGE_S3_ENDPOINT, _BUCKET, _ACCESS_KEY, _SECRET_KEY (required when a store is s3),
 * _REGION (us-east-1), _PREFIX (""). One s3 store at most: two would share the bucket and prefix.
 */
function imageS3Settings(specs: readonly ImageStoreSpec[], env: NodeJS.ProcessEnv): S3Settings | null {
  const s3 = specs.filter((s) => s.type === "s3");
  if (s3.length === 0) return null;
  if (s3.length > 1) throw new Error("STRATUS_IMAGE_STORES may name one s3 store only");
  const required = ["ENDPOINT", "BUCKET", "ACCESS_KEY", "SECRET_KEY"] as const;
  const missing = required.filter((name) => !env[`STRATUS_IMAGE_S3_${name}`]);
  if (missing.length > 0)
    throw new Error(
      `STRATUS_IMAGE_STORES names the s3 store '${s3[0]?.id}' but ` +
        `${missing.map((name) => `STRATUS_IMAGE_S3_${name}`).join(", ")} ${missing.length > 1 ? "are" : "is"} not set`,
    );
  return {
    endpoint: env.STRATUS_IMAGE_S3_ENDPOINT ?? "",
    bucket: env.STRATUS_IMAGE_S3_BUCKET ?? "",
    accessKey: env.STRATUS_IMAGE_S3_ACCESS_KEY ?? "",
    secretKey: env.STRATUS_IMAGE_S3_SECRET_KEY ?? "",
    region: env.STRATUS_IMAGE_S3_REGION || "us-east-1",
    prefix: env.STRATUS_IMAGE_S3_PREFIX ?? "",
  };
}

/** STRATUS_SDN_CHECK_INTERVAL: whole seconds, 60 by default. */
function checkInterval(text: string | undefined): number {
  if (text === undefined || text === "") return 60;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 1)
    throw new Error(`STRATUS_SDN_CHECK_INTERVAL must be a whole number of seconds, got '${text}'`);
  return seconds;
}

/** --pagination-max-limit / STRATUS_PAGINATION_MAX_LIMIT: a positive page size, or -1 for none. */
function pageCap(text: string | undefined): number {
  if (text === undefined || text === "") return DEFAULT_PAGINATION_MAX_LIMIT;
  const cap = Number(text);
  if (!/^(-1|[1-9]\d*)$/.test(text.trim()) || !Number.isSafeInteger(cap))
    throw new Error(
      `--pagination-max-limit must be a positive number of items or -1 (no cap), got '${text}'`,
    );
  return cap;
}

/**
 * STRATUS_TENANT_NETWORK_TYPE (vxlan), STRATUS_VXLAN_RANGE / STRATUS_GENEVE_RANGE ("1:65535"),
 * STRATUS_VLAN_RANGES ("physnet1:1000:1999,physnet2:1:4094"), STRATUS_FLAT_NETWORKS ("physnet1,public").
 */
function segmentConfig(env: NodeJS.ProcessEnv): SegmentConfig {
  const range = (text: string, name: string, max: number): [number, number] => {
    const [low, high] = text.split(":").map(Number);
    if (low === undefined || high === undefined || !(low >= 1 && low <= high && high <= max)) {
      throw new Error(`${name} must be LOW:HIGH within 1:${max}, got '${text}'`);
    }
    return [low, high];
  };
  const type = env.STRATUS_TENANT_NETWORK_TYPE ?? "vxlan";
  if (type !== "vxlan" && type !== "geneve" && type !== "vlan") {
    throw new Error(`STRATUS_TENANT_NETWORK_TYPE must be vxlan, geneve or vlan, got '${type}'`);
  }
  const vlan: Record<string, [number, number]> = {};
  for (const entry of (env.STRATUS_VLAN_RANGES ?? "physnet1:1000:1999").split(",").filter(Boolean)) {
    const [physnet = "", ...rest] = entry.split(":");
    vlan[physnet] = range(rest.join(":"), "STRATUS_VLAN_RANGES", 4094);
  }
  return {
    tenantNetworkType: type,
    vxlan: range(env.STRATUS_VXLAN_RANGE ?? "1:65535", "STRATUS_VXLAN_RANGE", 16_777_215),
    geneve: range(env.STRATUS_GENEVE_RANGE ?? "1:65535", "STRATUS_GENEVE_RANGE", 16_777_215),
    vlan,
    flat: (env.STRATUS_FLAT_NETWORKS ?? "physnet1,public").split(",").filter(Boolean),
  };
}
