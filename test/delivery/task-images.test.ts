/**
 * Which bundles and images the catalog asks for (delivery/task-images.ts), where the images go,
 * and the catalogs whose images cannot be built: each refused with the service, task or rule and
 * field at fault.
 */
import type { Catalog, ServiceSpec, TaskSpec } from '../../catalog/types';
import { imagePushPolicy, WILDCARD_RESOURCE_ALLOWED, wildcardResourceStatements } from '../../core/iam-policies';
import { ecrRegistry, imageBuildTarget } from '../../core/naming';
import { bundleFile, bundleOfCommand } from '../../core/task-bundles';
import { IMAGE_PUSH_ROLE_NAME, imageRegistries, TaskImageError, taskImages } from '../../delivery/task-images';
import { environments } from '../../environments';
import type { EnvironmentConfig, ManagedBaseConfig } from '../../environments/types';
import { existingBaseEnvironment } from '../fixtures/environments';

const task = (name: string, overrides: Partial<TaskSpec> = {}): TaskSpec => ({
  name,
  containerName: name,
  imageRepository: `shop/${name}`,
  cpu: 256,
  memory: 512,
  command: ['node', `dist/${name}.js`],
  local: { command: ['node', '--import', 'tsx', `task-programs/shop/${name}.ts`] },
  ...overrides,
});

const service = (name: string, tasks: TaskSpec[], rules: ServiceSpec['rules'] = []): ServiceSpec => ({ name, description: name, tasks, rules });
const catalog = (...services: ServiceSpec[]): Catalog => ({ namespace: 'shop', services });
const rule = (name: string, target: { service: string; task: string; command?: string[] }) => ({
  name,
  eventPattern: { 'detail-type': ['X'] },
  target,
});

const problemsOf = (value: Catalog): readonly string[] => {
  try {
    taskImages(value);
  } catch (error) {
    if (error instanceof TaskImageError) return error.problems;
    throw error;
  }
  return [];
};

describe('bundleOfCommand (core/task-bundles.ts)', () => {
  it.each([
    [['node', 'dist/charge-payment.js'], 'charge-payment'],
    [['node', 'dist/cancel-booking.js', '--reason', 'payment-failed'], 'cancel-booking'],
    [['node', 'dist/a.b_c.js'], 'a.b_c'],
  ])('%j runs bundle %s', (command, bundle) => {
    expect(bundleOfCommand(command)).toBe(bundle);
    expect(bundleFile(bundle)).toBe(command[1]);
  });

  it.each([
    [['node']],
    [['nodejs', 'dist/x.js']],
    [['node', '--enable-source-maps', 'dist/x.js']],
    [['node', 'dist/sub/x.js']],
    [['node', 'dist/x.mjs']],
    [['node', 'build/x.js']],
    [['node', './dist/x.js']],
    [['node', 'dist/.js']],
    [['node', 'dist/X.js']],
    [['python', 'dist/x.js']],
  ])('%j runs no bundle', (command) => {
    expect(bundleOfCommand(command)).toBeUndefined();
  });
});

