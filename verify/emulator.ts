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
import { runTerraform } from '../tooling/terraform';
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
  const stacks = readEnvironmentStacks(context.synthDir, environment.name);
  const root = join(context.workDir, 'emulator');
  rmSync(root, { recursive: true, force: true });
  const stateDir = join(root, 'state');
  mkdirSync(stateDir, { recursive: true });
  const { constraint, relaxed } = providerConstraint(requireVersion(context.versions, 'AWS_PROVIDER_PINNED'), mirroredProviderVersion(context));
  const notes = [
    `MiniStack ${requireVersion(context.versions, 'MINISTACK_VERSION')} on 127.0.0.1; IAM is not enforced and no ECS container runs (no Docker), so a state machine that reaches its ECS task fails there`,
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
  const terraformIn = (dir: string, args: string[]) => runTerraform(terraform!, args, { cwd: dir, env: awsEnv });
  try {
    await waitForHealth(endpoint, child, 60);
    // An environment with S3 state keeps it in the emulator's S3: the bucket `npm run
    // bootstrap:state` makes in a real account is made here first.
    for (const bucket of stateBuckets(stacks.map((stack) => join(stackDir(context, manifest, stack.name), 'cdk.tf.json')))) {
      await createBucket(endpoint, bucket, environment.region);
      notes.push(`S3 state in the emulator's bucket ${bucket} (without its KMS key)`);
    }
    let applied = 0;
    for (const stack of stacks) {
      const dir = join(root, 'stacks', stack.name);
      copyTarget(stackDir(context, manifest, stack.name), dir, (json) => forEmulator(json, stack.name, { endpoint, stateDir, providerConstraint: constraint }));
      const init = terraformIn(dir, ['init', '-input=false', '-no-color']);
      if (init.status !== 0) {
        errors.push(`${stack.name}: init: ${failureText(init)}`);
        break;
      }
      const applyStarted = Date.now();
      const apply = terraformIn(dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
      const show = terraformIn(dir, ['show', '-json', '-no-color']);
      const resources = show.status === 0 ? stateResources(show.stdout) : [];
      deployed.push({ stack: stack.name, dir, resources });
      if (apply.status !== 0) {
        errors.push(`${stack.name}: apply: ${failureText(apply, 25)}`);
        break;
      }
      applied += managedResources(resources).length;
      context.log(`emulator: applied ${stack.name} (${resources.length} resources and data sources, ${((Date.now() - applyStarted) / 1000).toFixed(0)} s)`);
    }
    if (errors.length === 0) {
      proved.push(`applied ${stacks.length} ${environment.name} stacks in dependency order (${stacks.map((s) => s.name).join(' → ')}): ${applied} resources`);
      let clean = 0;
      const tolerated: string[] = [];
      for (const { stack, dir } of deployed) {
        const plan = terraformIn(dir, ['plan', '-detailed-exitcode', '-input=false', '-no-color', '-out=replan.tfplan']);
        if (plan.status === 0) clean += 1;
        else if (plan.status === 2) {
          writeFileSync(join(root, `${stack}.replan.txt`), plan.stdout);
          const show = terraformIn(dir, ['show', '-json', '-no-color', 'replan.tfplan']);
          const replan = show.status === 0 ? classifyReplan(JSON.parse(show.stdout)) : { real: [failureText(show)], tolerated: [] };
          tolerated.push(...replan.tolerated.map((line) => `${stack} ${line}`));
          if (replan.real.length === 0) clean += 1;
          else {
            errors.push(`${stack}: the second plan is not empty: ${replan.real.join('; ')}\n      ${changedAttributes(plan.stdout).join('\n      ')}`);
          }
        } else errors.push(`${stack}: re-plan: ${failureText(plan)}`);
      }
      if (clean === deployed.length) {
        proved.push(
          `re-planned every stack: no changes (${clean}/${deployed.length})${tolerated.length ? `, apart from ${tolerated.length} attribute reads MiniStack lacks (EMULATOR_READ_GAPS)` : ''}`,
        );
      }
      if (tolerated.length) notes.push(`emulator read gaps tolerated in the re-plan: ${tolerated.join('; ')}`);
      const delivery = await deliverOneEventPerRule(deployed, endpoint, environment.accountId, environment.region);
      proved.push(...delivery.proved);
      errors.push(...delivery.errors);
      notes.push(...delivery.notes);
    }
  } catch (error) {
    errors.push((error as Error).message);
  } finally {
    let destroyed = 0;
    for (const { stack, dir } of [...deployed].reverse()) {
      const destroy = terraformIn(dir, ['destroy', '-auto-approve', '-input=false', '-no-color']);
      if (destroy.status === 0) destroyed += 1;
      else errors.push(`${stack}: destroy: ${failureText(destroy)}`);
    }
    if (deployed.length > 0 && destroyed === deployed.length) proved.push(`destroyed all ${destroyed} stacks in reverse order`);
    child.kill('SIGTERM');
  }
  if (errors.length > 0) notes.push(`emulator log: ${logFile}`);
  return { tier: 'emulator', proved, errors, findings: [], notes };
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
  const { SFNClient, ListExecutionsCommand, DescribeExecutionCommand } = await import('@aws-sdk/client-sfn');
  const config = { endpoint, region, credentials: { accessKeyId: accountId, secretAccessKey: 'verify-emulator' }, maxAttempts: 2 };
  const events = new EventBridgeClient(config);
  const sfn = new SFNClient(config);
  const errors: string[] = [];
  const outcomes = new Map<string, number>();
  let delivered = 0;
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
        let status = 'RUNNING';
        let cause = '';
        for (let attempt = 0; attempt < 60 && status === 'RUNNING'; attempt++) {
          const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
          status = execution.status ?? 'UNKNOWN';
          cause = execution.error ?? '';
          if (status === 'RUNNING') await sleep(500);
        }
        const key = `${status}${cause ? ` (${cause})` : ''}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }
    }
  } finally {
    events.destroy();
    sfn.destroy();
  }
  const proved = rules > 0 && delivered === rules ? [`delivered one event per rule through its bus: ${delivered}/${rules} rules started their state machine`] : [];
  const notes = [
    ...(outcomes.size > 0 ? [`executions ended: ${[...outcomes].map(([k, n]) => `${n}× ${k}`).join(', ')}`] : []),
    ...(serviceEventRules.length > 0 ? [`not delivered (they match AWS service events, which PutEvents may not send): ${serviceEventRules.join(', ')}`] : []),
  ];
  if (rules === 0) errors.push('no rule targets a state machine in the deployed stacks');
  return { proved, errors, notes };
};
