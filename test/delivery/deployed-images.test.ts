/** npm run images:check: every image a deploy will run exists before it is applied. */
import { bookingSaga } from '../../catalog/booking-saga';
import { checkDeployedImages, deployedImages, type ImageLookupResult, interpretDescribeImages } from '../../delivery/deployed-images';
import { environments } from '../../environments';
import { awsCliLookup, parseImagesCheckArgs, runImagesCheck } from '../../scripts/images-check';
import { EXIT } from '../../tooling/cli';
import { existingBaseEnvironment } from '../fixtures/environments';

const env = (name: string) => environments.find((e) => e.name === name)!;

describe('the images an environment runs', () => {
  it("each task's repository with its override's tag, else the base default; none for an existing base", () => {
    const staging = deployedImages(env('staging'), bookingSaga);
    expect(staging.find((i) => i.service === 'payment' && i.task === 'charge')).toEqual({ service: 'payment', task: 'charge', repository: 'booking-saga/payment', tag: 'staging-candidate' });
    expect(new Set(staging.filter((i) => !(i.service === 'payment' && i.task === 'charge')).map((i) => i.tag))).toEqual(new Set(['staging']));
    expect(staging.length).toBe(bookingSaga.services.flatMap((s) => s.tasks).length);
    expect(deployedImages(existingBaseEnvironment, bookingSaga)).toEqual([]);
  });
});

describe('checkDeployedImages', () => {
  const lookups: string[] = [];
  const lookup =
    (answers: Record<string, ImageLookupResult['kind']>) =>
    (repository: string, tag: string): ImageLookupResult => {
      lookups.push(`${repository}:${tag}`);
      return { kind: answers[`${repository}:${tag}`] ?? 'found' } as ImageLookupResult;
    };
  beforeEach(() => lookups.splice(0));

  it('names the environment, service, task and tag of each missing image, and where to fix it; asks once per image', () => {
    const result = checkDeployedImages(env('staging'), bookingSaga, lookup({ 'booking-saga/payment:staging-candidate': 'missing' }));
    expect(result.problems).toEqual([
      'environment staging, service payment, task charge: image tag "staging-candidate" does not exist in 222222222222.dkr.ecr.ap-southeast-1.amazonaws.com/booking-saga/payment; ' +
        'push it (the images workflow pushes every commit of main) or name a tag that exists (base.taskOverrides["payment/charge"].imageTag or base.defaultImageTag)',
    ]);
    expect(result.notes).toEqual([]);
    expect(lookups.length).toBe(new Set(lookups).size);
    expect(lookups).toContain('booking-saga/payment:staging-candidate');
  });

  it('all present: nothing to say; a repository not created yet is a note, not a refusal', () => {
    expect(checkDeployedImages(env('prod'), bookingSaga, lookup({}))).toEqual({ problems: [], notes: [] });
    const first = checkDeployedImages(env('prod'), bookingSaga, lookup({ 'booking-saga/payment:1.0.0': 'no-repository' }));
    expect(first).toEqual({
      problems: [],
      notes: [
        "environment prod: repository 333333333333.dkr.ecr.ap-southeast-1.amazonaws.com/booking-saga/payment does not exist yet (this deploy's prod-base creates it); push booking-saga/payment:1.0.0 before its tasks run",
      ],
    });
  });

  it("reads the AWS CLI's answer: found, ImageNotFound, RepositoryNotFound, anything else is no answer", () => {
    expect(interpretDescribeImages(0, '')).toEqual({ kind: 'found' });
    expect(interpretDescribeImages(254, 'An error occurred (ImageNotFoundException) when calling the DescribeImages operation: The image with imageId {imageTag:x} does not exist')).toEqual({
      kind: 'missing',
    });
    expect(interpretDescribeImages(254, 'An error occurred (RepositoryNotFoundException) when calling the DescribeImages operation')).toEqual({ kind: 'no-repository' });
    expect(interpretDescribeImages(254, 'An error occurred (AccessDeniedException) when calling the DescribeImages operation\n')).toEqual({
      kind: 'error',
      message: 'An error occurred (AccessDeniedException) when calling the DescribeImages operation',
    });
    expect(interpretDescribeImages(null, '')).toEqual({ kind: 'error', message: 'exit code null' });
  });
});

describe('the command line', () => {
  beforeEach(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('exit 1 when an image is missing, 0 when all exist; --env required and known', () => {
    expect(runImagesCheck(['--env', 'prod'], () => (repository) => ({ kind: repository === 'booking-saga/seat' ? 'missing' : 'found' }))).toBe(EXIT.finding);
    expect(runImagesCheck(['--env', 'prod'], () => () => ({ kind: 'found' }))).toBe(EXIT.ok);
    expect(() => parseImagesCheckArgs([])).toThrow('--env is required');
    expect(() => runImagesCheck(['--env', 'qa'], () => () => ({ kind: 'found' }))).toThrow('unknown environment "qa" (known: dev, staging, prod)');
  });

  it('asks ECR in the environment\'s account and region for the exact tag; no AWS CLI or no answer is exit 2, never "found"', () => {
    const calls: string[][] = [];
    const fake = (status: number | null, stderr: string, error?: Error) =>
      ((command: string, args: readonly string[]) => {
        calls.push([command, ...args]);
        return { status, stderr, stdout: '', error, pid: 0, output: [], signal: null };
      }) as unknown as typeof import('node:child_process').spawnSync;
    expect(awsCliLookup(env('prod'), fake(0, ''))('booking-saga/payment', '1.0.0')).toEqual({ kind: 'found' });
    expect(calls[0]).toEqual([
      'aws',
      'ecr',
      'describe-images',
      '--region',
      'ap-southeast-1',
      '--registry-id',
      '333333333333',
      '--repository-name',
      'booking-saga/payment',
      '--image-ids',
      'imageTag=1.0.0',
      '--output',
      'json',
    ]);
    expect(() => awsCliLookup(env('prod'), fake(null, '', new Error('spawnSync aws ENOENT')))('r', 't')).toThrow('images:check: cannot run the AWS CLI (aws): spawnSync aws ENOENT');
    expect(() => awsCliLookup(env('prod'), fake(253, 'Unable to locate credentials'))('r', 't')).toThrow(
      'images:check: environment prod: could not ask ECR about r:t: Unable to locate credentials',
    );
  });
});
