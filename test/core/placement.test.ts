/**
 * Task placement (core/placement.ts): ECS's rules for RunTask's placementStrategy and
 * placementConstraints, each at its limit and one past it, the ASL form and the one-line description.
 * The RunTask state's placement (rendered on EC2 capacity, refused on Fargate) is core/asl.ts's, and
 * tested with it (test/core/asl-definition.test.ts).
 */
import { MAX_PLACEMENT_CONSTRAINTS, MAX_PLACEMENT_STRATEGIES, PLACEMENT_EXPRESSION_MAX_LENGTH } from '../../core/aws-limits';
import { describePlacement, isFargateCapacityProvider, isPlacementEmpty, type Placement, placementFromParameters, placementParameters, placementProblems } from '../../core/placement';

const ARTICLE: Placement = {
  strategy: [{ type: 'spread', field: 'instanceId' }, { type: 'binpack', field: 'cpu' }, { type: 'random' }],
  constraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' }, { type: 'distinctInstance' }],
};

describe('placementProblems', () => {
  test("the article's placement (spread across instances, binpack by cpu, random) and both constraint types are valid", () => {
    expect(placementProblems(ARTICLE)).toEqual([]);
  });

  test.each([
    ['spread across zones', { type: 'spread', field: 'attribute:ecs.availability-zone' }],
    ['spread across hosts', { type: 'spread', field: 'host' }],
    ['binpack by memory', { type: 'binpack', field: 'memory' }],
  ] as const)('%s is valid', (_, item) => {
    expect(placementProblems({ strategy: [item], constraints: [] })).toEqual([]);
  });

  test.each([
    [{ type: 'binpack' }, 'strategy[0].field', 'binpack packs by cpu or memory, not undefined'],
    [{ type: 'binpack', field: 'disk' }, 'strategy[0].field', 'binpack packs by cpu or memory, not "disk"'],
    [{ type: 'spread' }, 'strategy[0].field', 'spread needs instanceId, host or an attribute'],
    [{ type: 'spread', field: 'zone' }, 'strategy[0].field', 'spread needs instanceId, host or an attribute'],
    [{ type: 'spread', field: 'attribute:' }, 'strategy[0].field', 'spread needs'],
    // The whole field is the name: nothing before it or after it.
    [{ type: 'spread', field: 'instanceIds' }, 'strategy[0].field', 'spread needs instanceId, host or an attribute such as "attribute:ecs.availability-zone", not "instanceIds"'],
    [{ type: 'spread', field: 'my-host' }, 'strategy[0].field', 'not "my-host"'],
    [{ type: 'random', field: 'cpu' }, 'strategy[0].field', 'is not used by random placement'],
    [{ type: 'pack' }, 'strategy[0].type', '"pack" is not a placement strategy (random, spread, binpack)'],
  ])('strategy %j: %s %s', (item, field, message) => {
    const problems = placementProblems({ strategy: [item as never], constraints: [] });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.field).toBe(field);
    expect(problems[0]!.message).toContain(message);
  });

  test.each([
    [{ type: 'memberOf' }, 'constraints[0].expression', 'memberOf needs a cluster query language expression'],
    [{ type: 'memberOf', expression: '   ' }, 'constraints[0].expression', 'memberOf needs'],
    [
      { type: 'memberOf', expression: 'x'.repeat(PLACEMENT_EXPRESSION_MAX_LENGTH + 1) },
      'constraints[0].expression',
      `is ${PLACEMENT_EXPRESSION_MAX_LENGTH + 1} characters; ECS takes at most ${PLACEMENT_EXPRESSION_MAX_LENGTH}`,
    ],
    [{ type: 'distinctInstance', expression: 'x' }, 'constraints[0].expression', 'is not taken by distinctInstance'],
    [{ type: 'sameInstance' }, 'constraints[0].type', '"sameInstance" is not a placement constraint (distinctInstance, memberOf)'],
  ])('constraint %j: %s %s', (item, field, message) => {
    const problems = placementProblems({ strategy: [], constraints: [item as never] });
    expect(problems).toEqual([{ field, message: expect.stringContaining(message) }]);
  });

  test(`an expression of exactly ${PLACEMENT_EXPRESSION_MAX_LENGTH} characters is taken`, () => {
    expect(placementProblems({ strategy: [], constraints: [{ type: 'memberOf', expression: 'x'.repeat(PLACEMENT_EXPRESSION_MAX_LENGTH) }] })).toEqual([]);
  });

  test(`at most ${MAX_PLACEMENT_STRATEGIES} strategy rules and ${MAX_PLACEMENT_CONSTRAINTS} constraints`, () => {
    const strategy = (n: number) => Array.from({ length: n }, () => ({ type: 'random' as const }));
    const constraints = (n: number) => Array.from({ length: n }, () => ({ type: 'distinctInstance' as const }));
    expect(placementProblems({ strategy: strategy(MAX_PLACEMENT_STRATEGIES), constraints: constraints(MAX_PLACEMENT_CONSTRAINTS) })).toEqual([]);
    expect(placementProblems({ strategy: strategy(MAX_PLACEMENT_STRATEGIES + 1), constraints: [] })).toEqual([
      { field: 'strategy', message: `has ${MAX_PLACEMENT_STRATEGIES + 1} rules; RunTask takes at most ${MAX_PLACEMENT_STRATEGIES}` },
    ]);
    expect(placementProblems({ strategy: [], constraints: constraints(MAX_PLACEMENT_CONSTRAINTS + 1) })).toEqual([
      { field: 'constraints', message: `has ${MAX_PLACEMENT_CONSTRAINTS + 1} constraints; RunTask takes at most ${MAX_PLACEMENT_CONSTRAINTS}` },
    ]);
  });

  test('every problem is reported, in order', () => {
    const problems = placementProblems({ strategy: [{ type: 'binpack' }, { type: 'spread' }], constraints: [{ type: 'memberOf' }] });
    expect(problems.map((p) => p.field)).toEqual(['strategy[0].field', 'strategy[1].field', 'constraints[0].expression']);
  });
});

