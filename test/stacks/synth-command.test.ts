/**
 * `npm run synth` runs the app directly; `cdktf synth` (and `cdktf deploy`) run the same app from
 * cdktf.json through the CLI, which costs seconds more and must write the same files.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../../tooling/hcl-modules';
import { APP_COMMAND, APP_NODE_ARGS } from '../../tooling/synth';
import { expectSameTree, treeOf } from '../support/synth';

const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'));

function run(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: REPO_ROOT, env, timeout: 120_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${args.join(' ')}: ${error.message}\n${stderr}`)) : resolve(),
    );
  });
}

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-command-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('npm run synth runs the app cdktf.json names, without the CLI, as the commands that synthesize do', () => {
  expect(APP_COMMAND).toBe('node --require ./tooling/register-ts.cjs main.ts');
  expect(readJson('cdktf.json').app).toBe(APP_COMMAND);
  expect(readJson('package.json').scripts.synth).toBe(APP_COMMAND);
});

it('npm run synth and npx cdktf synth write the same files, byte for byte', async () => {
  const direct = path.join(dir, 'direct');
  const cli = path.join(dir, 'cli');
  const env: NodeJS.ProcessEnv = { ...process.env, SYNTH_ENVIRONMENTS: '', SYNTH_WORKERS: '' };
  delete env.CDKTF_OUTDIR;
  await Promise.all([
    run([...APP_NODE_ARGS], { ...env, CDKTF_OUTDIR: direct }),
    // Offline: no version check, no telemetry; the CLI runs the app from cdktf.json.
    run([path.join('node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf'), 'synth', '--output', cli], { ...env, CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: 'true', CI: '1' }),
  ]);
  const written = treeOf(direct);
  // 3 environments × 7 stacks, and the CI roles stack of each of the 3 accounts.
  expect([...written.keys()].filter((file) => file.endsWith('cdk.tf.json'))).toHaveLength(24);
  expectSameTree(written, treeOf(cli));
});
