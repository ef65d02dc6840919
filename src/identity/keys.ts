import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A Fernet-style key repository: one file per key, named by index. The highest index is the
 * primary (encrypts new tokens), 0 is staged (the next primary, already accepted), the rest are
 * secondary (still decrypt tokens issued before a rotation).
 */
export class KeyRepository {
  constructor(
    readonly directory: string,
    private readonly maxActiveKeys = 3,
  ) {}

  /** Keys to try, primary first. Creates the repository on first use. */
  load(): Buffer[] {
    this.ensure();
    return this.indexes()
      .sort((a, b) => b - a)
      .map((index) =>
        Buffer.from(readFileSync(join(this.directory, String(index)), "utf8").trim(), "base64url"),
      );
  }

  /** Promotes the staged key to primary, stages a new one and drops the oldest beyond the limit. */
  rotate(): void {
    this.ensure();
    const next = Math.max(...this.indexes()) + 1;
    renameSync(join(this.directory, "0"), join(this.directory, String(next)));
    this.writeKey(0);
    const secondaries = this.indexes()
      .filter((index) => index !== 0)
      .sort((a, b) => a - b);
    for (const index of secondaries.slice(0, Math.max(0, secondaries.length - (this.maxActiveKeys - 1)))) {
      rmSync(join(this.directory, String(index)));
    }
  }

  private ensure(): void {
    mkdirSync(this.directory, { recursive: true, mode: 0o700 });
    const indexes = this.indexes();
    if (!indexes.includes(0)) this.writeKey(0);
    if (!indexes.some((index) => index > 0)) this.writeKey(1);
  }

  private indexes(): number[] {
    return readdirSync(this.directory)
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  }

  private writeKey(index: number): void {
    const file = join(this.directory, String(index));
    writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
}
