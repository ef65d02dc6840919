import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { KeyRepository } from "../../src/identity/keys.ts";
import { openToken, sealToken, type TokenPayload } from "../../src/identity/token-format.ts";

const payload: TokenPayload = {
  user_id: "u1",
  methods: ["password"],
  scope: { type: "project", project_id: "p1" },
  expires_at: 2_000_000_000,
  issued_at: 1_700_000_000_000,
  audit_ids: ["a1"],
};

test("tokens survive key rotations until their key is pruned", () => {
  const dir = mkdtempSync(join(tmpdir(), "stratus-keys-"));
  try {
    const keys = new KeyRepository(join(dir, "fernet-keys"), 3);
    const first = keys.load();
    assert.equal(first.length, 2, "a new repository has a primary and a staged key");
    const token = sealToken(payload, first[0] ?? Buffer.alloc(32));
    assert.deepEqual(openToken(token, first), payload);

    keys.rotate();
    const afterOne = keys.load();
    assert.deepEqual(openToken(token, afterOne), payload, "the old primary is now a secondary");
    // The staged key became primary, so a token sealed with it opens on servers that had it staged.
    assert.deepEqual(openToken(sealToken(payload, afterOne[0] ?? Buffer.alloc(32)), first), payload);

    keys.rotate();
    keys.rotate();
    assert.equal(openToken(token, keys.load()), undefined, "pruned beyond max active keys");
    assert.equal(readdirSync(join(dir, "fernet-keys")).length, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a token is opaque and tamper-evident", () => {
  const dir = mkdtempSync(join(tmpdir(), "stratus-keys-"));
  try {
    const keys = new KeyRepository(join(dir, "k")).load();
    const token = sealToken(payload, keys[0] ?? Buffer.alloc(32));
    assert.ok(!Buffer.from(token, "base64url").toString().includes("user_id"), "encrypted, not just signed");
    const raw = Buffer.from(token, "base64url");
    raw[raw.length - 20] = (raw[raw.length - 20] ?? 0) ^ 1;
    assert.equal(openToken(raw.toString("base64url"), keys), undefined);
    assert.equal(openToken("not-a-token", keys), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
