import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** What a token carries. Everything else (roles, names, catalog) is looked up when validating. */
export interface TokenPayload {
  user_id: string;
  methods: string[];
  scope: TokenScope;
  /** Seconds since the epoch. */
  expires_at: number;
  /** Milliseconds since the epoch (revocations compare against it). */
  issued_at: number;
  audit_ids: string[];
  application_credential_id?: string;
}

export type TokenScope =
  | { type: "project"; project_id: string }
  | { type: "domain"; domain_id: string }
  | { type: "system" }
  | { type: "unscoped" };

const VERSION = Buffer.from([0x91]);
const IV_LENGTH = 12;
const TAG_LENGTH = 16;

/** Encrypts and authenticates the payload with AES-256-GCM under the primary key. */
export function sealToken(payload: TokenPayload, primaryKey: Buffer): string {
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv("aes-256-gcm", primaryKey, iv);
  cipher.setAAD(VERSION);
  const body = Buffer.concat([cipher.update(JSON.stringify(payload), "utf8"), cipher.final()]);
  return Buffer.concat([VERSION, iv, body, cipher.getAuthTag()]).toString("base64url");
}

/** Returns the payload, or undefined if no key opens the token or it was tampered with. */
export function openToken(token: string, keys: readonly Buffer[]): TokenPayload | undefined {
  const raw = Buffer.from(token, "base64url");
  if (raw.length < 1 + IV_LENGTH + TAG_LENGTH || raw[0] !== VERSION[0]) return undefined;
  const iv = raw.subarray(1, 1 + IV_LENGTH);
  const body = raw.subarray(1 + IV_LENGTH, raw.length - TAG_LENGTH);
  const tag = raw.subarray(raw.length - TAG_LENGTH);
  for (const key of keys) {
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, iv);
      decipher.setAAD(VERSION);
      decipher.setAuthTag(tag);
      const json = Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
      return JSON.parse(json) as TokenPayload;
    } catch {
      // Not this key: try the next one.
    }
  }
  return undefined;
}
