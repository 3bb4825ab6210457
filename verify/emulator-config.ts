/**
 * The emulator deploy's pure half: a synthesized stack rewritten to talk to an AWS emulator on
 * 127.0.0.1 (provider endpoints, state next to the scratch copy or in the emulator's S3), and a
 * sample event that a rule's pattern matches. What `cdktf.out` holds for real deploys is unchanged:
 * these are scratch copies.
 */
import { join } from 'node:path';
import { matchesPattern, type EventPattern } from '../core/event-pattern';
import type { StackJson } from './scratch';

/** Every AWS service the dev stacks call, pointed at the emulator. */
export const EMULATED_SERVICES = ['cloudwatch', 'ec2', 'ecr', 'ecs', 'events', 'iam', 'kms', 'logs', 's3', 'sfn', 'sns', 'sqs', 'sts'] as const;

export interface EmulatorTarget {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Where local state goes: one `<stack>.tfstate` per stack. */
  readonly stateDir: string;
  /** The provider constraint to install (the pin, or the relaxed one when the mirror holds another 6.x). */
  readonly providerConstraint: string;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** `../../../.terraform-state/dev-base.tfstate` → `dev-base` */
const stackOfStatePath = (path: string): string => (path.split(/[\\/]/).pop() ?? path).replace(/\.tfstate$/, '');

/** S3 backend and remote-state settings that send the S3 and STS calls to the emulator. */
const s3ToEmulator = (config: Record<string, unknown>, endpoint: string): Record<string, unknown> => {
  const { kms_key_id: _kmsKeyId, dynamodb_table: _dynamodbTable, ...rest } = config;
  return { ...rest, endpoints: { s3: endpoint, sts: endpoint }, use_path_style: true, skip_metadata_api_check: true, skip_region_validation: true };
};

export const forEmulator = (stack: StackJson, stackName: string, target: EmulatorTarget): StackJson => {
  const copy = clone(stack) as StackJson & { provider?: Record<string, unknown[]>; data?: Record<string, Record<string, Record<string, unknown>>> };
  const terraform = (copy.terraform ??= {}) as Record<string, unknown>;
  const providers = terraform.required_providers as Record<string, { version?: string }> | undefined;
  if (!providers?.aws) throw new Error(`${stackName}: no required_providers.aws`);
  providers.aws.version = target.providerConstraint;

  const backend = terraform.backend as Record<string, Record<string, unknown>> | undefined;
  if (backend?.s3) terraform.backend = { s3: s3ToEmulator(backend.s3, target.endpoint) };
  else terraform.backend = { local: { path: join(target.stateDir, `${stackName}.tfstate`) } };

  const aws = copy.provider?.aws;
  if (!Array.isArray(aws) || aws.length === 0) throw new Error(`${stackName}: no provider "aws" block`);
  copy.provider!.aws = aws.map((block) => ({
    ...(block as Record<string, unknown>),
    endpoints: [Object.fromEntries(EMULATED_SERVICES.map((service) => [service, target.endpoint]))],
    s3_use_path_style: true,
    // No instance metadata service here; the credentials are the environment's fake ones.
    skip_metadata_api_check: true,
    // An API the emulator lacks answers 5xx: fail after a few tries instead of backing off for minutes.
    max_retries: 3,
  }));

  for (const [name, remote] of Object.entries(copy.data?.terraform_remote_state ?? {})) {
    const config = remote.config as Record<string, unknown> | undefined;
    if (!isRecord(config)) throw new Error(`${stackName}: remote state ${name} has no config`);
    remote.config = remote.backend === 's3' ? s3ToEmulator(config, target.endpoint) : { path: join(target.stateDir, `${stackOfStatePath(String(config.path))}.tfstate`) };
  }
  return copy;
};

export interface SampleEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

const sampleValue = (condition: unknown): unknown => {
  if (typeof condition === 'string' || typeof condition === 'number' || typeof condition === 'boolean' || condition === null) return condition;
  if (isRecord(condition)) {
    if (condition.exists === true) return 'verify';
    if (typeof condition.prefix === 'string') return `${condition.prefix}verify`;
    if (typeof condition.suffix === 'string') return `verify${condition.suffix}`;
    if (typeof condition['equals-ignore-case'] === 'string') return condition['equals-ignore-case'];
  }
  return undefined;
};

const sampleObject = (pattern: Record<string, unknown>): Record<string, unknown> | undefined => {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pattern)) {
    if (Array.isArray(value)) {
      if (value.some((c) => isRecord(c) && c.exists === false)) continue;
      const chosen = value.map(sampleValue).find((v) => v !== undefined);
      if (chosen === undefined) return undefined;
      result[key] = chosen;
    } else if (isRecord(value)) {
      const nested = sampleObject(value);
      if (!nested) return undefined;
      result[key] = nested;
    } else return undefined;
  }
  return result;
};

/**
 * An event the pattern matches, built from its literals, `exists`, `prefix`, `suffix` and
 * `equals-ignore-case` conditions; undefined for patterns it cannot satisfy that simply (numeric
 * ranges, `anything-but`, `$or`). The result is checked with our own matcher before it is used.
 */
export const sampleEvent = (pattern: EventPattern): SampleEvent | undefined => {
  const sample = sampleObject(pattern as Record<string, unknown>);
  if (!sample || typeof sample.source !== 'string' || typeof sample['detail-type'] !== 'string') return undefined;
  const detail = isRecord(sample.detail) ? sample.detail : {};
  const event = { ...sample, detail, id: 'verify', account: '000000000000', region: 'us-east-1', time: '2026-01-01T00:00:00Z', resources: [], version: '0' };
  if (!matchesPattern(pattern, event)) return undefined;
  return { source: sample.source, detailType: sample['detail-type'], detail };
};
