/**
 * `npm run local` as the process users start: a scenario whose expectation does not hold exits 1
 * and says which; what it refuses before anything runs exits 2.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TS_NODE_ARGS } from '../../tooling/synth';
import { repoRoot, SCENARIOS, workDir } from '../support/local-run';
import { synthOutDir } from '../support/synth';

describe('npm run local', () => {
  test('exits 1 and says which expectation failed', () => {
    const dir = workDir('scenario-cli-');
    const declined = JSON.parse(fs.readFileSync(path.join(SCENARIOS, 'declined-payment.json'), 'utf8')) as { expect: { events: string[] } };
    declined.expect.events = ['BookingCreated', 'PaymentSucceeded'];
    const file = path.join(dir, 'wrong.json');
    fs.writeFileSync(file, JSON.stringify(declined));
    const run = spawnSync(
      process.execPath,
      [...TS_NODE_ARGS, 'scripts/local.ts', '--no-synth', '--out', synthOutDir(), '--scenario', file, '--work-dir', path.join(dir, 'work'), '--retry-interval-ms', '10'],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        env: process.env,
      },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('Scenario FAILED: A payment over the card limit is declined');
    expect(run.stdout).toContain('  ✗ events: expected BookingCreated → PaymentSucceeded, got BookingCreated → PaymentFailed → BookingCancelled');
    // The stores are the run's own, under its work directory.
    expect(fs.readdirSync(path.join(dir, 'work', 'stores')).sort()).toEqual(['compensation', 'notification', 'payment']);
  }, 60_000);

  test('never synthesizes over a full synth: --out naming an output with other environments is refused (exit 2), the output untouched', () => {
    const manifest = path.join(synthOutDir(), 'manifest.json');
    const before = fs.statSync(manifest).mtimeMs;
    const run = spawnSync(process.execPath, [...TS_NODE_ARGS, 'scripts/local.ts', '--env', 'dev', '--out', synthOutDir()], { cwd: repoRoot, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`npm run local: ${synthOutDir()} holds a synthesized output with environments `);
    expect(run.stderr).toMatch(
      /environments [a-z, ]*staging[a-z, ]*: synthesizing dev there would replace it\. Read it with --no-synth, or leave out --out \(npm run local synthesizes into \.local\/cdktf\.out\)/,
    );
    expect(run.stdout).not.toContain('Synthesizing');
    expect(fs.statSync(manifest).mtimeMs).toBe(before);
  }, 30_000);

  test('a scenario of another environment than --env is refused before anything runs (exit 2)', () => {
    const run = spawnSync(process.execPath, [...TS_NODE_ARGS, 'scripts/local.ts', '--no-synth', '--env', 'staging', '--scenario', path.join(SCENARIOS, 'happy-path.json')], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('npm run local: --env staging: the scenario runs environment dev');
  }, 30_000);
});
