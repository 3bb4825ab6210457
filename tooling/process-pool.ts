/**
 * Jobs spread over this process and forked worker processes, all taking from one queue, so that
 * a process slowed by other load on the machine simply takes fewer. This process runs a job
 * between handing out others (jobs should take well under a second); each worker holds up to
 * `prefetch` jobs so it never waits for this one. Used by parallel synthesis
 * (stacks/parallel-synth.ts); nothing here knows what a job is.
 *
 * A worker module calls `serveJobs(run)`. The first failing job, or a worker that exits
 * unexpectedly, stops every worker and rejects with the job's description and error.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

export interface PoolJob {
  readonly id: number;
}

export interface PoolOptions<Job extends PoolJob, Result, Context> {
  readonly jobs: readonly Job[];
  /** Sent to each worker once, before its first job. */
  readonly context: Context;
  readonly workers: number;
  /** Absolute path of the module the workers run (it calls `serveJobs`). */
  readonly workerModule: string;
  /** Runs a job in this process; without it, this process only hands out jobs. */
  readonly runHere?: ((job: Job, context: Context) => Result) | undefined;
  /** For error messages: `the core stacks of dev`. */
  readonly describe: (job: Job) => string;
  /** Jobs a worker holds at once (default 2). */
  readonly prefetch?: number;
  /** How long a worker whose channel closed may take to exit by itself, so that its exit says why (default 5 s). */
  readonly closedChannelGraceMs?: number;
}

type ToWorker<Job, Context> = { readonly type: 'context'; readonly context: Context } | { readonly type: 'job'; readonly job: Job };
type FromWorker<Result> =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly id: number; readonly result: Result; readonly maxRssKiB: number }
  | { readonly type: 'failed'; readonly id: number; readonly error: string };

/** CPUs this process may use. */
export const availableCpus = (): number => os.availableParallelism();

interface Worker<Job> {
  readonly process: ChildProcess;
  ready: boolean;
  /** Set before this process stops it: an exit is then expected. */
  stopping: boolean;
  exited: boolean;
  /** Its channel closed while it was not being stopped: when it is to be ended for that, and whether it was. */
  closedChannel?: { readonly deadline: NodeJS.Timeout; ended: boolean };
  readonly holding: Map<number, Job>;
  /** Its peak resident set size so far, as it reports with each result. */
  maxRssKiB: number;
}

const errorText = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));

