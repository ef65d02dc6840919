import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { get as httpGet, type IncomingMessage, type RequestOptions } from "node:http";
import { get as httpsGet } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { addressAllowed, hostOf, passesFilter, type ImportFilter } from "./filter.ts";

const MAX_REDIRECTS = 5;
const IDLE_TIMEOUT_MS = 60_000;

/** The URI (or a redirect) may not be fetched: the filter or its resolved address refuses it. */
export class UriRefused extends Error {
  constructor(readonly uri: string) {
    super(`URI for web-download does not pass filtering: ${uri}`);
  }
}

/**
 * Whether a URI may be imported, checked when the import is requested: scheme, host and port, and
 * the addresses the host resolves to now. A name that does not resolve passes here; the download
 * fails later. The download checks again, on the address it connects to and on every redirect.
 */
export async function uriAllowed(uri: string, filter: ImportFilter): Promise<boolean> {
  const url = passesFilter(uri, filter);
  if (url === null) return false;
  const host = hostOf(url);
  if (isIP(host) !== 0) return addressAllowed(host, host, filter);
  const addresses = await new Promise<LookupAddress[]>((resolve) =>
    dnsLookup(host, { all: true }, (error, found) => resolve(error ? [] : found)),
  );
  return addresses.every((a) => addressAllowed(host, a.address, filter));
}

/** GETs the URI, following redirects (each one filtered), and returns the body of the 200. */
export async function download(
  uri: string,
  filter: ImportFilter,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  let current = uri;
  for (let hops = 0; hops <= MAX_REDIRECTS; hops++) {
    const url = passesFilter(current, filter);
    if (url === null) throw new UriRefused(current);
    const host = hostOf(url);
    if (isIP(host) !== 0 && !addressAllowed(host, host, filter)) throw new UriRefused(current);
    const response = await request(url, filter, signal);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if ([301, 302, 303, 307, 308].includes(status) && location !== undefined) {
      response.resume();
      current = new URL(location, url).href;
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw new Error(`Failed to download ${current}: HTTP ${status}`);
    }
    return response;
  }
  throw new Error(`Failed to download ${uri}: too many redirects`);
}

function request(url: URL, filter: ImportFilter, signal: AbortSignal): Promise<IncomingMessage> {
  const host = hostOf(url);
  // Names are resolved here, and the address checked is the address connected to: no window for
  // a second, different answer (DNS rebinding).
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const refused = addresses.find((a) => !addressAllowed(host, a.address, filter));
      if (refused !== undefined || addresses.length === 0)
        return callback(Object.assign(new UriRefused(url.href), { code: "EREFUSED" }), "", 0);
      if (options.all === true) return callback(null, addresses);
      const [first] = addresses as [LookupAddress];
      return callback(null, first.address, first.family);
    });
  };
  const options: RequestOptions = { lookup, signal, timeout: IDLE_TIMEOUT_MS };
  return new Promise((resolve, reject) => {
    const req = (url.protocol === "https:" ? httpsGet : httpGet)(url, options, resolve);
    req.on("timeout", () => req.destroy(new Error(`Failed to download ${url.href}: timed out`)));
    req.on("error", (error) => reject(error instanceof UriRefused ? new UriRefused(url.href) : error));
  });
}
