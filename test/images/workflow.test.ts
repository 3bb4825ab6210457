/**
 * .github/workflows/images.yml cannot run here (no GitHub, no Docker, no AWS). Parse it and check
 * what would break it or make it unsafe: pinned actions, who holds credentials, the matrix it reads
 * from `npm run images:targets` (run here for real), the tag it pushes, and that re-runs and moving
 * tags cannot replace what an environment runs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { bookingSaga } from '../../catalog/booking-saga';
import { imageRegistries, taskImages } from '../../delivery/task-images';
import { environments } from '../../environments';
import { TS_NODE_ARGS } from '../../tooling/synth';

const ROOT = join(__dirname, '..', '..');
const text = readFileSync(join(ROOT, '.github', 'workflows', 'images.yml'), 'utf8');

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string;
  if?: string;
  outputs?: Record<string, string>;
  permissions?: Record<string, string>;
  environment?: string;
  concurrency?: unknown;
  strategy?: { 'fail-fast': boolean; matrix: { include: string } };
  steps: Step[];
}
const workflow = parse(text) as { on: Record<string, unknown>; permissions: Record<string, string>; concurrency?: unknown; jobs: { build: Job; push: Job } };
const { build, push } = workflow.jobs;
const stepUsing = (job: Job, action: string) => job.steps.find((step) => step.uses?.startsWith(`${action}@`));

describe('images.yml', () => {
  it("runs on main (and by hand), with a read-only token by default, and no concurrency group that could cancel a commit's images", () => {
    expect(workflow.on).toEqual({ push: { branches: ['main'] }, workflow_dispatch: null });
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(Object.keys(workflow.jobs)).toEqual(['build', 'push']);
    expect(workflow.concurrency).toBeUndefined();
    expect(push.concurrency).toBeUndefined();
  });

  it('pins every action to a full commit SHA with its version in a comment', () => {
    const uses = text.split('\n').filter((line) => /^\s*(- )?uses:/.test(line));
    expect(uses.length).toBe(5);
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it('calls only npm scripts that exist', () => {
    const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const called = [...text.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((m) => m[1]!);
    expect(called).toEqual(['images:targets']);
    for (const script of called) expect(scripts).toContain(script);
  });

  describe('build', () => {
    it('holds no AWS credentials and no write token; checks out without keeping the token', () => {
      expect(build.permissions).toBeUndefined();
      expect(stepUsing(build, 'aws-actions/configure-aws-credentials')).toBeUndefined();
      expect(stepUsing(build, 'actions/checkout')!.with).toEqual({ 'persist-credentials': false });
    });

    it('reads its images and the push matrix from npm run images:targets, and hands both to the push jobs', () => {
      const targets = build.steps.find((step) => step.id === 'targets')!;
      expect(targets.run).toBe('npm run --silent images:targets -- --github-output >> "$GITHUB_OUTPUT"');
      expect(build.outputs).toEqual({ images: '${{ steps.targets.outputs.images }}', registries: '${{ steps.targets.outputs.registries }}' });
    });

    it("builds each image once, by its stage, for the task definitions' architecture, labelled with the commit, and saves them all", () => {
      const step = build.steps.find((s) => s.name === 'Build each image once')!;
      expect(step.env).toEqual({ IMAGES: '${{ steps.targets.outputs.images }}' });
      expect(step.run).toContain('docker build . --target "$target" --platform linux/amd64');
      expect(step.run).toContain('--label "org.opencontainers.image.revision=$GITHUB_SHA"');
      expect(step.run).toContain('--tag "local/$target:$GITHUB_SHA"');
      expect(step.run).toContain('docker save --output task-images.tar "${built[@]}"');
      expect(step.run).toContain(`jq -r '.[] | [.target, .repository] | @tsv' <<<"$IMAGES"`);
      // linux/amd64 is what the task definitions run: their module's default architecture, which no stack overrides.
      const variables = readFileSync(join(ROOT, 'modules', 'task-definitions', 'variables.tf'), 'utf8');
      expect(/variable "cpu_architecture" \{[\s\S]*?default\s+= "X86_64"/.exec(variables)).not.toBeNull();
      expect(readFileSync(join(ROOT, 'stacks', 'base-inputs.ts'), 'utf8')).not.toContain('cpu_architecture');
      expect(stepUsing(build, 'actions/upload-artifact')!.with).toEqual({ name: 'task-images', path: 'task-images.tar', 'retention-days': 1, 'if-no-files-found': 'error' });
    });
  });

  describe('push', () => {
    it('runs on main only, once per registry of the matrix, each independent of the others', () => {
      expect(push.needs).toBe('build');
      expect(push.if).toBe("${{ github.ref == 'refs/heads/main' && needs.build.outputs.registries != '[]' }}");
      expect(push.strategy).toEqual({ 'fail-fast': false, matrix: { include: '${{ fromJSON(needs.build.outputs.registries) }}' } });
    });

    it("assumes the matrix's role through OIDC, with no stored keys; runs no code of the repository", () => {
      expect(push.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
      expect(stepUsing(push, 'aws-actions/configure-aws-credentials')!.with).toEqual({
        'role-to-assume': '${{ matrix.role }}',
        'role-session-name': 'images-${{ matrix.environment }}-${{ github.run_id }}',
        'aws-region': '${{ matrix.region }}',
      });
      expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|secrets\./);
      expect(stepUsing(push, 'actions/checkout')).toBeUndefined();
      expect(push.steps.map((s) => s.run ?? '').join('\n')).not.toMatch(/\bnpm\b|\bnode\b/);
      expect(push.environment).toBeUndefined(); // an environment would change the OIDC subject and wait for deploy approvals
    });

    it("pushes the commit SHA tag, never over a tag that is there, and moves `latest` only inside ECR while the commit is main's head", () => {
      const step = push.steps.find((s) => s.name === 'Push each image tagged with the commit SHA')!;
      expect(step.env).toEqual({
        IMAGES: '${{ needs.build.outputs.images }}',
        ENVIRONMENT: '${{ matrix.environment }}',
        REGISTRY: '${{ matrix.registry }}',
        MOVING_TAGS: '${{ matrix.moving-tags }}',
        GH_TOKEN: '${{ github.token }}',
      });
      const run = step.run!;
      expect(run).toContain('remote="$REGISTRY/$repository:$GITHUB_SHA"');
      const describe = run.indexOf('aws ecr describe-images --repository-name "$repository" --image-ids "imageTag=$GITHUB_SHA"');
      const notFound = run.indexOf('elif [[ "$found" == *ImageNotFoundException* ]]; then');
      const pushAt = run.indexOf('docker push "$remote"');
      expect([describe, notFound, pushAt].every((at) => at > 0)).toBe(true);
      expect(describe).toBeLessThan(notFound);
      expect(notFound).toBeLessThan(pushAt);
      expect(run.match(/docker push/g)).toHaveLength(1);
      expect(run).toContain('if [[ "$head" != "$GITHUB_SHA" ]]; then');
      expect(run).toContain('head="$(gh api "repos/$GITHUB_REPOSITORY/commits/main" --jq .sha)"');
      expect(run).toContain('aws ecr put-image --repository-name "$repository" --image-tag "$moving" --image-manifest "$manifest" --image-manifest-media-type "$media_type"');
      expect(run).toContain(`--query 'images[0].imageManifestMediaType'`);
      expect(run).toContain('set -euo pipefail');
    });
  });
});

describe('npm run images:targets (what the workflow reads)', () => {
  const output = execFileSync(process.execPath, [...TS_NODE_ARGS, join('scripts', 'image-targets.ts'), '--github-output'], { cwd: ROOT, encoding: 'utf8' });

  it('prints exactly the two outputs, each one line of JSON', () => {
    const lines = output.split('\n');
    expect(lines.map((line) => line.split('=')[0])).toEqual(['images', 'registries', '']);
    expect(JSON.parse(lines[0]!.slice('images='.length))).toEqual(taskImages(bookingSaga).images);
    expect(JSON.parse(lines[1]!.slice('registries='.length))).toEqual(imageRegistries(environments));
  });

  it("gives every managed environment a row: its account's role, its region's registry, strings only", () => {
    const registries = JSON.parse(output.split('\n')[1]!.slice('registries='.length)) as Record<string, unknown>[];
    expect(registries.map((r) => r.environment)).toEqual(environments.filter((e) => e.base.kind === 'managed').map((e) => e.name));
    for (const row of registries) {
      const env = environments.find((e) => e.name === row.environment)!;
      expect(row).toEqual({
        environment: env.name,
        account: env.accountId,
        region: env.region,
        registry: `${env.accountId}.dkr.ecr.${env.region}.amazonaws.com`,
        role: `arn:aws:iam::${env.accountId}:role/event-driven-ecs-infra-images`,
        'moving-tags': env.name === 'dev' ? 'latest' : '',
      });
    }
  });
});
