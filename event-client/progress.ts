/**
 * Progress reporting for long CLI runs, written by hand to keep dependencies out: a redrawn bar when
 * the stream is a terminal, an occasional plain line when it is a log file or a CI console (where
 * carriage returns would pile up).
 */

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** `[#####-----]  50%  5000/10000  1234 ev/s`, the bar `width` cells wide. Pure. */
export function formatProgressBar(done: number, total: number, eventsPerSecond: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}  ${done}/${total}  ${Math.round(eventsPerSecond)} ev/s`;
}

/** `emit: 5000/10000 events (50%), 1234 ev/s`. Pure. */
export function formatProgressLine(done: number, total: number, eventsPerSecond: number): string {
  const percent = total > 0 ? Math.floor((Math.min(done, total) / total) * 100) : 100;
  return `emit: ${done}/${total} events (${percent}%), ${Math.round(eventsPerSecond)} ev/s`;
}

export class Progress {
  private lastDraw = -Infinity;
  private drawn = false;
  private readonly started: number;

  constructor(
    private readonly total: number,
    private readonly stream: ProgressStream,
    private readonly now: () => number = () => Date.now(),
    /** Minimum time between two redraws (TTY) or two lines (otherwise). */
    private readonly intervalMs = stream.isTTY ? 100 : 2000,
  ) {
    this.started = now();
    // A log gets its first line after one interval: short runs stay quiet.
    this.lastDraw = stream.isTTY ? -Infinity : this.started;
  }

  update(done: number): void {
    const now = this.now();
    if (now - this.lastDraw < this.intervalMs) return;
    this.lastDraw = now;
    const rate = done / Math.max((now - this.started) / 1000, 0.001);
    if (this.stream.isTTY) {
      this.stream.write(`\r${formatProgressBar(done, this.total, rate)}`);
      this.drawn = true;
    } else {
      this.stream.write(`${formatProgressLine(done, this.total, rate)}\n`);
    }
  }

  /** Draws the final state and ends the bar's line, so the summary starts on a fresh one. */
  finish(done: number): void {
    if (!this.stream.isTTY) return;
    this.lastDraw = -Infinity;
    this.update(done);
    if (this.drawn) this.stream.write('\n');
  }
}
