import { Client, type Reply } from "./http.ts";
import { issueToken } from "./identity.ts";
import type { Row } from "./report.ts";
import type { Server } from "./server.ts";
import { percentile } from "./stats.ts";
import { cpuNote, field, measured, ms, parse, text, timedEach, wirePort, type WirePort } from "./measure.ts";

const API = "/networking/v2.0";
const CIDR = "10.0.0.0/16";
const SEQUENTIAL = 2_000;
const SEQUENTIAL_WARMUP = 200;
/** Sequential GETs of the version document: the same round trip with no database work. */
const FLOOR = 2_000;
const CLIENTS = 8;
const CONCURRENT = 2_000; // in all, CONCURRENT / CLIENTS per client
const CONCURRENT_WARMUP = 10; // per client, which also opens its connection
const BULK_SIZE = 100;
const BULKS = 10;
const BULK_WARMUP = 2;
/** Ports in the project when the lists are timed; bulk creates make up the difference. */
const LISTED = 10_000;
const FULL_LISTS = 10;
const FULL_LIST_WARMUP = 2;
const PAGE_LIMIT = 100;
const PAGES = 200;
const PAGE_WARMUP = 20;
const WALKS = 5;
const CREATE_GOAL_PER_S = 1_000;
const LIST_GOAL_MS = 50;

interface Subnet {
  id: string;
  gateway: number;
  pools: Array<{ first: number; last: number }>;
}

/** The bench's own network: one /16 subnet on it. */
interface Target {
  client: Client;
  headers: Record<string, string>;
  networkId: string;
}

/**
 * Every port the bench has been given, so each answer is checked while it is timed: one address
 * per port, from the subnet's pools, never the gateway, and no address, MAC or id seen twice.
 */
class Ledger {
  /** Port id to its address. */
  readonly addresses = new Map<string, string>();
  private readonly taken = new Set<string>();
  private readonly macs = new Set<string>();

  constructor(
    private readonly networkId: string,
    private readonly subnet: Subnet,
  ) {}

  get size(): number {
    return this.addresses.size;
  }

  record(port: WirePort): void {
    const [ip, ...more] = port.fixed_ips;
    if (port.network_id !== this.networkId) this.fail(port, "wrong network");
    if (ip === undefined || more.length > 0) return this.fail(port, "not exactly one fixed IP");
    const value = ipv4(ip.ip_address);
    if (ip.subnet_id !== this.subnet.id || value === undefined)
      return this.fail(port, "address from the wrong subnet");
    if (value === this.subnet.gateway) this.fail(port, "given the gateway address");
    if (!this.subnet.pools.some((pool) => value >= pool.first && value <= pool.last))
      this.fail(port, "address outside the allocation pools");
    if (this.addresses.has(port.id)) this.fail(port, "duplicate id");
    if (this.taken.has(ip.ip_address)) this.fail(port, `address ${ip.ip_address} given twice`);
    if (this.macs.has(port.mac_address)) this.fail(port, `MAC ${port.mac_address} given twice`);
    this.addresses.set(port.id, ip.ip_address);
    this.taken.add(ip.ip_address);
    this.macs.add(port.mac_address);
  }

  private fail(port: WirePort, why: string): never {
    throw new Error(`port ${port.id}: ${why}: ${JSON.stringify(port)}`);
  }
}

/** What each figure's function needs. */
interface Bench {
  rows: Row[];
  /** The server's pid, for its CPU time. */
  pid: number;
  target: Target;
  ledger: Ledger;
  progress: (message: string) => void;
}

/**
 * 5. Neutron ports over HTTP as admin: sequential and concurrent single creates, bulk creates, and
 * GET /v2.0/ports with LISTED ports in the project, unpaged and with limit=100. Beside each
 * figure, the CPU time of the server's main thread per operation: the cost of the work itself,
 * which a busy host inflates far less than wall time, and the bound on throughput.
 */
