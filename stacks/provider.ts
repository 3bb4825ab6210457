import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../environments/types';

/** The AWS provider of a stack: pinned to the environment's account, with its default tags. */
export function awsProvider(scope: Construct, env: EnvironmentConfig): AwsProvider {
  return new AwsProvider(scope, 'aws', {
    region: env.region,
    // A plan with credentials of the wrong account fails instead of creating resources there.
    allowedAccountIds: [env.accountId],
    defaultTags: [{ tags: { ...env.defaultTags } }],
  });
}
