/**
 * Constructs that group resources without renaming them in Terraform.
 *
 * cdktf derives a resource's Terraform address from its construct path (`rule_x/state_machine` →
 * `rule_x_state_machine_C1D41EDF`). Moving a resource into a new construct would therefore change
 * its address, and Terraform would destroy and recreate it on the next deploy: a state machine with
 * executions in flight, a dead-letter queue with its messages. A `ResourceGroup` names a construct
 * in the tree (and in the `//` metadata of `cdk.tf.json`, which Terraform ignores) but not in the
 * addresses of what it holds, so constructs can be split and regrouped without a plan diff. A
 * `GroupedResourcesStack` computes addresses that way and refuses two resources that would share one.
 */
import { TerraformElement, TerraformStack } from 'cdktf';
// cdktf's own id scheme (unexported): the same function its stacks use, so addresses stay exactly theirs.
import { makeUniqueId } from 'cdktf/lib/private/unique';
import { Construct, type IConstruct, type Node } from 'constructs';

const RESOURCE_GROUP = Symbol.for('event-driven-ecs-infra/ResourceGroup');

/** A construct whose id is left out of the Terraform addresses of the resources it holds. */
export class ResourceGroup extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    Object.defineProperty(this, RESOURCE_GROUP, { value: true });
  }

  static isResourceGroup(construct: IConstruct): boolean {
    return RESOURCE_GROUP in construct;
  }
}

/**
 * The Terraform address cdktf gives a construct below `stack`, resource groups left out: the path
 * components below the stack, hashed as cdktf hashes them.
 */
export function groupedLogicalId(stack: TerraformStack, node: Node): string {
  const scopes = node.scopes;
  const components = scopes
    .slice(scopes.indexOf(stack) + 1)
    .filter((scope) => !ResourceGroup.isResourceGroup(scope))
    .map((scope) => scope.node.id);
  return components.length > 0 ? makeUniqueId(components) : '';
}

/** A stack whose resource groups stay out of Terraform addresses (see the top of this file). */
export class GroupedResourcesStack extends TerraformStack {
  private readonly addresses = new Map<string, string>();

  protected allocateLogicalId(element: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(element) ? element.node : element;
    const id = groupedLogicalId(this, node);
    const owner = this.addresses.get(id);
    if (owner !== undefined && owner !== node.path) {
      // cdktf would merge the two silently: one resource would overwrite the other.
      throw new Error(`${node.path} and ${owner} would share the Terraform address "${id}": give one of them another id (resource groups add nothing to addresses)`);
    }
    this.addresses.set(id, node.path);
    return id;
  }
}
