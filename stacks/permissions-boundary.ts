import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Aspects, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';

/**
 * Puts `boundaryArn` on every IAM role of `scope` as its permissions boundary, as AWS CDK's
 * `PermissionsBoundary.of(scope).apply()` does: a role added later, by any construct, is bounded
 * too. The deploy role may create a role only with this boundary (core/ci-roles.ts); the roles of the
 * HCL modules get it through their `permissions_boundary_arn` variable (stacks/base-inputs.ts).
 */
export function applyPermissionsBoundary(scope: IConstruct, boundaryArn: string | undefined): void {
  if (boundaryArn === undefined) return;
  const aspect: IAspect = {
    visit(node: IConstruct) {
      if (node instanceof IamRole) node.permissionsBoundary = boundaryArn;
    },
  };
  Aspects.of(scope).add(aspect);
}
