import { readFileSync } from "node:fs";
import type { Reply } from "./http.ts";

/** Timing, server CPU and wire-parsing helpers for the networking figures. */

export const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

export interface WirePort {
  id: string;
  network_id: string;
  mac_address: string;
  fixed_ips: Array<{ subnet_id: string; ip_address: string }>;
}

/** Runs `fn` `count` times in sequence; each call's ms. */
export async function timedEach(count: number, fn: () => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

/** `fn`'s result and wall time, and the server's main-thread CPU time meanwhile (null without /proc). */
export async function measured<T>(
  pid: number,
  fn: () => Promise<T>,
): Promise<{ value: T; wallMs: number; cpuMs: number | null }> {
  const cpuBefore = cpuNs(pid);
  const started = performance.now();
  const value = await fn();
  const wallMs = performance.now() - started;
  const cpuAfter = cpuNs(pid);
  const cpuMs = cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / 1e6;
  return { value, wallMs, cpuMs };
}

/**
 * Nanoseconds the process's main thread (the one running JavaScript, hence the bound on a Node
 * server's throughput) has spent on a CPU, from /proc/<pid>/schedstat; null without /proc.
 */
function cpuNs(pid: number): number | null {
  try {
    const ns = Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]);
    return Number.isFinite(ns) && ns > 0 ? ns : null;
  } catch {
    return null;
  }
}

export const cpuNote = (cpuMs: number | null, count: number, per: string) =>
  cpuMs === null ? "" : `; server main-thread CPU ${ms(cpuMs / count)}/${per}`;

export function parse(reply: Reply): unknown {
  return JSON.parse(reply.body) as unknown;
}

export function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

export function text(value: unknown, name: string): string {
  const found = field(value, name);
  if (typeof found !== "string") throw new Error(`no string ${name} in ${JSON.stringify(value)}`);
  return found;
}

export function wirePort(value: unknown): WirePort {
  const ips = field(value, "fixed_ips");
  if (!Array.isArray(ips)) throw new Error(`port without fixed_ips: ${JSON.stringify(value)}`);
  return {
    id: text(value, "id"),
    network_id: text(value, "network_id"),
    mac_address: text(value, "mac_address"),
    fixed_ips: (ips as unknown[]).map((ip) => ({
      subnet_id: text(ip, "subnet_id"),
      ip_address: text(ip, "ip_address"),
    })),
  };
}
