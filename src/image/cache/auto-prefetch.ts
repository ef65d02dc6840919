/**
 * The opt-in auto-prefetch policy (beyond Glance): an image downloaded `count` times from its
 * store within `window` seconds is queued for prefetch. Counts are per process and in memory on
 * purpose: they are a hint about recent demand, lost harmlessly on restart, and never worth a
 * write on the download path. Bounded: images not seen within the window are forgotten.
 */
export class DownloadWindow {
  private readonly seen = new Map<string, number[]>();

  constructor(
    private readonly count: number,
    private readonly windowMs: number,
  ) {}

  /** Notes one download; true when it makes `count` within the window (the counts start over). */
  record(imageId: string, nowMs: number): boolean {
    const since = nowMs - this.windowMs;
    const recent = (this.seen.get(imageId) ?? []).filter((at) => at > since);
    recent.push(nowMs);
    if (recent.length >= this.count) {
      this.seen.delete(imageId);
      return true;
    }
    this.seen.set(imageId, recent);
    if (this.seen.size > 10_000) this.forgetBefore(since);
    return false;
  }

  private forgetBefore(since: number): void {
    for (const [id, times] of this.seen) if ((times.at(-1) ?? 0) <= since) this.seen.delete(id);
  }
}
