/**
 * Single fields of an environment: the pure rules of each (each returns our message, or undefined
 * when the value is valid) and the zod fields built on them. catalog/fields.ts holds the messages
 * and the rules the catalog shares.
 */
import { z } from 'zod';
import { LOG_RETENTION_DAYS, NAME_MAX_LENGTH, RESERVED_CAPACITY_PROVIDER_PREFIXES, S3_BUCKET_NAME_LENGTH, TAG_KEY_LENGTH, TAG_VALUE_MAX_LENGTH } from '../core/aws-limits';
import { checkedString, nameProblem, quote } from '../catalog/fields';
import { isKnownRegion } from './regions';

// ---------------------------------------------------------------------------------------------
// Limits and field rules (pure; each returns our message or undefined)
// ---------------------------------------------------------------------------------------------

/** Short enough that every derived AWS name fits (checked against the catalog below). */
export const ENVIRONMENT_NAME_MAX_LENGTH = 16;

export function environmentNameProblem(name: string): string | undefined {
  return nameProblem(name) ?? (name.length > ENVIRONMENT_NAME_MAX_LENGTH ? `${quote(name)} is longer than ${ENVIRONMENT_NAME_MAX_LENGTH} characters` : undefined);
}

export const accountIdProblem = (id: string): string | undefined => (/^\d{12}$/.test(id) ? undefined : `${quote(id)} must be exactly 12 digits`);

export function regionProblem(region: string): string | undefined {
  if (!/^[a-z]{2}(?:-[a-z]+)+-\d+$/.test(region)) return `${quote(region)} is not an AWS region code such as "eu-west-1"`;
  if (!isKnownRegion(region)) return `${quote(region)} is not a known region of the aws partition (environments/regions.ts lists them)`;
  return undefined;
}

/** AWS tag rules: keys 1–128 and values 0–256 characters of letters, digits, spaces and `_ . : / = + - @`; no `aws:` keys. */
export function tagKeyProblem(key: string): string | undefined {
  if (key.length < TAG_KEY_LENGTH.min || key.length > TAG_KEY_LENGTH.max) return `tag keys must be ${TAG_KEY_LENGTH.min} to ${TAG_KEY_LENGTH.max} characters, not ${key.length}`;
  if (key.toLowerCase().startsWith('aws:')) return 'tag keys must not start with "aws:" (reserved by AWS)';
  if (!TAG_CHARACTERS.test(key)) return 'tag keys may hold only letters, digits, spaces and _ . : / = + - @';
  return undefined;
}

export function tagValueProblem(value: string): string | undefined {
  if (value.length > TAG_VALUE_MAX_LENGTH) return `tag values must be at most ${TAG_VALUE_MAX_LENGTH} characters, not ${value.length}`;
  if (!TAG_CHARACTERS.test(value)) return `${quote(value)}: tag values may hold only letters, digits, spaces and _ . : / = + - @`;
  return undefined;
}

const TAG_CHARACTERS = /^[\p{L}\p{N}\p{Zs}_.:/=+\-@]*$/u;

/** S3 general purpose bucket naming rules. */
export function bucketNameProblem(bucket: string): string | undefined {
  const rule = (why: string) => `${quote(bucket)} is not a valid S3 bucket name: ${why}`;
  if (bucket.length < S3_BUCKET_NAME_LENGTH.min || bucket.length > S3_BUCKET_NAME_LENGTH.max)
    return rule(`it must be ${S3_BUCKET_NAME_LENGTH.min} to ${S3_BUCKET_NAME_LENGTH.max} characters`);
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket)) return rule('use lower-case letters, digits, dots and dashes, starting and ending with a letter or digit');
  if (bucket.includes('..')) return rule('two adjacent dots');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return rule('it must not look like an IP address');
  const prefix = ['xn--', 'sthree-', 'amzn-s3-demo-'].find((p) => bucket.startsWith(p));
  if (prefix) return rule(`the prefix "${prefix}" is reserved`);
  const suffix = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'].find((s) => bucket.endsWith(s));
  if (suffix) return rule(`the suffix "${suffix}" is reserved`);
  return undefined;
}

export const KMS_ARN = /^arn:aws:kms:([a-z0-9-]+):(\d{12}):(?:key\/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})|alias\/[A-Za-z0-9/_-]+)$/;

export const kmsKeyArnProblem = (arn: string): string | undefined =>
  KMS_ARN.test(arn) ? undefined : `${quote(arn)} is not a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<key id> or …:alias/<name>)`;

