import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as prettier from "prettier";
import { compile } from "../../../src/sdn/compile/index.ts";
import type { NetworkState } from "../../../src/sdn/compile/input.ts";

const DIR = join(import.meta.dirname, "golden");
const UPDATE = process.env["STRATUS_UPDATE_GOLDEN"] === "1";
const cases = readdirSync(DIR)
  .filter((file) => file.endsWith(".input.json"))
  .map((file) => file.slice(0, -".input.json".length))
  .sort();

/**
 * JSON.stringify(model, null, 2), then the repository's Prettier style, so that `npm run lint`
 * (prettier --check .) accepts the generated files. Key order is kept, so the comparison is
 * still byte-exact on what the compiler emits.
 */
async function golden(file: string, model: unknown): Promise<string> {
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(JSON.stringify(model, null, 2) + "\n", { ...options, filepath: file });
}

test("there are golden cases", () => {
  assert.ok(cases.length >= 6, `found ${cases.length}`);
});

for (const name of cases) {
  test(`golden: ${name}`, async () => {
    const state = JSON.parse(readFileSync(join(DIR, `${name}.input.json`), "utf8")) as NetworkState;
    const modelFile = join(DIR, `${name}.model.json`);
    const actual = await golden(modelFile, compile(state));
    if (UPDATE) writeFileSync(modelFile, actual);
    else
      assert.equal(
        actual,
        readFileSync(modelFile, "utf8"),
        `${name}: rerun with STRATUS_UPDATE_GOLDEN=1 to update`,
      );
  });
}
