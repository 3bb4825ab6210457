/**
 * IAM of every stack but the base, for any catalog: no wildcard resource or action beyond what AWS
 * requires, each state machine may run only its target task family, passing only its roles, and a
 * task that receives its detail by reference may read only its own state machine's executions.
 */
import { resolveRuleOptions, ruleRuns } from '../../catalog/defaults';
import { IAM_DESCRIPTION_MAX_LENGTH, isIamDescriptionText } from '../../core/aws-limits';
import { WILDCARD_RESOURCE_ALLOWED, wildcardResourceStatements } from '../../core/iam-policies';
import type { PolicyDocument } from '../../core/policy-document';
import { parseTaskDefinitionReference } from '../../stacks/base-references';
import { resources } from '../support/synth';
import { manifestOf, stackOf, type Subject } from './subject';

/** Every IAM policy document in a stack, with where it came from. */
function policyDocuments(subject: Subject, stack: string): { where: string; doc: PolicyDocument }[] {
  const json = stackOf(subject, stack);
  const fields: [string, string][] = [
    ['aws_iam_role', 'assume_role_policy'],
    ['aws_iam_role_policy', 'policy'],
    ['aws_sqs_queue_policy', 'policy'],
    ['aws_sns_topic_policy', 'policy'],
    ['aws_kms_key', 'policy'],
  ];
  return fields.flatMap(([type, field]) =>
    Object.entries(resources(json, type)).map(([id, body]) => ({ where: `${stack} ${type}.${id}`, doc: JSON.parse(body[field] as string) as PolicyDocument })),
  );
}

