import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { acquireLock } from "../../src/cli/lock.ts";

test("a second server on the same SQLite file is refused; a stale lock is taken over", async () => {
  const dir = mkdtempSync(join(tmpdir(), "stratus-lock-"));
  try {
    const file = join(dir, "stratus.db.lock");
    const release = acquireLock(file);
    assert.throws(
      () => acquireLock(file),
      /Another Stratus server \(pid \d+\) is already using .*stratus\.db/,
    );
    release();
    assert.equal(existsSync(file), false);

    // A lock left by a process that has exited does not block the next server.
    const gone = spawn(process.execPath, ["-e", ""]);
    await once(gone, "exit");
    writeFileSync(file, String(gone.pid));
    acquireLock(file)();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
