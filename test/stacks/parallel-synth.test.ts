import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bookingSaga } from '../../catalog/booking-saga';
import { environments } from '../../environments';
import { synthesize } from '../../stacks/app';
import {
  defaultWorkers,
  PARALLEL_MIN_WORK,
  parseWorkers,
  planBatches,
  runBatches,
  type SynthBatch,
  synthesisWork,
  synthesizeInParallel,
  SynthWorkersError,
} from '../../stacks/parallel-synth';
import { generateCatalog } from '../../scripts/bench/generate-catalog';
import { githubRepository } from '../../environments/github';
import { existingBaseEnvironment } from '../fixtures/environments';
import { expectSameTree, synthOutDir, treeOf } from '../support/synth';

const scratchDirs: string[] = [];
const tempDir = (prefix: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true });
});

const dev = environments.find((env) => env.name === 'dev')!;
const prod = environments.find((env) => env.name === 'prod')!;

describe('planBatches', () => {
  const catalog = generateCatalog({ services: 10, rulesPerService: 3 });

  const servicesOf = (batches: readonly SynthBatch[]) => batches.flatMap((batch) => (batch.kind === 'services' ? [batch.services] : []));

  it('gives each environment its core batch first, then its services in catalog order, each once', () => {
    const batches = planBatches(catalog, [dev, prod], 2);
    expect(batches.map((batch) => batch.id)).toEqual(batches.map((_, index) => index));
    expect(batches.some((batch) => batch.kind === 'ci-roles')).toBe(false);
    for (const env of ['dev', 'prod']) {
      const ofEnv = batches.filter((batch) => batch.kind !== 'ci-roles' && batch.env === env);
      expect(ofEnv[0]).toEqual({ id: ofEnv[0]!.id, kind: 'core', env });
      expect(ofEnv.slice(1).every((batch) => batch.kind === 'services')).toBe(true);
      expect(servicesOf(ofEnv).flat()).toEqual(catalog.services.map((service) => service.name));
    }
  });

  it('puts the CI roles stacks in a batch of their own, first, when there is a repository', () => {
    const batches = planBatches(catalog, [dev, prod], 2, 4, true);
    expect(batches[0]).toEqual({ id: 0, kind: 'ci-roles' });
    expect(batches.slice(1).map((batch) => batch.kind)).toEqual(planBatches(catalog, [dev, prod], 2, 4).map((batch) => batch.kind));
  });

  it('cuts the work into about processes × batchesPerProcess batches of equal work (4 rules each here)', () => {
    // 2 environments × 10 services × (3 rules + 1) = 80; 2 processes × 4 batches → 10 per batch.
    expect(servicesOf(planBatches(catalog, [dev, prod], 2, 4)).map((services) => services.length)).toEqual([3, 3, 3, 1, 3, 3, 3, 1]);
    expect(servicesOf(planBatches(catalog, [dev], 1, 1)).map((services) => services.length)).toEqual([10]);
    expect(servicesOf(planBatches(catalog, [dev], 1, 100))).toHaveLength(10);
  });

  it('by default, about 12 batches per process: 500 services × 5 rules over 2 processes in 24 of 21 services or fewer', () => {
    // 3,000 work / 24 → 125 per batch: 21 services of 6.
    const sizes = servicesOf(planBatches(generateCatalog({ services: 500, rulesPerService: 5 }), [dev], 2)).map((services) => services.length);
    expect(sizes).toEqual([...Array<number>(23).fill(21), 17]);
  });
});

describe('how many workers', () => {
  it('none for small catalogs such as the example; one per further CPU for large ones', () => {
    expect(synthesisWork(bookingSaga, environments)).toBeLessThan(PARALLEL_MIN_WORK);
    expect(defaultWorkers(synthesisWork(bookingSaga, environments), 2)).toBe(0);
    expect(defaultWorkers(PARALLEL_MIN_WORK - 1, 8)).toBe(0);
    expect(defaultWorkers(PARALLEL_MIN_WORK, 2)).toBe(1);
    expect(defaultWorkers(PARALLEL_MIN_WORK, 8)).toBe(7);
    expect(defaultWorkers(PARALLEL_MIN_WORK, 1)).toBe(0);
    // 500 services × 5 rules, one environment.
    expect(synthesisWork(generateCatalog({ services: 500, rulesPerService: 5 }), [dev])).toBe(3000);
  });

  it('SYNTH_WORKERS: unset means the default; otherwise a whole number', () => {
    expect(parseWorkers(undefined)).toBeUndefined();
    expect(parseWorkers(' ')).toBeUndefined();
    expect(parseWorkers('0')).toBe(0);
    expect(parseWorkers('3')).toBe(3);
    expect(() => parseWorkers('two')).toThrow(new SynthWorkersError('SYNTH_WORKERS: expected a whole number of worker processes (0 for none), not "two"'));
    expect(() => parseWorkers('-1')).toThrow(SynthWorkersError);
  });
});

