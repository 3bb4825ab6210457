/**
 * The benchmark's peer: the same booking saga (or a generated catalog) written as the AWS CDK app a
 * team would write instead, so `npm run bench` can put this repository's synthesis beside the tool
 * users would pick. Per environment, as ours: a monitoring stack (KMS key, alias, SNS topic and its
 * policy), a base stack (VPC with flow logs and, without NAT, the endpoints Fargate needs; ECS
 * cluster with Fargate capacity providers; ECR repositories; execution and task roles; a log
 * group and a Fargate task definition per task) and a stack per service (bus; per rule: rule,
 * dead-letter queue, log group, state machine and role, target with retry policy, events role,
 * three alarms; and the announcer of ended executions with its own rule on the default bus). The
 * ASL is ours (core/asl.ts, core/asl-ended-executions.ts) as a `DefinitionBody.fromString`, the
 * article's `CustomState` route, and the policies are ours, so only the framework differs.
 *
 * As a CDK user would, service stacks take the base's constructs, so CDK wires them with
 * exports and imports. A 500-service base holds thousands of resources, past CloudFormation's 500
 * per stack: the limit check is switched off, since the bench measures synthesis only.
 *
 * As `cdk synth` runs it: construct stack traces off (the CLI's default unless `--debug`, and ours
 * are off too), and CDK 2.276's built-in template validation on (a WebAssembly cfn-lint,
 * `@aws/cloudformation-validate`, run inside `app.synth()` unless the App says otherwise). That
 * validation is most of the CDK app's time and our synthesis does nothing like it, so
 * `--synthesis-only` turns it off: the bench shows both.
 *
 * Only the benchmark uses this file, and only it imports `aws-cdk-lib` (a devDependency).
 *
 *   node --import tsx scripts/bench/cdk-peer.ts --outdir DIR [--catalog FILE.json] [--environments dev]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Catalog, TaskSpec } from '../../catalog/types';
import type { EnvironmentConfig, ManagedBaseConfig } from '../../environments/types';
import { EXIT, parseCommandLine, runCommand, UsageError } from '../../tooling/cli';

/** Node start-up plus the TypeScript loader's, as synth-entry.ts measures it. */
const bootMs = performance.now();

/* eslint-disable @typescript-eslint/no-require-imports */
export type Cdk = {
  core: typeof import('aws-cdk-lib/core');
  ec2: typeof import('aws-cdk-lib/aws-ec2');
  ecs: typeof import('aws-cdk-lib/aws-ecs');
  ecr: typeof import('aws-cdk-lib/aws-ecr');
  events: typeof import('aws-cdk-lib/aws-events');
  targets: typeof import('aws-cdk-lib/aws-events-targets');
  iam: typeof import('aws-cdk-lib/aws-iam');
  kms: typeof import('aws-cdk-lib/aws-kms');
  logs: typeof import('aws-cdk-lib/aws-logs');
  sns: typeof import('aws-cdk-lib/aws-sns');
  snsSubscriptions: typeof import('aws-cdk-lib/aws-sns-subscriptions');
  sqs: typeof import('aws-cdk-lib/aws-sqs');
  sfn: typeof import('aws-cdk-lib/aws-stepfunctions');
  cloudwatch: typeof import('aws-cdk-lib/aws-cloudwatch');
  cloudwatchActions: typeof import('aws-cdk-lib/aws-cloudwatch-actions');
};

/** Loaded after the start-up time is taken, each submodule by its own path, as CDK apps import them. */
export function loadCdk(): Cdk {
  return {
    core: require('aws-cdk-lib/core'),
    ec2: require('aws-cdk-lib/aws-ec2'),
    ecs: require('aws-cdk-lib/aws-ecs'),
    ecr: require('aws-cdk-lib/aws-ecr'),
    events: require('aws-cdk-lib/aws-events'),
    targets: require('aws-cdk-lib/aws-events-targets'),
    iam: require('aws-cdk-lib/aws-iam'),
    kms: require('aws-cdk-lib/aws-kms'),
    logs: require('aws-cdk-lib/aws-logs'),
    sns: require('aws-cdk-lib/aws-sns'),
    snsSubscriptions: require('aws-cdk-lib/aws-sns-subscriptions'),
    sqs: require('aws-cdk-lib/aws-sqs'),
    sfn: require('aws-cdk-lib/aws-stepfunctions'),
    cloudwatch: require('aws-cdk-lib/aws-cloudwatch'),
    cloudwatchActions: require('aws-cdk-lib/aws-cloudwatch-actions'),
  };
}