export async function portBenchmarks(
  rows: Row[],
  server: Server,
  client: Client,
  progress: (message: string) => void,
): Promise<void> {
  const token = await issueToken(client);
  const headers = { "x-auth-token": token };
  const network = field(
    await created(client.send("POST", `${API}/networks`, headers, { network: { name: "bench" } })),
    "network",
  );
  const networkId = text(network, "id");
  const quota = await liftPortQuota(client, headers, text(network, "project_id"));
  const subnet = subnetOf(
    await created(
      client.send("POST", `${API}/subnets`, headers, {
        subnet: { network_id: networkId, ip_version: 4, cidr: CIDR, name: "bench" },
      }),
    ),
  );
  const target: Target = { client, headers, networkId };
  const bench: Bench = { rows, pid: server.pid, target, ledger: new Ledger(networkId, subnet), progress };
  await sequential(bench, quota);
  await floor(bench);
  await concurrent(bench, server.baseUrl);
  await bulk(bench);
  progress(`bulk port create up to ${LISTED} ports`);
  const { ledger } = bench;
  while (ledger.size < LISTED) await createBulk(target, ledger, Math.min(BULK_SIZE, LISTED - ledger.size));
  await lists(bench);
}

/** One client creating ports one after the other. */
async function sequential(bench: Bench, quota: string): Promise<void> {
  const { target, ledger } = bench;
  bench.progress(`port create x ${SEQUENTIAL} sequential on a ${CIDR}`);
  for (let i = 0; i < SEQUENTIAL_WARMUP; i++) await createPort(target, ledger);
  const run = await measured(bench.pid, () => timedEach(SEQUENTIAL, () => createPort(target, ledger)));
  bench.rows.push({
    name: "port create, 1 client (sequential)",
    value: rate(SEQUENTIAL, run.wallMs),
    unit: "/s",
    goal: CREATE_GOAL_PER_S,
    note:
      `${SEQUENTIAL} after ${SEQUENTIAL_WARMUP} warm-up, one network, one ${CIDR}${quota}; ` +
      `${latencies(run.value)}${cpuNote(run.cpuMs, SEQUENTIAL, "create")}`,
  });
}

/** The same client, token and connection on a request without database work, for scale. */
async function floor(bench: Bench): Promise<void> {
  const { client, headers } = bench.target;
  bench.progress(`GET ${API}/ x ${FLOOR} sequential, for scale`);
  const root = async () => {
    const reply = await client.send("GET", `${API}/`, headers);
    if (reply.status !== 200) throw new Error(`GET ${API}/ answered ${reply.status}: ${reply.body}`);
  };
  for (let i = 0; i < SEQUENTIAL_WARMUP; i++) await root();
  const run = await measured(bench.pid, () => timedEach(FLOOR, root));
  bench.rows.push({
    name: `  for scale: GET ${API}/ (no DB)`,
    value: rate(FLOOR, run.wallMs),
    unit: "/s",
    goal: null,
    note:
      `same client and token: auth (cached), routing, access log; p50 ${ms(percentile(run.value, 50))}, ` +
      `p95 ${ms(percentile(run.value, 95))}${cpuNote(run.cpuMs, FLOOR, "request")}`,
  });
}

/** CLIENTS keep-alive connections creating ports at once on the same subnet. */
async function concurrent(bench: Bench, baseUrl: string): Promise<void> {
  const { ledger } = bench;
  bench.progress(`port create x ${CONCURRENT} from ${CLIENTS} concurrent clients`);
  const clients = Array.from({ length: CLIENTS }, () => new Client(baseUrl));
  try {
    const targets = clients.map((client): Target => ({ ...bench.target, client }));
    await Promise.all(
      targets.map(async (t) => {
        for (let i = 0; i < CONCURRENT_WARMUP; i++) await createPort(t, ledger);
      }),
    );
    const perClient = CONCURRENT / CLIENTS;
    const run = await measured(bench.pid, () =>
      Promise.all(targets.map((t) => timedEach(perClient, () => createPort(t, ledger)))),
    );
    bench.rows.push({
      name: `port create, ${CLIENTS} concurrent clients`,
      value: rate(CONCURRENT, run.wallMs),
      unit: "/s",
      goal: null,
      note:
        `${CONCURRENT} in all, ${perClient} per keep-alive client, same ${CIDR}; ` +
        `${latencies(run.value.flat())}${cpuNote(run.cpuMs, CONCURRENT, "create")}`,
    });
  } finally {
    for (const client of clients) client.close();
  }
}

