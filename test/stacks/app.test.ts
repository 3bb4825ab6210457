import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bookingSaga } from '../../catalog/booking-saga';
import { environments } from '../../environments';
import { githubRepository } from '../../environments/github';
import { ConfigurationError } from '../../environments/validate';
import { synthesize } from '../../stacks/app';
import { REPO_ROOT } from '../../tooling/hcl-modules';
import { APP_NODE_ARGS } from '../../tooling/synth';
import { SelectionError } from '../../stacks/select-environments';
import { environmentStackNames } from '../../core/naming';
import { recordedEnvironment, recordedEnvironments, stacksOfEnvironment } from '../../tooling/cdktf-out';
import { existingBaseEnvironment } from '../fixtures/environments';
import { runApp } from '../../main';
import { manifest, stackJson, synthOutDir } from '../support/synth';

const tempOut = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'app-test-')), 'out');

describe('synthesize', () => {
  it('writes nothing when any environment is invalid, even one not selected', () => {
    const outdir = tempOut();
    const broken = { ...environments[2]!, base: { ...(environments[2]!.base as object), network: { cidr: '10.30.0.0/33', azCount: 3, nat: 'per-az' } } };
    expect(() => synthesize({ catalog: bookingSaga, environments: [environments[0]!, environments[1]!, broken as never], outdir, selection: 'dev' })).toThrow(ConfigurationError);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it('synthesizes only the selected environments', () => {
    const outdir = tempOut();
    synthesize({ catalog: bookingSaga, environments, outdir, selection: 'staging' });
    const stacks = Object.keys(JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).stacks).sort();
    expect(stacks).toEqual(
      environmentStackNames(
        'staging',
        bookingSaga.services.map((s) => s.name),
        true,
      ).sort(),
    );
    expect(stacks).toEqual(expect.arrayContaining(['staging-base', 'staging-monitoring', 'staging-booking']));
  });

  it('every stack of an environment records that environment, and the stack names are the ones validation checks', () => {
    const out = manifest();
    const envOf = recordedEnvironments(synthOutDir());
    for (const env of [...environments, existingBaseEnvironment]) {
      const names = stacksOfEnvironment(out, env.name, envOf)
        .map((stack) => stack.name)
        .sort();
      expect(names).toEqual(
        environmentStackNames(
          env.name,
          bookingSaga.services.map((s) => s.name),
          env.base.kind === 'managed',
        ).sort(),
      );
      for (const name of names) expect(recordedEnvironment(stackJson(name))).toBe(env.name);
    }
  });

  it('removes the stacks of environments no longer synthesized into the same folder, as cdktf synth does', () => {
    const outdir = tempOut();
    synthesize({ catalog: bookingSaga, environments, outdir, selection: 'dev,staging' });
    fs.mkdirSync(path.join(outdir, 'stacks', 'dev-booking', '.terraform'));
    synthesize({ catalog: bookingSaga, environments, outdir, selection: 'dev' });
    const stacks = ['base', 'booking', 'compensation', 'monitoring', 'notification', 'payment', 'seat'].map((s) => `dev-${s}`);
    expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(stacks);
    // What else is in a stack's folder (terraform init's) stays.
    expect(fs.existsSync(path.join(outdir, 'stacks', 'dev-booking', '.terraform'))).toBe(true);
  });

  it('refuses an unknown environment in the selection, naming the known ones', () => {
    const outdir = tempOut();
    expect(() => synthesize({ catalog: bookingSaga, environments, outdir, selection: 'dev,qa' })).toThrow(
      new SelectionError('SYNTH_ENVIRONMENTS: unknown environment "qa" (known: dev, staging, prod)'),
    );
    expect(fs.existsSync(outdir)).toBe(false);
  });
});

/** `runApp` in this process, as main.ts runs it, with what it wrote to stderr. */
async function runAppHere(env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const stream = { write: (text: string) => ((stderr += text), true) } as unknown as NodeJS.WritableStream;
  const code = await runApp(env, stream);
  return { code, stderr };
}

describe('main.ts', () => {
  // One process proves the wiring: runApp's status becomes the exit status, its message stderr.
  it('exits 1 with the message and writes nothing for a bad SYNTH_ENVIRONMENTS', () => {
    const outdir = tempOut();
    const result = spawnSync(process.execPath, [...APP_NODE_ARGS], {
      cwd: REPO_ROOT,
      env: { ...process.env, SYNTH_ENVIRONMENTS: 'qa', CDKTF_OUTDIR: outdir },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('SYNTH_ENVIRONMENTS: unknown environment "qa" (known: dev, staging, prod)\n');
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it('in GitHub Actions, fails with 1 and writes nothing when the CI roles would trust another repository than the workflow runs in', async () => {
    // The same repository passes the check (test/config/github.test.ts).
    const outdir = tempOut();
    const result = await runAppHere({ ...process.env, GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'someone-else/event-driven-ecs-infra', CDKTF_OUTDIR: outdir });
    expect(result).toEqual({
      code: 1,
      stderr:
        `environments/github.ts: githubRepository is ${githubRepository.owner}/${githubRepository.name}, but this workflow runs in someone-else/event-driven-ecs-infra (GITHUB_REPOSITORY): ` +
        "the CI roles would trust another repository's workflows; set owner and name (and ownerId, repositoryId) in environments/github.ts to this repository\n",
    });
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it('fails with 1 and the message and writes nothing for a bad SYNTH_WORKERS', async () => {
    const outdir = tempOut();
    const result = await runAppHere({ ...process.env, SYNTH_WORKERS: 'all', CDKTF_OUTDIR: outdir });
    expect(result).toEqual({ code: 1, stderr: 'SYNTH_WORKERS: expected a whole number of worker processes (0 for none), not "all"\n' });
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it('synthesizes the selected environments into CDKTF_OUTDIR, and returns 0', async () => {
    const outdir = tempOut();
    expect(await runAppHere({ ...process.env, GITHUB_ACTIONS: '', SYNTH_ENVIRONMENTS: 'dev', SYNTH_WORKERS: '0', CDKTF_OUTDIR: outdir })).toEqual({ code: 0, stderr: '' });
    const dev = environments.find((env) => env.name === 'dev')!;
    expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual([
      `ci-roles-${dev.accountId}`,
      ...['base', 'booking', 'compensation', 'monitoring', 'notification', 'payment', 'seat'].map((s) => `dev-${s}`),
    ]);
  });
});