function startWorker<Job>(workerModule: string): Worker<Job> {
  const child = fork(workerModule, [], {
    // A TypeScript worker runs with the app's loader (tooling/register-ts.cjs).
    execArgv: workerModule.endsWith('.ts') ? ['--require', path.join(__dirname, 'register-ts.cjs')] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return { process: child, ready: false, stopping: false, exited: false, holding: new Map(), maxRssKiB: 0 };
}

export interface PoolOutcome<Result> {
  /** In job order. */
  readonly results: Result[];
  /** Each worker's peak resident set size (its memory is its own, beside this process's). */
  readonly workerMaxRssKiB: number[];
}

/** Runs every job; resolves once every worker has exited. */
export async function runPool<Job extends PoolJob, Result, Context>(options: PoolOptions<Job, Result, Context>): Promise<PoolOutcome<Result>> {
  const { runHere, describe } = options;
  if (!runHere && options.workers < 1) throw new Error('runPool: with no worker processes, jobs must run here (runHere)');
  const prefetch = options.prefetch ?? 2;
  const queue = [...options.jobs];
  const results = new Map<number, Result>();
  let failure: Error | undefined;
  let wake = (): void => {};
  const changed = () => new Promise<void>((resolve) => (wake = resolve));
  const workers = Array.from({ length: options.workers }, () => startWorker<Job>(options.workerModule));

  const stop = (worker: Worker<Job>): void => {
    if (worker.exited || worker.stopping) return;
    worker.stopping = true;
    // A ready worker exits by itself once its channel closes; one still starting is ended.
    if (worker.ready && worker.process.connected) worker.process.disconnect();
    else worker.process.kill();
  };
  const fail = (error: Error): void => {
    failure ??= error;
    for (const worker of workers) {
      stop(worker);
      if (!worker.exited) worker.process.kill();
    }
    wake();
  };
  // Messages on their way to a worker. Node writes what the channel does not take at once (a large
  // context) only while this process's event loop runs, so it runs no job of its own meanwhile.
  let sending = 0;
  const send = (worker: Worker<Job>, message: ToWorker<Job, Context>): void => {
    sending += 1;
    worker.process.send(message, (error) => {
      sending -= 1;
      if (error) channelClosed(worker);
      wake();
    });
  };
  // A worker that dies between reporting a result and reading its next job closes its channel, and
  // this process's next write to it fails (EPIPE), before its exit is reported: the exit says why
  // (its code). A worker whose channel closed and that lives on would hold its jobs for ever: it is
  // ended after a grace period.
  const channelClosed = (worker: Worker<Job>): void => {
    if (worker.stopping || worker.exited || worker.closedChannel) return;
    const closedChannel = {
      ended: false,
      deadline: setTimeout(() => {
        closedChannel.ended = true;
        worker.process.kill();
      }, options.closedChannelGraceMs ?? 5000),
    };
    worker.closedChannel = closedChannel;
  };
  const handOut = (worker: Worker<Job>): void => {
    while (!failure && worker.ready && worker.holding.size < prefetch && queue.length > 0) {
      const job = queue.shift()!;
      worker.holding.set(job.id, job);
      send(worker, { type: 'job', job });
    }
  };

  for (const worker of workers) {
    worker.process.on('message', (message: FromWorker<Result>) => {
      if (message.type === 'ready') {
        worker.ready = true;
        send(worker, { type: 'context', context: options.context });
      } else if (message.type === 'done') {
        worker.holding.delete(message.id);
        worker.maxRssKiB = Math.max(worker.maxRssKiB, message.maxRssKiB);
        results.set(message.id, message.result);
      } else {
        const job = worker.holding.get(message.id);
        fail(new Error(`${job ? describe(job) : `job ${message.id}`} failed in a worker process:\n${message.error}`));
      }
      handOut(worker);
      wake();
    });
    worker.process.on('error', (error) => fail(new Error(`a worker process failed: ${error.message}`)));
    worker.process.on('disconnect', () => channelClosed(worker));
    worker.process.on('exit', (code, signal) => {
      worker.exited = true;
      const closed = worker.closedChannel;
      if (closed) clearTimeout(closed.deadline);
      if (closed?.ended && !worker.stopping) fail(new Error(`a worker process closed its channel holding ${worker.holding.size} job(s)`));
      else if (!worker.stopping) fail(new Error(`a worker process exited (${signal ?? `code ${code}`}) holding ${worker.holding.size} job(s)`));
      wake();
    });
  }

  while (runHere && !failure && queue.length > 0) {
    if (sending > 0) {
      await changed();
      continue;
    }
    const job = queue.shift()!;
    try {
      results.set(job.id, runHere(job, options.context));
    } catch (error) {
      fail(error instanceof Error ? error : new Error(errorText(error)));
    }
    // Lets the workers' messages in: they get their next jobs.
    await new Promise(setImmediate);
  }
  while (!failure && (queue.length > 0 || workers.some((worker) => worker.holding.size > 0))) await changed();

  for (const worker of workers) stop(worker);
  while (workers.some((worker) => !worker.exited)) await changed();
  if (failure) throw failure;
  return { results: options.jobs.map((job) => results.get(job.id)!), workerMaxRssKiB: workers.map((worker) => worker.maxRssKiB) };
}

/**
 * The worker side: receives the context, then jobs, runs each with `run` and reports back. The
 * process exits when the parent closes the channel.
 */
export function serveJobs<Job extends PoolJob, Result, Context>(run: (job: Job, context: Context) => Result): void {
  const send = process.send?.bind(process);
  if (!send) {
    process.stderr.write('a worker module is started by runPool (tooling/process-pool.ts), not run directly\n');
    process.exit(2);
  }
  let context: Context | undefined;
  let received = false;
  process.on('message', (message: ToWorker<Job, Context>) => {
    if (message.type === 'context') {
      context = message.context;
      received = true;
      return;
    }
    try {
      if (!received) throw new Error('a job arrived before the context');
      const result = run(message.job, context as Context);
      send({ type: 'done', id: message.job.id, result, maxRssKiB: process.resourceUsage().maxRSS } satisfies FromWorker<Result>);
    } catch (error) {
      send({ type: 'failed', id: message.job.id, error: errorText(error) } satisfies FromWorker<Result>);
    }
  });
  send({ type: 'ready' } satisfies FromWorker<Result>);
}
