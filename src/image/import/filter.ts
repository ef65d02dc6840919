import { BlockList, isIP } from "node:net";

/**
 * Glance's [import_filtering_opts] for web-download (and the legacy import task): which hosts and
 * ports a URI may name. A non-empty allow list wins over its deny list. On top of Glance, hosts
 * that resolve to loopback, private, link-local, unspecified or multicast addresses are refused
 * unless the host is named in the allow list, so a user cannot make the server fetch from the
 * control plane's own network (SSRF).
 */
export interface ImportFilter {
  /** STRATUS_IMAGE_IMPORT_ALLOW_HOSTS: names or addresses; when set, only these. */
  readonly allowHosts: readonly string[];
  /** STRATUS_IMAGE_IMPORT_DENY_HOSTS: refused (used only when no allow list is set). */
  readonly denyHosts: readonly string[];
  /** STRATUS_IMAGE_IMPORT_ALLOW_PORTS: default 80,443 (Glance's); set empty for any port. */
  readonly allowPorts: readonly number[];
  /** STRATUS_IMAGE_IMPORT_DENY_PORTS: refused (used only when no allow list is set). */
  readonly denyPorts: readonly number[];
}

export const DEFAULT_IMPORT_FILTER: ImportFilter = {
  allowHosts: [],
  denyHosts: [],
  allowPorts: [80, 443],
  denyPorts: [],
};

export function importFilterConfig(env: NodeJS.ProcessEnv): ImportFilter {
  const list = (name: string) =>
    (env[name] ?? "")
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s !== "");
  const ports = (name: string, fallback: readonly number[]) => {
    if (env[name] === undefined) return fallback;
    return list(name).map((text) => {
      const port = Number(text);
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw new Error(`${name} must be a comma-separated list of ports, got '${env[name]}'`);
      return port;
    });
  };
  return {
    allowHosts: list("STRATUS_IMAGE_IMPORT_ALLOW_HOSTS"),
    denyHosts: list("STRATUS_IMAGE_IMPORT_DENY_HOSTS"),
    allowPorts: ports("STRATUS_IMAGE_IMPORT_ALLOW_PORTS", DEFAULT_IMPORT_FILTER.allowPorts),
    denyPorts: ports("STRATUS_IMAGE_IMPORT_DENY_PORTS", []),
  };
}

/** The URL if its scheme, host and port pass the filter (addresses are checked on connect). */
export function passesFilter(uri: string, filter: ImportFilter): URL | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.username !== "" || url.password !== "") return null;
  const host = hostOf(url);
  if (host === "") return null;
  if (filter.allowHosts.length > 0 ? !filter.allowHosts.includes(host) : filter.denyHosts.includes(host))
    return null;
  const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
  if (filter.allowPorts.length > 0 ? !filter.allowPorts.includes(port) : filter.denyPorts.includes(port))
    return null;
  return url;
}

/** The URL's host, lower case, without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
}

/** Whether `host`, resolved to `address`, may be fetched from. */
export function addressAllowed(host: string, address: string, filter: ImportFilter): boolean {
  if (filter.allowHosts.includes(host.toLowerCase())) return true;
  return !isSpecialAddress(address);
}

const SPECIAL = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // unspecified ("this network")
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata services)
  ["172.16.0.0", 12], // private
  ["192.168.0.0", 16], // private
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const)
  SPECIAL.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["fc00::", 7], // unique local (private)
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const)
  SPECIAL.addSubnet(net, prefix, "ipv6");

/** Loopback, private, link-local, unspecified, multicast (IPv4-mapped IPv6 included). */
export function isSpecialAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined) return isSpecialAddress(mapped);
  const family = isIP(address);
  if (family === 0) return true;
  return SPECIAL.check(address, family === 4 ? "ipv4" : "ipv6");
}
