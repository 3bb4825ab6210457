/**
 * cdktf's `App.synth()` first calls `prepareStack()` on every stack, which resolves every element
 * of the stack once (building each resource's Terraform JSON) only to discover cross-stack
 * references, then synthesis builds and resolves every element again. Our stacks make no
 * cross-stack references: a service stack reads its base through remote state and the alarm topic
 * by its ARN, both plain strings (docs/architecture.md). So that first pass finds nothing, yet it
 * costs about a fifth of synthesis time (docs/performance.md); an independent stack skips it.
 *
 * `CDKTF_PREPARE_STACKS=1` runs cdktf's own preparation again: a test synthesizes both ways and
 * compares every byte, so a cross-stack reference added by mistake (which would then come out as
 * a dangling `${aws_…}` in the wrong stack) fails the suite instead of a plan.
 */
import { TerraformStack } from 'cdktf';

export const PREPARE_STACKS_ENV = 'CDKTF_PREPARE_STACKS';

// TypeScript requires a mixin's base constructor to take `...args: any[]`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StackClass = abstract new (...args: any[]) => TerraformStack;

/** `Base` without cdktf's cross-stack preparation (a mixin, so it composes with other stack kinds). */
export function independent<TBase extends StackClass>(Base: TBase) {
  abstract class Independent extends Base {
    override prepareStack(): void {
      if (process.env[PREPARE_STACKS_ENV] === '1') {
        super.prepareStack();
        return;
      }
      // What cdktf's preparation does besides looking for cross-stack references.
      this.ensureBackendExists();
    }
  }
  return Independent;
}

export abstract class IndependentStack extends independent(TerraformStack) {}