/** POST {"ports": [BULK_SIZE]}: one transaction for them all. */
async function bulk(bench: Bench): Promise<void> {
  const { target, ledger } = bench;
  bench.progress(`bulk port create x ${BULKS} of ${BULK_SIZE}`);
  for (let i = 0; i < BULK_WARMUP; i++) await createBulk(target, ledger, BULK_SIZE);
  const run = await measured(bench.pid, () => timedEach(BULKS, () => createBulk(target, ledger, BULK_SIZE)));
  const p50 = percentile(run.value, 50);
  bench.rows.push({
    name: `bulk port create of ${BULK_SIZE} p50`,
    value: p50,
    unit: "ms",
    goal: null,
    note:
      `${BULKS} POSTs after ${BULK_WARMUP} warm-up; ~${Math.round((BULK_SIZE * 1000) / p50)} ports/s; ` +
      `p95 ${ms(percentile(run.value, 95))}${cpuNote(run.cpuMs, BULKS * BULK_SIZE, "port")}`,
  });
}

/**
 * GET /v2.0/ports with LISTED ports: no limit (the server's default page: everything, or its
 * pagination_max_limit with a next link), limit=100, and every port by following the next links.
 */
async function lists(bench: Bench): Promise<void> {
  const { target, ledger } = bench;
  const sorted = [...ledger.addresses.keys()].sort();
  bench.progress(`GET ports x ${FULL_LISTS} with ${LISTED} ports (default page)`);
  let bytes = 0;
  let size = 0;
  const checkDefault = (reply: Reply) => {
    bytes = Buffer.byteLength(reply.body);
    size = checkDefaultPage(reply, ledger, sorted);
  };
  await timedLists(target, "", FULL_LIST_WARMUP, checkDefault);
  const full = await measured(bench.pid, () => timedLists(target, "", FULL_LISTS, checkDefault));
  const capped = size < LISTED ? `first ${size} (the server's page cap) with a next link` : `all ${size}`;
  bench.rows.push({
    name: `GET ports, ${LISTED} ports, default page p50`,
    value: percentile(full.value, 50),
    unit: "ms",
    goal: LIST_GOAL_MS,
    note:
      `no limit: ${capped} in one ${(bytes / 1e6).toFixed(1)} MB body; ${FULL_LISTS} runs after ` +
      `${FULL_LIST_WARMUP} warm-up; p95 ${ms(percentile(full.value, 95))}${cpuNote(full.cpuMs, FULL_LISTS, "request")}`,
  });

  bench.progress(`GET ports?limit=${PAGE_LIMIT} x ${PAGES}`);
  const query = `?limit=${PAGE_LIMIT}`;
  const expected = sorted.slice(0, PAGE_LIMIT);
  const checkPage = (reply: Reply) => checkFirstPage(reply, expected);
  await timedLists(target, query, PAGE_WARMUP, checkPage);
  const paged = await measured(bench.pid, () => timedLists(target, query, PAGES, checkPage));
  bench.rows.push({
    name: `GET ports?limit=${PAGE_LIMIT}, ${LISTED} ports p50`,
    value: percentile(paged.value, 50),
    unit: "ms",
    goal: LIST_GOAL_MS,
    note:
      `first page, with its next link; ${PAGES} runs after ${PAGE_WARMUP} warm-up; ` +
      `p95 ${ms(percentile(paged.value, 95))}${cpuNote(paged.cpuMs, PAGES, "request")}`,
  });
  await walkAll(bench, sorted);
}

