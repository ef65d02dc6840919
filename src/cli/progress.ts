import { Transform, type TransformCallback } from "node:stream";

/** Where progress goes: a TTY gets a redrawn bar, anything else plain lines. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  /** What is moving ("upload", "download"). */
  label: string;
  /** Bytes expected, when known. */
  total?: number | undefined;
  out?: ProgressOutput;
  /** Milliseconds; injectable for tests. */
  now?: () => number;
}

const REDRAW_MS = 100;
const BAR_WIDTH = 24;
/** Without a TTY: one line per tenth of the transfer (or every 5 s when the size is unknown). */
const STEP = 0.1;
const UNKNOWN_SIZE_LINE_MS = 5000;

/**
 * A progress display for long transfers: percent, rate and ETA. On a terminal the bar is redrawn
 * in place at most ten times a second; otherwise (a log, a pipe, a test) it prints a plain line
 * per tenth, so the output stays readable and short. `meter()` counts bytes passing a pipeline.
 */
export class Progress {
  private bytes = 0;
  private readonly started: number;
  private lastDraw = -Infinity;
  private lastStep = -1;
  private finished = false;
  private readonly out: ProgressOutput;
  private readonly now: () => number;

  constructor(private readonly options: ProgressOptions) {
    this.out = options.out ?? process.stderr;
    this.now = options.now ?? Date.now;
    this.started = this.now();
  }

  add(count: number): void {
    this.bytes += count;
    const at = this.now();
    if (this.out.isTTY === true) {
      if (at - this.lastDraw < REDRAW_MS) return;
      this.lastDraw = at;
      this.out.write(`\r${this.line(at)}\x1b[K`);
      return;
    }
    const step = this.step(at);
    if (step <= this.lastStep) return;
    this.lastStep = step;
    this.out.write(`${this.line(at)}\n`);
  }

  /** The last line: the transfer's size, time and average rate. */
  done(): void {
    if (this.finished) return;
    this.finished = true;
    const at = this.now();
    const seconds = Math.max(at - this.started, 1) / 1000;
    const summary = `${this.options.label}: ${megabytes(this.bytes)} in ${seconds.toFixed(1)} s (${rate(this.bytes, seconds)})`;
    this.out.write(this.out.isTTY === true ? `\r${this.line(at)}\x1b[K\n${summary}\n` : `${summary}\n`);
  }

  /** A pass-through stream that counts what flows through it. */
  meter(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) => {
        this.add(chunk.length);
        callback(null, chunk);
      },
    });
  }

  /** "upload [#####-----]  52%  12.3/23.6 MB  45.1 MB/s  ETA 0:03" */
  line(at = this.now()): string {
    const seconds = Math.max(at - this.started, 1) / 1000;
    const speed = rate(this.bytes, seconds);
    const total = this.options.total;
    if (total === undefined || total <= 0) return `${this.options.label}  ${megabytes(this.bytes)}  ${speed}`;
    const fraction = Math.min(this.bytes / total, 1);
    const filled = Math.round(fraction * BAR_WIDTH);
    const bar = `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}]`;
    const perSecond = this.bytes / seconds;
    const eta = perSecond > 0 ? clock((total - this.bytes) / perSecond) : "--:--";
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    return `${this.options.label} ${bar} ${percent}  ${megabytes(this.bytes, false)}/${megabytes(total)}  ${speed}  ETA ${eta}`;
  }

  private step(at: number): number {
    const total = this.options.total;
    if (total === undefined || total <= 0) return Math.floor((at - this.started) / UNKNOWN_SIZE_LINE_MS);
    return Math.floor(Math.min(this.bytes / total, 1) / STEP + 1e-9);
  }
}

function megabytes(bytes: number, unit = true): string {
  return `${(bytes / 1e6).toFixed(1)}${unit ? " MB" : ""}`;
}

function rate(bytes: number, seconds: number): string {
  return `${(bytes / 1e6 / seconds).toFixed(1)} MB/s`;
}

/** Seconds as m:ss (h:mm:ss past an hour). */
function clock(seconds: number): string {
  const whole = Math.ceil(seconds);
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(s).padStart(2, "0")}`;
}