describe('catalogs beyond the example', () => {
  it("tasks sharing a repository share one image holding every bundle; its CMD is the first task's", () => {
    const shared = catalog(service('payment', [task('charge', { imageRepository: 'shop/payment' }), task('refund', { imageRepository: 'shop/payment' })]));
    expect(taskImages(shared).images).toEqual([
      { repository: 'shop/payment', target: 'shop--payment', command: ['node', 'dist/charge.js'], bundles: ['charge', 'refund'], tasks: ['payment/charge', 'payment/refund'] },
    ]);
  });

  it('two tasks may run one bundle from one source: built once', () => {
    const twice = catalog(
      service('a', [task('x')]),
      service('b', [task('y', { command: ['node', 'dist/x.js', '--mode', 'b'], local: { command: ['node', '--import', 'tsx', 'task-programs/shop/x.ts'] } })]),
    );
    expect(taskImages(twice).bundles).toEqual([{ name: 'x', file: 'dist/x.js', source: 'task-programs/shop/x.ts', tasks: ['a/x', 'b/y'] }]);
  });

  it('a task whose command runs something else is built elsewhere, and no image is made for it', () => {
    const mixed = catalog(service('a', [task('x'), task('legacy', { command: ['java', '-jar', 'app.jar'], local: undefined })]));
    const result = taskImages(mixed);
    expect(result.external).toEqual(['a/legacy']);
    expect(result.images.map((image) => image.repository)).toEqual(['shop/x']);
  });

  it("a rule command with extra arguments runs its task's bundle; one that runs no bundle (a shell) is the rule's business", () => {
    const ok = catalog(service('a', [task('x')], [rule('r', { service: 'a', task: 'x', command: ['node', 'dist/x.js', '--reason', 'y'] })]));
    expect(problemsOf(ok)).toEqual([]);
    const shell = catalog(service('a', [task('x')], [rule('r', { service: 'a', task: 'x', command: ['sh', '-c', 'node dist/x.js'] })]));
    expect(problemsOf(shell)).toEqual([]);
  });

  it.each<[string, Catalog, string[]]>([
    [
      'a Node option before the bundle',
      catalog(service('a', [task('x', { command: ['node', '--enable-source-maps', 'dist/x.js'] })])),
      [
        'catalog: service "a", task "x": command: ["node","--enable-source-maps","dist/x.js"] names a bundle but does not run it as ["node", "dist/<name>.js", ...arguments] (Node options go in NODE_OPTIONS)',
      ],
    ],
    [
      'no TypeScript source in local.command',
      catalog(service('a', [task('x', { local: undefined })])),
      ['catalog: service "a", task "x": local.command: runs dist/x.js in its image, so local.command must name exactly one TypeScript file to bundle it from (found none)'],
    ],
    [
      'two TypeScript files in local.command',
      catalog(service('a', [task('x', { local: { command: ['node', '--import', 'tsx', 'a.ts', 'b.ts'] } })])),
      ['catalog: service "a", task "x": local.command: runs dist/x.js in its image, so local.command must name exactly one TypeScript file to bundle it from (found "a.ts", "b.ts")'],
    ],
    [
      'one bundle from two sources',
      catalog(service('a', [task('x')]), service('b', [task('y', { command: ['node', 'dist/x.js'] })])),
      ['catalog: service "b", task "y": local.command: builds dist/x.js from "task-programs/shop/y.ts", but a/x builds it from "task-programs/shop/x.ts"; one bundle has one source'],
    ],
    [
      "a rule command running a bundle its target's image does not hold",
      catalog(service('a', [task('x'), task('y')], [rule('r', { service: 'a', task: 'x', command: ['node', 'dist/y.js'] })])),
      ['catalog: service "a", rule "r": target.command: runs dist/y.js, which image "shop/x" of task a/x does not hold (it holds dist/x.js)'],
    ],
    [
      'a rule command with a Node option before the bundle',
      catalog(service('a', [task('x')], [rule('r', { service: 'a', task: 'x', command: ['node', '--inspect', 'dist/x.js'] })])),
      ['catalog: service "a", rule "r": target.command: ["node","--inspect","dist/x.js"] names a bundle but does not run it as ["node", "dist/<name>.js", ...arguments]'],
    ],
    [
      'a repository shared by a bundled task and an external one',
      catalog(service('a', [task('x', { imageRepository: 'shop/a' }), task('legacy', { imageRepository: 'shop/a', command: ['java', '-jar', 'app.jar'] })])),
      ['catalog: image repository "shop/a": tasks a/x run bundles built here but a/legacy run(s) something else; one repository holds one image, so give them separate repositories'],
    ],
    [
      'a repository whose stage name would not start with a letter',
      catalog(service('a', [task('x', { imageRepository: '9lives/x' })])),
      ['catalog: image repository "9lives/x": its Dockerfile stage "9lives--x" must start with a letter (Docker stage names are [a-z][a-z0-9._-]*)'],
    ],
  ])('refuses %s', (_name, value, expected) => {
    expect(problemsOf(value)).toEqual(expected);
  });

  it('lists every problem at once, in one error', () => {
    const bad = catalog(service('a', [task('x', { local: undefined }), task('y', { command: ['node', '--inspect', 'dist/y.js'] })]));
    expect(() => taskImages(bad)).toThrow(/cannot be built \(2 problems\):\n {2}- catalog: service "a", task "x": local\.command: .*\n {2}- catalog: service "a", task "y": command: /);
  });
});

