import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openstack, startServer, testDialect } from "./server.ts";

/** State, credentials and token keys outlive the process; one server per SQLite file. */
test("a restart on the same data dir keeps projects, the admin password and issued tokens", async () => {
  const home = mkdtempSync(join(tmpdir(), "stratus-e2e-home-"));
  // No STRATUS_ADMIN_PASSWORD: the first start makes one up and writes it to admin-openrc.sh.
  const first = await startServer(undefined);
  let storage = first.storage;
  try {
    assert.ok((first.openrc.OS_PASSWORD ?? "").length >= 12, "a random admin password was written");
    const created = await openstack(home, first.openrc, ["project", "create", "survivor", "-f", "json"]);
    assert.equal(created.code, 0, created.stderr);
    const issued = await openstack(home, first.openrc, ["token", "issue", "-f", "value", "-c", "id"]);
    assert.equal(issued.code, 0, issued.stderr);
    const token = issued.stdout.trim();

    if (testDialect() === "sqlite") {
      await assert.rejects(
        startServer(undefined, storage),
        /Another Stratus server \(pid \d+\) is already using/,
      );
    }
    const stopped = await first.stop({ keepData: true });
    assert.equal(stopped.code, 0);

    const second = await startServer(undefined, storage);
    storage = second.storage;
    try {
      assert.equal(
        second.openrc.OS_PASSWORD,
        first.openrc.OS_PASSWORD,
        "the password is kept across restarts",
      );
      const shown = await openstack(home, second.openrc, ["project", "show", "survivor", "-f", "json"]);
      assert.equal(shown.code, 0, shown.stderr);
      assert.equal((JSON.parse(shown.stdout) as { name: string }).name, "survivor");
      const reused = await fetch(`${second.authUrl}/auth/projects`, { headers: { "x-auth-token": token } });
      assert.equal(reused.status, 200, "a token issued before the restart is still valid");
    } finally {
      await second.stop({ keepData: true });
    }
  } finally {
    await storage.cleanup();
    rmSync(home, { recursive: true, force: true });
  }
});
