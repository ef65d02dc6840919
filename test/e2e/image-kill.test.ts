import assert from "node:assert/strict";
import { existsSync, readdirSync, statSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";
import { adminToken, startServer, type Server } from "./server.ts";

/**
 * A server killed (SIGKILL) in the middle of an upload: after a restart the image is queued again
 * (retryable, never active) and the partial bytes are gone — then the same upload succeeds.
 */

const ADMIN_PASSWORD = "e2e-image-kill-Secret-1";

const imageFiles = (server: Server) => {
  const dir = join(server.dataDir, "images");
  return existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : [];
};

test(
  "SIGKILL during an upload leaves the image queued and no bytes; the retry succeeds",
  { timeout: 120_000 },
  async () => {
    const first = await startServer(ADMIN_PASSWORD);
    let storage = first.storage;
    try {
      const token = await adminToken(first);
      const api = (server: Server, path: string, init: RequestInit = {}) =>
        fetch(`${server.baseUrl}/image${path}`, {
          ...init,
          headers: { "x-auth-token": token, accept: "application/json", ...(init.headers ?? {}) },
        });
      const created = await api(first, "/v2/images", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "crash", disk_format: "raw", container_format: "bare" }),
      });
      const { id } = (await created.json()) as { id: string };

      // 8 MiB, then the body stalls: the upload is under way when the server dies.
      const stalled = new Readable({ read() {} });
      stalled.push(Buffer.alloc(8 * 1024 * 1024, 1));
      const upload = request(`${first.baseUrl}/image/v2/images/${id}/file`, {
        method: "PUT",
        headers: { "x-auth-token": token, "content-type": "application/octet-stream" },
      });
      upload.on("error", () => undefined); // the server is about to vanish
      stalled.pipe(upload);
      for (let i = 0; i < 100 && !imageFiles(first).some((f) => statSync(f).size > 0); i++) await sleep(50);
      const during = (await (await api(first, `/v2/images/${id}`)).json()) as { status: string };
      assert.equal(during.status, "saving");
      assert.ok(
        imageFiles(first).some((f) => f.endsWith(".part")),
        "partial bytes were being written",
      );
      await first.kill();
      upload.destroy();

      const second = await startServer(ADMIN_PASSWORD, storage);
      storage = second.storage;
      try {
        const after = (await (await api(second, `/v2/images/${id}`)).json()) as { status: string };
        assert.equal(after.status, "queued", "retryable, never active");
        assert.deepEqual(imageFiles(second), [], "the partial file was removed at start-up");
        const data = Buffer.alloc(1024 * 1024, 2);
        const retry = await api(second, `/v2/images/${id}/file`, {
          method: "PUT",
          headers: { "content-type": "application/octet-stream" },
          body: data,
        });
        assert.equal(retry.status, 204);
        const done = (await (await api(second, `/v2/images/${id}`)).json()) as {
          status: string;
          size: number;
        };
        assert.deepEqual([done.status, done.size], ["active", data.length]);
      } finally {
        await second.stop({ keepData: true });
      }
    } finally {
      await storage.cleanup();
    }
  },
);