/** Every port, following the next links from the default page as openstacksdk does. */
async function walkAll(bench: Bench, sorted: readonly string[]): Promise<void> {
  const { target } = bench;
  bench.progress(`GET all ${LISTED} ports by next links x ${WALKS}`);
  let pages = 0;
  const walk = async () => {
    const ids: string[] = [];
    pages = 0;
    for (let path: string | undefined = `${API}/ports`; path !== undefined; pages++) {
      const reply = await target.client.send("GET", path, target.headers);
      if (reply.status !== 200) throw new Error(`GET ${path} answered ${reply.status}`);
      const body = parse(reply);
      ids.push(...(field(body, "ports") as unknown[]).map((port) => wirePort(port).id));
      const next = linkOf(body, "next");
      path = next === undefined ? undefined : new URL(next).pathname + new URL(next).search;
    }
    if (ids.join() !== sorted.join()) throw new Error(`following next links listed ${ids.length} ports`);
  };
  await walk();
  const run = await measured(bench.pid, () => timedEach(WALKS, walk));
  bench.rows.push({
    name: `  GET all ${LISTED} ports by next links p50`,
    value: percentile(run.value, 50),
    unit: "ms",
    goal: null,
    note: `${pages} requests each; ${WALKS} runs after 1 warm-up${cpuNote(run.cpuMs, WALKS, "walk")}`,
  });
}

/**
 * The default page: all the ports without links, or (a capped page) the lowest ids in order with
 * a next link. Each port with the address it was given. Returns the page's size.
 */
function checkDefaultPage(reply: Reply, ledger: Ledger, sorted: readonly string[]): number {
  const body = parse(reply);
  const ports = field(body, "ports");
  if (!Array.isArray(ports)) throw new Error("GET ports listed no ports");
  const capped = linkOf(body, "next") !== undefined;
  if (!capped && ports.length !== ledger.size)
    throw new Error(`GET ports listed ${ports.length} ports, not ${ledger.size}, and no next link`);
  const ids = (ports as unknown[]).map((item) => {
    const port = wirePort(item);
    const address = port.fixed_ips[0]?.ip_address;
    if (port.fixed_ips.length !== 1 || address !== ledger.addresses.get(port.id))
      throw new Error(
        `GET ports: ${port.id} lists ${JSON.stringify(port.fixed_ips)}, not ${ledger.addresses.get(port.id)}`,
      );
    return port.id;
  });
  const wanted = capped ? sorted.slice(0, ids.length) : [...sorted];
  if ((capped ? ids : [...ids].sort()).join() !== wanted.join())
    throw new Error(`GET ports: not ${capped ? "the first page by id" : "every port once"}`);
  return ids.length;
}

function linkOf(body: unknown, rel: "next" | "previous"): string | undefined {
  const links = field(body, "ports_links");
  if (!Array.isArray(links)) return undefined;
  const href = field(
    links.find((link) => field(link, "rel") === rel),
    "href",
  );
  return typeof href === "string" ? href : undefined;
}

/**
 * Neutron's default port quota is 500 a project; the bench needs LISTED, so it lifts the limit
 * (-1, unlimited) with PUT /v2.0/quotas/{project}. A server without quotas answers 404: nothing
 * to lift. Returns a remark for the notes.
 */
async function liftPortQuota(
  client: Client,
  headers: Record<string, string>,
  project: string,
): Promise<string> {
  const reply = await client.send("PUT", `${API}/quotas/${project}`, headers, { quota: { port: -1 } });
  if (reply.status === 404) return "";
  if (reply.status !== 200 || field(field(parse(reply), "quota"), "port") !== -1)
    throw new Error(`PUT quotas answered ${reply.status}: ${reply.body.slice(0, 500)}`);
  return ", port quota lifted to -1";
}

