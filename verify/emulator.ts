/**
 * Tier `emulator`: deploys every `dev` stack, in dependency order, into an AWS emulator on
 * 127.0.0.1 (MiniStack) with the real provider and the environment's account id, plans again and
 * requires no changes, delivers one event per rule through its bus to its state machine, then
 * destroys everything in reverse order.
 *
 * What it proves: the provider accepts and can apply what we synthesize (wiring between stacks,
 * references, remote state, provider-side validation such as ValidateStateMachineDefinition), the
 * second plan is empty (no perpetual diff), rules match their events and start their state
 * machines, and destroy works. What it does not: IAM is not enforced, no container runs (an ECS
 * task needs Docker), and service limits and eventual consistency are the emulator's, not AWS's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { resourceMode } from '../core/terraform-mode';
import { readEnvironmentStacks } from '../tooling/cdktf-out';
import { runScheduled, type ScheduleOutcome } from '../tooling/stack-schedule';
import { runTerraformAsync } from '../tooling/terraform';
import { mirroredProviderVersion, readManifest, stackDir, terraformEnv, type VerifyContext } from './context';
import type { EventPattern } from '../core/event-pattern';
import { forEmulator, sampleEvent } from './emulator-config';
import { failureText } from './exec';
import type { TierReport } from './report';
import { copyTarget, providerConstraint } from './scratch';
import { missingTool, requireVersion } from './tools';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const waitForHealth = async (endpoint: string, child: ChildProcess, seconds: number): Promise<void> => {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the emulator exited with code ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(`${endpoint}/_ministack/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the emulator did not answer on ${endpoint} within ${seconds} s`);
};

/**
 * Attributes MiniStack 1.5.33 does not read back as AWS does, each seen in a re-plan here: a second
 * plan that changes only these is the emulator's gap, not a perpetual diff of ours (AWS returns
 * each of them: DescribeStateMachine's tracingConfiguration, DescribeVpcEndpoints' PrivateDnsEnabled
 * and Groups, DescribeSecurityGroupRules' Description and Tags). Any other change fails the tier.
 */
export const EMULATOR_READ_GAPS: Readonly<Record<string, readonly string[]>> = {
  aws_sfn_state_machine: ['tracing_configuration'],
  aws_vpc_endpoint: ['private_dns_enabled', 'security_group_ids'],
  aws_vpc_security_group_egress_rule: ['description', 'tags_all'],
};

interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: Record<string, unknown> | null;
    readonly after?: Record<string, unknown> | null;
    readonly after_unknown?: Record<string, unknown>;
  };
}

/**
 * A re-plan (`terraform show -json` of it) split into changes that touch only the emulator's known
 * read gaps (`tolerated`) and every other change (`real`), each as `address: attributes`.
 */
export const classifyReplan = (planJson: unknown, gaps: Readonly<Record<string, readonly string[]>> = EMULATOR_READ_GAPS): { real: string[]; tolerated: string[] } => {
  const changes = ((planJson as { resource_changes?: PlannedChange[] }).resource_changes ?? []).filter((c) => !c.change.actions.every((action) => action === 'no-op' || action === 'read'));
  const real: string[] = [];
  const tolerated: string[] = [];
  for (const c of changes) {
    const before = c.change.before ?? {};
    const after = c.change.after ?? {};
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(c.change.after_unknown ?? {})])];
    const changed = keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]) || c.change.after_unknown?.[k] === true);
    const line = `${c.address} (${c.change.actions.join('/')}): ${changed.join(', ') || 'no attribute'}`;
    const update = c.change.actions.length === 1 && c.change.actions[0] === 'update';
    if (update && changed.length > 0 && changed.every((k) => (gaps[c.type] ?? []).includes(k))) tolerated.push(line);
    else real.push(line);
  }
  return { real, tolerated };
};

