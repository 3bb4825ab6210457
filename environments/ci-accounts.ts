/**
 * The environments the workflows deploy, grouped by AWS account as the `ci-roles-<account>` stacks
 * hold them (stacks/app.ts, stacks/ci-roles-stack.ts), and what IAM allows one account's CI roles.
 */
import { ciPolicyQuotaProblems, type AccountScope, type CiEnvironment } from '../core/ci-roles';
import type { EnvironmentConfig } from './types';

/** An environment a workflow deploys: it keeps its state in S3 (one with local state is never deployed). */
export type DeployedEnvironment = EnvironmentConfig & { stateBackend: NonNullable<EnvironmentConfig['stateBackend']> };

/** What the CI roles' policies need to know of one environment. */
export function ciEnvironment(env: DeployedEnvironment): CiEnvironment {
  return {
    name: env.name,
    region: env.region,
    stateBucket: env.stateBackend.bucket,
    ...(env.stateBackend.kmsKeyId ? { stateKmsKeyId: env.stateBackend.kmsKeyId } : {}),
    ...(env.base.kind === 'managed' && env.base.cluster.ec2 ? { ec2Capacity: true } : {}),
  };
}

/** The deployed environments of each account, accounts in order of first appearance. */
export function deployedEnvironmentsByAccount(environments: readonly EnvironmentConfig[]): { readonly accountId: string; readonly environments: readonly DeployedEnvironment[] }[] {
  const deployed = environments.filter((env): env is DeployedEnvironment => env.stateBackend !== undefined);
  return [...new Set(deployed.map((env) => env.accountId))].map((accountId) => ({ accountId, environments: deployed.filter((env) => env.accountId === accountId) }));
}

/**
 * Every environment of an account widens its CI roles' policies, which IAM caps (per managed policy,
 * and in managed policies per role): an account holding too many deployed environments would fail at
 * apply (LimitExceeded), after the environments before it had been deployed. Refused before anything
 * is synthesized.
 */
export function ciRolePolicyProblems(environments: readonly EnvironmentConfig[]): string[] {
  return deployedEnvironmentsByAccount(environments).flatMap(({ accountId, environments: inAccount }) => {
    const scope: AccountScope = { accountId, environments: inAccount.map(ciEnvironment) };
    const names = inAccount.map((env) => JSON.stringify(env.name)).join(', ');
    return ciPolicyQuotaProblems(scope).map(
      (problem) =>
        `environments ${names}: accountId: ${accountId} holds ${inAccount.length} deployed environment${inAccount.length === 1 ? '' : 's'}, and ${problem}; give an environment an account of its own (docs/plan-and-deploy.md, "AWS roles")`,
    );
  });
}
