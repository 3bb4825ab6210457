/**
 * What every service stack of every environment holds, for any catalog: a bus per service, and per
 * rule the pattern, the target, the dead-letter queue, the roles, the definition, logging and alarms.
 */
import { isFlowRule, resolveRuleOptions } from '../../catalog/defaults';
import type { RuleSpec, ServiceSpec, TaskRuleSpec } from '../../catalog/types';
import { parseTaskDefinitionReference } from '../../stacks/base-references';
import type { EnvironmentConfig } from '../../environments/types';
import { resources, type TerraformJson } from '../support/synth';
import { manifestOf, stackOf, type Subject } from './subject';
import { validateAsl } from '../support/asl-validator';

/** The rules that run one task; a flow's rules are checked by test/invariants/flows.ts. */
const rulesOf = (service: ServiceSpec) => service.rules.filter((rule): rule is TaskRuleSpec => !isFlowRule(rule)).map((rule) => ({ service, rule }));

/** The resources of one rule: cdktf names them `<construct>_<resource>_<hash>`; find them by their `name`. */
function ruleResources(stack: TerraformJson, env: EnvironmentConfig, service: ServiceSpec, rule: RuleSpec) {
  const base = `${env.name}-${service.name}-${rule.name}`;
  const byName = (type: string, name: string) => {
    const found = Object.entries(resources(stack, type)).filter(([, r]) => r.name === name);
    if (found.length !== 1) throw new Error(`${type} named ${name}: found ${found.length}`);
    return { id: found[0]![0], body: found[0]![1] };
  };
  return {
    rule: byName('aws_cloudwatch_event_rule', base),
    queue: byName('aws_sqs_queue', `${base}-dlq`),
    logGroup: byName('aws_cloudwatch_log_group', `/aws/vendedlogs/states/${base}`),
    stateMachine: byName('aws_sfn_state_machine', base),
    stateMachineRole: byName('aws_iam_role', `${base}-sfn`),
    eventsRole: byName('aws_iam_role', `${base}-events`),
  };
}

