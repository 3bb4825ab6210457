/**
 * What the booking flow and staging's EC2 capacity add to the synthesized output: the base module's
 * `ec2_capacity` input (staging only), EC2-compatible task definitions, the flow's state machine
 * (placement on staging, Fargate elsewhere), its IAM, and how the synthesized definition runs: in
 * order, and compensated in reverse when a step fails.
 */
import { type JsonValue, ecsTaskFailed, runStateMachine } from '../../local/asl-interpreter';
import { STOPS, stoppedTaskDescription } from '../../local/ecs-task-description';
import { placeholderFor, replaceInterpolations } from '../../local/terraform-expressions';
import type { PolicyDocument } from '../../core/policy-document';
import { environments } from '../../environments';
import type { ManagedBaseConfig } from '../../environments/types';
import { capacityProviderStrategy } from '../../stacks/base-inputs';
import { resources, stackJson } from '../support/synth';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const flowMachine = (env: string) => Object.values(resources(stackJson(`${env}-booking`), 'aws_sfn_state_machine')).find((machine) => machine.name === `${env}-booking-orchestrate-booking`)!;
const definition = (env: string): Json => JSON.parse(flowMachine(env).definition as string) as Json;
const runTasks = (def: Json): [string, Json][] => Object.entries(def.States as Record<string, Json>).filter(([, state]) => state.Resource === 'arn:aws:states:::ecs:runTask.sync');

describe('EC2 capacity in the base stacks', () => {
  it("gives staging's ecs_cluster module an EC2 capacity provider in the private subnets, named after the environment", () => {
    expect(stackJson('staging-base').module!.ecs_cluster!.ec2_capacity).toEqual({
      capacity_provider_name: 'staging-ec2',
      auto_scaling_group_name: 'staging-ecs-ec2',
      launch_template_name: 'staging-ecs-ec2',
      instance_role_name: 'staging-ecs-instance',
      instance_profile_name: 'staging-ecs-instance',
      instance_type: 't3.small',
      min_size: 0,
      max_size: 4,
      target_capacity: 100,
      root_volume_size: 30,
      subnet_ids: '${module.network.private_subnet_ids}',
      vpc_id: '${module.network.vpc_id}',
    });
  });

  it.each(['dev', 'prod'])('gives %s none: Fargate only', (env) => {
    expect(stackJson(`${env}-base`).module!.ecs_cluster!).not.toHaveProperty('ec2_capacity');
  });

  it("registers the flow's tasks as EC2-compatible, and the others for Fargate alone (the module default)", () => {
    const tasks = stackJson('staging-base').module!.task_definitions!.tasks as Record<string, Json>;
    expect(tasks['payment/charge']!.requires_compatibilities).toEqual(['FARGATE', 'EC2']);
    expect(tasks['seat/reserve-seats']!.requires_compatibilities).toEqual(['FARGATE', 'EC2']);
    expect(tasks['compensation/cancel-booking']!.requires_compatibilities).toEqual(['FARGATE', 'EC2']);
    expect(tasks['notification/notify']).not.toHaveProperty('requires_compatibilities');
  });
});