describe('synthesizeInParallel', () => {
  it('writes the same bytes as the serial path, in many small batches over a worker process', async () => {
    const outdir = path.join(tempDir('parallel-synth-'), 'out');
    // The shared synth (test/support/global-setup.ts) is the serial path over the same environments.
    const all = [...environments, existingBaseEnvironment];
    const report = await synthesizeInParallel({ catalog: bookingSaga, environments: all, repository: githubRepository, outdir, workers: 1, batchesPerProcess: 8 });
    expect(report).toMatchObject({ workers: 1, batches: planBatches(bookingSaga, all, 2, 8, true).length });
    expect(report.workerMaxRssKiB).toHaveLength(1);
    // The CI roles; per environment (4): the core batch and at least two of services.
    expect(report.batches).toBeGreaterThanOrEqual(13);
    const written = treeOf(outdir);
    expect([...written.keys()].filter((file) => file.startsWith('stacks/ci-roles-')).length).toBeGreaterThan(0);
    expectSameTree(written, treeOf(synthOutDir()));
    expect(fs.readdirSync(outdir)).toEqual(['manifest.json', 'stacks']);
  });

  it('takes the serial path when there is nothing to gain', async () => {
    const outdir = path.join(tempDir('parallel-synth-'), 'out');
    expect(await synthesizeInParallel({ catalog: bookingSaga, environments, outdir, selection: 'dev' })).toEqual({ workers: 0, batches: 1, workerMaxRssKiB: [] });
    expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(['base', 'booking', 'compensation', 'monitoring', 'notification', 'payment', 'seat'].map((s) => `dev-${s}`));
  });

  it('removes the stacks a new synth no longer makes, and keeps what else is in a kept stack’s folder', async () => {
    const outdir = path.join(tempDir('parallel-synth-'), 'out');
    const catalog = generateCatalog({ services: 6, rulesPerService: 1 });
    synthesize({ catalog, environments: [dev], outdir });
    fs.writeFileSync(path.join(outdir, 'stacks', 'dev-svc-0000', 'terraform.tfplan'), 'a plan');
    const smaller = generateCatalog({ services: 4, rulesPerService: 1 });
    await synthesizeInParallel({ catalog: smaller, environments: [dev], outdir, workers: 1 });
    expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(['dev-base', 'dev-monitoring', 'dev-svc-0000', 'dev-svc-0001', 'dev-svc-0002', 'dev-svc-0003']);
    expect(fs.readFileSync(path.join(outdir, 'stacks', 'dev-svc-0000', 'terraform.tfplan'), 'utf8')).toBe('a plan');
    const serial = path.join(tempDir('serial-synth-'), 'out');
    synthesize({ catalog: smaller, environments: [dev], outdir: serial });
    const parallel = treeOf(outdir);
    parallel.delete(path.join('stacks', 'dev-svc-0000', 'terraform.tfplan'));
    expectSameTree(parallel, treeOf(serial));
  });

  it('validates before anything starts, and writes nothing for an invalid configuration', async () => {
    const outdir = path.join(tempDir('parallel-synth-'), 'out');
    const broken = { ...dev, accountId: '12345' };
    await expect(synthesizeInParallel({ catalog: bookingSaga, environments: [broken], outdir, workers: 1 })).rejects.toThrow('environment "dev": accountId');
    expect(fs.existsSync(outdir)).toBe(false);
  });
});

describe('runBatches', () => {
  const catalog = generateCatalog({ services: 4, rulesPerService: 1 });
  // The batches name prod; the context has only dev, so every batch fails.
  const batches = planBatches(catalog, [prod], 2, 2);

  it('fails with the batch and the error of the worker that ran it', async () => {
    const scratch = tempDir('parallel-batches-');
    const run = runBatches(batches, { catalog, environments: [dev], scratch }, 1, false);
    await expect(run).rejects.toThrow(
      /^synthesis of the core stacks of prod failed in a worker process:\nError: synthesis batch 0: environment "prod" is not among the selected ones\n +at environmentOf/,
    );
  });

  it('fails with the error of a batch run in this process, and stops the workers', async () => {
    const scratch = tempDir('parallel-batches-');
    await expect(runBatches(batches, { catalog, environments: [dev], scratch }, 1)).rejects.toThrow(/^synthesis batch 0: environment "prod" is not among the selected ones$/);
  });

  it('hands every batch to the workers when asked to, and gets every result back', async () => {
    const scratch = tempDir('parallel-batches-');
    const { results, workerMaxRssKiB } = await runBatches(batches, { catalog, environments: [prod], scratch }, 1, false);
    // The worker loaded cdktf and synthesized: tens of MiB at least.
    expect(workerMaxRssKiB[0]).toBeGreaterThan(30 * 1024);
    expect(results).toHaveLength(batches.length);
    results.forEach((result, index) => {
      const batch = batches[index]!;
      const names = batch.kind === 'services' ? batch.services.map((service) => `prod-${service}`) : ['prod-monitoring', 'prod-base'];
      expect(Object.keys(result.stacks)).toEqual(names);
      expect(result.outdir).toBe(path.join(scratch, `batch-${batch.id}`));
    });
  });
});
