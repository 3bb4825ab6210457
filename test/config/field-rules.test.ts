/** The pure field rules behind the validation messages, at and around their limits. */
import { fargateSizeProblem, imageRepositoryProblem, namespaceProblem, nameProblem } from '../../catalog/fields';
import { FARGATE_SIZES } from '../../core/aws-limits';
import { bucketNameProblem, cidrProblem, environmentNameProblem, imageTagProblem, kmsKeyArnProblem, subnetIdProblem, tagKeyProblem } from '../../environments/fields';

const valid = (problem: string | undefined) => problem === undefined;

describe('Fargate sizes', () => {
  it('accept exactly the 74 cpu/memory pairs of the ECS documentation', () => {
    const pairs = Object.entries(FARGATE_SIZES).flatMap(([cpu, memories]) => memories.map((memory) => [Number(cpu), memory] as const));
    expect(pairs).toHaveLength(3 + 4 + 7 + 13 + 23 + 12 + 12);
    expect(pairs.filter(([cpu, memory]) => fargateSizeProblem(cpu, memory) !== undefined)).toEqual([]);
  });

  it.each([
    [256, 512, true],
    [256, 3072, false],
    [1024, 8192, true],
    [1024, 9216, false],
    [4096, 30720, true],
    [4096, 31744, false],
    [8192, 20480, true],
    [8192, 17408, false], // 8 vCPU steps by 4 GiB
    [16384, 122880, true],
    [16384, 36864, false], // 16 vCPU steps by 8 GiB
  ])('cpu %i with %i MiB valid: %s', (cpu, memory, ok) => {
    expect(valid(fargateSizeProblem(cpu, memory)?.message)).toBe(ok);
  });
});

describe('IPv4 CIDR blocks', () => {
  it.each([
    ['10.0.0.0/16', true],
    ['172.31.255.0/24', true],
    ['10.0.0.0/25', false],
    ['10.0.0.0/15', false],
    ['10.0.0.0', false],
    ['10.0.0/16', false],
    ['010.0.0.0/16', false],
    ['10.0.1.0/16', false],
    ['192.168.0.0/040', false],
  ])('%s valid: %s', (cidr, ok) => {
    expect(valid(cidrProblem(cidr))).toBe(ok);
  });
});

describe('S3 bucket names', () => {
  it.each([
    ['booking-saga-tfstate-222222222222', true],
    ['a.b-c', true],
    ['ab', false],
    ['x'.repeat(64), false],
    ['-state', false],
    ['state.', false],
    ['my..state', false],
    ['xn--state', false],
    ['sthree-state', false],
    ['amzn-s3-demo-state', false],
    ['state-s3alias', false],
    ['state--ol-s3', false],
    ['state.mrap', false],
    ['state--x-s3', false],
    ['state--table-s3', false],
  ])('%s valid: %s', (bucket, ok) => {
    expect(valid(bucketNameProblem(bucket))).toBe(ok);
  });
});

describe('names and identifiers', () => {
  it.each([
    [nameProblem, 'reserve-seats', true],
    [nameProblem, 'reserve--seats', false],
    [nameProblem, 'reserve-', false],
    [nameProblem, '1st-rule', false],
    [environmentNameProblem, 'x'.repeat(16), true],
    [environmentNameProblem, 'x'.repeat(17), false],
    [namespaceProblem, 'booking-saga', true],
    [namespaceProblem, 'acme.booking', true],
    [namespaceProblem, 'aws', false],
    [namespaceProblem, 'Booking', false],
    [imageRepositoryProblem, 'booking-saga/payment', true],
    [imageRepositoryProblem, 'team/booking_saga/pay.ment', true],
    [imageRepositoryProblem, 'booking-saga//payment', false],
    [imageRepositoryProblem, '123456789012.dkr.ecr.eu-west-1.amazonaws.com/payment', false],
    [imageTagProblem, 'x'.repeat(128), true],
    [imageTagProblem, 'x'.repeat(129), false],
    [imageTagProblem, '.hidden', false],
    [imageTagProblem, '_build-1.2', true],
    [subnetIdProblem, 'subnet-0123abcd', true],
    [subnetIdProblem, 'subnet-0123456789abcdef0', true],
    [subnetIdProblem, 'subnet-0123456789ABCDEF0', false],
    [subnetIdProblem, 'subnet-0123456789', false],
    [tagKeyProblem, 'k'.repeat(128), true],
    [tagKeyProblem, 'k'.repeat(129), false],
    [tagKeyProblem, 'AWS:Owner', false],
    [tagKeyProblem, 'cost center/team', true],
    [tagKeyProblem, 'owner#1', false],
    [kmsKeyArnProblem, 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab', true],
    [kmsKeyArnProblem, 'arn:aws:kms:eu-west-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab', true],
    [kmsKeyArnProblem, 'arn:aws:kms:eu-west-1:111111111111:alias/terraform-state', true],
    [kmsKeyArnProblem, '1234abcd-12ab-34cd-56ef-1234567890ab', false],
  ])('%p(%s) valid: %s', (rule, value, ok) => {
    expect(valid(rule(value))).toBe(ok);
  });
});
