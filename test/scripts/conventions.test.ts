/**
 * Every script behaves the same (docs/cli.md): `--help` prints its usage and exits 0, `--name=value`
 * is `--name value`, and the exit codes mean the same everywhere.
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseApplyArgs } from '../../scripts/apply';
import { parseBenchArgs } from '../../scripts/bench';
import { parseBootstrapArgs } from '../../scripts/bootstrap-state';
import { parseBuildTasksArgs } from '../../scripts/build-tasks';
import { parseDocsArgs } from '../../scripts/docs';
import { parseLintArgs } from '../../scripts/lint-dockerfile';
import { parseOptions as parseEmitArgs } from '../../scripts/emit';
import { parsePlanArgs } from '../../scripts/plan';
import { parseMutationArgs } from '../../scripts/test-mutation';
import { parseSummaryArgs } from '../../scripts/plan-summary';
import { parseVerifyArgs } from '../../scripts/verify';
import { parseLocalArgs } from '../../local/cli';
import { TS_NODE_ARGS } from '../../tooling/synth';

const ROOT = path.join(__dirname, '..', '..');

/** Every TypeScript file under scripts/ that is run as a program (bench/ holds the benchmark's parts). */
const SCRIPTS = [
  'apply.ts',
  'bench.ts',
  'bench-emit.ts',
  'bootstrap-state.ts',
  'build-tasks.ts',
  'check-cdktn.ts',
  'docs.ts',
  'emit.ts',
  'generate-plan-fixtures.ts',
  'image-targets.ts',
  'images-check.ts',
  'lint-dockerfile.ts',
  'local.ts',
  'plan.ts',
  'plan-summary.ts',
  'test-mutation.ts',
  'verify.ts',
  'bench/synth-entry.ts',
  'bench/cdk-peer.ts',
];

