import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { environments } from '../../environments';
import { configureBackend } from '../../stacks/backend';
import type { ManagedBaseConfig } from '../../environments/types';
import { REPO_ROOT } from '../../tooling/hcl-modules';
import { existingBaseEnvironment } from '../fixtures/environments';
import { parseModule } from '../support/hcl';
import { acceptancesOf } from '../../verify/findings';
import { moduleCallViolations } from '../support/hcl';
import { filesBelow, manifest, stackJson, synthOutDir } from '../support/synth';
import { baseStackInvariants } from '../invariants/base-stacks';
import { example } from '../invariants/subject';

const managed = environments.map((env) => ({ env, base: env.base as ManagedBaseConfig }));

describe('base stacks', () => {
  it('exist for every managed environment and not for the existing-base one', () => {
    const stacks = Object.keys(manifest().stacks);
    expect(stacks).toEqual(expect.arrayContaining(['dev-base', 'staging-base', 'prod-base']));
    expect(stacks).not.toContain(`${existingBaseEnvironment.name}-base`);
  });

  baseStackInvariants(example);

  describe.each(managed)('$env.name-base', ({ env }) => {
    const stack = `${env.name}-base`;

    it('records VPC flow logs unless the environment turns them off (dev does)', () => {
      expect(stackJson(stack).module?.network?.enable_flow_logs).toBe(env.name !== 'dev');
    });

    it('accepts on its module calls only the trivy findings that follow from its own choices', () => {
      const acceptances = acceptancesOf(stackJson(stack));
      const accepted = (module: string) => (acceptances.get(`module.${module}`) ?? []).map((a) => a.trivy);
      const expected: Record<string, { network: string[]; cluster: string[] }> = {
        dev: { network: ['AWS-0178'], cluster: ['AWS-0031', 'AWS-0034'] },
        staging: { network: [], cluster: ['AWS-0031'] },
        prod: { network: [], cluster: [] },
      };
      expect({ network: accepted('network'), cluster: accepted('ecs_cluster') }).toEqual(expected[env.name]);
    });
  });

  it('has a local backend with a relative path when the environment names no bucket (an environment no workflow deploys)', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'backend-')) });
    const stack = new TerraformStack(app, 'sandbox-base');
    const { stateBackend: _bucket, ...sandbox } = { ...environments[0]!, name: 'sandbox' };
    configureBackend(stack, sandbox, 'sandbox-base');
    expect(JSON.parse(Testing.synth(stack)).terraform.backend).toEqual({ local: { path: '../../../.terraform-state/sandbox-base.tfstate' } });
  });

  it('dev keeps its state in S3 like staging and prod: the deploy workflow runs on a fresh runner every time', () => {
    expect(stackJson('dev-base').terraform.backend).toEqual({
      s3: { bucket: 'booking-saga-tfstate-111111111111', key: 'dev/dev-base.tfstate', region: 'ap-southeast-1', encrypt: true, use_lockfile: true },
    });
  });

  it('has an encrypted S3 backend with native locking when the environment names a bucket', () => {
    expect(stackJson('staging-base').terraform.backend).toEqual({
      s3: { bucket: 'booking-saga-tfstate-222222222222', key: 'staging/staging-base.tfstate', region: 'ap-southeast-1', encrypt: true, use_lockfile: true },
    });
    expect(stackJson('prod-payment').terraform.backend?.s3).toMatchObject({
      key: 'prod/prod-payment.tfstate',
      kms_key_id: 'arn:aws:kms:ap-southeast-1:333333333333:alias/terraform-state',
      use_lockfile: true,
    });
  });
});

describe('ECR lifecycle', () => {
  it("protects exactly the tags each environment's task definitions run", () => {
    const protectedTags = (env: string) => (stackJson(`${env}-base`).module as Record<string, Record<string, unknown>>).ecs_cluster!.ecr_protected_tags;
    expect([protectedTags('dev'), protectedTags('staging'), protectedTags('prod')]).toEqual([['latest'], ['staging', 'staging-candidate'], ['1.0.0']]);
  });
});

describe('stack ↔ module contract', () => {
  const modules = { network: 'network', ecs_cluster: 'ecs-cluster', task_definitions: 'task-definitions' } as const;

  it.each(managed.map(({ env }) => env.name))('%s-base passes exactly what each module declares and reads only declared outputs', async (env) => {
    const stack = stackJson(`${env}-base`);
    const text = JSON.stringify(stack);
    for (const [id, dir] of Object.entries(modules)) {
      const module = await parseModule(path.join(REPO_ROOT, 'modules', dir));
      const passed = Object.keys(stack.module?.[id] ?? {}).filter((key) => !['source', '//', 'providers', 'depends_on'].includes(key));
      const read = [...text.matchAll(new RegExp(`module\\.${id}\\.([a-z0-9_]+)`, 'g'))].map((m) => m[1]!);
      expect(read.length).toBeGreaterThan(0);
      expect(moduleCallViolations(module, passed, read)).toEqual([]);
    }
  });
});

describe('portability', () => {
  it('writes no absolute path of this machine into any synthesized file', () => {
    const forbidden = [REPO_ROOT, synthOutDir(), process.cwd(), os.homedir()].filter((p) => p.length > 1);
    const offenders: string[] = [];
    for (const file of filesBelow(synthOutDir())) {
      const text = fs.readFileSync(file, 'utf8');
      for (const needle of forbidden) if (text.includes(needle)) offenders.push(`${path.relative(synthOutDir(), file)} contains ${needle}`);
    }
    expect(offenders).toEqual([]);
  });
});