const { Construct } = require('constructs') as typeof import('constructs');

interface BaseResources {
  readonly cluster: import('aws-cdk-lib/aws-ecs').Cluster;
  readonly subnetIds: string[];
  readonly securityGroupId: string;
  readonly taskDefinitions: Map<string, import('aws-cdk-lib/aws-ecs').FargateTaskDefinition>;
  readonly taskRoles: Map<string, import('aws-cdk-lib/aws-iam').Role>;
  readonly executionRole: import('aws-cdk-lib/aws-iam').Role;
}

/** Builds the app: every stack of every given environment. */
export function buildCdkApp(cdk: Cdk, catalog: Catalog, environments: readonly EnvironmentConfig[], outdir: string, cloudFormationValidation = true): import('aws-cdk-lib/core').App {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { buildRunTaskStateMachine } = require('../../core/asl') as typeof import('../../core/asl');
  const { buildEndedExecutionsAnnouncer, endedExecutionsPattern } = require('../../core/asl-ended-executions') as typeof import('../../core/asl-ended-executions');
  const policies = require('../../core/iam-policies') as typeof import('../../core/iam-policies');
  const { alarmTopicKeyPolicy, alarmTopicPolicy } = require('../../core/monitoring-policies') as typeof import('../../core/monitoring-policies');
  const names = require('../../core/naming') as typeof import('../../core/naming');
  const { findTask, resolveRuleOptions, ruleCommand } = require('../../catalog/defaults') as typeof import('../../catalog/defaults');
  const { core, ec2, ecs, ecr, events, targets, iam, kms, logs, sns, sqs, sfn, cloudwatch, cloudwatchActions } = cdk;

  const app = new core.App({
    outdir,
    stackTraces: false,
    builtinCloudFormationValidation: cloudFormationValidation,
    context: { '@aws-cdk/core:stackResourceLimit': 0 },
  });
  const document = (json: object) => iam.PolicyDocument.fromJson(json);

  for (const env of environments) {
    if (env.base.kind !== 'managed') throw new Error(`the CDK peer builds managed bases only (environment ${env.name})`);
    const base: ManagedBaseConfig = env.base;
    const stackEnv = { account: env.accountId, region: env.region };
    const props = { env: stackEnv, tags: { ...env.defaultTags } };

    const monitoring = new core.Stack(app, `${env.name}-monitoring`, props);
    const topicName = names.alarmTopicName(env.name);
    const key = new kms.Key(monitoring, 'AlarmTopicKey', {
      description: `Encrypts the ${topicName} SNS topic`,
      enableKeyRotation: true,
      pendingWindow: core.Duration.days(30),
      policy: document(alarmTopicKeyPolicy(env.accountId)),
    });
    key.addAlias(`alias/${topicName}`);
    const topic = new sns.Topic(monitoring, 'AlarmTopic', { topicName, masterKey: key });
    for (const statement of alarmTopicPolicy(names.arns.snsTopic(env.region, env.accountId, topicName), env.accountId).Statement) {
      topic.addToResourcePolicy(iam.PolicyStatement.fromJson(statement));
    }
    if (env.observability.alarmEmail) topic.addSubscription(new cdk.snsSubscriptions.EmailSubscription(env.observability.alarmEmail));

    const baseStack = new core.Stack(app, `${env.name}-base`, props);
    const azs = ['a', 'b', 'c', 'd', 'e', 'f'].slice(0, base.network.azCount).map((letter) => `${env.region}${letter}`);
    const vpc = new ec2.Vpc(baseStack, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(base.network.cidr),
      availabilityZones: azs,
      natGateways: base.network.nat === 'none' ? 0 : base.network.nat === 'single' ? 1 : azs.length,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: base.network.nat === 'none' ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      flowLogs: { all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(baseStack, 'FlowLogs', { retention: logs.RetentionDays.ONE_MONTH })) } },
    });
    const tasksSecurityGroup = new ec2.SecurityGroup(baseStack, 'Tasks', { vpc, allowAllOutbound: true, description: 'ECS tasks: egress only' });
    if (base.network.nat === 'none') {
      vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
      const endpoints = {
        EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
        EcrDkr: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
        Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
        Events: ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE,
        States: ec2.InterfaceVpcEndpointAwsService.STEP_FUNCTIONS,
      };
      for (const [id, service] of Object.entries(endpoints)) vpc.addInterfaceEndpoint(id, { service });
    }
    const cluster = new ecs.Cluster(baseStack, 'Cluster', {
      vpc,
      clusterName: names.clusterName(env.name),
      enableFargateCapacityProviders: true,
      containerInsightsV2:
        base.cluster.containerInsights === 'enhanced'
          ? ecs.ContainerInsights.ENHANCED
          : base.cluster.containerInsights === 'enabled'
            ? ecs.ContainerInsights.ENABLED
            : ecs.ContainerInsights.DISABLED,
    });
    cluster.addDefaultCapacityProviderStrategy([
      { capacityProvider: 'FARGATE', weight: base.cluster.fargateWeight, ...(base.cluster.fargateBase !== undefined ? { base: base.cluster.fargateBase } : {}) },
      ...(base.cluster.fargateSpotWeight > 0 ? [{ capacityProvider: 'FARGATE_SPOT', weight: base.cluster.fargateSpotWeight }] : []),
    ]);
    const repositories = new Map<string, import('aws-cdk-lib/aws-ecr').Repository>();
    const executionRole = new iam.Role(baseStack, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonECSTaskExecutionRolePolicy')],
    });
    const resources: BaseResources = {
      cluster,
      subnetIds: vpc.isolatedSubnets.concat(vpc.privateSubnets).map((subnet) => subnet.subnetId),
      securityGroupId: tasksSecurityGroup.securityGroupId,
      taskDefinitions: new Map(),
      taskRoles: new Map(),
      executionRole,
    };
    for (const service of catalog.services.filter((s) => s.tasks.length > 0)) {
      const taskRole = new iam.Role(baseStack, `TaskRole-${service.name}`, { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
      resources.taskRoles.set(service.name, taskRole);
      for (const task of service.tasks) addTaskDefinition(env, base, service.name, task, taskRole);
    }

    function addTaskDefinition(env: EnvironmentConfig, base: ManagedBaseConfig, service: string, task: TaskSpec, taskRole: import('aws-cdk-lib/aws-iam').Role): void {
      let repository = repositories.get(task.imageRepository);
      if (!repository) {
        repository = new ecr.Repository(baseStack, `Repository-${task.imageRepository.replace(/[^A-Za-z0-9]/g, '-')}`, {
          repositoryName: task.imageRepository,
          imageTagMutability: base.imageTagMutability === 'MUTABLE' ? ecr.TagMutability.MUTABLE : ecr.TagMutability.IMMUTABLE,
          imageScanOnPush: true,
          lifecycleRules: [{ maxImageCount: 50 }],
        });
        repositories.set(task.imageRepository, repository);
      }
      const key = names.taskKey(service, task.name);
      const override = base.taskOverrides?.[key];
      const definition = new ecs.FargateTaskDefinition(baseStack, `Task-${service}-${task.name}`, {
        family: names.taskFamily(env.name, service, task.name),
        cpu: override?.cpu ?? task.cpu,
        memoryLimitMiB: override?.memory ?? task.memory,
        taskRole,
        executionRole,
      });
      definition.addContainer(task.containerName, {
        image: ecs.ContainerImage.fromEcrRepository(repository, override?.imageTag ?? base.defaultImageTag),
        command: [...task.command],
        logging: ecs.LogDrivers.awsLogs({
          streamPrefix: task.name,
          logGroup: new logs.LogGroup(baseStack, `TaskLogs-${service}-${task.name}`, {
            logGroupName: `/ecs/${names.taskFamily(env.name, service, task.name)}`,
            retention: base.taskLogRetentionDays,
          }),
        }),
      });
      resources.taskDefinitions.set(key, definition);
    }

    /** A dead-letter queue as ours: SQS-managed encryption, 14 days. */
    const deadLetterQueue = (scope: import('constructs').Construct, queueName: string) =>
      new sqs.Queue(scope, 'DeadLetterQueue', { queueName, encryption: sqs.QueueEncryption.SQS_MANAGED, retentionPeriod: core.Duration.days(14) });

    /** A state machine with its log group and role (with our policy), tracing on. */
    function loggedStateMachine(
      scope: import('constructs').Construct,
      props: { name: string; logGroupName: string; roleName: string; policyName: string; policy: object; definition: object },
    ) {
      const role = new iam.Role(scope, 'StateMachineRole', {
        roleName: props.roleName,
        assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
        inlinePolicies: { [props.policyName]: document(props.policy) },
      });
      return new sfn.StateMachine(scope, 'StateMachine', {
        stateMachineName: props.name,
        definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(props.definition, null, 2)),
        role,
        tracingEnabled: true,
        logs: {
          destination: new logs.LogGroup(scope, 'Logs', { logGroupName: props.logGroupName, retention: env.observability.logRetentionDays }),
          level: sfn.LogLevel[env.observability.stateMachineLogLevel],
          includeExecutionData: env.observability.includeExecutionData,
        },
      });
    }

    /** Alarms on any occurrence within 5 minutes, to the environment's topic. */
    function alarms(scope: import('constructs').Construct, prefix: string, metrics: [string, import('aws-cdk-lib/aws-cloudwatch').IMetric][]) {
      const action = new cloudwatchActions.SnsAction(sns.Topic.fromTopicArn(scope, 'AlarmTopic', names.arns.snsTopic(env.region, env.accountId, topicName)));
      for (const [id, metric] of metrics) {
        const alarm = new cloudwatch.Alarm(scope, id, {
          alarmName: `${prefix}-${id}`,
          metric,
          threshold: 0,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }
    const fiveMinutes = core.Duration.minutes(5);

    for (const service of catalog.services) {
      const stack = new core.Stack(app, names.serviceStackName(env.name, service.name), props);
      stack.addStackDependency(monitoring);
      const bus = new events.EventBus(stack, 'Bus', { eventBusName: names.busName(env.name, service.name) });
      new core.CfnOutput(stack, 'EventBusArn', { value: bus.eventBusArn });
      new core.CfnOutput(stack, 'EventBusName', { value: bus.eventBusName });
      const ownRole = resources.taskRoles.get(service.name);
      if (ownRole) {
        new iam.Policy(stack, 'TaskRolePublishes', {
          roles: [iam.Role.fromRoleArn(stack, 'OwnTaskRole', ownRole.roleArn, { mutable: true })],
          document: document(policies.taskPublishEventsPolicy(bus.eventBusArn, names.eventSource(catalog.namespace, service.name))),
        });
      }
      const announced: import('../../core/asl-ended-executions').AnnouncedStateMachine[] = [];
      for (const rule of service.rules) {
        // The peer mirrors the choreography only: an orchestrated flow has no AWS CDK counterpart here yet.
        if (!('task' in rule.target)) continue;
        const scope = new Construct(stack, `Rule-${rule.name}`);
        const options = resolveRuleOptions(rule, catalog);
        const target = rule.target;
        const taskSpec = findTask(catalog, target.service, target.task)!;
        const taskFamily = names.taskFamily(env.name, target.service, target.task);
        const taskRole = resources.taskRoles.get(target.service)!;
        const stateMachineName = names.stateMachineName(env.name, service.name, rule.name);
        const targetBusArn = names.arns.eventBus(env.region, env.accountId, names.busName(env.name, target.service));
        const targetSource = names.eventSource(catalog.namespace, target.service);
        const failureEvent = options.failureDetailType ? { eventBusArn: targetBusArn, source: targetSource, detailType: options.failureDetailType } : undefined;
        const successEvent = options.successDetailType ? { eventBusArn: targetBusArn, source: targetSource, detailType: options.successDetailType } : undefined;
        if (failureEvent) announced.push({ stateMachineArn: names.arns.stateMachine(env.region, env.accountId, stateMachineName), failureEvent, label: `rule ${rule.name}` });

        const eventRule = new events.Rule(scope, 'Rule', {
          ruleName: names.ruleName(env.name, service.name, rule.name),
          eventBus: bus,
          // CDK's pattern type, from ours: the keys it names, in its spelling.
          eventPattern: {
            detailType: [...rule.eventPattern['detail-type']],
            source: rule.eventPattern.source as string[] | undefined,
            detail: rule.eventPattern.detail as Record<string, unknown> | undefined,
          },
        });
        const queue = deadLetterQueue(scope, names.deadLetterQueueName(env.name, service.name, rule.name));
        const stateMachine = loggedStateMachine(scope, {
          name: stateMachineName,
          logGroupName: names.stateMachineLogGroupName(env.name, service.name, rule.name),
          roleName: names.stateMachineRoleName(env.name, service.name, rule.name),
          policyName: 'run-task',
          policy: policies.stateMachinePolicy({
            region: env.region,
            accountId: env.accountId,
            clusterArn: resources.cluster.clusterArn,
            taskFamily,
            taskRoleArn: taskRole.roleArn,
            executionRoleArn: resources.executionRole.roleArn,
            publishes: policies.publishGrants([failureEvent, successEvent]),
          }),
          definition: buildRunTaskStateMachine({
            clusterArn: resources.cluster.clusterArn,
            // By family, as ours: RunTask takes the latest ACTIVE revision.
            taskDefinition: taskFamily,
            subnetIds: resources.subnetIds,
            securityGroupIds: [resources.securityGroupId],
            containerName: taskSpec.containerName,
            command: ruleCommand({ target }, taskSpec),
            capacity: { strategy: [{ capacityProvider: 'FARGATE', weight: base.cluster.fargateWeight }] },
            detailDelivery: options.detailDelivery,
            timeoutSeconds: options.timeoutSeconds,
            idempotent: options.idempotent,
            ...(failureEvent ? { failureEvent } : {}),
            ...(successEvent ? { successEvent } : {}),
          }),
        });
        eventRule.addTarget(
          new targets.SfnStateMachine(stateMachine, {
            retryAttempts: options.retryAttempts,
            maxEventAge: core.Duration.seconds(options.maximumEventAgeSeconds),
            deadLetterQueue: queue,
            role: new iam.Role(scope, 'EventsRole', { roleName: names.eventsRoleName(env.name, service.name, rule.name), assumedBy: new iam.ServicePrincipal('events.amazonaws.com') }),
          }),
        );
        if (options.detailDelivery === 'reference') {
          new iam.Policy(scope, 'TaskReadsExecution', {
            roles: [iam.Role.fromRoleArn(scope, 'TargetTaskRole', taskRole.roleArn, { mutable: true })],
            document: document(policies.taskReadExecutionPolicy(names.arns.executions(env.region, env.accountId, stateMachineName))),
          });
        }
        alarms(scope, stateMachineName, [
          ['ExecutionsFailed', stateMachine.metricFailed({ period: fiveMinutes })],
          ['ExecutionsTimedOut', stateMachine.metricTimedOut({ period: fiveMinutes })],
          ['DeadLetters', queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' })],
        ]);
      }

      // As ours: one announcer per service of the TIMED_OUT and ABORTED executions no Catch sees.
      if (announced.length > 0) {
        const scope = new Construct(stack, 'EndedExecutions');
        const name = names.endedExecutionsName(env.name, service.name);
        const pattern = endedExecutionsPattern(
          announced.map((machine) => machine.stateMachineArn),
          names.arns.stateMachine(env.region, env.accountId, names.stateMachineName(env.name, service.name, '')),
        ) as { source: string[]; 'detail-type': string[]; detail: Record<string, unknown> };
        const rule = new events.Rule(scope, 'Rule', {
          ruleName: name,
          eventBus: events.EventBus.fromEventBusName(scope, 'DefaultBus', 'default'),
          eventPattern: { source: pattern.source, detailType: pattern['detail-type'], detail: pattern.detail },
        });
        const queue = deadLetterQueue(scope, names.endedExecutionsQueueName(env.name, service.name));
        const stateMachine = loggedStateMachine(scope, {
          name,
          logGroupName: names.endedExecutionsLogGroupName(env.name, service.name),
          roleName: names.endedExecutionsRoleName(env.name, service.name),
          policyName: 'announce-ended-executions',
          policy: policies.endedExecutionsPolicy({
            executionArns: announced.map((machine) => machine.stateMachineArn.replace(':stateMachine:', ':execution:') + ':*'),
            publishes: policies.publishGrants(announced.map((machine) => machine.failureEvent)),
          }),
          definition: buildEndedExecutionsAnnouncer(announced, `TIMED_OUT and ABORTED executions of ${service.name}'s rules → their failure events`),
        });
        rule.addTarget(
          new targets.SfnStateMachine(stateMachine, {
            retryAttempts: 185,
            maxEventAge: core.Duration.hours(24),
            deadLetterQueue: queue,
            role: new iam.Role(scope, 'EventsRole', { roleName: names.endedExecutionsEventsRoleName(env.name, service.name), assumedBy: new iam.ServicePrincipal('events.amazonaws.com') }),
          }),
        );
        alarms(scope, name, [
          ['ExecutionsFailed', stateMachine.metricFailed({ period: fiveMinutes })],
          ['DeadLetters', queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' })],
        ]);
      }
    }
  }
  return app;
}

export interface CdkReport {
  readonly bootMs: number;
  readonly loadMs: number;
  readonly synthMs: number;
  readonly stacks: number;
  readonly resources: number;
  readonly maxRssKiB: number;
}

const USAGE = `Usage: node --require ./tooling/register-ts.cjs scripts/bench/cdk-peer.ts --outdir DIR [--catalog FILE.json] [--environments dev,prod] [--synthesis-only]

The benchmark's AWS CDK peer: synthesizes the example (or a generated catalog) as an AWS CDK app
into DIR and writes its timings to the file named by BENCH_REPORT. --synthesis-only turns off
CDK's built-in template validation, which a new CDK app runs as part of synth.
Exit codes: docs/cli.md.`;

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandLine(argv, {
    outdir: { type: 'string' },
    catalog: { type: 'string' },
    environments: { type: 'string' },
    'synthesis-only': { type: 'boolean', default: false },
  });
  if (!values.outdir) throw new UsageError('--outdir is required');
  const loadStart = performance.now();
  const cdk = loadCdk();
  const { environments } = require('../../environments') as typeof import('../../environments');
  const catalog: Catalog = values.catalog
    ? (JSON.parse(readFileSync(values.catalog, 'utf8')) as Catalog)
    : (require('../../catalog/booking-saga') as typeof import('../../catalog/booking-saga')).bookingSaga;
  const selected = values.environments?.split(',') ?? environments.map((env) => env.name);
  const synthStart = performance.now();
  const given = environments.filter((env) => selected.includes(env.name));
  const assembly = buildCdkApp(cdk, catalog, given, values.outdir, !values['synthesis-only']).synth();
  const synthEnd = performance.now();
  const resources = assembly.stacks.reduce((sum, stack) => sum + Object.keys((stack.template as { Resources?: object }).Resources ?? {}).length, 0);
  const report: CdkReport = { bootMs, loadMs: synthStart - loadStart, synthMs: synthEnd - synthStart, stacks: assembly.stacks.length, resources, maxRssKiB: process.resourceUsage().maxRSS };
  if (process.env.BENCH_REPORT) writeFileSync(process.env.BENCH_REPORT, JSON.stringify(report));
  return EXIT.ok;
}

if (require.main === module) void runCommand({ name: 'bench/cdk-peer', usage: USAGE, run: main });
