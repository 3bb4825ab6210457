/**
 * A stopped ECS task as `ecs:runTask.sync` reports it: the `Task` of a DescribeTasks response
 * (ECS API reference, "Task" and "Container" data types), with member names in PascalCase as Step
 * Functions renders service responses ("Step Functions parameters are expressed in PascalCase",
 * connect-ecs). When the task fails (a non-zero exit code, or it never started) the integration
 * fails the state with `States.TaskFailed` and this whole object, as JSON, is the Cause; on success
 * it is the state's result.
 *
 * What matters for sizes: the task echoes the RunTask `overrides` it was started with, so a Cause
 * carries the event detail a second time (already escaped once, in `eventDetail`). Pure: built from
 * the RunTask Parameters the state machine evaluated, so tests and the local runner get the Cause
 * AWS would give for that very call.
 */
import { isFargateCapacityProvider } from '../core/placement';
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

/** `TaskStopCode` values (ECS API reference, Task.stopCode). */
export type TaskStopCode = 'TaskFailedToStart' | 'EssentialContainerExited' | 'UserInitiated' | 'ServiceSchedulerInitiated' | 'SpotInterruption' | 'TerminationNotice';

export interface StoppedTaskInput {
  /** The RunTask Parameters as the state machine evaluated them (Cluster, TaskDefinition, Overrides, ...). */
  readonly parameters: JsonValue;
  readonly region: string;
  readonly account: string;
  readonly stopCode: TaskStopCode;
  readonly stoppedReason: string;
  /** The essential container's exit code; absent when the container never ran. */
  readonly exitCode?: number;
  /** The container's own reason (`CannotPullContainerError: …`, `OutOfMemoryError: …`). */
  readonly containerReason?: string;
  /** Revision RunTask resolved the family to. Default 1. */
  readonly revision?: number;
  /** 32 hex digits. Default: a fixed id. */
  readonly taskId?: string;
  /** Epoch milliseconds of creation. Default: a fixed time. */
  readonly createdAt?: number;
  /** Capacity provider the task ran on. Default: the first of the strategy, else FARGATE. */
  readonly capacityProvider?: string;
}

const DEFAULT_TASK_ID = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const DEFAULT_CREATED_AT = 1_795_000_000_000;