const parse = (text: unknown) => JSON.parse(text as string) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function serviceStackInvariants(subject: Subject): void {
  describe.each(subject.environments.map((env) => ({ env })))('service stacks of $env.name', ({ env }) => {
    it('has one stack per service, each with its own bus <env>-<service>', () => {
      for (const service of subject.catalog.services) {
        const stack = stackOf(subject, `${env.name}-${service.name}`);
        const buses = Object.values(resources(stack, 'aws_cloudwatch_event_bus'));
        expect(buses).toEqual([expect.objectContaining({ name: `${env.name}-${service.name}` })]);
      }
    });

    it('declares its dependencies so the base and the alarm topic deploy first', () => {
      const stacks = manifestOf(subject).stacks;
      for (const service of subject.catalog.services) {
        const expected = [`${env.name}-monitoring`, ...(env.base.kind === 'managed' ? [`${env.name}-base`] : [])];
        expect([...stacks[`${env.name}-${service.name}`]!.dependencies].sort()).toEqual(expected.sort());
      }
    });

    describe.each(subject.catalog.services.flatMap(rulesOf).map(({ service, rule }) => ({ service, rule, label: `${service.name}/${rule.name}` })))('rule $label', ({ service, rule }) => {
      const stack = () => stackOf(subject, `${env.name}-${service.name}`);
      const options = resolveRuleOptions(rule, subject.catalog);
      const target = subject.catalog.services.find((s) => s.name === rule.target.service)!;
      const task = target.tasks.find((t) => t.name === rule.target.task)!;
      const smName = `${env.name}-${service.name}-${rule.name}`;
      const smArn = `arn:aws:states:${env.region}:${env.accountId}:stateMachine:${smName}`;

      it('matches the catalog pattern on the service bus', () => {
        const { rule: eventRule } = ruleResources(stack(), env, service, rule);
        expect(parse(eventRule.body.event_pattern)).toEqual(rule.eventPattern);
        expect(eventRule.body.event_bus_name).toMatch(/^\$\{aws_cloudwatch_event_bus\.bus\.name\}$/);
        expect(eventRule.body.state).toBe('ENABLED');
      });

      it('targets its state machine with a role, the retry policy and an encrypted dead-letter queue', () => {
        const s = stack();
        const r = ruleResources(s, env, service, rule);
        const targets = Object.values(resources(s, 'aws_cloudwatch_event_target')).filter((t) => t.rule === `\${aws_cloudwatch_event_rule.${r.rule.id}.name}`);
        expect(targets).toHaveLength(1);
        expect(targets[0]).toMatchObject({
          arn: `\${aws_sfn_state_machine.${r.stateMachine.id}.arn}`,
          role_arn: `\${aws_iam_role.${r.eventsRole.id}.arn}`,
          retry_policy: { maximum_retry_attempts: options.retryAttempts, maximum_event_age_in_seconds: options.maximumEventAgeSeconds },
          dead_letter_config: { arn: `\${aws_sqs_queue.${r.queue.id}.arn}` },
        });
        expect(r.queue.body).toMatchObject({ sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
      });

      it('lets only this rule send to its dead-letter queue', () => {
        const s = stack();
        const r = ruleResources(s, env, service, rule);
        const policies = Object.values(resources(s, 'aws_sqs_queue_policy')).filter((p) => p.queue_url === `\${aws_sqs_queue.${r.queue.id}.url}`);
        expect(policies).toHaveLength(1);
        const [statement] = parse(policies[0]!.policy).Statement;
        expect(statement).toEqual(
          expect.objectContaining({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: `\${aws_sqs_queue.${r.queue.id}.arn}`,
            Condition: { ArnEquals: { 'aws:SourceArn': `\${aws_cloudwatch_event_rule.${r.rule.id}.arn}` } },
          }),
        );
      });

      it('gives EventBridge a role that may start exactly this state machine', () => {
        const s = stack();
        const r = ruleResources(s, env, service, rule);
        expect(parse(r.eventsRole.body.assume_role_policy).Statement[0]).toMatchObject({
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': env.accountId } },
        });
        const policy = Object.values(resources(s, 'aws_iam_role_policy')).find((p) => p.role === `\${aws_iam_role.${r.eventsRole.id}.name}`)!;
        expect(parse(policy.policy).Statement).toEqual([expect.objectContaining({ Action: 'states:StartExecution', Resource: smArn })]);
      });

      it('runs the target task through ecs:runTask.sync with the event in the container environment', () => {
        const r = ruleResources(stack(), env, service, rule);
        const definition = parse(r.stateMachine.body.definition);
        const runTask = definition.States.RunTask;
        expect(runTask.Resource).toBe('arn:aws:states:::ecs:runTask.sync');
        const params = runTask.Parameters;
        const override = params.Overrides.ContainerOverrides[0];
        expect(override.Command).toEqual(rule.target.command ?? task.command);
        const variables = Object.fromEntries(override.Environment.map((e: Record<string, string>) => [e.Name, e['Value'] ?? e['Value.$']]));
        expect(variables).toMatchObject({ eventId: '$.id', eventSource: '$.source', executionArn: '$$.Execution.Id', eventDelivery: options.detailDelivery });
        if (options.detailDelivery === 'environment') expect(variables.eventDetail).toBe('States.JsonToString($.detail)');
        else expect(variables.eventDetail).toBeUndefined();
        expect(definition.TimeoutSeconds).toBe(options.timeoutSeconds);

        if (env.base.kind === 'existing') {
          const literal = env.base.tasks[`${rule.target.service}/${rule.target.task}` as `${string}/${string}`]!;
          // A family runs the latest ACTIVE revision; a pinned ARN runs exactly that revision.
          expect(params.TaskDefinition).toBe(parseTaskDefinitionReference(literal.taskDefinition).runTaskValue);
          expect(override.Name).toBe(literal.containerName);
          expect(params.Cluster).toBe(env.base.clusterArn);
          expect(params.NetworkConfiguration.AwsvpcConfiguration.Subnets).toEqual(env.base.subnetIds);
          expect(params.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups).toEqual(env.base.securityGroupIds);
        } else {
          // The family, never a revision read from the base's state (test/stacks/task-definition-revisions.test.ts says why).
          expect(params.TaskDefinition).toBe(`${env.name}-${rule.target.service}-${rule.target.task}`);
          expect(override.Name).toBe(task.containerName);
          expect(params.Cluster).toBe('${data.terraform_remote_state.base.outputs.cluster_arn}');
          expect(params.NetworkConfiguration.AwsvpcConfiguration.Subnets).toEqual(
            Array.from({ length: env.base.network.azCount }, (_, i) => `\${element(data.terraform_remote_state.base.outputs.private_subnet_ids, ${i})}`),
          );
          expect(params.CapacityProviderStrategy.map((c: { CapacityProvider: string }) => c.CapacityProvider)).toEqual(
            env.base.cluster.fargateSpotWeight > 0 ? ['FARGATE', 'FARGATE_SPOT'] : ['FARGATE'],
          );
        }
      });

      it('publishes the failure event of the rule to the bus of the service whose task failed', () => {
        const r = ruleResources(stack(), env, service, rule);
        const states = parse(r.stateMachine.body.definition).States;
        const publish = states.PublishFailureEvent;
        if (!options.failureDetailType) {
          expect(publish).toBeUndefined();
          return;
        }
        expect(publish.Resource).toBe('arn:aws:states:::events:putEvents');
        expect(publish.Parameters.Entries[0]).toMatchObject({
          EventBusName: `arn:aws:events:${env.region}:${env.accountId}:event-bus/${env.name}-${rule.target.service}`,
          Source: `${subject.catalog.namespace}.${rule.target.service}`,
          DetailType: options.failureDetailType,
        });
      });

      it('is a valid state machine definition (asl-validator)', () => {
        const r = ruleResources(stack(), env, service, rule);
        const result = validateAsl(parse(r.stateMachine.body.definition));
        expect(result.errorsText()).toBe('');
        expect(result.isValid).toBe(true);
      });

      it('logs to /aws/vendedlogs/states/ with the environment retention and level, traces with X-Ray, and waits for its policy', () => {
        const s = stack();
        const r = ruleResources(s, env, service, rule);
        expect(r.logGroup.body.retention_in_days).toBe(env.observability.logRetentionDays);
        expect(r.stateMachine.body).toMatchObject({
          type: 'STANDARD',
          role_arn: `\${aws_iam_role.${r.stateMachineRole.id}.arn}`,
          logging_configuration: {
            log_destination: `\${aws_cloudwatch_log_group.${r.logGroup.id}.arn}:*`,
            level: env.observability.stateMachineLogLevel,
            include_execution_data: env.observability.includeExecutionData,
          },
          tracing_configuration: { enabled: true },
        });
        const policy = Object.entries(resources(s, 'aws_iam_role_policy')).find(([, p]) => p.role === `\${aws_iam_role.${r.stateMachineRole.id}.name}`)!;
        expect(r.stateMachine.body.depends_on).toEqual([`aws_iam_role_policy.${policy[0]}`]);
      });

      it('alarms on failed and timed-out executions and on dead letters, to the environment topic', () => {
        const s = stack();
        const alarms = Object.values(resources(s, 'aws_cloudwatch_metric_alarm')).filter((a) => String(a.alarm_name).startsWith(`${smName}-`));
        expect(alarms.map((a) => a.metric_name).sort()).toEqual(['ApproximateNumberOfMessagesVisible', 'ExecutionsFailed', 'ExecutionsTimedOut']);
        for (const alarm of alarms) {
          expect(alarm.alarm_actions).toEqual([`arn:aws:sns:${env.region}:${env.accountId}:${env.name}-alarms`]);
          expect(alarm).toMatchObject({ threshold: 0, comparison_operator: 'GreaterThanThreshold' });
        }
      });
    });

    it("lets each service's tasks publish on the service's own bus, and nowhere else", () => {
      for (const service of subject.catalog.services) {
        const stack = stackOf(subject, `${env.name}-${service.name}`);
        const publishing = Object.values(resources(stack, 'aws_iam_role_policy')).filter((p) => p.name === `publish-to-${env.name}-${service.name}`);
        if (service.tasks.length === 0) {
          expect(publishing).toEqual([]);
          continue;
        }
        const roleNames =
          env.base.kind === 'existing'
            ? [
                ...new Set(
                  Object.entries(env.base.tasks)
                    .filter(([key]) => key.startsWith(`${service.name}/`))
                    .map(([, t]) => t.taskRoleArn.split('/').pop()),
                ),
              ]
            : [`\${data.terraform_remote_state.base.outputs.task_role_name__${service.name}}`];
        expect(publishing.map((p) => p.role).sort()).toEqual(roleNames.sort());
        for (const policy of publishing) {
          expect(parse(policy.policy).Statement).toEqual([
            {
              Sid: 'PublishToOwnBus',
              Effect: 'Allow',
              Action: 'events:PutEvents',
              Resource: '${aws_cloudwatch_event_bus.bus.arn}',
              // As its own service only: a task cannot publish in another service's name.
              Condition: { 'ForAllValues:StringEquals': { 'events:source': `${subject.catalog.namespace}.${service.name}` }, Null: { 'events:source': 'false' } },
            },
          ]);
        }
      }
    });

    it(env.base.kind === 'existing' ? 'reads no remote state (the base is given as literal ARNs)' : 'reads the base through remote state', () => {
      for (const service of subject.catalog.services.filter((s) => s.rules.length > 0 || s.tasks.length > 0)) {
        const data = stackOf(subject, `${env.name}-${service.name}`).data ?? {};
        if (env.base.kind === 'existing') expect(data).not.toHaveProperty('terraform_remote_state');
        else expect(Object.keys(data.terraform_remote_state ?? {})).toEqual(['base']);
      }
    });
  });
}