export const VPC_PREFIX_RANGE = { min: 16, max: 24 } as const;

export function cidrProblem(cidr: string): string | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const prefix = match ? Number(match[5]) : NaN;
  // Leading zeros are rejected: some parsers read them as octal.
  const malformed = !match || match.slice(1, 5).some((octet) => octet.length > 1 && octet.startsWith('0'));
  if (malformed || octets.some((octet) => octet > 255) || prefix > 32) return `${quote(cidr)} is not a valid IPv4 CIDR block`;
  if (prefix < VPC_PREFIX_RANGE.min || prefix > VPC_PREFIX_RANGE.max) {
    return `${quote(cidr)} is a /${prefix}; a VPC here must be /${VPC_PREFIX_RANGE.min} to /${VPC_PREFIX_RANGE.max}`;
  }
  const address = octets.reduce((value, octet) => value * 256 + octet, 0);
  const size = 2 ** (32 - prefix);
  const network = address - (address % size);
  if (network !== address) {
    const dotted = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.');
    return `${quote(cidr)} has host bits set; the network address is "${dotted}/${prefix}"`;
  }
  return undefined;
}

/** Docker/ECR tag rules. */
export const imageTagProblem = (tag: string): string | undefined =>
  /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(tag) ? undefined : `${quote(tag)} is not a valid image tag (1 to 128 letters, digits, "_", "." or "-", not starting with "." or "-")`;

const resourceIdProblem = (prefix: string, what: string) => (id: string) =>
  new RegExp(`^${prefix}-(?:[0-9a-f]{8}|[0-9a-f]{17})$`).test(id) ? undefined : `${quote(id)} is not ${what} (${prefix}- followed by 8 or 17 hex digits)`;
export const subnetIdProblem = resourceIdProblem('subnet', 'a subnet id');
export const securityGroupIdProblem = resourceIdProblem('sg', 'a security group id');

export const emailProblem = (email: string): string | undefined => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? undefined : `${quote(email)} is not an e-mail address`);

/** A CloudWatch Logs retention, in days. */
export const retentionDays = z.number().superRefine((days, ctx) => {
  if (!LOG_RETENTION_DAYS.includes(days)) {
    ctx.addIssue({ code: 'custom', message: `${days} is not a CloudWatch Logs retention; use one of ${LOG_RETENTION_DAYS.join(', ')}` });
  }
});

/** A list of ids: 1 to `max` entries, none repeated. */
export const idList = (problem: (id: string) => string | undefined, max: number) =>
  z.array(checkedString(problem)).superRefine((ids, ctx) => {
    if (ids.length === 0 || ids.length > max) ctx.addIssue({ code: 'custom', message: `must list 1 to ${max} ids, not ${ids.length}` });
    ids.forEach((id, index) => {
      if (ids.indexOf(id) !== index) ctx.addIssue({ code: 'custom', message: `${quote(id)} is listed twice`, path: [index] });
    });
  });

/** An EC2 instance type: a family with a generation digit, a dot, a size (`t3.small`, `m7i-flex.large`, `c6a.2xlarge`). */
export const instanceTypeProblem = (type: string): string | undefined =>
  /^[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9]+$/.test(type) ? undefined : `${quote(type)} is not an EC2 instance type (for example "t3.small")`;

/** An encrypted gp3 root volume: at least the ECS-optimized AMI's 30 GiB snapshot, at most gp3's 16 TiB. */
export const EC2_ROOT_VOLUME_GIB_RANGE = { min: 30, max: 16_384 } as const;

/** ECS capacity provider names: 1–255 letters, digits, `_` and `-`, not prefixed `aws`, `ecs` or `fargate`. */
export function capacityProviderNameProblem(name: string): string | undefined {
  if (!new RegExp(`^[A-Za-z0-9_-]{1,${NAME_MAX_LENGTH.ecsCapacityProvider}}$`).test(name)) {
    return `${quote(name)} is not a capacity provider name (1 to ${NAME_MAX_LENGTH.ecsCapacityProvider} letters, digits, "_" or "-")`;
  }
  const reserved = RESERVED_CAPACITY_PROVIDER_PREFIXES.find((prefix) => name.toLowerCase().startsWith(prefix));
  return reserved
    ? `${quote(name)} starts with "${reserved}", which ECS reserves (capacity provider names may not start with ${RESERVED_CAPACITY_PROVIDER_PREFIXES.map((p) => `"${p}"`).join(', ')})`
    : undefined;
}
