/** Managed resource or data source, as plan review and the emulator tier read it (core/terraform-mode.ts). */
import { resourceMode } from '../../core/terraform-mode';

describe('resourceMode', () => {
  test('the mode Terraform writes wins over the address', () => {
    expect(resourceMode('managed', 'data.aws_region.r')).toBe('managed');
    expect(resourceMode('data', 'aws_s3_bucket.b')).toBe('data');
  });

  test.each([
    ['data.aws_caller_identity.current', 'data'],
    ['module.base.data.aws_region.r', 'data'],
    ['module.a["x.y"].module.b[0].data.aws_iam_policy_document.p', 'data'],
    ['module.data.data.aws_region.r', 'data'],
    ['module.data.aws_db_instance.main', 'managed'],
    ['module.data["k"].aws_db_instance.main', 'managed'],
    ['aws_cloudwatch_event_rule.data', 'managed'],
    ['aws_s3_bucket.b', 'managed'],
    ['xdata.aws_region.r', 'managed'],
  ] as const)('without a mode (or an unknown one), by the address inside its modules: %s is %s', (address, mode) => {
    expect(resourceMode(undefined, address)).toBe(mode);
    expect(resourceMode('ephemeral', address)).toBe(mode);
  });
});
