import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { type TerraformStack, Testing, TerraformStack as PlainStack } from 'cdktf';
import { Construct } from 'constructs';
import { GroupedResourcesStack, ResourceGroup } from '../../stacks/resource-groups';
import { cdktfAddress } from '../invariants/addresses';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const flatQueue = cdktfAddress('rule_x', 'dead_letter_queue');

const queueAddresses = (stack: TerraformStack): string[] => Object.keys((JSON.parse(Testing.synth(stack)) as Json).resource.aws_sqs_queue).sort();

/** `rule_x/dead_letter_queue`, flat or inside a group `delivery`. */
function build(stack: TerraformStack, grouped: boolean): void {
  const rule = new Construct(stack, 'rule_x');
  const parent = grouped ? new ResourceGroup(rule, 'delivery') : rule;
  new SqsQueue(parent, 'dead_letter_queue', { name: 'q' });
  new SqsQueue(stack, 'top', { name: 'top' });
}

describe('resource groups', () => {
  test('a resource moved into a group keeps its Terraform address, so a deploy neither destroys nor recreates it', () => {
    const flat = new PlainStack(Testing.app(), 'flat');
    build(flat, false);
    const grouped = new GroupedResourcesStack(Testing.app(), 'grouped');
    build(grouped, true);
    expect(queueAddresses(grouped)).toEqual(queueAddresses(flat));
    // cdktf's own scheme: human-readable path, then a hash of it; a top-level id as it is.
    expect(queueAddresses(flat)).toEqual([flatQueue, 'top']);
  });

  test('in a plain stack the group is part of the address (what GroupedResourcesStack prevents)', () => {
    const plain = new PlainStack(Testing.app(), 'plain');
    build(plain, true);
    expect(queueAddresses(plain)).not.toContain(flatQueue);
    expect(queueAddresses(plain).some((address) => address.startsWith('rule_x_delivery_dead_letter_queue_'))).toBe(true);
  });

  test('the construct path, in cdk.tf.json metadata, still shows the group', () => {
    const stack = new GroupedResourcesStack(Testing.app(), 'grouped');
    build(stack, true);
    const queue = stack.toTerraform().resource.aws_sqs_queue[flatQueue];
    expect(queue['//'].metadata.path).toBe('grouped/rule_x/delivery/dead_letter_queue');
  });

  test('two resources that would share an address are refused, naming both (cdktf would merge them silently)', () => {
    const stack = new GroupedResourcesStack(Testing.app(), 'collide');
    const rule = new Construct(stack, 'rule_x');
    new SqsQueue(new ResourceGroup(rule, 'one'), 'queue', { name: 'a' });
    new SqsQueue(new ResourceGroup(rule, 'two'), 'queue', { name: 'b' });
    expect(() => Testing.synth(stack)).toThrow(
      `collide/rule_x/two/queue and collide/rule_x/one/queue would share the Terraform address "${cdktfAddress('rule_x', 'queue')}": give one of them another id (resource groups add nothing to addresses)`,
    );
  });

  test('a plain construct still counts in addresses', () => {
    expect(ResourceGroup.isResourceGroup(new Construct(new PlainStack(Testing.app(), 's'), 'c'))).toBe(false);
    expect(ResourceGroup.isResourceGroup(new ResourceGroup(new PlainStack(Testing.app(), 's'), 'g'))).toBe(true);
  });
});