/** The task description `.sync` reports for a task that stopped (see the module comment). */
export function stoppedTaskDescription(input: StoppedTaskInput): JsonObject {
  const parameters = asObject(input.parameters);
  const cluster = typeof parameters.Cluster === 'string' ? parameters.Cluster : `arn:aws:ecs:${input.region}:${input.account}:cluster/default`;
  const clusterName = cluster.slice(cluster.lastIndexOf('/') + 1);
  const taskId = input.taskId ?? DEFAULT_TASK_ID;
  const taskArn = `arn:aws:ecs:${input.region}:${input.account}:task/${clusterName}/${taskId}`;
  const family = familyOf(typeof parameters.TaskDefinition === 'string' ? parameters.TaskDefinition : 'unknown');
  const revision = input.revision ?? 1;
  const createdAt = input.createdAt ?? DEFAULT_CREATED_AT;
  const started = input.exitCode !== undefined;
  const overrides = asObject(parameters.Overrides ?? {});
  const containerOverrides = Array.isArray(overrides.ContainerOverrides) ? overrides.ContainerOverrides.map(asObject) : [];
  const subnet = firstSubnet(parameters);
  const eniId = 'eni-0a1b2c3d4e5f60718';
  const privateIp = '10.10.12.34';
  const capacityProvider = input.capacityProvider ?? firstCapacityProvider(parameters);

  const containers: JsonObject[] = (containerOverrides.length > 0 ? containerOverrides : [{ Name: 'app' }]).map((override, index) => ({
    ContainerArn: `arn:aws:ecs:${input.region}:${input.account}:container/${clusterName}/${taskId}/${uuidLike(taskId, index)}`,
    ...(started ? { ExitCode: input.exitCode! } : {}),
    HealthStatus: 'UNKNOWN',
    Image: `${input.account}.dkr.ecr.${input.region}.amazonaws.com/${family}:latest`,
    ...(started ? { ImageDigest: `sha256:${'0123456789abcdef'.repeat(4)}` } : {}),
    LastStatus: 'STOPPED',
    ManagedAgents: [],
    Name: typeof override.Name === 'string' ? override.Name : 'app',
    NetworkBindings: [],
    NetworkInterfaces: [{ AttachmentId: uuidLike(taskId, 99), PrivateIpv4Address: privateIp }],
    ...(input.containerReason === undefined ? {} : { Reason: input.containerReason }),
    ...(started ? { RuntimeId: `${taskId}-${String(index).padStart(10, '0')}` } : {}),
    TaskArn: taskArn,
    Cpu: '0',
    GpuIds: [],
  }));

  return {
    Attachments: [
      {
        Details: [
          { Name: 'subnetId', Value: subnet },
          { Name: 'networkInterfaceId', Value: eniId },
          { Name: 'macAddress', Value: '0a:1b:2c:3d:4e:5f' },
          { Name: 'privateDnsName', Value: `ip-${privateIp.replace(/\./g, '-')}.${input.region}.compute.internal` },
          { Name: 'privateIPv4Address', Value: privateIp },
        ],
        Id: uuidLike(taskId, 99),
        Status: 'DELETED',
        Type: 'ElasticNetworkInterface',
      },
    ],
    Attributes: [{ Name: 'ecs.cpu-architecture', Value: 'x86_64' }],
    AvailabilityZone: `${input.region}a`,
    CapacityProviderName: capacityProvider,
    ClusterArn: cluster,
    Connectivity: 'CONNECTED',
    ConnectivityAt: createdAt + 1_000,
    Containers: containers,
    Cpu: '256',
    CreatedAt: createdAt,
    DesiredStatus: 'STOPPED',
    EnableExecuteCommand: parameters.EnableExecuteCommand === true,
    EphemeralStorage: { SizeInGiB: 20 },
    ...(started ? { ExecutionStoppedAt: createdAt + 60_000 } : {}),
    Group: `family:${family}`,
    LastStatus: 'STOPPED',
    // A task placed by an Auto Scaling group capacity provider runs on EC2.
    LaunchType: isFargateCapacityProvider(capacityProvider) ? 'FARGATE' : 'EC2',
    Memory: '512',
    // The overrides RunTask was called with, echoed: the event detail travels in the Cause again.
    Overrides: { ContainerOverrides: containerOverrides, InferenceAcceleratorOverrides: [] },
    PlatformFamily: 'Linux',
    PlatformVersion: '1.4.0',
    ...(started ? { PullStartedAt: createdAt + 2_000, PullStoppedAt: createdAt + 9_000, StartedAt: createdAt + 10_000 } : {}),
    StopCode: input.stopCode,
    StoppedAt: createdAt + 75_000,
    StoppedReason: input.stoppedReason,
    StoppingAt: createdAt + 61_000,
    Tags: [],
    TaskArn: taskArn,
    TaskDefinitionArn: `arn:aws:ecs:${input.region}:${input.account}:task-definition/${family}:${revision}`,
    Version: 5,
  };
}

/** Shortcuts for the stops this repository reacts to differently (docs/state-machines.md). */
export const STOPS = {
  /** The container ran and exited non-zero. */
  exited: (exitCode: number) => ({ stopCode: 'EssentialContainerExited' as const, stoppedReason: 'Essential container in task exited', exitCode }),
  /** Never started: for example the image could not be pulled. */
  failedToStart: () => ({
    stopCode: 'TaskFailedToStart' as const,
    stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref: not found',
    containerReason: 'CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref: not found',
  }),
  /** Fargate Spot took the capacity back while the container ran (SIGTERM, then exit). */
  spotInterruption: () => ({
    stopCode: 'SpotInterruption' as const,
    stoppedReason: 'Your Spot Task was interrupted.',
    exitCode: 143,
  }),
};

function asObject(value: JsonValue | undefined): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}

/** `family`, `family:3`, `arn:…:task-definition/family[:3]` → `family`. */
function familyOf(taskDefinition: string): string {
  return taskDefinition.replace(/^arn:[^/]*:task-definition\//, '').replace(/:\d+$/, '');
}

function firstSubnet(parameters: JsonObject): string {
  const network = asObject(asObject(parameters.NetworkConfiguration ?? {}).AwsvpcConfiguration ?? {});
  const subnets = Array.isArray(network.Subnets) ? network.Subnets : [];
  return typeof subnets[0] === 'string' ? subnets[0] : 'subnet-0a1b2c3d4e5f6a7b8';
}

function firstCapacityProvider(parameters: JsonObject): string {
  const strategy = Array.isArray(parameters.CapacityProviderStrategy) ? parameters.CapacityProviderStrategy.map(asObject) : [];
  const provider = strategy[0]?.CapacityProvider;
  return typeof provider === 'string' ? provider : 'FARGATE';
}

/** A deterministic UUID-shaped id from the task id. */
function uuidLike(taskId: string, salt: number): string {
  const hex = (taskId + salt.toString(16).padStart(8, '0') + taskId).slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
