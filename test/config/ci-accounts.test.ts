/**
 * environments/ci-accounts.ts: the deployed environments grouped by account, and IAM's 10,240
 * characters of inline policy per role checked at its edge: a deploy role's policy of exactly the
 * limit is accepted, one character more is refused (IAM's PutRolePolicy fails only past the limit).
 */
import { IAM_ROLE_INLINE_POLICY_MAX_CHARACTERS } from '../../core/aws-limits';
import { ciRoleInlinePolicySizes } from '../../core/ci-roles';
import { ciEnvironment, ciRolePolicyProblems, type DeployedEnvironment, deployedEnvironmentsByAccount } from '../../environments/ci-accounts';
import { dev } from '../../environments/dev';
import type { EnvironmentConfig } from '../../environments/types';

/** dev, deployed with its state key named by an alias of `length` characters: the alias is written once in the deploy role's policy. */
const withAlias = (length: number): DeployedEnvironment => ({
  ...dev,
  stateBackend: { bucket: 'booking-saga-tfstate-111111111111', kmsKeyId: `arn:aws:kms:${dev.region}:${dev.accountId}:alias/${'a'.repeat(length)}` },
});
const deploySize = (envs: readonly DeployedEnvironment[]) =>
  ciRoleInlinePolicySizes({ accountId: dev.accountId, environments: envs.map(ciEnvironment) }).find((size) => size.role === 'event-driven-ecs-infra-deploy')!.characters;

describe('deployedEnvironmentsByAccount', () => {
  test('only environments with S3 state, grouped by account in order of first appearance', () => {
    const a = { ...dev, name: 'a', accountId: '111111111111' } as EnvironmentConfig;
    const b = { ...dev, name: 'b', accountId: '222222222222' } as EnvironmentConfig;
    const c = { ...dev, name: 'c', accountId: '111111111111' } as EnvironmentConfig;
    const local = { ...dev, name: 'local', accountId: '333333333333', stateBackend: undefined } as EnvironmentConfig;
    expect(deployedEnvironmentsByAccount([a, local, b, c]).map(({ accountId, environments }) => [accountId, environments.map((env) => env.name)])).toEqual([
      ['111111111111', ['a', 'c']],
      ['222222222222', ['b']],
    ]);
  });
});

describe("IAM's inline-policy limit, at its edge", () => {
  // One environment (two of dev's shape are well past the limit) filled up to the limit by its alias.
  // The alias gets longer than KMS allows (256): this checks the comparison, which reads no alias rule.
  const gap = IAM_ROLE_INLINE_POLICY_MAX_CHARACTERS - deploySize([withAlias(1)]);

  test('the alias adds one character per character', () => {
    expect(deploySize([withAlias(2)])).toBe(deploySize([withAlias(1)]) + 1);
    expect(gap).toBeGreaterThan(0);
  });

  test(`a deploy policy of exactly ${IAM_ROLE_INLINE_POLICY_MAX_CHARACTERS} characters is accepted; one more is refused`, () => {
    const atLimit = withAlias(1 + gap);
    expect(deploySize([atLimit])).toBe(IAM_ROLE_INLINE_POLICY_MAX_CHARACTERS);
    expect(ciRolePolicyProblems([atLimit])).toEqual([]);
    expect(ciRolePolicyProblems([withAlias(2 + gap)])).toEqual([
      `environments "dev": accountId: ${dev.accountId} holds 1 deployed environments, and the CI role event-driven-ecs-infra-deploy's inline policy would need 10,241 characters, over IAM's 10,240 per role; give an environment an account of its own (docs/plan-and-deploy.md, "AWS roles")`,
    ]);
  });
});
