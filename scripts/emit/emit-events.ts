/**
 * What `npm run emit` does once its arguments are parsed (scripts/emit.ts): every event validated
 * (names, JSON, sizes, RunTask budgets) before the first is sent, so a bad line 9,000 does not leave
 * 8,999 events half-emitted; then sent a chunk at a time, one publisher per service.
 */
import { createReadStream, createWriteStream, openSync, type WriteStream } from 'node:fs';
import { bookingSaga } from '../../catalog/booking-saga';
import { environments } from '../../environments';
import { EventPublisher, prepareEvent, type EventInput, type FailedEntry, type UnmatchedDetailTypePolicy } from '../../event-client';
import { Progress } from '../../event-client/progress';
import { EXIT } from '../../tooling/cli';

/** A line of the file, or the single event of the command line. */
export interface EmitEvent {
  readonly lineNumber: number;
  readonly raw: string;
  readonly service: string;
  readonly event: EventInput;
}

export interface EmitOptions {
  readonly env: string;
  readonly service?: string;
  readonly detailType?: string;
  readonly detail?: string;
  readonly file?: string;
  readonly dryRun: boolean;
  readonly unmatched: UnmatchedDetailTypePolicy;
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly failedOut?: string;
  readonly progress: boolean;
  readonly verbose: boolean;
}

/** Problems and warnings are listed up to this many; the rest are counted. */
const MAX_LISTED = 20;
/** Lines read before a round of PutEvents calls: bounds memory whatever the file size. */
const CHUNK_LINES = 200;
/** Below this many events the progress output is not worth the noise. */
const PROGRESS_THRESHOLD = 100;

const LINE_KEYS = new Set(['service', 'detailType', 'detail', 'resources']);