describe("the booking flow's state machine", () => {
  it("runs every step and compensation on staging's EC2 capacity provider with the placement staging asks for", () => {
    const states = runTasks(definition('staging'));
    expect(states.map(([name]) => name)).toEqual(['charge:RunTask', 'reserve-seats:RunTask', 'undo charge:RunTask']);
    for (const [, state] of states) {
      expect(state.Parameters.CapacityProviderStrategy).toEqual([{ CapacityProvider: 'staging-ec2', Weight: 1 }]);
      expect(state.Parameters).not.toHaveProperty('LaunchType');
      expect(state.Parameters.PlacementStrategy).toEqual([
        { Type: 'spread', Field: 'attribute:ecs.availability-zone' },
        { Type: 'binpack', Field: 'memory' },
      ]);
      expect(state.Parameters.PlacementConstraints).toEqual([{ Type: 'memberOf', Expression: 'attribute:ecs.os-type == linux' }]);
      // ENABLED is Fargate's only; DISABLED is what EC2 takes.
      expect(state.Parameters.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED');
    }
  });

  it.each(['dev', 'prod'])("runs on %s's Fargate strategy, with no placement", (env) => {
    for (const [, state] of runTasks(definition(env))) {
      const cluster = (environments.find((e) => e.name === env)!.base as ManagedBaseConfig).cluster;
      expect(state.Parameters.CapacityProviderStrategy).toEqual(
        capacityProviderStrategy(cluster).map((item) => ({ CapacityProvider: item.capacityProvider, Weight: item.weight, ...(item.base === undefined ? {} : { Base: item.base }) })),
      );
      expect(state.Parameters.CapacityProviderStrategy.every((item: Json) => String(item.CapacityProvider).startsWith('FARGATE'))).toBe(true);
      expect(state.Parameters).not.toHaveProperty('PlacementStrategy');
      expect(state.Parameters).not.toHaveProperty('PlacementConstraints');
    }
  });

  it('tells each run which step it is, and a compensation what failed', () => {
    const environment = (name: string) =>
      Object.fromEntries((definition('dev').States[name].Parameters.Overrides.ContainerOverrides[0].Environment as Json[]).map((v) => [v.Name, v.Value ?? v['Value.$']]));
    expect(environment('charge:RunTask')).toMatchObject({ flowStep: 'book/charge', flowRole: 'run' });
    expect(environment('charge:RunTask')).not.toHaveProperty('flowFailure');
    expect(environment('undo charge:RunTask')).toMatchObject({ flowStep: 'book/charge', flowRole: 'compensate', flowFailure: 'States.JsonToString($.flowFailure)' });
    expect(environment('reserve-seats:RunTask')).toMatchObject({ flowStep: 'book/reserve-seats', flowRole: 'run' });
  });

  it("may run only the flow's three task families, passing only their roles", () => {
    const policy = Object.values(resources(stackJson('dev-booking'), 'aws_iam_role_policy'))
      .map((p) => JSON.parse(p.policy as string) as PolicyDocument)
      .find((doc) => doc.Statement.some((s) => Array.isArray(s.Resource) && s.Resource.some((r) => r.endsWith('task-definition/dev-seat-reserve-seats:*'))))!;
    const runTask = policy.Statement.find((s) => ([] as string[]).concat(s.Action).includes('ecs:RunTask'))!;
    expect(runTask.Resource).toEqual([
      'arn:aws:ecs:ap-southeast-1:111111111111:task-definition/dev-payment-charge:*',
      'arn:aws:ecs:ap-southeast-1:111111111111:task-definition/dev-compensation-cancel-booking:*',
      'arn:aws:ecs:ap-southeast-1:111111111111:task-definition/dev-seat-reserve-seats:*',
    ]);
    const passRole = policy.Statement.find((s) => ([] as string[]).concat(s.Action).includes('iam:PassRole'))!;
    expect(([] as string[]).concat(passRole.Resource ?? []).sort()).toEqual(
      [
        '${data.terraform_remote_state.base.outputs.execution_role_arn}',
        '${data.terraform_remote_state.base.outputs.task_role_arn__compensation}',
        '${data.terraform_remote_state.base.outputs.task_role_arn__payment}',
        '${data.terraform_remote_state.base.outputs.task_role_arn__seat}',
      ].sort(),
    );
    const publish = policy.Statement.find((s) => ([] as string[]).concat(s.Action).includes('events:PutEvents'))!;
    expect(publish.Condition).toMatchObject({ 'ForAllValues:StringEquals': { 'events:detail-type': ['BookFlowFailed', 'BookingConfirmed', 'BookCompensationFailed'] } });
  });
});

describe('the synthesized booking flow, run', () => {
  const input: JsonValue = {
    version: '0',
    id: '0d7e3a3c-5d2a-4c9a-9f0a-1b2c3d4e5f60',
    'detail-type': 'BookingRequested',
    source: 'booking-saga.booking',
    account: '111111111111',
    time: '2026-11-28T00:00:00Z',
    region: 'ap-southeast-1',
    resources: [],
    detail: { bookingId: 'b-1', seats: [1], amount: 50 },
  };
  async function run(failing: string | undefined) {
    const ran: string[] = [];
    const published: string[] = [];
    const outcome = await runStateMachine({
      definition: replaceInterpolations(flowMachine('dev').definition as string, placeholderFor),
      input,
      stateMachineArn: 'arn:aws:states:ap-southeast-1:111111111111:stateMachine:dev-booking-orchestrate-booking',
      executionName: 'exec-1',
      retryIntervalMs: 0,
      handlers: {
        runTask: (parameters) => {
          const override = (parameters as Json).Overrides.ContainerOverrides[0];
          const env = Object.fromEntries((override.Environment as Json[]).map((v) => [v.Name, v.Value]));
          ran.push(`${env.flowRole} ${(parameters as Json).TaskDefinition}`);
          if ((parameters as Json).TaskDefinition === failing)
            throw ecsTaskFailed(stoppedTaskDescription({ parameters, region: 'ap-southeast-1', account: '111111111111', ...STOPS.exited(3) }));
          return { StoppedReason: 'Essential container in task exited', Containers: [{ ExitCode: 0 }] };
        },
        putEvents: (parameters) => {
          published.push(...((parameters as Json).Entries as Json[]).map((entry) => `${entry.DetailType} ${typeof entry.Detail === 'string' ? entry.Detail : JSON.stringify(entry.Detail)}`));
          return { Entries: [{ EventId: 'e' }], FailedEntryCount: 0 };
        },
      },
    });
    return { status: outcome.status, ran, published };
  }

  it('runs the steps in order and announces BookingConfirmed', async () => {
    const { status, ran, published } = await run(undefined);
    expect(status).toBe('SUCCEEDED');
    expect(ran).toEqual(['run dev-payment-charge', 'run dev-seat-reserve-seats']);
    expect(published).toEqual(['BookingConfirmed {"bookingId":"b-1","seats":[1],"amount":50}']);
  });

  it('undoes the charge when reserving fails, then announces BookFlowFailed naming the step', async () => {
    const { status, ran, published } = await run('dev-seat-reserve-seats');
    expect(status).toBe('FAILED');
    expect(ran).toEqual(['run dev-payment-charge', 'run dev-seat-reserve-seats', 'compensate dev-compensation-cancel-booking']);
    expect(published).toHaveLength(1);
    const [detailType, detail] = [published[0]!.slice(0, published[0]!.indexOf(' ')), JSON.parse(published[0]!.slice(published[0]!.indexOf(' ') + 1)) as Json];
    expect(detailType).toBe('BookFlowFailed');
    expect(detail).toMatchObject({ bookingId: 'b-1', failedStep: 'reserve-seats', failedCompensations: {}, exitCode: 3, error: 'States.TaskFailed' });
  });

  it('undoes a failed charge itself (it may have charged before failing)', async () => {
    const { ran } = await run('dev-payment-charge');
    expect(ran).toEqual(['run dev-payment-charge', 'compensate dev-compensation-cancel-booking']);
  });

  it('fails with Flow.CompensationFailed and announces it when the compensation fails too', async () => {
    const ranBoth: string[] = [];
    const published: string[] = [];
    const outcome = await runStateMachine({
      definition: replaceInterpolations(flowMachine('dev').definition as string, placeholderFor),
      input,
      stateMachineArn: 'arn:aws:states:ap-southeast-1:111111111111:stateMachine:dev-booking-orchestrate-booking',
      executionName: 'exec-2',
      retryIntervalMs: 0,
      handlers: {
        runTask: (parameters) => {
          ranBoth.push(String((parameters as Json).TaskDefinition));
          throw ecsTaskFailed(stoppedTaskDescription({ parameters, region: 'ap-southeast-1', account: '111111111111', ...STOPS.exited(1) }));
        },
        putEvents: (parameters) => {
          published.push(...((parameters as Json).Entries as Json[]).map((entry) => String(entry.DetailType)));
          return { Entries: [{ EventId: 'e' }], FailedEntryCount: 0 };
        },
      },
    });
    expect(outcome.status).toBe('FAILED');
    expect(outcome).toMatchObject({ error: 'Flow.CompensationFailed' });
    expect(published).toEqual(['BookCompensationFailed']);
    // The charge ran once (not idempotent); its compensation is rerun after a non-zero exit.
    expect(ranBoth.filter((family) => family === 'dev-payment-charge')).toHaveLength(1);
    expect(ranBoth.filter((family) => family === 'dev-compensation-cancel-booking').length).toBeGreaterThan(1);
  });
});
