import { findInterpolations, parseResourceReference, placeholderFor, replaceInterpolations, soleExpression, TemplateSyntaxError } from '../../local/terraform-expressions';

describe('Terraform template interpolations', () => {
  test('finds each ${...}, with nested braces and quoted braces', () => {
    const text = 'a ${x.y} b ${lookup(m, "k}")} c ${merge({a = 1}, {})}';
    expect(findInterpolations(text).map((i) => i.expression)).toEqual(['x.y', 'lookup(m, "k}")', 'merge({a = 1}, {})']);
  });

  test('$${ is a literal ${ and is not resolved', () => {
    expect(replaceInterpolations('cost: $${x} and ${y}', (e) => `[${e}]`)).toBe('cost: ${x} and [y]');
  });

  test('replaces in place and keeps the surrounding text', () => {
    expect(replaceInterpolations('BookingCreated on ${aws_cloudwatch_event_bus.bus.name} → payment', () => 'dev-booking')).toBe('BookingCreated on dev-booking → payment');
  });

  test('an unterminated interpolation is a syntax error naming its position', () => {
    expect(() => findInterpolations('abc ${x.y')).toThrow(TemplateSyntaxError);
    expect(() => findInterpolations('abc ${x.y')).toThrow(/at character 4/);
  });

  test('soleExpression only for a string that is exactly one interpolation', () => {
    expect(soleExpression('${aws_sfn_state_machine.m.arn}')).toBe('aws_sfn_state_machine.m.arn');
    expect(soleExpression('x${a.b.c}')).toBeUndefined();
    expect(soleExpression('plain')).toBeUndefined();
  });

  test('resource references, not data sources or variables', () => {
    expect(parseResourceReference('aws_cloudwatch_event_bus.bus.name')).toEqual({ type: 'aws_cloudwatch_event_bus', name: 'bus', attribute: 'name' });
    expect(parseResourceReference('aws_sfn_state_machine.rule_charge_payment_state_machine_714A0B8F.arn')?.name).toBe('rule_charge_payment_state_machine_714A0B8F');
    expect(parseResourceReference('data.terraform_remote_state.base.outputs')).toBeUndefined();
    expect(parseResourceReference('var.region.x')).toBeUndefined();
    expect(parseResourceReference('lookup(a.b.c, "k")')).toBeUndefined();
  });

  test.each([
    ['data.terraform_remote_state.base.outputs.cluster_arn', '<base:cluster_arn>'],
    ['data.terraform_remote_state.base.outputs.task_definition_arns["payment/charge"]', '<base:task_definition_arns["payment/charge"]>'],
    ['lookup(data.terraform_remote_state.base.outputs.task_role_arns, "payment")', '<base:task_role_arns["payment"]>'],
    ['element(data.terraform_remote_state.base.outputs.private_subnet_ids, 1)', '<base:private_subnet_ids[1]>'],
    ['aws_iam_role.r.arn', '<aws_iam_role.r.arn>'],
  ])('placeholder for %s', (expression, placeholder) => {
    expect(placeholderFor(expression)).toBe(placeholder);
  });
});
