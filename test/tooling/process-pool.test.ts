import * as path from 'node:path';
import { runPool } from '../../tooling/process-pool';
import { double, type TestJob } from '../fixtures/pool-worker';

const workerModule = path.join(__dirname, '..', 'fixtures', 'pool-worker.ts');
const jobs = (count: number, extra: (id: number) => Partial<TestJob> = () => ({})): TestJob[] => Array.from({ length: count }, (_, id) => ({ id, value: id + 1, ...extra(id) }));
const describe_ = (job: TestJob) => `job ${job.id}`;

describe('runPool', () => {
  it('runs every job once and returns the results in job order', async () => {
    const { results } = await runPool({ jobs: jobs(40), context: { factor: 2 }, workers: 1, workerModule, runHere: double, describe: describe_ });
    expect(results.map((result) => [result.id, result.doubled])).toEqual(jobs(40).map((job) => [job.id, job.value * 2]));
  });

  it('can leave all the work to the workers', async () => {
    const { results } = await runPool<TestJob, ReturnType<typeof double>, { factor: number }>({ jobs: jobs(6), context: { factor: 3 }, workers: 2, workerModule, describe: describe_ });
    expect(results.map((result) => result.doubled)).toEqual([3, 6, 9, 12, 15, 18]);
    expect(results.every((result) => result.pid !== process.pid)).toBe(true);
  });

  it('runs everything here without workers, and refuses to run nowhere', async () => {
    const { results } = await runPool({ jobs: jobs(3), context: { factor: 2 }, workers: 0, workerModule, runHere: double, describe: describe_ });
    expect(results.map((result) => result.pid)).toEqual([process.pid, process.pid, process.pid]);
    await expect(runPool({ jobs: jobs(3), context: { factor: 2 }, workers: 0, workerModule, describe: describe_ })).rejects.toThrow(
      'runPool: with no worker processes, jobs must run here (runHere)',
    );
  });

  it('runs no job here while a large context is still on its way to a worker', async () => {
    // Node writes what the channel does not take at once only while this process's event loop
    // runs: were jobs run here meanwhile, 4 MB would reach the worker a slice per job.
    const context = { factor: 2, padding: 'x'.repeat(4 * 1024 * 1024) };
    const { results } = await runPool({ jobs: jobs(40, () => ({ busyMs: 20 })), context, workers: 1, workerModule, runHere: double, describe: describe_ });
    const ofWorker = results.filter((result) => result.pid !== process.pid);
    const readyAt = ofWorker[0]!.readyAt!;
    const firstThere = Math.min(...ofWorker.map((result) => result.startedAt));
    const startedHereMeanwhile = results.filter((result) => result.pid === process.pid && result.startedAt > readyAt && result.startedAt < firstThere);
    // The job under way when the worker's message came, and the one started as the context left:
    // two. A worker delayed between noting the time and telling this process (a loaded machine) adds
    // one per 20 ms; running jobs while the context trickles out, a slice per job, runs them all here.
    expect(startedHereMeanwhile.length).toBeLessThanOrEqual(12);
  });

  it('rejects with the job and the error of a worker', async () => {
    const run = runPool({ jobs: jobs(4, (id) => ({ fail: id === 2 })), context: { factor: 2 }, workers: 1, workerModule, describe: describe_ });
    await expect(run).rejects.toThrow(/^job 2 failed in a worker process:\nError: job 2 was told to fail\n/);
  });

  it('rejects when a worker exits while holding jobs', async () => {
    const run = runPool({ jobs: jobs(4, (id) => ({ exit: id === 1 })), context: { factor: 2 }, workers: 1, workerModule, describe: describe_ });
    await expect(run).rejects.toThrow(/^a worker process exited \(code 3\) holding [12] job\(s\)$/);
  });

  it('names the exit, not the broken channel, when a job is sent to a worker that has just exited', async () => {
    // Job 0's result arrives, so this process sends job 2 into a channel the worker has closed: the
    // write fails before the exit is reported, and the exit is what says why.
    const run = runPool({ jobs: jobs(4, (id) => ({ exitAfterDone: id === 0 })), context: { factor: 2 }, workers: 1, workerModule, describe: describe_ });
    await expect(run).rejects.toThrow(/^a worker process exited \(code 3\) holding 2 job\(s\)$/);
  });

  it('ends a worker that closed its channel and lives on, and says so', async () => {
    const started = Date.now();
    const run = runPool({ jobs: jobs(4, (id) => ({ closeChannelAfterDone: id === 0 })), context: { factor: 2 }, workers: 1, workerModule, describe: describe_, closedChannelGraceMs: 200 });
    await expect(run).rejects.toThrow(/^a worker process closed its channel holding 2 job\(s\)$/);
    // Ended after the grace period, not by its own exit 10 s later.
    expect(Date.now() - started).toBeLessThan(8000);
  });
});
