/**
 * The limits as AWS documents them. Each is read by validation, the ASL builder, the event client
 * and the local runner alike, so a wrong number here is wrong everywhere at once: either we refuse
 * what AWS accepts, or we accept what AWS refuses at deploy or run time.
 */
import {
  CAPACITY_BASE_RANGE,
  CAPACITY_WEIGHT_RANGE,
  EXECUTION_INPUT_MAX_BYTES,
  FARGATE_SIZES,
  LOG_RETENTION_DAYS,
  MAX_ENTRY_SIZE_BYTES,
  MAXIMUM_EVENT_AGE_RANGE,
  NAME_MAX_LENGTH,
  RETRY_ATTEMPTS_RANGE,
} from '../../core/aws-limits';

const GiB = 1024;

test('sizes in bytes: 256 KB per PutEvents entry and per execution input', () => {
  expect(MAX_ENTRY_SIZE_BYTES).toBe(262_144);
  expect(EXECUTION_INPUT_MAX_BYTES).toBe(262_144);
});

test('ranges of target retry policies and capacity provider strategies', () => {
  expect(RETRY_ATTEMPTS_RANGE).toEqual({ min: 0, max: 185 });
  expect(MAXIMUM_EVENT_AGE_RANGE).toEqual({ min: 60, max: 86_400 });
  expect(CAPACITY_WEIGHT_RANGE).toEqual({ min: 0, max: 1000 });
  expect(CAPACITY_BASE_RANGE).toEqual({ min: 0, max: 100_000 });
});

describe('Fargate task sizes (the ECS developer guide\'s table of CPU and memory values)', () => {
  const range = (from: number, to: number, step: number) => {
    const values: number[] = [];
    for (let value = from; value <= to; value += step) values.push(value);
    return values;
  };

  test.each([
    [256, [512, 1024, 2048]],
    [512, range(GiB, 4 * GiB, GiB)],
    [1024, range(2 * GiB, 8 * GiB, GiB)],
    [2048, range(4 * GiB, 16 * GiB, GiB)],
    [4096, range(8 * GiB, 30 * GiB, GiB)],
    [8192, range(16 * GiB, 60 * GiB, 4 * GiB)],
    [16384, range(32 * GiB, 120 * GiB, 8 * GiB)],
  ])('CPU %i', (cpu, memory) => expect(FARGATE_SIZES[cpu]).toEqual(memory));

  test('no other CPU value', () => expect(Object.keys(FARGATE_SIZES).map(Number)).toEqual([256, 512, 1024, 2048, 4096, 8192, 16384]));
});

test('log retention: the values PutRetentionPolicy accepts', () => {
  expect(LOG_RETENTION_DAYS).toEqual([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]);
});

test('name lengths', () => {
  expect(NAME_MAX_LENGTH).toEqual({
    eventRule: 64,
    eventBus: 256,
    stateMachine: 80,
    sqsQueue: 80,
    iamRole: 64,
    logGroup: 512,
    ecsTaskFamily: 255,
    ecsCluster: 255,
    ecsContainer: 255,
    snsTopic: 256,
    alarm: 255,
  });
});