/** One JSON Lines line as an event, or why not. Pure. */
export function parseLine(raw: string, lineNumber: number): EmitEvent | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return { problem: `not valid JSON (${(error as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'must be a JSON object {"service", "detailType", "detail"}' };
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !LINE_KEYS.has(key));
  if (unknown.length > 0) return { problem: `unknown field(s) ${unknown.map((k) => `'${k}'`).join(', ')}; expected service, detailType, detail, resources` };
  if (typeof record.service !== 'string' || record.service === '') return { problem: "'service' must be a non-empty string" };
  if (typeof record.detailType !== 'string') return { problem: "'detailType' must be a string" };
  const event: EventInput = { detailType: record.detailType, detail: record.detail, ...(record.resources !== undefined ? { resources: record.resources as string[] } : {}) };
  return { lineNumber, raw, service: record.service, event };
}

/** The CLI's state for one run: a publisher per service, and what happened so far. */
class Emitter {
  private readonly publishers = new Map<string, EventPublisher>();
  readonly problems: string[] = [];
  problemCount = 0;
  private readonly warnings = new Map<string, { firstLine: number; count: number }>();
  readonly perBus = new Map<string, number>();
  sent = 0;
  readonly failedByCode = new Map<string, number>();
  readonly failures: string[] = [];
  failedCount = 0;

  constructor(
    private readonly options: EmitOptions,
    private readonly stderr: NodeJS.WritableStream,
    private readonly failedOut: WriteStream | undefined,
  ) {}

  publisher(service: string): EventPublisher {
    let publisher = this.publishers.get(service);
    if (!publisher) {
      publisher = new EventPublisher({
        catalog: bookingSaga,
        environments,
        env: this.options.env,
        service,
        unmatchedDetailType: this.options.unmatched,
        concurrency: this.options.concurrency,
        maxAttempts: this.options.maxAttempts,
        connectionTimeoutMs: this.options.connectTimeoutMs,
        requestTimeoutMs: this.options.requestTimeoutMs,
        // Warnings were reported, with line numbers, by the validation pass.
        logger: { warn: () => undefined, debug: this.options.verbose ? (m) => this.stderr.write(`emit: ${m}\n`) : undefined },
      });
      this.publishers.set(service, publisher);
    }
    return publisher;
  }

  problem(lineNumber: number, message: string): void {
    this.problemCount++;
    if (this.problems.length < MAX_LISTED) this.problems.push(lineNumber > 0 ? `line ${lineNumber}: ${message}` : message);
  }

  /** Validation pass for one event; true when it would be sent. */
  validate(item: EmitEvent): boolean {
    let publisher: EventPublisher;
    try {
      publisher = this.publisher(item.service);
    } catch (error) {
      this.problem(item.lineNumber, (error as Error).message);
      return false;
    }
    const result = prepareEvent(publisher.bus, item.event, item.lineNumber, this.options.unmatched);
    for (const warning of result.warnings) {
      const seen = this.warnings.get(warning);
      if (seen) seen.count++;
      else this.warnings.set(warning, { firstLine: item.lineNumber, count: 1 });
    }
    for (const message of result.problems) this.problem(item.lineNumber, `${publisher.bus.busName} ${item.event.detailType}: ${message}`);
    if (result.problems.length > 0) return false;
    this.perBus.set(publisher.bus.busName, (this.perBus.get(publisher.bus.busName) ?? 0) + 1);
    return true;
  }

  reportWarnings(): void {
    for (const [message, { firstLine, count }] of this.warnings) {
      const where = firstLine > 0 ? `line ${firstLine}${count > 1 ? ` and ${count - 1} more` : ''}: ` : '';
      this.stderr.write(`emit: warning: ${where}${message}\n`);
    }
  }

  /** Sends a chunk: one `publish` per service, services in parallel. */
  async send(chunk: readonly EmitEvent[]): Promise<void> {
    const byService = new Map<string, EmitEvent[]>();
    for (const item of chunk) byService.set(item.service, [...(byService.get(item.service) ?? []), item]);
    await Promise.all(
      [...byService].map(async ([service, items]) => {
        const publisher = this.publisher(service);
        const result = await publisher.publish(items.map((item) => item.event));
        this.sent += result.sent.length;
        for (const failure of result.failed) this.recordFailure(items[failure.index], publisher.bus.busName, failure);
      }),
    );
  }

  private recordFailure(item: EmitEvent, bus: string, failure: FailedEntry): void {
    this.failedCount++;
    this.failedByCode.set(failure.code, (this.failedByCode.get(failure.code) ?? 0) + 1);
    if (this.failures.length < MAX_LISTED) {
      const where = item.lineNumber > 0 ? `line ${item.lineNumber} ` : '';
      this.failures.push(`${where}(${bus} ${item.event.detailType}): ${failure.code}: ${failure.message}`);
    }
    this.failedOut?.write(`${item.raw}\n`);
  }

  close(): void {
    for (const publisher of this.publishers.values()) publisher.close();
  }
}

/**
 * The lines of a file as text, each decoded strictly: a line that is not valid UTF-8 is a problem
 * naming its byte, never text with U+FFFD where the bad bytes were (what a decoding stream does).
 */
export async function* readLines(file: string): AsyncGenerator<{ lineNumber: number; text: string } | { lineNumber: number; problem: string }> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (lineNumber: number, bytes: Buffer) => {
    const line = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, -1) : bytes;
    try {
      return { lineNumber, text: decoder.decode(line) };
    } catch {
      return { lineNumber, problem: `not valid UTF-8 (byte ${firstInvalidUtf8Byte(line) + 1} of the line)` };
    }
  };
  let pending = Buffer.alloc(0);
  let lineNumber = 0;
  for await (const chunk of createReadStream(file)) {
    pending = Buffer.concat([pending, chunk as Buffer]);
    for (let newline = pending.indexOf(0x0a); newline >= 0; newline = pending.indexOf(0x0a)) {
      yield decode(++lineNumber, pending.subarray(0, newline));
      pending = pending.subarray(newline + 1);
    }
  }
  if (pending.length > 0) yield decode(lineNumber + 1, pending);
}

/** Offset of the first byte that breaks UTF-8 (a bad lead byte, or a missing continuation). */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i]!;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      if (i + k >= bytes.length || (bytes[i + k]! & 0xc0) !== 0x80) return i;
    }
    i += length;
  }
  return 0;
}

async function* readEvents(file: string): AsyncGenerator<EmitEvent | { lineNumber: number; problem: string }> {
  for await (const line of readLines(file)) {
    if ('problem' in line) {
      yield line;
      continue;
    }
    if (line.text.trim() === '') continue;
    const parsed = parseLine(line.text, line.lineNumber);
    yield 'problem' in parsed ? { lineNumber: line.lineNumber, problem: parsed.problem } : parsed;
  }
}

/** Opens --failed-out for writing now, so a path that cannot be written stops the run before anything is sent. */
function openFailedOut(path: string): WriteStream {
  const fd = openSync(path, 'w');
  return createWriteStream(path, { fd });
}

/** The event given with --service, --detail-type and --detail (line 0: no file). */
function commandLineEvent(options: EmitOptions): EmitEvent {
  const detail = options.detail ?? '{}';
  const raw = `{"service":${JSON.stringify(options.service)},"detailType":${JSON.stringify(options.detailType)},"detail":${detail}}`;
  return { lineNumber: 0, raw, service: options.service!, event: { detailType: options.detailType!, detail } };
}

function formatCounts(counts: Map<string, number>): string {
  return [...counts].map(([name, count]) => `${name}: ${count}`).join(', ');
}

/**
 * Validates every event (nothing is sent if any is wrong), then sends them a chunk of lines at a
 * time. Returns the exit code of docs/cli.md.
 */
export async function emitEvents(options: EmitOptions, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream & { isTTY?: boolean } } = process): Promise<number> {
  let failedOut: WriteStream | undefined;
  if (options.failedOut && !options.dryRun) {
    try {
      failedOut = openFailedOut(options.failedOut);
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      io.stderr.write(`emit: --failed-out '${options.failedOut}' cannot be written (${code ?? 'error'}: ${message}); nothing was sent.\n`);
      return EXIT.usage;
    }
  }
  const emitter = new Emitter(options, io.stderr, failedOut);
  try {
    // Pass 1: validate everything; nothing is sent if anything is wrong.
    let valid = 0;
    if (options.file) {
      for await (const item of readEvents(options.file)) {
        if ('problem' in item) emitter.problem(item.lineNumber, item.problem);
        else if (emitter.validate(item)) valid++;
      }
    } else {
      if (emitter.validate(commandLineEvent(options))) valid++;
    }
    emitter.reportWarnings();
    if (emitter.problemCount > 0) {
      for (const problem of emitter.problems) io.stderr.write(`emit: ${problem}\n`);
      if (emitter.problemCount > emitter.problems.length) io.stderr.write(`emit: ... and ${emitter.problemCount - emitter.problems.length} more problem(s)\n`);
      io.stderr.write(`emit: refused: ${emitter.problemCount} problem(s) in environment '${options.env}'; nothing was sent.\n`);
      return EXIT.usage;
    }
    if (valid === 0) {
      io.stderr.write(`emit: ${options.file} holds no events; nothing to send.\n`);
      return EXIT.usage;
    }
    if (options.dryRun) {
      io.stdout.write(`Dry run: ${valid} event(s) valid for environment '${options.env}' (${formatCounts(emitter.perBus)}); nothing sent.\n`);
      return EXIT.ok;
    }

    // Pass 2: send, a chunk of lines at a time.
    const started = process.hrtime.bigint();
    const progress = options.progress && valid >= PROGRESS_THRESHOLD ? new Progress(valid, io.stderr) : undefined;
    if (options.file) {
      let chunk: EmitEvent[] = [];
      let done = 0;
      const flush = async () => {
        await emitter.send(chunk);
        done += chunk.length;
        chunk = [];
        progress?.update(done);
      };
      for await (const item of readEvents(options.file)) {
        if ('problem' in item) throw new Error(`line ${item.lineNumber} changed since validation: ${item.problem}`);
        chunk.push(item);
        if (chunk.length >= CHUNK_LINES) await flush();
      }
      if (chunk.length > 0) await flush();
      progress?.finish(done);
    } else {
      await emitter.send([commandLineEvent(options)]);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;

    for (const failure of emitter.failures) io.stderr.write(`emit: failed: ${failure}\n`);
    if (emitter.failedCount > emitter.failures.length) io.stderr.write(`emit: ... and ${emitter.failedCount - emitter.failures.length} more failure(s)\n`);
    const rate = seconds > 0 ? Math.round((emitter.sent + emitter.failedCount) / seconds) : 0;
    io.stdout.write(
      `Environment '${options.env}' (${formatCounts(emitter.perBus)}): ${emitter.sent} sent, ${emitter.failedCount} failed${
        emitter.failedCount > 0 ? ` (${formatCounts(emitter.failedByCode)})` : ''
      } in ${seconds.toFixed(2)} s (${rate} events/s).\n`,
    );
    if (failedOut && emitter.failedCount > 0) io.stdout.write(`Failed events written to ${options.failedOut}.\n`);
    return emitter.failedCount > 0 ? EXIT.finding : EXIT.ok;
  } finally {
    emitter.close();
    if (failedOut) await new Promise<void>((resolve) => failedOut.end(resolve));
  }
}