/** One POST {"port": {...}}: a 201 whose port the ledger accepts. */
async function createPort(target: Target, ledger: Ledger): Promise<void> {
  const body = { port: { network_id: target.networkId, name: `p${ledger.size}` } };
  const reply = await created(target.client.send("POST", `${API}/ports`, target.headers, body));
  ledger.record(wirePort(field(reply, "port")));
}

/** One POST {"ports": [...]}: a 201 with as many ports as asked, each accepted by the ledger. */
async function createBulk(target: Target, ledger: Ledger, count: number): Promise<void> {
  const first = ledger.size;
  const ports = Array.from({ length: count }, (_, i) => ({
    network_id: target.networkId,
    name: `b${first + i}`,
  }));
  const reply = await created(target.client.send("POST", `${API}/ports`, target.headers, { ports }));
  const list = field(reply, "ports");
  if (!Array.isArray(list) || list.length !== count)
    throw new Error(`bulk create of ${count} answered ${JSON.stringify(list).slice(0, 200)}`);
  for (const port of list as unknown[]) ledger.record(wirePort(port));
}

/** Times `count` GETs of the ports collection; `check` sees each reply outside the timing. */
async function timedLists(
  target: Target,
  query: string,
  count: number,
  check: (reply: Reply) => void,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const reply = await target.client.send("GET", `${API}/ports${query}`, target.headers);
    times.push(performance.now() - started);
    if (reply.status !== 200)
      throw new Error(`GET ports${query} answered ${reply.status}: ${reply.body.slice(0, 500)}`);
    check(reply);
  }
  return times;
}

/** The PAGE_LIMIT lowest ids, in order, and a next link. */
function checkFirstPage(reply: Reply, expected: readonly string[]): void {
  const body = parse(reply);
  const ports = field(body, "ports");
  if (!Array.isArray(ports) || ports.length !== PAGE_LIMIT)
    throw new Error(
      `GET ports?limit=${PAGE_LIMIT} listed ${Array.isArray(ports) ? ports.length : "no"} ports`,
    );
  const ids = (ports as unknown[]).map((port) => wirePort(port).id);
  if (ids.join() !== expected.join())
    throw new Error(`GET ports?limit=${PAGE_LIMIT}: not the first page by id`);
  const links = field(body, "ports_links");
  if (!Array.isArray(links) || !links.some((link) => field(link, "rel") === "next"))
    throw new Error(`GET ports?limit=${PAGE_LIMIT}: no next link`);
}

const rate = (count: number, wallMs: number) => (count * 1000) / wallMs;

function latencies(times: readonly number[]): string {
  return `per create p50 ${ms(percentile(times, 50))}, p95 ${ms(percentile(times, 95))}, p99 ${ms(percentile(times, 99))}`;
}

async function created(pending: Promise<Reply>): Promise<unknown> {
  const reply = await pending;
  if (reply.status !== 201) throw new Error(`expected 201, got ${reply.status}: ${reply.body.slice(0, 500)}`);
  return parse(reply);
}

function subnetOf(body: unknown): Subnet {
  const subnet = field(body, "subnet");
  const pools = field(subnet, "allocation_pools");
  const gateway = ipv4(text(subnet, "gateway_ip"));
  if (!Array.isArray(pools) || gateway === undefined)
    throw new Error(`unexpected subnet: ${JSON.stringify(subnet)}`);
  return {
    id: text(subnet, "id"),
    gateway,
    pools: (pools as unknown[]).map((pool) => {
      const [first, last] = [ipv4(text(pool, "start")), ipv4(text(pool, "end"))];
      if (first === undefined || last === undefined) throw new Error(`bad pool ${JSON.stringify(pool)}`);
      return { first, last };
    }),
  };
}

/** A dotted-quad IPv4 address as a number; undefined for anything else. */
function ipv4(address: string): number | undefined {
  const parts = address.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) < 256))
    return undefined;
  return parts.reduce((sum, part) => sum * 256 + Number(part), 0);
}
