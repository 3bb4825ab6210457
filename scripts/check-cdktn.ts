/**
 * `npm run check:cdktn`: the proven path from CDKTF (deprecated, 0.21.0 final) to its fork CDK
 * Terrain. In a scratch copy of this repository (under ~/.cache, outside the repository) it makes the move
 * docs/cdk-terrain.md describes — packages swapped, module specifiers renamed, nothing else —
 * installs, type-checks the app, synthesizes it directly and through the cdktn CLI, checks that
 * token traces are still off, and compares the output with this repository's. It passes when
 * only the documented differences remain. Exit codes: docs/cli.md.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT, parseCommandLine, runCommand, UsageError } from '../tooling/cli';
import { REPO_ROOT } from '../tooling/hcl-modules';
import { satisfiesNodeFloor } from '../tooling/node-version';
import { APP_NODE_ARGS, synthesize } from '../tooling/synth';
import { compareOutputs, renderComparison } from './check-cdktn/compare';
import { CDKTN_NODE_FLOOR, migratePackageJson, type PackageJson, rewriteSpecifiers } from './check-cdktn/migrate';

export const USAGE = `Usage: npm run check:cdktn [-- --workdir DIR]

Moves a scratch copy of this repository from CDKTF to CDK Terrain (cdktn 0.24, @cdktn/provider-aws
25, constructs 10.7) as docs/cdk-terrain.md describes, installs it from the npm registry,
type-checks and synthesizes the app (directly and through the cdktn CLI) and compares the output
with this repository's cdktf output.

  --workdir DIR       scratch folder (default: one per checkout under
                      ~/.cache/event-driven-ecs-infra/cdktn-check, kept between runs so the install
                      is quicker the next time)
  -h, --help          this text

Exit codes: 0 only documented differences; 1 an undocumented difference, or the moved app fails
to install, type-check or synthesize; 2 usage, or a Node older than cdktn-cli's ${CDKTN_NODE_FLOOR};
3 crash.`;

/** Folders never copied: installs, outputs, state. */
const NOT_COPIED = new Set(['.git', 'node_modules', 'cdktf.out', '.gen', 'coverage', 'plans', '.profile', '.terraform-state', '.state-bootstrap']);
/** What the scratch copy installs besides the swapped packages: enough to type-check, synthesize and run the CLI. */
const DEV_DEPENDENCIES_KEPT = ['esbuild', 'tsx', 'typescript', '@types/node'];

/** Outside the repository (its tools would see a second copy), one per checkout so that two never share one. */
function defaultWorkdir(): string {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'event-driven-ecs-infra', 'cdktn-check', createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 12));
}

/** The files of this repository: what git tracks, or (outside a git checkout) every file outside `NOT_COPIED`. */
function repositoryFiles(): string[] {
  const git = spawnSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (git.status === 0) return git.stdout.split('\0').filter((file) => file && fs.existsSync(path.join(REPO_ROOT, file)));
  return fs
    .readdirSync(REPO_ROOT, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(REPO_ROOT, path.join(entry.parentPath, entry.name)))
    .filter((file) => !NOT_COPIED.has(file.split(path.sep)[0]!));
}

/** Every file below `dir` by its path relative to `dir`, with its bytes. */
function treeOf(dir: string): Map<string, Buffer> {
  return new Map(
    fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const file = path.join(entry.parentPath, entry.name);
        return [path.relative(dir, file).split(path.sep).join('/'), fs.readFileSync(file)] as const;
      }),
  );
}

