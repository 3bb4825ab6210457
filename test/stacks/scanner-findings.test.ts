/**
 * What the real scanners found in the synthesized stacks, fixed or accepted in code: every stack
 * states the Terraform it needs (tflint terraform_required_version), and each accepted checkov/trivy
 * finding sits on its own resource with a reason (`npm run verify` fails on one without).
 */
import { TerraformHclModule, Testing, TerraformStack } from 'cdktf';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { environments } from '../../environments';
import { acceptFindings } from '../../stacks/accepted-findings';
import { TERRAFORM_REQUIRED_VERSION } from '../../stacks/backend';
import { acceptancesOf } from '../../verify/findings';
import { manifest, resources, stackJson } from '../support/synth';

const stackNames = Object.keys(manifest().stacks);

describe('every synthesized stack', () => {
  it.each(stackNames)('%s requires Terraform >= 1.10, which honours use_lockfile', (stack) => {
    expect(TERRAFORM_REQUIRED_VERSION).toBe('>= 1.10');
    expect((stackJson(stack).terraform as Record<string, unknown>).required_version).toBe('>= 1.10');
  });
});

describe.each(environments.map((env) => ({ env })))('accepted findings in $env.name', ({ env }) => {
  const serviceStacks = stackNames.filter((s) => s.startsWith(`${env.name}-`) && !['base', 'monitoring'].includes(s.slice(env.name.length + 1)));

  it("accepts the state machine log groups' CMK and one-year-retention findings, with the retention in the reason", () => {
    let logGroups = 0;
    for (const stack of serviceStacks) {
      const json = stackJson(stack);
      const acceptances = acceptancesOf(json);
      for (const name of Object.keys(resources(json, 'aws_cloudwatch_log_group'))) {
        logGroups += 1;
        const accepted = acceptances.get(`aws_cloudwatch_log_group.${name}`) ?? [];
        expect(accepted.map((a) => [a.checkov, a.trivy ?? null])).toEqual([
          ['CKV_AWS_158', 'AWS-0017'],
          ['CKV_AWS_338', null],
        ]);
        expect(accepted[1]!.reason).toContain(`logRetentionDays = ${env.observability.logRetentionDays} days`);
      }
    }
    expect(logGroups).toBeGreaterThan(3);
  });

  it('accepts "execution data not logged" exactly where the environment chose not to log it', () => {
    for (const stack of serviceStacks) {
      const json = stackJson(stack);
      const acceptances = acceptancesOf(json);
      for (const name of Object.keys(resources(json, 'aws_sfn_state_machine'))) {
        const accepted = (acceptances.get(`aws_sfn_state_machine.${name}`) ?? []).map((a) => a.checkov);
        expect(accepted).toEqual(env.observability.includeExecutionData ? [] : ['CKV_AWS_285']);
      }
    }
  });
});

describe('acceptFindings', () => {
  const queue = () => new SqsQueue(new TerraformStack(Testing.app(), 's'), 'q', { name: 'q' });

  it('writes the findings under the resource\'s "//" object, which Terraform ignores', () => {
    const resource = queue();
    acceptFindings(resource, [{ checkov: 'CKV_AWS_27', reason: 'a reason long enough to audit' }]);
    // The stack as cdktf writes it to cdk.tf.json (Testing.synth strips the "//" objects).
    const json = (resource.node.scope as TerraformStack).toTerraform() as Record<string, unknown>;
    expect(acceptancesOf(json).get('aws_sqs_queue.q')).toEqual([{ checkov: 'CKV_AWS_27', reason: 'a reason long enough to audit' }]);
  });

  it('accepts findings inside a called module at the stack level, since cdktf rewrites the call\'s "//"', () => {
    const stack = new TerraformStack(Testing.app(), 's');
    const module = new TerraformHclModule(stack, 'net', { source: 'terraform-aws-modules/vpc/aws', variables: {} });
    acceptFindings(module, [{ trivy: 'AWS-0178', reason: 'a reason long enough to audit' }]);
    const json = stack.toTerraform() as Record<string, unknown>;
    expect(acceptancesOf(json).get('module.net')).toEqual([{ trivy: 'AWS-0178', reason: 'a reason long enough to audit' }]);
  });

  it('refuses an acceptance without a check or without a real reason', () => {
    expect(() => acceptFindings(queue(), [{ reason: 'a reason long enough to audit' }])).toThrow('names no check');
    expect(() => acceptFindings(queue(), [{ trivy: 'AWS-0001', reason: 'fine' }])).toThrow('needs a real reason');
  });
});
