/**
 * environments/ci-accounts.ts: the deployed environments grouped by account, as the
 * `ci-roles-<account>` stacks hold them. (IAM's quotas on the CI policies are core/ci-roles.ts's,
 * tested at their edges in test/core/ci-roles.test.ts.)
 */
import { deployedEnvironmentsByAccount } from '../../environments/ci-accounts';
import { dev } from '../../environments/dev';
import type { EnvironmentConfig } from '../../environments/types';

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