/** A fresh copy of the repository in `repo`, moved to CDK Terrain; an earlier install stays. */
function prepareCopy(repo: string): void {
  for (const entry of fs.existsSync(repo) ? fs.readdirSync(repo) : []) {
    if (entry !== 'node_modules' && entry !== 'package-lock.json') fs.rmSync(path.join(repo, entry), { recursive: true, force: true });
  }
  for (const file of repositoryFiles()) {
    const target = path.join(repo, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const text = fs.readFileSync(path.join(REPO_ROOT, file));
    fs.writeFileSync(target, file.endsWith('.ts') ? rewriteSpecifiers(text.toString('utf8'), file) : text);
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;
  fs.writeFileSync(path.join(repo, 'package.json'), `${JSON.stringify(migratePackageJson(pkg, DEV_DEPENDENCIES_KEPT), null, 2)}\n`);
  // The app and everything it imports, nothing else (the tests need packages the copy leaves out).
  const tsconfig = { extends: './tsconfig.json', include: [], files: ['main.ts'], compilerOptions: { incremental: false, types: ['node'] } };
  fs.writeFileSync(path.join(repo, 'tsconfig.cdktn-check.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
}

class StepFailed extends Error {}

/** Runs one step in the copy; its output is shown only when it fails. */
function step(title: string, command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): SpawnSyncReturns<string> {
  process.stdout.write(`… ${title}\n`);
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new StepFailed(`${title} failed (${result.error?.message ?? `exit ${result.status}`}):\n${output}`);
  }
  process.stdout.write(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
}

function main(argv: readonly string[]): number {
  const { values } = parseCommandLine(argv, { workdir: { type: 'string' } });
  if (!satisfiesNodeFloor(process.versions.node, CDKTN_NODE_FLOOR)) {
    throw new UsageError(`CDK Terrain's CLI needs Node ${CDKTN_NODE_FLOOR}, this is ${process.versions.node}: export PATH="$(bash .ci/install-node 24):$PATH"`);
  }
  const workdir = values.workdir ? path.resolve(values.workdir) : defaultWorkdir();
  const repo = path.join(workdir, 'repo');
  const outputs = { cdktf: path.join(workdir, 'cdktf.out'), cdktn: path.join(workdir, 'cdktn.out'), cli: path.join(workdir, 'cdktn-cli.out') };
  for (const dir of Object.values(outputs)) fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(repo, { recursive: true });

  process.stdout.write('… synthesizing this repository (cdktf)\n');
  if (synthesize({ outdir: outputs.cdktf }) !== 0) return EXIT.finding;
  try {
    process.stdout.write(`… copying the repository into ${repo} and moving it to CDK Terrain\n`);
    prepareCopy(repo);
    const node = process.execPath;
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const offline = { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1', SYNTH_ENVIRONMENTS: '', SYNTH_WORKERS: '' };
    step('npm install (cdktn, @cdktn/provider-aws, constructs, cdktn-cli)', npm, ['install', '--no-audit', '--no-fund'], { cwd: repo });
    step('type-checking the app against cdktn', node, [path.join('node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', 'tsconfig.cdktn-check.json'], { cwd: repo });
    const traces = step(
      'checking that token traces are off while synthesizing',
      node,
      [
        '--import',
        'tsx',
        '-e',
        "const t = require('./stacks/token-stack-traces'); console.log(JSON.stringify([t.withoutTokenStackTraces(() => t.tokenStackTracesEnabled()), t.tokenStackTracesEnabled()]))",
      ],
      { cwd: repo },
    );
    if (traces.stdout.trim() !== '[false,true]') throw new StepFailed(`token traces on cdktn: expected [false,true] (off while synthesizing, on after), got ${traces.stdout.trim()}`);
    const fastPath = step(
      'checking that stack resolution takes the plain-values fast path',
      node,
      ['--import', 'tsx', '-e', "console.log(JSON.stringify(require('./stacks/plain-values').plainValuesFastPathAvailable()))"],
      { cwd: repo },
    );
    // Without it synthesis is the same bytes, only slower (stacks/plain-values.ts): a moved private module shows here.
    if (fastPath.stdout.trim() !== 'true') throw new StepFailed(`plain-values fast path on cdktn: expected true (its private module lib/_tokens in place), got ${fastPath.stdout.trim()}`);
    step('synthesizing the app (npm run synth)', node, [...APP_NODE_ARGS], { cwd: repo, env: { ...offline, CDKTF_OUTDIR: outputs.cdktn } });
    step('synthesizing through the cdktn CLI (cdktn synth)', node, [path.join('node_modules', 'cdktn-cli', 'bin', 'cdktn'), 'synth', '--output', outputs.cli], { cwd: repo, env: offline });
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error;
    process.stderr.write(`check:cdktn: ${error.message}\n`);
    return EXIT.finding;
  }

  const direct = treeOf(outputs.cdktn);
  const viaCli = compareOutputs(direct, treeOf(outputs.cli));
  const comparison = compareOutputs(treeOf(outputs.cdktf), direct);
  process.stdout.write(`\n${renderComparison(comparison)}\n`);
  const cliSame = viaCli.undocumented.length === 0 && viaCli.documented.length === 0 && viaCli.formattingOnly.length === 0;
  process.stdout.write(cliSame ? 'cdktn synth wrote the same bytes as the app run directly.\n' : `cdktn synth differs from the app run directly:\n${renderComparison(viaCli)}\n`);
  const passed = comparison.undocumented.length === 0 && cliSame;
  process.stdout.write(passed ? 'check:cdktn: passed\n' : 'check:cdktn: FAILED\n');
  return passed ? EXIT.ok : EXIT.finding;
}

if (require.main === module) void runCommand({ name: 'check:cdktn', usage: USAGE, run: main });
