import { DataTerraformRemoteStateLocal, DataTerraformRemoteStateS3, LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../environments/types';
import { stateKey } from '../core/naming';

/**
 * Where local state lives, relative to a stack's working directory (`cdktf.out/stacks/<stack>`):
 * `<repo>/.terraform-state/<stack>.tfstate`. Relative, so `cdktf.out` holds no path of the build
 * machine (cdktf's default local backend writes an absolute one), and outside `cdktf.out`, so a new
 * synth does not wipe it.
 */
export const localStatePath = (stack: string): string => `../../../.terraform-state/${stack}.tfstate`;

/** The Terraform versions every synthesized stack accepts (tflint's terraform_required_version). */
export const TERRAFORM_REQUIRED_VERSION = '>= 1.10';

/**
 * S3 backend from the environment's config, with native S3 locking (`use_lockfile`, Terraform ≥ 1.10)
 * and encryption; a local backend when the environment names no bucket: only for an environment
 * that no workflow plans or deploys (a runner's local state is gone when its job ends; test/workflows.test.ts).
 */
export function configureBackend(stack: TerraformStack, env: EnvironmentConfig, name: string): void {
  // cdktf writes no required_version; an older Terraform would ignore `use_lockfile` (S3 native
  // locking, Terraform >= 1.10; OpenTofu >= 1.8) and run unlocked. Every stack states it.
  stack.addOverride('terraform.required_version', TERRAFORM_REQUIRED_VERSION);
  const backend = env.stateBackend;
  if (!backend) {
    new LocalBackend(stack, { path: localStatePath(name) });
    return;
  }
  new S3Backend(stack, {
    bucket: backend.bucket,
    key: stateKey(env.name, name),
    region: backend.region ?? env.region,
    encrypt: true,
    ...(backend.kmsKeyId ? { kmsKeyId: backend.kmsKeyId } : {}),
  });
  // cdktf 0.21's S3Backend predates `use_lockfile`; DynamoDB locking is deprecated in its favour.
  stack.addOverride('terraform.backend.s3.use_lockfile', true);
}

/** Reads another stack's outputs through the same kind of backend the environment uses. */
export function remoteState(scope: Construct, id: string, env: EnvironmentConfig, stack: string) {
  const backend = env.stateBackend;
  if (!backend) {
    return new DataTerraformRemoteStateLocal(scope, id, { path: localStatePath(stack) });
  }
  return new DataTerraformRemoteStateS3(scope, id, {
    bucket: backend.bucket,
    key: stateKey(env.name, stack),
    region: backend.region ?? env.region,
    encrypt: true,
  });
}