describe('the ASL form and back', () => {
  test('PascalCase, in order, fields only where given', () => {
    // Strictly: a field not given is no key at all (not a key holding undefined).
    expect(placementParameters(ARTICLE)).toStrictEqual({
      PlacementStrategy: [{ Type: 'spread', Field: 'instanceId' }, { Type: 'binpack', Field: 'cpu' }, { Type: 'random' }],
      PlacementConstraints: [{ Type: 'memberOf', Expression: 'attribute:ecs.instance-type =~ t3.*' }, { Type: 'distinctInstance' }],
    });
    expect(placementParameters({ strategy: [], constraints: [] })).toStrictEqual({});
    expect(placementParameters({ strategy: [{ type: 'random' }], constraints: [] })).toStrictEqual({ PlacementStrategy: [{ Type: 'random' }] });
    expect(placementParameters({ strategy: [], constraints: [{ type: 'distinctInstance' }] })).toStrictEqual({ PlacementConstraints: [{ Type: 'distinctInstance' }] });
  });

  test('read back from RunTask parameters as they were written', () => {
    expect(placementFromParameters(placementParameters(ARTICLE))).toStrictEqual(ARTICLE);
    expect(placementFromParameters({ Cluster: 'c' })).toEqual({ strategy: [], constraints: [] });
  });

  test('described on one line, as the local timeline shows it', () => {
    expect(describePlacement(ARTICLE)).toBe('strategy spread(instanceId) → binpack(cpu) → random; constraints memberOf(attribute:ecs.instance-type =~ t3.*), distinctInstance');
    expect(describePlacement({ strategy: [{ type: 'random' }], constraints: [] })).toBe('strategy random');
    expect(describePlacement({ strategy: [], constraints: [{ type: 'distinctInstance' }] })).toBe('constraints distinctInstance');
    expect(describePlacement({ strategy: [], constraints: [] })).toBe('no placement');
  });

  test('empty placements and Fargate providers', () => {
    expect(isPlacementEmpty(undefined)).toBe(true);
    expect(isPlacementEmpty({ strategy: [], constraints: [] })).toBe(true);
    expect(isPlacementEmpty({ strategy: [{ type: 'random' }], constraints: [] })).toBe(false);
    expect(isPlacementEmpty({ strategy: [], constraints: [{ type: 'distinctInstance' }] })).toBe(false);
    expect(['FARGATE', 'FARGATE_SPOT', 'dev-ec2', 'fargate'].map(isFargateCapacityProvider)).toEqual([true, true, false, false]);
  });
});