/** The attribute lines a plan would change (`~ name = a -> b`, `+ x`, `- y`), for the report. */
export const changedAttributes = (planOutput: string, limit = 12): string[] =>
  planOutput
    .split('\n')
    .filter((line) => /^\s+[~+-] [\w"]/.test(line) && !/^\s+[~+-] resource /.test(line))
    .map((line) => line.trim())
    .slice(0, limit);

/** The S3 state buckets the stacks' backends name. */
const stateBuckets = (files: readonly string[]): string[] => [
  ...new Set(
    files.flatMap((file) => {
      const json = JSON.parse(readFileSync(file, 'utf8')) as { terraform?: { backend?: { s3?: { bucket?: string } } } };
      const bucket = json.terraform?.backend?.s3?.bucket;
      return bucket ? [bucket] : [];
    }),
  ),
];

const createBucket = async (endpoint: string, bucket: string, region: string): Promise<void> => {
  const body =
    region === 'us-east-1'
      ? undefined
      : `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${region}</LocationConstraint></CreateBucketConfiguration>`;
  const response = await fetch(`${endpoint}/${bucket}`, { method: 'PUT', ...(body ? { body } : {}) });
  if (!response.ok) throw new Error(`creating the state bucket ${bucket} in the emulator failed: HTTP ${response.status} ${await response.text()}`);
};

export interface StateResource {
  readonly address: string;
  /** `managed` or `data`, as `terraform show -json` writes it. */
  readonly mode?: string;
  readonly type: string;
  readonly values: Record<string, unknown>;
}

/**
 * The managed resources among a state's resources and data sources, by the mode Terraform writes
 * (plan review's reading: a module named `data` holds managed resources).
 */
export const managedResources = (resources: readonly StateResource[]): StateResource[] => resources.filter((r) => resourceMode(r.mode, r.address) === 'managed');

export const stateResources = (showJson: string): StateResource[] => {
  const state = JSON.parse(showJson) as { values?: { root_module?: Module } };
  interface Module {
    resources?: StateResource[];
    child_modules?: Module[];
  }
  const walk = (module: Module | undefined): StateResource[] => [...(module?.resources ?? []), ...(module?.child_modules ?? []).flatMap(walk)];
  return walk(state.values?.root_module);
};

/**
 * Stacks applied, re-planned or destroyed at once. Their commands mostly wait: on the provider's
 * propagation waiters (an SQS queue about 25 s after create; on destroy its policy 25 s, then the
 * queue about 2 min; a KMS key 12 s) and on starting the provider (about 4 s of CPU, four times per apply). Four at a time lets
 * the five service stacks of dev overlap their waits on two cores.
 */
export const EMULATOR_STACK_CONCURRENCY = 4;

interface Deployed {
  readonly stack: string;
  readonly dir: string;
  readonly resources: StateResource[];
}

export const runEmulatorTier = async (context: VerifyContext): Promise<Omit<TierReport, 'seconds'>> => {
  const { terraform, ministack } = context.tools;
  const missing = [...(terraform ? [] : [missingTool('terraform (or tofu)')]), ...(ministack ? [] : [missingTool('MiniStack (the AWS emulator)')])];
  if (missing.length > 0) return { tier: 'emulator', proved: [], errors: missing, findings: [], notes: [] };
  const environment = context.emulatedEnvironment;
  const manifest = readManifest(context);
  // Dependencies first, each with the names of the stacks it depends on (`dependsOn`).
  const stacks = readEnvironmentStacks(context.synthDir, environment.name);
  const root = join(context.workDir, 'emulator');
  rmSync(root, { recursive: true, force: true });
  const stateDir = join(root, 'state');
  mkdirSync(stateDir, { recursive: true });
  const { constraint, relaxed } = providerConstraint(requireVersion(context.versions, 'AWS_PROVIDER_PINNED'), mirroredProviderVersion(context));
  const notes = [
    `MiniStack ${requireVersion(context.versions, 'MINISTACK_VERSION')} on 127.0.0.1; IAM is not enforced and no ECS container runs (no Docker): its ECS accepts RunTask but the task never stops, so each execution is stopped once it runs its task`,
    ...(relaxed ? [`provider pin relaxed to "${constraint}" in the scratch copies (the mirror holds ${mirroredProviderVersion(context)})`] : []),
  ];
  const errors: string[] = [];
  const proved: string[] = [];

  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const logFile = join(root, 'ministack.log');
  const child = spawn(ministack!, [], {
    cwd: root,
    env: {
      ...context.env,
      BIND_HOST: '127.0.0.1',
      GATEWAY_PORT: String(port),
      MINISTACK_REGION: environment.region,
      MINISTACK_ACCOUNT_ID: environment.accountId,
      TMPDIR: root,
      LOG_LEVEL: 'WARNING',
    },
    stdio: ['ignore', openSync(logFile, 'w'), openSync(logFile, 'a')],
  });
  const awsEnv = terraformEnv(context, {
    // The emulator derives the account from a 12-digit access key: the provider's allowed_account_ids check runs for real.
    AWS_ACCESS_KEY_ID: environment.accountId,
    AWS_SECRET_ACCESS_KEY: 'verify-emulator',
    AWS_REGION: environment.region,
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  delete awsEnv.AWS_PROFILE;
  delete awsEnv.AWS_SESSION_TOKEN;
  const deployed: Deployed[] = [];
  const terraformIn = (dir: string, args: string[]) => runTerraformAsync(terraform!, args, { cwd: dir, env: awsEnv });
  const phase = async (what: string, run: () => Promise<void>) => {
    const started = Date.now();
    await run();
    context.log(`emulator: ${what} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  };
  try {
    await waitForHealth(endpoint, child, 60);
    // An environment with S3 state keeps it in the emulator's S3: the bucket `npm run
    // bootstrap:state` makes in a real account is made here first.
    for (const bucket of stateBuckets(stacks.map((stack) => join(stackDir(context, manifest, stack.name), 'cdk.tf.json')))) {
      await createBucket(endpoint, bucket, environment.region);
      notes.push(`S3 state in the emulator's bucket ${bucket} (without its KMS key)`);
    }
    let applied = 0;
    const applyOne = async (name: string): Promise<boolean> => {
      const dir = join(root, 'stacks', name);
      copyTarget(stackDir(context, manifest, name), dir, (json) => forEmulator(json, name, { endpoint, stateDir, providerConstraint: constraint }));
      const init = await terraformIn(dir, ['init', '-input=false', '-no-color']);
      if (init.status !== 0) {
        errors.push(`${name}: init: ${failureText(init)}`);
        return false;
      }
      const applyStarted = Date.now();
      const apply = await terraformIn(dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
      const show = await terraformIn(dir, ['show', '-json', '-no-color']);
      const resources = show.status === 0 ? stateResources(show.stdout) : [];
      // Destroyed afterwards even when the apply failed half-way.
      deployed.push({ stack: name, dir, resources });
      if (apply.status !== 0) {
        errors.push(`${name}: apply: ${failureText(apply, 25)}`);
        return false;
      }
      applied += managedResources(resources).length;
      context.log(`emulator: applied ${name} (${resources.length} resources and data sources, ${((Date.now() - applyStarted) / 1000).toFixed(0)} s)`);
      return true;
    };
    let applyOutcome: ScheduleOutcome | undefined;
    await phase('apply', async () => {
      applyOutcome = await runScheduled(stacks, { concurrency: EMULATOR_STACK_CONCURRENCY }, applyOne);
    });
    if (applyOutcome!.skipped.length > 0) errors.push(`not applied, because a stack they depend on failed: ${applyOutcome!.skipped.join(', ')}`);
    if (errors.length === 0) {
      proved.push(
        `applied ${stacks.length} ${environment.name} stacks, each after the stacks it depends on (${stacks.map((s) => (s.dependsOn.length ? `${s.name} after ${s.dependsOn.join(', ')}` : s.name)).join('; ')}): ${applied} resources`,
      );
      let clean = 0;
      const tolerated: string[] = [];
      const replanOne = async (name: string): Promise<boolean> => {
        const { dir } = deployed.find((d) => d.stack === name)!;
        const plan = await terraformIn(dir, ['plan', '-detailed-exitcode', '-input=false', '-no-color', '-out=replan.tfplan']);
        if (plan.status === 0) clean += 1;
        else if (plan.status === 2) {
          writeFileSync(join(root, `${name}.replan.txt`), plan.stdout);
          const show = await terraformIn(dir, ['show', '-json', '-no-color', 'replan.tfplan']);
          const replan = show.status === 0 ? classifyReplan(JSON.parse(show.stdout)) : { real: [failureText(show)], tolerated: [] };
          tolerated.push(...replan.tolerated.map((line) => `${name} ${line}`));
          if (replan.real.length === 0) clean += 1;
          else {
            errors.push(`${name}: the second plan is not empty: ${replan.real.join('; ')}\n      ${changedAttributes(plan.stdout).join('\n      ')}`);
          }
        } else errors.push(`${name}: re-plan: ${failureText(plan)}`);
        return true;
      };
      // Plans change nothing: all stacks at once, up to the concurrency.
      await phase('re-plan', async () => {
        await runScheduled(
          stacks.map((s) => ({ name: s.name, dependsOn: [] })),
          { concurrency: EMULATOR_STACK_CONCURRENCY },
          replanOne,
        );
      });
      if (clean === deployed.length) {
        proved.push(
          `re-planned every stack: no changes (${clean}/${deployed.length})${tolerated.length ? `, apart from ${tolerated.length} attribute reads MiniStack lacks (EMULATOR_READ_GAPS)` : ''}`,
        );
      }
      if (tolerated.length) notes.push(`emulator read gaps tolerated in the re-plan: ${tolerated.sort().join('; ')}`);
      await phase('delivery', async () => {
        const ordered = stacks.flatMap((s) => deployed.filter((d) => d.stack === s.name));
        const delivery = await deliverOneEventPerRule(ordered, endpoint, environment.accountId, environment.region);
        proved.push(...delivery.proved);
        errors.push(...delivery.errors);
        notes.push(...delivery.notes);
      });
    }
  } catch (error) {
    errors.push((error as Error).message);
  } finally {
    // Reverse order: a stack is destroyed once every stack that depends on it is gone; one that
    // could not be destroyed keeps what it depends on.
    const attempted = new Set(deployed.map((d) => d.stack));
    const destroySchedule = stacks.filter((s) => attempted.has(s.name)).map((s) => ({ name: s.name, dependsOn: s.dependsOn.filter((d) => attempted.has(d)) }));
    const destroyOne = async (name: string): Promise<boolean> => {
      const destroy = await terraformIn(join(root, 'stacks', name), ['destroy', '-auto-approve', '-input=false', '-no-color']);
      if (destroy.status !== 0) errors.push(`${name}: destroy: ${failureText(destroy)}`);
      return destroy.status === 0;
    };
    let destroyOutcome: ScheduleOutcome | undefined;
    await phase('destroy', async () => {
      destroyOutcome = await runScheduled(destroySchedule, { concurrency: EMULATOR_STACK_CONCURRENCY, reverse: true }, destroyOne);
    });
    if (destroyOutcome!.skipped.length > 0) errors.push(`not destroyed, because a stack that depends on them could not be: ${destroyOutcome!.skipped.join(', ')}`);
    if (deployed.length > 0 && destroyOutcome!.done.length === deployed.length) proved.push(`destroyed all ${deployed.length} stacks, each after the stacks that depend on it`);
    child.kill('SIGTERM');
  }
  if (errors.length > 0) notes.push(`emulator log: ${logFile}`);
  return { tier: 'emulator', proved, errors, findings: [], notes };
};

/** The parts of GetExecutionHistory's events read here. */
export interface ExecutionHistoryEvent {
  readonly type?: string;
  readonly taskScheduledEventDetails?: { readonly resource?: string };
}

export type ExecutionProgress =
  | { readonly state: 'starting' }
  /** The latest task is a RunTask, scheduled (started, submitted) and not ended: the task runs and is awaited. */
  | { readonly state: 'running-task' }
  | { readonly state: 'ended'; readonly status: string };

const ENDED: Readonly<Record<string, string>> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionAborted: 'ABORTED',
  ExecutionTimedOut: 'TIMED_OUT',
};

/** A task's own events (AWS: Scheduled, Started, Submitted for .sync, then an outcome; MiniStack records Scheduled and the outcome). */
const TASK_EVENT = /^Task(Scheduled|Started|Submitted|Succeeded|Failed|TimedOut|StartFailed|SubmitFailed)$/;
const RUN_TASK = /^arn:aws:states:::ecs:runTask(\.sync)?$/;

/** How far an execution got, from its history (oldest first, as GetExecutionHistory returns it). */
export const executionProgress = (events: readonly ExecutionHistoryEvent[]): ExecutionProgress => {
  const end = events.find((event) => event.type !== undefined && event.type in ENDED);
  if (end) return { state: 'ended', status: ENDED[end.type!]! };
  const taskEvents = events.filter((event) => TASK_EVENT.test(event.type ?? ''));
  const last = taskEvents.at(-1)?.type;
  const scheduled = taskEvents.filter((event) => event.type === 'TaskScheduled').at(-1);
  const runTask = (last === 'TaskScheduled' || last === 'TaskStarted' || last === 'TaskSubmitted') && RUN_TASK.test(scheduled?.taskScheduledEventDetails?.resource ?? '');
  return runTask ? { state: 'running-task' } : { state: 'starting' };
};

interface DeliveryResult {
  readonly proved: string[];
  readonly errors: string[];
  readonly notes: string[];
}

/**
 * For each rule: put an event its pattern matches on its bus, wait for an execution of the state
 * machine its target names, and report how that execution ended.
 */
const deliverOneEventPerRule = async (deployed: readonly Deployed[], endpoint: string, accountId: string, region: string): Promise<DeliveryResult> => {
  const { EventBridgeClient, PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
  const { SFNClient, ListExecutionsCommand, GetExecutionHistoryCommand, StopExecutionCommand } = await import('@aws-sdk/client-sfn');
  const config = { endpoint, region, credentials: { accessKeyId: accountId, secretAccessKey: 'verify-emulator' }, maxAttempts: 2 };
  const events = new EventBridgeClient(config);
  const sfn = new SFNClient(config);
  const errors: string[] = [];
  const outcomes = new Map<string, number>();
  let delivered = 0;
  let runningTasks = 0;
  let rules = 0;
  const serviceEventRules: string[] = [];
  try {
    for (const { stack, resources } of deployed) {
      const rulesByName = new Map(resources.filter((r) => r.type === 'aws_cloudwatch_event_rule').map((r) => [String(r.values.name), r.values]));
      for (const target of resources.filter((r) => r.type === 'aws_cloudwatch_event_target')) {
        const rule = rulesByName.get(String(target.values.rule));
        const stateMachineArn = String(target.values.arn);
        if (!rule || !stateMachineArn.includes(':stateMachine:')) continue;
        const sample = sampleEvent(JSON.parse(String(rule.event_pattern)) as EventPattern);
        // Events of AWS services (source aws.*, e.g. Step Functions status changes) cannot be put:
        // AWS refuses PutEvents for them ("Not authorized for the source"), and so does MiniStack.
        if (sample && sample.source.startsWith('aws.')) {
          serviceEventRules.push(String(rule.name));
          continue;
        }
        rules += 1;
        if (!sample) {
          errors.push(`${stack}: rule ${String(rule.name)}: no sample event could be built from its pattern`);
          continue;
        }
        const put = await events.send(
          new PutEventsCommand({
            Entries: [{ EventBusName: String(rule.event_bus_name), Source: sample.source, DetailType: sample.detailType, Detail: JSON.stringify({ ...sample.detail, verify: true }) }],
          }),
        );
        if (put.FailedEntryCount) {
          errors.push(`${stack}: rule ${String(rule.name)}: PutEvents failed: ${put.Entries?.[0]?.ErrorMessage}`);
          continue;
        }
        let executionArn: string | undefined;
        for (let attempt = 0; attempt < 40 && !executionArn; attempt++) {
          const list = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
          executionArn = list.executions?.[0]?.executionArn;
          if (!executionArn) await sleep(250);
        }
        if (!executionArn) {
          errors.push(`${stack}: rule ${String(rule.name)}: the event did not start ${stateMachineArn.split(':').pop()} within 10 s`);
          continue;
        }
        delivered += 1;
        // Until the execution runs its ECS task (the emulator's ECS accepted RunTask), ends, or 10 s
        // pass. Twice the same reading 250 ms apart: the emulator calls RunTask right after it
        // records TaskScheduled, and a refused RunTask is recorded as TaskFailed within milliseconds.
        let progress: ExecutionProgress = { state: 'starting' };
        let previous: ExecutionProgress | undefined;
        for (let attempt = 0; attempt < 40; attempt++) {
          const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
          progress = executionProgress(history.events ?? []);
          if (progress.state === 'ended' || (progress.state === 'running-task' && previous?.state === 'running-task')) break;
          previous = progress;
          await sleep(250);
        }
        const key = progress.state === 'ended' ? `ended ${progress.status}` : progress.state === 'running-task' ? 'running its ECS task' : `still starting after 10 s`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        if (progress.state === 'running-task') runningTasks += 1;
        // No container runs here, so the task would never stop: stop the execution instead of
        // leaving the emulator polling it for 10 minutes.
        if (progress.state !== 'ended') await sfn.send(new StopExecutionCommand({ executionArn, error: 'verify.Done', cause: 'the emulator runs no container' }));
      }
    }
  } finally {
    events.destroy();
    sfn.destroy();
  }
  const proved = [
    ...(rules > 0 && delivered === rules ? [`delivered one event per rule through its bus: ${delivered}/${rules} rules started their state machine`] : []),
    ...(rules > 0 && runningTasks === rules
      ? [`each execution reached its RunTask state and the emulator's ECS accepted the task (${runningTasks}/${rules}); stopped there, as no container runs`]
      : []),
  ];
  const notes = [
    ...(outcomes.size > 0 ? [`executions: ${[...outcomes].map(([k, n]) => `${n}× ${k}`).join(', ')}`] : []),
    ...(serviceEventRules.length > 0 ? [`not delivered (they match AWS service events, which PutEvents may not send): ${serviceEventRules.join(', ')}`] : []),
  ];
  if (rules === 0) errors.push('no rule targets a state machine in the deployed stacks');
  return { proved, errors, notes };
};
