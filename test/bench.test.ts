/**
 * The benchmark's parts: the catalog generator, statistics, growth, targets, the report, argument
 * parsing and one tiny end-to-end run. No timing is asserted: figures depend on the machine.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { catalogProblems } from '../catalog/validate';
import { parseBenchArgs, runBench } from '../scripts/bench';
import { GENERATED_NAMESPACE, generateCatalog, generatedServiceName, targetServiceIndex } from '../scripts/bench/generate-catalog';
import { analyzeGrowth } from '../scripts/bench/growth';
import { BARREL_IMPORT, prepareInitCopy } from '../scripts/bench/init-peer';
import { type Measurement, measureAll, type RowSpec } from '../scripts/bench/measure';
import { comparePeers } from '../scripts/bench/peers';
import { renderGrowth, renderMeasurements, renderPeers, renderReport, renderTable } from '../scripts/bench/report';
import { parseGnuTimeCpuMs, parseGnuTimeMaxRssMiB } from '../scripts/bench/run-child';
import { growthExponent, linearFit, median, summarize } from '../scripts/bench/stats';
import { checkTargets } from '../scripts/bench/targets';

describe('generateCatalog', () => {
  it.each([2, 10, 50, 500])('makes a valid catalog of %i services × 5 rules', (services) => {
    const catalog = generateCatalog({ services, rulesPerService: 5 });
    expect(catalogProblems(catalog)).toEqual([]);
    expect(catalog.namespace).toBe(GENERATED_NAMESPACE);
    expect(catalog.services).toHaveLength(services);
    expect(new Set(catalog.services.map((s) => s.name)).size).toBe(services);
    for (const service of catalog.services) expect(service.rules).toHaveLength(5);
    expect(catalog.services.flatMap((s) => s.rules)).toHaveLength(services * 5);
  });

  it('points every rule at a task of another service, and every service receives work', () => {
    const catalog = generateCatalog({ services: 7, rulesPerService: 5 });
    const tasks = new Map(catalog.services.map((s) => [s.name, s.tasks.map((t) => t.name)]));
    const targeted = new Set<string>();
    for (const service of catalog.services) {
      for (const rule of service.rules) {
        expect(rule.target.service).not.toBe(service.name);
        expect('task' in rule.target && tasks.get(rule.target.service)?.includes(rule.target.task)).toBe(true);
        targeted.add(rule.target.service);
      }
    }
    expect(targeted.size).toBe(7);
  });

  it('mixes both detail deliveries and is deterministic', () => {
    const catalog = generateCatalog({ services: 3, rulesPerService: 4 });
    const deliveries = catalog.services[0]!.rules.map((r) => r.options?.detailDelivery ?? 'environment');
    expect(deliveries).toEqual(['environment', 'reference', 'environment', 'reference']);
    expect(generateCatalog({ services: 3, rulesPerService: 4 })).toEqual(catalog);
    expect(catalog.services[1]!.rules[2]).toEqual({
      name: 'on-event-2',
      description: 'Generated rule 2 of svc-0001.',
      eventPattern: { 'detail-type': ['Svc0001Event2'], source: ['bench.svc-0001'] },
      target: { service: 'svc-0002', task: 'task-0' },
    });
  });

  it('names services with a fixed width', () => {
    expect(generatedServiceName(7)).toBe('svc-0007');
    expect(generatedServiceName(499)).toBe('svc-0499');
  });

  it('never targets the rule’s own service', () => {
    for (const services of [2, 3, 6, 11]) {
      for (let service = 0; service < services; service++) {
        for (let rule = 0; rule < 12; rule++) {
          const target = targetServiceIndex(service, rule, services);
          expect(target).not.toBe(service);
          expect(target).toBeGreaterThanOrEqual(0);
          expect(target).toBeLessThan(services);
        }
      }
    }
  });

  it('refuses sizes it cannot make', () => {
    expect(() => generateCatalog({ services: 1, rulesPerService: 5 })).toThrow('services must be a whole number from 2 to 9999 (rules target other services), not 1');
    expect(() => generateCatalog({ services: 10, rulesPerService: -1 })).toThrow('rulesPerService must be a whole number of at least 0, not -1');
    expect(() => generateCatalog({ services: 10, rulesPerService: 5, tasksPerService: 0 })).toThrow('tasksPerService must be a whole number of at least 1, not 0');
  });
});

describe('statistics', () => {
  it('takes the middle sample, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow('median of no samples');
  });

  it('summarizes median, min, max and the run count', () => {
    expect(summarize([120, 95, 400, 101, 99])).toEqual({ median: 101, min: 95, max: 400, runs: 5 });
    expect(() => summarize([])).toThrow('summary of no samples');
  });

  it('fits a line', () => {
    const fit = linearFit([10, 50, 200, 500].map((x) => ({ x, y: 300 + 20 * x })));
    expect(fit.slope).toBeCloseTo(20, 10);
    expect(fit.intercept).toBeCloseTo(300, 8);
    expect(fit.r2).toBeCloseTo(1, 10);
    const noisy = linearFit([
      { x: 0, y: 0 },
      { x: 1, y: 2 },
      { x: 2, y: 1 },
    ]);
    expect(noisy.slope).toBeCloseTo(0.5, 10);
    expect(noisy.r2).toBeCloseTo(0.25, 10);
    expect(() =>
      linearFit([
        { x: 1, y: 1 },
        { x: 1, y: 2 },
      ]),
    ).toThrow('at least two points with different x');
  });

  it('gives growth exponent 1 for linear and 2 for quadratic cost', () => {
    expect(growthExponent({ size: 200, cost: 4000 }, { size: 500, cost: 10_000 })).toBeCloseTo(1, 10);
    expect(growthExponent({ size: 10, cost: 100 }, { size: 50, cost: 2500 })).toBeCloseTo(2, 10);
    expect(() => growthExponent({ size: 50, cost: 1 }, { size: 10, cost: 2 })).toThrow('increasing positive sizes');
  });
});

describe('parseGnuTimeMaxRssMiB', () => {
  it('reads the maximum resident set size in MiB', () => {
    const output = '\tUser time (seconds): 1.20\n\tMaximum resident set size (kbytes): 144384\n\tAverage resident set size (kbytes): 0\n';
    expect(parseGnuTimeMaxRssMiB(output)).toBe(141);
    expect(parseGnuTimeMaxRssMiB('Command exited with non-zero status 1\n')).toBeUndefined();
  });

  it('reads user plus system CPU time in ms', () => {
    expect(parseGnuTimeCpuMs('\tUser time (seconds): 1.20\n\tSystem time (seconds): 0.35\n')).toBeCloseTo(1550, 6);
    expect(parseGnuTimeCpuMs('\tUser time (seconds): 1.20\n')).toBeUndefined();
  });
});

const summary = (median: number, min = median, max = median) => ({ median, min, max, runs: 3 });

function row(overrides: Partial<Measurement> & Pick<Measurement, 'id' | 'group' | 'label'>): Measurement {
  return { wallMs: summary(500), peakRssMiB: summary(140), failures: [], samples: { wallMs: [500], peakRssMiB: [140] }, ...overrides };
}

const generatedRow = (services: number, synthMs: number, wallMs: number): Measurement =>
  row({
    id: `generated-${services}`,
    group: 'generated',
    label: `generated, ${services} services × 5 rules, dev`,
    services,
    wallMs: summary(wallMs),
    phasesMs: { boot: summary(250), load: summary(350), synth: summary(synthMs) },
  });

describe('analyzeGrowth', () => {
  it('reports per-service cost, ratios and the exponent between the two largest sizes', () => {
    const growth = analyzeGrowth([generatedRow(50, 2000, 2600), generatedRow(10, 400, 1000), generatedRow(200, 8000, 8600), generatedRow(500, 20_000, 20_600)]);
    expect(growth?.points.map((p) => p.services)).toEqual([10, 50, 200, 500]);
    expect(growth?.points.map((p) => p.synthMsPerService)).toEqual([40, 40, 40, 40]);
    expect(growth?.servicesRatio).toBe(50);
    expect(growth?.synthRatio).toBe(50);
    expect(growth?.wallRatio).toBeCloseTo(20.6, 10);
    expect(growth?.exponent).toBeCloseTo(1, 10);
    expect(growth?.fit.slope).toBeCloseTo(40, 8);
  });

  it('needs two sizes', () => {
    expect(analyzeGrowth([generatedRow(10, 400, 1000)])).toBeUndefined();
    expect(analyzeGrowth([row({ id: 'example-dev', group: 'example', label: 'example, dev' })])).toBeUndefined();
  });
});

describe('checkTargets', () => {
  it('checks each target against the median of the rows it applies to', () => {
    const rows = [
      row({ id: 'example-dev', group: 'example', label: 'example, dev', wallMs: summary(820, 800, 1300), peakRssMiB: summary(310) }),
      generatedRow(500, 5_000, 5_900),
      generatedRow(200, 2_000, 2_600),
      row({ id: 'tests', group: 'tests', label: 'test suite', wallMs: summary(20_000) }),
      row({ id: 'typecheck-cold', group: 'typecheck', label: 'type check', wallMs: summary(15_000) }),
    ];
    const checks = checkTargets(rows, analyzeGrowth(rows));
    expect(checks.map((c) => [c.rowId, c.target, c.measured, c.met])).toEqual([
      ['example-dev', 'wall < 1 s', '0.82 s', true],
      ['example-dev', 'peak < 300 MiB', '310 MiB', false],
      ['generated-500', 'wall < 6 s', '5.9 s', true],
      ['tests', 'wall < 20 s', '20 s', false],
      ['typecheck-cold', 'wall < 15 s', '15 s', false],
      ['growth', 'growth exponent ≤ 1.2 (1 = linear)', '1.00', true],
    ]);
  });
});

describe('report', () => {
  it('renders a table with aligned columns, numbers and their header on the right', () => {
    expect(
      renderTable(
        ['Name', 'Wall'],
        [
          ['dev', '0.82 s'],
          ['staging', '10.50 s'],
        ],
      ),
    ).toBe(['Name        Wall', '-------  -------', 'dev       0.82 s', 'staging  10.50 s'].join('\n'));
  });

  it('shows every measured row with its figures, phases and targets', () => {
    const rows = [
      row({
        id: 'example-dev',
        group: 'example',
        label: 'example, dev, in-process',
        wallMs: summary(820, 790, 1010),
        cpuMs: summary(1530),
        peakRssMiB: summary(141.6, 139.2, 150),
        phasesMs: { boot: summary(250), load: summary(360), synth: summary(210) },
      }),
      row({ id: 'tests', group: 'tests', label: 'test suite (jest)', wallMs: summary(41_000, 40_000, 45_500), failures: [1] }),
    ];
    const lines = renderMeasurements(rows, checkTargets(rows, undefined)).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^Measurement +Wall \(median\) +min – max +CPU +Peak RSS +min – max +boot \/ load \/ synth +Target$/);
    expect(lines[2]).toMatch(/^example, dev, in-process +0\.82 s +0\.79–1\.01 s +1\.53 s +142 MiB +139–150 MiB +0\.25 s \/ 0\.36 s \/ 0\.21 s +✓ wall < 1 s, ✓ peak < 300 MiB$/);
    expect(lines[3]).toMatch(/^test suite \(jest\) \(FAILED: exit 1\) +41\.00 s +40\.00–45\.50 s +– +140 MiB +140–140 MiB +✗ wall < 20 s$/);
  });

  it('shows the growth table, the fit and the ratio to the ideal', () => {
    const rows = [generatedRow(10, 400, 1000), generatedRow(500, 20_000, 20_600)];
    const text = renderGrowth(analyzeGrowth(rows)!, checkTargets(rows, analyzeGrowth(rows)));
    expect(text).toContain('      10   1.00 s           0.40 s      40.0 ms');
    expect(text).toContain('     500  20.60 s          20.00 s      40.0 ms');
    expect(text).toContain('Fit: synthesize() ≈ 0 ms + 40.0 ms × services (R² 1.000)');
    expect(text).toContain('500 vs 10 services (50×): wall 20.6×, synthesize() 50.0×');
    expect(text).toContain('Growth exponent between 10 and 500 services: 1.00 ✓ growth exponent ≤ 1.2 (1 = linear)');
  });
});

describe('peers', () => {
  const peer = (id: string, wallMs: number, rss: number, services?: number) =>
    row({ id, group: 'peer', label: id, wallMs: summary(wallMs), peakRssMiB: summary(rss), ...(services ? { services } : {}) });
  const rows = [
    row({ id: 'synth-command', group: 'example', label: 'npm run synth', wallMs: summary(900), peakRssMiB: summary(140) }),
    generatedRow(500, 5000, 6000),
    peer('peer-cdk-example', 4500, 450),
    peer('peer-cdk-500', 18_000, 730, 500),
  ];

  it('pairs the synth command and each generated size with the AWS CDK app’s row', () => {
    const timed = rows.map((r) => (r.id === 'synth-command' ? { ...r, cpuMs: summary(500) } : r.id === 'peer-cdk-example' ? { ...r, cpuMs: summary(4000) } : r));
    expect(comparePeers(timed).map((pair) => pair.cpuRatio)).toEqual([8, undefined]);
    expect(comparePeers(rows).map((pair) => [pair.what, pair.ours.id, pair.peer.id, pair.speedup, pair.memoryRatio])).toEqual([
      ['npm run synth (the example, every environment)', 'synth-command', 'peer-cdk-example', 5, 450 / 140],
      ['500 services, one environment, CDK synthesis only', 'generated-500', 'peer-cdk-500', 3, 730 / 140],
    ]);
    expect(comparePeers(rows.slice(0, 2))).toEqual([]);
    const validated = comparePeers([...rows, peer('peer-cdk-example-synthesis', 1800, 150)]);
    expect(validated.map((pair) => [pair.peer.id, pair.speedup])).toEqual([
      ['peer-cdk-example', 5],
      ['peer-cdk-example-synthesis', 2],
      ['peer-cdk-500', 3],
    ]);
    // The target compares with the CDK app as cdk synth runs it; synthesis alone is only shown.
    expect(checkTargets([...rows, peer('peer-cdk-example-synthesis', 1800, 150)], undefined).filter((c) => c.rowId.startsWith('peer-'))).toEqual([
      { rowId: 'peer-cdk-example', target: 'npm run synth ≥ 4× faster', measured: '5.0×', met: true },
    ]);
  });

  it('pairs the synth command with the app set up as cdktf init does', () => {
    const withInit = [...rows, peer('peer-cdktf-init', 12_600, 1500)];
    expect(comparePeers(withInit).map((pair) => [pair.what, pair.ours.id, pair.peer.id, pair.speedup, pair.memoryRatio])).toEqual([
      ['npm run synth (the example, every environment)', 'synth-command', 'peer-cdk-example', 5, 450 / 140],
      ['npm run synth, beside the same app set up as cdktf init does', 'synth-command', 'peer-cdktf-init', 14, 1500 / 140],
      ['500 services, one environment, CDK synthesis only', 'generated-500', 'peer-cdk-500', 3, 730 / 140],
    ]);
    // The 4× target is against the AWS CDK app only.
    expect(
      checkTargets(withInit, undefined)
        .filter((c) => c.rowId.startsWith('peer-'))
        .map((c) => c.rowId),
    ).toEqual(['peer-cdk-example']);
    expect(renderPeers(withInit)!.split('\n')[3]).toMatch(/^npm run synth, beside the same app set up as cdktf init does +0\.90 s, 140 MiB +12\.60 s, 1500 MiB +14\.0× +– +10\.7×$/);
  });

  it('counts the stacks each side synthesized, and says when they differ', () => {
    const counted = [
      ...rows.map((r) => (r.id === 'peer-cdk-example' ? { ...r, stacks: 20 } : r.id === 'peer-cdk-500' ? { ...r, stacks: 502 } : r.id === 'generated-500' ? { ...r, stacks: 502 } : r)),
      row({ id: 'example-all', group: 'example', label: 'example, all', stacks: 21 }),
    ];
    expect(comparePeers(counted).map((pair) => pair.stacks)).toEqual([
      { ours: 21, peer: 20 },
      { ours: 502, peer: 502 },
    ]);
    const lines = renderPeers(counted)!.split('\n');
    expect(lines[2]).toMatch(/^npm run synth \(the example, every environment\) \(NOT THE SAME: 21 vs 20 stacks\) /);
    expect(lines[3]).toMatch(/^500 services, one environment, CDK synthesis only +6\.00 s/);
    expect(comparePeers(rows)[0]!.stacks).toBeUndefined();
  });

  it('checks the synth command against 4× the AWS CDK app', () => {
    const slower = rows.map((r) => (r.id === 'peer-cdk-example' ? { ...r, wallMs: summary(3500) } : r));
    expect(checkTargets(rows, undefined).filter((c) => c.rowId === 'peer-cdk-example')).toEqual([
      { rowId: 'peer-cdk-example', target: 'npm run synth ≥ 4× faster', measured: '5.0×', met: true },
    ]);
    expect(checkTargets(slower, undefined).find((c) => c.rowId === 'peer-cdk-example')).toMatchObject({ measured: '3.9×', met: false });
  });

  it('renders the pairs', () => {
    const lines = renderPeers(rows)!.split('\n');
    expect(lines[0]).toMatch(/^Same work +This repository +Peer +Faster +Less CPU +Less memory$/);
    expect(lines[2]).toMatch(/^npm run synth \(the example, every environment\) +0\.90 s, 140 MiB +4\.50 s, 450 MiB +5\.0× +– +3\.2×$/);
    expect(lines[3]).toMatch(/^500 services, one environment, CDK synthesis only +6\.00 s, 140 MiB +18\.00 s, 730 MiB +3\.0× +– +5\.2×$/);
    expect(renderPeers(rows.slice(0, 1))).toBeUndefined();
  });
});

describe('parseBenchArgs', () => {
  it('defaults to 5 runs after a warm-up, every group but emit, and the issue’s sizes', () => {
    expect(parseBenchArgs([])).toEqual({
      runs: 5,
      warmup: true,
      smoke: false,
      groups: ['example', 'cli', 'generated', 'peer', 'tests', 'typecheck'],
      sizes: [10, 50, 200, 500],
      rulesPerService: 5,
      json: undefined,
    });
  });

  it('makes --quick one run, no warm-up, small catalogs, synthesis only', () => {
    expect(parseBenchArgs(['--quick'])).toMatchObject({ runs: 1, warmup: false, smoke: true, groups: ['example', 'cli', 'generated', 'peer'], sizes: [2, 4] });
    expect(parseBenchArgs(['--quick', '--only', 'generated', '--with-emit', '--json', 'out.json'])).toEqual({
      runs: 1,
      warmup: false,
      smoke: true,
      groups: ['generated', 'emit'],
      sizes: [2, 4],
      rulesPerService: 5,
      json: 'out.json',
    });
  });

  it('names the bad flag', () => {
    expect(() => parseBenchArgs(['--only', 'example,synth'])).toThrow('--only: unknown group(s) synth (groups: example, cli, generated, peer, tests, typecheck, emit)');
    expect(() => parseBenchArgs(['--runs', '0'])).toThrow('--runs: expected a whole number of at least 1, not "0"');
    expect(() => parseBenchArgs(['--sizes', '10,1'])).toThrow('--sizes: every catalog needs at least 2 services');
  });
});

describe('measureAll: a row that cannot be measured', () => {
  const nodeRow = (id: string, code: string, mustSucceed = true): RowSpec => ({
    id,
    group: 'generated',
    label: `row ${id}`,
    prepare: () => ({ child: { command: process.execPath, args: ['-e', code], cwd: process.cwd() } }),
    mustSucceed,
  });

  it('is named with its exit code and output, and the rows after it are still measured', async () => {
    const progress: string[] = [];
    const { measurements, unmeasured } = await measureAll([nodeRow('before', ''), nodeRow('broken', 'console.error("Cannot find module ts-node"); process.exit(4)'), nodeRow('after', '')], {
      runs: 1,
      warmup: true,
      onProgress: (message) => progress.push(message),
    });
    expect(measurements.map((m) => [m.id, m.failures])).toEqual([
      ['before', []],
      ['after', []],
    ]);
    expect(unmeasured).toHaveLength(1);
    expect(unmeasured[0]!.id).toBe('broken');
    expect(unmeasured[0]!.label).toBe('row broken');
    expect(unmeasured[0]!.error).toMatch(/^row broken: exited 4:\n[^]*Cannot find module ts-node/);
    expect(progress).toContain('row broken: NOT MEASURED');
  });

  it('a row that may fail (a test suite) is timed and flagged, not dropped', async () => {
    const { measurements, unmeasured } = await measureAll([nodeRow('suite', 'process.exit(1)', false)], { runs: 1, warmup: false });
    expect(measurements.map((m) => [m.id, m.failures])).toEqual([['suite', [1]]]);
    expect(unmeasured).toEqual([]);
  });

  it('the report names it after the table', () => {
    const measured = row({ id: 'example-dev', group: 'example', label: 'example, dev, in-process', wallMs: summary(820) });
    const text = renderReport({
      machine: {
        date: '2026-11-29',
        node: '24.22.3',
        platform: 'linux-x64',
        cpus: 2,
        cpuModel: 'CPU',
        memoryMiB: 1024,
        loadBefore: [0, 0, 0],
        loadAfter: [0, 0, 0],
        commit: undefined,
        gnuTime: true,
      },
      runs: 1,
      warmup: false,
      measurements: [measured],
      unmeasured: [{ id: 'init-peer', label: 'the init peer', error: 'the init peer: exited 1:\nCannot find module' }],
      growth: undefined,
      targets: [],
    });
    expect(text).toContain('example, dev, in-process');
    expect(text).toContain('\n\nNOT MEASURED: the init peer: the init peer: exited 1:\nCannot find module\n');
  });
});

describe('runBench (smoke: the smallest generated catalog, one run)', () => {
  it('synthesizes in a child process and reports its figures', async () => {
    const result = await runBench({ runs: 1, warmup: false, smoke: true, groups: ['generated'], sizes: [2], rulesPerService: 2, json: undefined });
    // dev-monitoring, dev-base and one stack per service.
    expect(result.measurements.map((m) => [m.id, m.services, m.stacks, m.failures])).toEqual([['generated-2', 2, 4, []]]);
    expect(result.unmeasured).toEqual([]);
    const [measured] = result.measurements;
    expect(measured!.wallMs.runs).toBe(1);
    expect(measured!.phasesMs!.synth.median).toBeGreaterThan(0);
    expect(measured!.phasesMs!.synth.median).toBeLessThan(measured!.wallMs.median);
    expect(measured!.peakRssMiB!.median).toBeGreaterThan(20);
    // One size shows no growth, and no target applies to a 2-service catalog.
    expect(result.growth).toBeUndefined();
    expect(result.targets).toEqual([]);
    expect(renderReport(result)).toContain('generated, 2 services × 2 rules, dev');
    expect(renderReport(result)).toContain('Targets: none apply to these rows');
  });
});

describe('the cdktf init peer (scripts/bench/init-peer.ts)', () => {
  const ROOT = path.join(__dirname, '..');

  /** Every file main.ts reaches through relative imports and requires, resolved as Node resolves them. */
  function reachedFrom(dir: string, entry: string): { reached: string[]; missing: string[] } {
    const reached = new Set<string>();
    const missing: string[] = [];
    const queue = [path.join(dir, entry)];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (reached.has(file)) continue;
      reached.add(file);
      if (!file.endsWith('.ts')) continue;
      const source = fs.readFileSync(file, 'utf8');
      for (const [, specifier] of source.matchAll(/(?:from |import |require\()'(\.{1,2}\/[^']+)'/g)) {
        const base = path.resolve(path.dirname(file), specifier!);
        const found = [base, `${base}.ts`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
        if (found) queue.push(found);
        else missing.push(`${path.relative(dir, file)}: ${specifier}`);
      }
    }
    return { reached: [...reached].map((file) => path.relative(dir, file)), missing };
  }

  it('copies everything the app imports, links node_modules, and puts the root barrel import first', () => {
    const copy = prepareInitCopy(ROOT);
    try {
      const main = fs.readFileSync(path.join(copy.dir, 'main.ts'), 'utf8');
      expect(main).toBe(BARREL_IMPORT + fs.readFileSync(path.join(ROOT, 'main.ts'), 'utf8'));
      expect(BARREL_IMPORT).toMatch(/^import '@cdktf\/provider-aws';/);
      expect(fs.realpathSync(path.join(copy.dir, 'node_modules'))).toBe(fs.realpathSync(path.join(ROOT, 'node_modules')));
      const { reached, missing } = reachedFrom(copy.dir, 'main.ts');
      expect(missing).toEqual([]);
      // The whole app, not a part of it: what the repository's main.ts reaches, the copy holds.
      expect(reached.sort()).toEqual(reachedFrom(ROOT, 'main.ts').reached.sort());
      expect(reached).toContain(path.join('stacks', 'app.ts'));
      // ts-node as cdktf.json's `npx ts-node main.ts` runs it, with the repository's compiler options.
      expect(copy.args).toEqual([path.join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js'), 'main.ts']);
      expect(fs.readFileSync(path.join(copy.dir, 'tsconfig.json'), 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'));
    } finally {
      copy.remove();
    }
    expect(fs.existsSync(copy.dir)).toBe(false);
  });
});