function runProgram(program: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...TS_NODE_ARGS, program, ...args], { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

const runScript = (script: string, args: readonly string[]) => runProgram(path.join('scripts', script), args);

/** What `<script> --help` did, each script loaded as the main module (test/support/help-as-main.cjs). */
interface HelpRun {
  readonly script: string;
  readonly main: boolean;
  readonly code: number | undefined;
  readonly threw?: string;
  readonly stdout: string;
  readonly stderr: string;
}

describe('every script', () => {
  it('is listed here: the package scripts and the programs under scripts/', () => {
    const packageScripts = Object.values((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts)
      .map((command) => /scripts\/(\S+\.ts)/.exec(command)?.[1])
      .filter((script): script is string => script !== undefined);
    const programs = fs.readdirSync(path.join(ROOT, 'scripts')).filter((file) => file.endsWith('.ts'));
    expect([...new Set([...packageScripts, ...programs, 'bench/synth-entry.ts', 'bench/cdk-peer.ts'])].sort()).toEqual([...SCRIPTS].sort());
  });

  // One process loads every script as its main module with --help (as `node <script> --help` does,
  // under the same loader), instead of one Node start per script; the exit status a program ends
  // with and a closed pipe are proven on real processes under "exit codes" below.
  let help: Map<string, HelpRun>;
  beforeAll(async () => {
    const result = await runProgram(
      path.join('test', 'support', 'help-as-main.cjs'),
      SCRIPTS.map((script) => path.join('scripts', script)),
    );
    if (result.code !== 0 || result.stderr !== '') throw new Error(`help-as-main exited ${result.code}: ${result.stderr}`);
    help = new Map((JSON.parse(result.stdout) as HelpRun[]).map((run) => [run.script, run]));
  }, 30_000);

  it.each(SCRIPTS)('%s --help prints its usage with the exit codes and exits 0', (script) => {
    const result = help.get(path.join('scripts', script))!;
    expect({ main: result.main, threw: result.threw, stderr: result.stderr, code: result.code }).toEqual({ main: true, threw: undefined, stderr: '', code: 0 });
    expect(result.stdout).toMatch(/^Usage: |\nUsage:\n/);
    expect(result.stdout).toMatch(/Exit codes: 0 |Exit codes: docs\/cli\.md/);
  });
});

describe('--name=value is --name value', () => {
  it.each([
    ['plan', () => parsePlanArgs(['--env=staging', '--out=p', '--save=s', '--cdktf-out=o']), () => parsePlanArgs(['--env', 'staging', '--out', 'p', '--save', 's', '--cdktf-out', 'o'])],
    ['apply', () => parseApplyArgs(['--env=staging', '--plans=s', '--cdktf-out=o']), () => parseApplyArgs(['--env', 'staging', '--plans', 's', '--cdktf-out', 'o'])],
    ['plan:summary', () => parseSummaryArgs(['a.json', '--title=dev', '--max-chars=2000']), () => parseSummaryArgs(['a.json', '--title', 'dev', '--max-chars', '2000'])],
    ['bootstrap:state', () => parseBootstrapArgs(['--env=prod', '--workdir=w']), () => parseBootstrapArgs(['--env', 'prod', '--workdir', 'w'])],
    [
      'local',
      () => parseLocalArgs(['--env=staging', '--event=seat:SeatUpdated', '{"a":1}', '--timeout=5']),
      () => parseLocalArgs(['--env', 'staging', '--event', 'seat:SeatUpdated', '{"a":1}', '--timeout', '5']),
    ],
    [
      'emit',
      () => parseEmitArgs(['--env=dev', '--service=booking', '--detail-type=BookingCreated']),
      () => parseEmitArgs(['--env', 'dev', '--service', 'booking', '--detail-type', 'BookingCreated']),
    ],
    ['bench', () => parseBenchArgs(['--runs=2', '--only=example']), () => parseBenchArgs(['--runs', '2', '--only', 'example'])],
    ['build:tasks', () => parseBuildTasksArgs(['--out=build/x']), () => parseBuildTasksArgs(['--out', 'build/x'])],
    ['lint:dockerfile', () => parseLintArgs(['--file=Other.Dockerfile']), () => parseLintArgs(['--file', 'Other.Dockerfile'])],
    ['docs', () => parseDocsArgs(['--check']), () => ({ check: true })],
    ['verify', () => parseVerifyArgs(['--tier=checkov,trivy']), () => parseVerifyArgs(['--tier', 'checkov,trivy'])],
    ['test:mutation', () => parseMutationArgs(['--module=core/naming.ts', '--concurrency=1']), () => parseMutationArgs(['--module', 'core/naming.ts', '--concurrency', '1'])],
  ])('%s', (_script, withEquals, withSpace) => {
    expect(withEquals()).toEqual(withSpace());
  });

  it('and the values arrive', () => {
    expect(parsePlanArgs(['--env=staging'])).toEqual({ env: 'staging', outDir: 'plans', synth: true, cdktfOut: 'cdktf.out' });
    expect(parseLocalArgs(['--event=seat:SeatUpdated', '{"a":1}']).events).toEqual([{ service: 'seat', detailType: 'SeatUpdated', detail: '{"a":1}' }]);
  });
});

describe('exit codes', () => {
  it('0, not a crash, when the reader closes the pipe early (`| head`)', async () => {
    const child = spawn(process.execPath, [...TS_NODE_ARGS, path.join('scripts', 'plan-summary.ts'), '--help'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  }, 30_000);

  it('2 for an unknown environment, before anything is synthesized', async () => {
    const result = await runScript('local.ts', ['--env', 'qa', '--no-synth']);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 2, stderr: 'npm run local: unknown environment "qa" (known: dev, staging, prod)\n' });
    expect(result.stdout).toBe('');
  }, 30_000);

  it('2 with the pointer to --help for a usage error', async () => {
    const result = await runScript('plan-summary.ts', ['--max-chars=10', 'x.json']);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 2, stderr: 'plan:summary: --max-chars must be an integer ≥ 1000\nRun with --help for usage.\n' });
  }, 30_000);
});
