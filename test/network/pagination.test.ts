import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DEFAULT_PAGINATION_MAX_LIMIT, loadConfig } from "../../src/config.ts";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";

/** Neutron's pagination_max_limit, small so that a handful of ports spans several pages. */
const MAX = 3;
const PORTS = 7;

let t: TestApp;
let token = "";
let portIds: string[] = [];
before(async () => {
  t = await startTestApp({ config: { paginationMaxLimit: MAX } });
  token = await userInNewProject(t, "paged");
  const network = (await net("POST", "/networks", { network: { name: "paged" } })).json().network;
  const subnet = await net("POST", "/subnets", {
    subnet: { network_id: network.id, cidr: "10.9.0.0/24", ip_version: 4 },
  });
  assert.equal(subnet.statusCode, 201, subnet.body);
  const ports = Array.from({ length: PORTS }, (_, i) => ({ network_id: network.id, name: `p${i}` }));
  const created = await net("POST", "/ports", { ports });
  assert.equal(created.statusCode, 201, created.body);
  portIds = created
    .json()
    .ports.map((p: { id: string }) => p.id)
    .sort();
});
after(() => t.close());

const net = (method: "GET" | "POST", url: string, body?: unknown) =>
  call(t.app, token, method, `/networking/v2.0${url}`, body);

interface Page {
  ids: string[];
  links: Array<{ rel: string; href: string }> | undefined;
}

/** GET a ports page by path (or by a link's full href). */
async function page(url: string): Promise<Page> {
  const response = await net("GET", url.replace(/^.*\/networking\/v2\.0/, ""));
  assert.equal(response.statusCode, 200, response.body);
  const body = response.json();
  return { ids: body.ports.map((p: { id: string }) => p.id), links: body.ports_links };
}

const link = (p: Page, rel: "next" | "previous") => p.links?.find((l) => l.rel === rel)?.href;

/** Follows `next` links from `url` as openstacksdk does; every id in order, and the page sizes. */
async function walk(url: string): Promise<{ ids: string[]; sizes: number[] }> {
  const ids: string[] = [];
  const sizes: number[] = [];
  for (let next: string | undefined = url; next !== undefined;) {
    const current = await page(next);
    ids.push(...current.ids);
    sizes.push(current.ids.length);
    next = link(current, "next");
    assert.ok(sizes.length <= PORTS + 1, "next links never end");
  }
  return { ids, sizes };
}

test("without a limit, a page holds pagination_max_limit items and links to the next", async () => {
  const first = await page("/ports");
  assert.deepEqual(first.ids, portIds.slice(0, MAX));
  const next = link(first, "next");
  assert.ok(next !== undefined, "a next link");
  assert.match(next, /^http:\/\/[^/]+\/networking\/v2\.0\/ports\?marker=/);
  assert.doesNotMatch(next, /limit=/, "the next page is capped the same way");
});

test("following the next links lists everything, once each and in order", async () => {
  const { ids, sizes } = await walk("/ports");
  assert.deepEqual(ids, portIds);
  assert.deepEqual(sizes, [3, 3, 1]);
});

test("a smaller limit is honoured, and its links keep it", async () => {
  const first = await page("/ports?limit=2");
  assert.deepEqual(first.ids, portIds.slice(0, 2));
  assert.match(link(first, "next") ?? "", /limit=2/);
  const { ids, sizes } = await walk("/ports?limit=2");
  assert.deepEqual(ids, portIds);
  assert.deepEqual(sizes, [2, 2, 2, 1]);
});

test("a bigger limit is capped at pagination_max_limit", async () => {
  const first = await page("/ports?limit=100");
  assert.deepEqual(first.ids, portIds.slice(0, MAX));
  assert.ok(link(first, "next") !== undefined);
  assert.deepEqual((await walk("/ports?limit=100")).ids, portIds);
});

test("the previous link of a later page leads back to the page before", async () => {
  const first = await page("/ports");
  const second = await page(link(first, "next") ?? "");
  assert.deepEqual(second.ids, portIds.slice(MAX, 2 * MAX));
  const back = await page(link(second, "previous") ?? "");
  assert.deepEqual(back.ids, first.ids);
});

test("a list that fits in one page has no links", async () => {
  const one = await page("/ports?name=p0");
  assert.equal(one.ids.length, 1);
  assert.equal(one.links, undefined);
});

test("the cap applies to every collection", async () => {
  for (let i = 0; i < MAX; i++) await net("POST", "/networks", { network: { name: `extra-${i}` } });
  const response = (await net("GET", "/networks")).json();
  assert.equal(response.networks.length, MAX);
  assert.ok(response.networks_links.some((l: { rel: string }) => l.rel === "next"));
});

test("pagination_max_limit comes from --pagination-max-limit or STRATUS_PAGINATION_MAX_LIMIT", () => {
  assert.equal(loadConfig([], {}).paginationMaxLimit, DEFAULT_PAGINATION_MAX_LIMIT);
  assert.equal(loadConfig([], { STRATUS_PAGINATION_MAX_LIMIT: "50" }).paginationMaxLimit, 50);
  assert.equal(loadConfig([], { STRATUS_PAGINATION_MAX_LIMIT: "-1" }).paginationMaxLimit, -1);
  assert.equal(
    loadConfig(["--pagination-max-limit", "7"], { STRATUS_PAGINATION_MAX_LIMIT: "50" }).paginationMaxLimit,
    7,
  );
  for (const bad of ["0", "x", "-2", "1.5"])
    assert.throws(() => loadConfig([], { STRATUS_PAGINATION_MAX_LIMIT: bad }), /pagination-max-limit/);
});
