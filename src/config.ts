import { resolve } from "node:path";
import { parseArgs } from "node:util";

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
  /**
   * Glance's delayed_delete + scrub_time (STRATUS_IMAGE_DELAYED_DELETE, seconds; 0, the default,
   * deletes at once): how long a deleted image's data waits in pending_delete for a restore.
   */
  imageScrubTime: number;
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
    imageScrubTime: wholeNumber(env.STRATUS_IMAGE_DELAYED_DELETE, "STRATUS_IMAGE_DELAYED_DELETE", 0),
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