export function iamInvariants(subject: Subject): void {
  describe.each(subject.environments.map((env) => ({ env })))('IAM in $env.name', ({ env }) => {
    const stacks = () => Object.keys(manifestOf(subject).stacks).filter((s) => s.startsWith(`${env.name}-`) && s !== `${env.name}-base`);

    it('gives every role a description IAM accepts (Latin-1 only, at most 1,000 characters)', () => {
      const roles = [...stacks(), ...(env.base.kind === 'managed' ? [`${env.name}-base`] : [])].flatMap((stack) =>
        Object.values(resources(stackOf(subject, stack), 'aws_iam_role')).map((role) => ({ stack, name: role.name, description: role.description as string | undefined })),
      );
      expect(roles.length).toBeGreaterThan(0);
      const refused = roles.filter(({ description }) => description !== undefined && (!isIamDescriptionText(description) || description.length > IAM_DESCRIPTION_MAX_LENGTH));
      expect(refused).toEqual([]);
    });

    it('has no "*" resource except where AWS requires it', () => {
      const offenders = stacks().flatMap((stack) =>
        policyDocuments(subject, stack).flatMap(({ where, doc }) =>
          wildcardResourceStatements(doc)
            // Key policies name their own key as "*" (a key policy cannot name its own ARN).
            .filter((s) => !(where.includes('aws_kms_key') && s.Principal !== undefined))
            .filter((s) => !(s.Sid in WILDCARD_RESOURCE_ALLOWED))
            .map((s) => `${where}: ${s.Sid}`),
        ),
      );
      expect(offenders).toEqual([]);
    });

    it('has no wildcard action other than kms:* for the account root in the key policy', () => {
      const offenders = stacks().flatMap((stack) =>
        policyDocuments(subject, stack).flatMap(({ where, doc }) =>
          doc.Statement.filter((s) => ([] as string[]).concat(s.Action).some((a) => a === '*' || a.endsWith(':*')))
            .filter((s) => !(where.includes('aws_kms_key') && s.Sid === 'AccountAdministersKey'))
            .map((s) => `${where}: ${s.Sid}`),
        ),
      );
      expect(offenders).toEqual([]);
    });

    it("lets each state machine run only the task families of its rule (its task, or its flow's steps and compensations), in its cluster, passing only their roles", () => {
      for (const service of subject.catalog.services.filter((s) => s.rules.length > 0)) {
        const stack = `${env.name}-${service.name}`;
        const policies = Object.values(resources(stackOf(subject, stack), 'aws_iam_role_policy')).filter((p) => p.name === 'run-task');
        expect(policies).toHaveLength(service.rules.length);
        for (const rule of service.rules) {
          const runs = ruleRuns(subject.catalog, rule);
          expect(runs.length).toBeGreaterThan(0);
          const familyOf = (run: { service: string; task: string }) =>
            env.base.kind === 'existing' ? parseTaskDefinitionReference(env.base.tasks[`${run.service}/${run.task}`]!.taskDefinition).family : `${env.name}-${run.service}-${run.task}`;
          const familyArns = [...new Set(runs.map((run) => `arn:aws:ecs:${env.region}:${env.accountId}:task-definition/${familyOf(run)}:*`))];
          const expectedResource = familyArns.length === 1 ? familyArns[0] : familyArns;
          const policy = policies
            .map((p) => JSON.parse(p.policy as string) as PolicyDocument)
            .find((doc) => doc.Statement.some((s) => ([] as string[]).concat(s.Action).includes('ecs:RunTask') && JSON.stringify(s.Resource) === JSON.stringify(expectedResource)));
          expect(policy).toBeDefined();
          const runTask = policy!.Statement.find((s) => ([] as string[]).concat(s.Action).includes('ecs:RunTask'))!;
          expect(runTask.Resource).toEqual(expectedResource);
          const clusterArn = env.base.kind === 'existing' ? env.base.clusterArn : '${data.terraform_remote_state.base.outputs.cluster_arn}';
          expect(runTask.Condition).toEqual({ ArnEquals: { 'ecs:cluster': clusterArn } });

          const passRole = policy!.Statement.find((s) => ([] as string[]).concat(s.Action).includes('iam:PassRole'))!;
          const roles = [
            ...new Set(
              runs.flatMap((run) =>
                env.base.kind === 'existing'
                  ? [env.base.tasks[`${run.service}/${run.task}`]!.taskRoleArn, env.base.tasks[`${run.service}/${run.task}`]!.executionRoleArn]
                  : [`\${data.terraform_remote_state.base.outputs.task_role_arn__${run.service}}`, '${data.terraform_remote_state.base.outputs.execution_role_arn}'],
              ),
            ),
          ];
          expect([...([] as string[]).concat(passRole.Resource ?? [])].sort()).toEqual(roles.sort());
          expect(passRole.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });

          const sync = policy!.Statement.find((s) => ([] as string[]).concat(s.Action).includes('events:PutTargets'))!;
          expect(sync.Resource).toEqual(`arn:aws:events:${env.region}:${env.accountId}:rule/StepFunctionsGetEventsForECSTaskRule`);
        }
      }
    });

    it("delivery by reference: the role of each task the rule runs may read its own state machine's executions, and only those", () => {
      const byReference = subject.catalog.services.flatMap((service) =>
        service.rules.filter((rule) => resolveRuleOptions(rule, subject.catalog).detailDelivery === 'reference').map((rule) => ({ service, rule })),
      );
      const taskRole = (run: { service: string; task: string }) =>
        env.base.kind === 'existing'
          ? env.base.tasks[`${run.service}/${run.task}`]!.taskRoleArn.split('/').at(-1)!
          : `\${data.terraform_remote_state.base.outputs.task_role_name__${run.service}}`;
      for (const service of subject.catalog.services) {
        const reads = Object.values(resources(stackOf(subject, `${env.name}-${service.name}`), 'aws_iam_role_policy')).filter((p) => String(p.name).startsWith('read-executions-'));
        const expected = byReference.filter((entry) => entry.service === service);
        // One policy per distinct task role of the rule's runs (a flow runs several tasks).
        const rolesOf = (rule: (typeof expected)[number]['rule']) => [...new Set(ruleRuns(subject.catalog, rule).map(taskRole))];
        expect(reads.map((p) => `${String(p.name)} ${String(p.role)}`).sort()).toEqual(
          expected.flatMap(({ rule }) => rolesOf(rule).map((role) => `read-executions-${env.name}-${service.name}-${rule.name} ${role}`)).sort(),
        );
        for (const { rule } of expected) {
          const machine = `${env.name}-${service.name}-${rule.name}`;
          for (const read of reads.filter((p) => p.name === `read-executions-${machine}`)) {
            const document = JSON.parse(read.policy as string) as PolicyDocument;
            expect(document).toEqual({
              Version: '2012-10-17',
              Statement: [
                { Sid: 'ReadOwnExecutionInput', Effect: 'Allow', Action: 'states:DescribeExecution', Resource: `arn:aws:states:${env.region}:${env.accountId}:execution:${machine}:*` },
              ],
            });
            // IAM's `*` spans any characters: the execution ARNs of this state machine match, those of a machine whose name extends it do not.
            const allows = (arn: string) => new RegExp(`^${(document.Statement[0]!.Resource as string).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(arn);
            const execution = (name: string) => `arn:aws:states:${env.region}:${env.accountId}:execution:${name}:6a7e8feb-b491-4cf7-a9f1-bf3703467718`;
            expect([allows(execution(machine)), allows(execution(`${machine}-2`)), allows(execution(`${env.name}-${service.name}-x`))]).toEqual([true, false, false]);
          }
        }
      }
    });
  });
}