describe('imageBuildTarget (core/naming.ts)', () => {
  it('turns a repository into a Docker stage name, one per repository', () => {
    expect(imageBuildTarget('booking-saga/payment')).toBe('booking-saga--payment');
    expect(imageBuildTarget('a/b/c')).toBe('a--b--c');
    expect(imageBuildTarget('a.b_c-d')).toBe('a.b_c-d');
    // ECR names hold no "--", so these stay apart.
    expect(imageBuildTarget('a-b/c')).not.toBe(imageBuildTarget('a/b-c'));
  });
});

describe('imageRegistries', () => {
  const managed = (env: EnvironmentConfig): ManagedBaseConfig => env.base as ManagedBaseConfig;

  it('is every managed environment, with the role in its own account; an existing base is not one', () => {
    expect(imageRegistries([...environments, existingBaseEnvironment])).toEqual([
      {
        environment: 'dev',
        account: '111111111111',
        region: 'ap-southeast-1',
        registry: '111111111111.dkr.ecr.ap-southeast-1.amazonaws.com',
        role: 'arn:aws:iam::111111111111:role/event-driven-ecs-infra-images',
        'moving-tags': 'latest',
      },
      {
        environment: 'staging',
        account: '222222222222',
        region: 'ap-southeast-1',
        registry: '222222222222.dkr.ecr.ap-southeast-1.amazonaws.com',
        role: 'arn:aws:iam::222222222222:role/event-driven-ecs-infra-images',
        'moving-tags': '',
      },
      {
        environment: 'prod',
        account: '333333333333',
        region: 'ap-southeast-1',
        registry: '333333333333.dkr.ecr.ap-southeast-1.amazonaws.com',
        role: 'arn:aws:iam::333333333333:role/event-driven-ecs-infra-images',
        'moving-tags': '',
      },
    ]);
    expect(ecrRegistry('eu-west-1', '444444444444')).toBe('444444444444.dkr.ecr.eu-west-1.amazonaws.com');
    expect(IMAGE_PUSH_ROLE_NAME).toBe('event-driven-ecs-infra-images');
  });

  it("moves `latest` where the configuration runs it: the default tag or one task's override", () => {
    const staging = environments.find((env) => env.name === 'staging')!;
    const withOverride: EnvironmentConfig = { ...staging, base: { ...managed(staging), taskOverrides: { 'payment/charge': { imageTag: 'latest' } } } };
    const withOtherTags: EnvironmentConfig = { ...staging, base: { ...managed(staging), defaultImageTag: 'latest-ish', taskOverrides: { 'payment/charge': { imageTag: 'v1' } } } };
    expect(imageRegistries([withOverride, withOtherTags]).map((r) => r['moving-tags'])).toEqual(['latest', '']);
  });
});

describe('imagePushPolicy (core/iam-policies.ts)', () => {
  const policy = imagePushPolicy('ap-southeast-1', '111111111111', ['booking-saga/seat', 'booking-saga/payment', 'booking-saga/seat']);

  it('pushes to exactly the given repositories; logs in with the one "*" AWS requires', () => {
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'EcrAuthorizationToken', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
        {
          Sid: 'PushTaskImages',
          Effect: 'Allow',
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage', 'ecr:BatchGetImage', 'ecr:DescribeImages'],
          Resource: ['arn:aws:ecr:ap-southeast-1:111111111111:repository/booking-saga/payment', 'arn:aws:ecr:ap-southeast-1:111111111111:repository/booking-saga/seat'],
        },
      ],
    });
    expect(wildcardResourceStatements(policy).map((s) => s.Sid)).toEqual(['EcrAuthorizationToken']);
    expect(WILDCARD_RESOURCE_ALLOWED.EcrAuthorizationToken).toMatch(/AWS requires "\*"/);
  });

  it('can delete nothing', () => {
    const actions = policy.Statement.flatMap((s) => ([] as string[]).concat(s.Action));
    expect(actions.filter((action) => /Delete|SetRepositoryPolicy|PutLifecyclePolicy|\*/.test(action))).toEqual([]);
  });
});
