/**
 * Scratch copies of what is verified, under `.verify/` (git-ignored): `terraform init` writes
 * `.terraform/` next to the configuration, and the tiers must neither dirty `modules/` nor change
 * what `cdktf.out` holds for a real deploy. The transforms are pure; `copyTarget` does the I/O.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type StackJson = Record<string, unknown> & { terraform?: Record<string, unknown> };

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * The provider constraint to validate with. The stacks pin an exact version; a mirror that holds
 * another version of the same major (the nearest the Go module proxy serves) is validated against
 * `~> <major>.<minor>` of the pin, since within a major version the provider only adds.
 */
export const providerConstraint = (pinned: string, available: string | undefined): { constraint: string; relaxed: boolean } => {
  if (available === undefined || available === pinned) return { constraint: pinned, relaxed: false };
  const [major, minor] = pinned.split('.');
  if (major !== available.split('.')[0]) {
    throw new Error(`the provider mirror holds hashicorp/aws ${available}, another major version than the pinned ${pinned}`);
  }
  return { constraint: `~> ${major}.${minor}`, relaxed: true };
};

/** The stack with `required_providers.aws.version` set to `constraint`. */
export const withAwsProviderConstraint = (stack: StackJson, constraint: string): StackJson => {
  const copy = clone(stack);
  const providers = (copy.terraform?.required_providers ?? {}) as Record<string, { version?: string }>;
  if (!providers.aws) throw new Error('stack has no required_providers.aws to pin');
  providers.aws.version = constraint;
  return copy;
};

/** Copies `source` to `destination` (replacing it), without Terraform's working files. */
export const copyTarget = (source: string, destination: string, transformStack?: (stack: StackJson) => StackJson): void => {
  rmSync(destination, { recursive: true, force: true });
  mkdirSync(destination, { recursive: true });
  for (const entry of readdirSync(source)) {
    if (entry === '.terraform' || entry === '.terraform.lock.hcl' || entry.endsWith('.tfstate') || entry === 'tfplan') continue;
    cpSync(join(source, entry), join(destination, entry), { recursive: true });
  }
  if (transformStack) {
    const file = join(destination, 'cdk.tf.json');
    const stack = JSON.parse(readFileSync(file, 'utf8')) as StackJson;
    writeFileSync(file, `${JSON.stringify(transformStack(stack), null, 2)}\n`);
  }
};
