/**
 * The limits as AWS documents them. Each is read by validation, the ASL builder, the event client
 * and the local runner alike, so a wrong number here is wrong everywhere at once: either we refuse
 * what AWS accepts, or we accept what AWS refuses at deploy or run time.
 */
import {
  ECR_REPOSITORY_NAME_LENGTH,
  ECS_DEFAULT_STOP_TIMEOUT_SECONDS,
  EVENTBRIDGE_DEFAULT_RETRY_POLICY,
  S3_BUCKET_NAME_LENGTH,
  SQS_MESSAGE_RETENTION_SECONDS_RANGE,
  STATES_TASK_DEFAULT_TIMEOUT_SECONDS,
  TAG_KEY_LENGTH,
  TAG_VALUE_MAX_LENGTH,
  CAPACITY_BASE_RANGE,
  CAPACITY_WEIGHT_RANGE,
  EXECUTION_INPUT_MAX_BYTES,
  FARGATE_SIZES,
  LOG_RETENTION_DAYS,
  MAX_ENTRY_SIZE_BYTES,
  MAXIMUM_EVENT_AGE_RANGE,
  NAME_MAX_LENGTH,
  RETRY_ATTEMPTS_RANGE,
  IAM_DESCRIPTION_MAX_LENGTH,
  IAM_ROLE_INLINE_POLICY_MAX_CHARACTERS,
  isIamDescriptionText,
  MAX_PLACEMENT_STRATEGIES,
  MAX_PLACEMENT_CONSTRAINTS,
  PLACEMENT_EXPRESSION_MAX_LENGTH,
  FARGATE_CAPACITY_PROVIDERS,
  RESERVED_CAPACITY_PROVIDER_PREFIXES,
  MANAGED_SCALING_TARGET_CAPACITY_RANGE,
  EC2_TASK_CPU_RANGE,
  CONTAINER_MIN_MEMORY_MIB,
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

describe("Fargate task sizes (the ECS developer guide's table of CPU and memory values)", () => {
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
    ecsCapacityProvider: 255,
    autoScalingGroup: 255,
    launchTemplate: 128,
    instanceProfile: 128,
  });
});

test('defaults AWS applies when a field is left unset', () => {
  // EventBridge: 185 retries within 24 hours; Step Functions: a Task without TimeoutSeconds waits 99,999,999 s; ECS: 30 s from SIGTERM to SIGKILL.
  expect(EVENTBRIDGE_DEFAULT_RETRY_POLICY).toEqual({ maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 });
  expect(EVENTBRIDGE_DEFAULT_RETRY_POLICY).toEqual({ maximumRetryAttempts: RETRY_ATTEMPTS_RANGE.max, maximumEventAgeSeconds: MAXIMUM_EVENT_AGE_RANGE.max });
  expect(STATES_TASK_DEFAULT_TIMEOUT_SECONDS).toBe(99_999_999);
  expect(ECS_DEFAULT_STOP_TIMEOUT_SECONDS).toBe(30);
});

test('queue retention, tags and the names of repositories and buckets', () => {
  expect(SQS_MESSAGE_RETENTION_SECONDS_RANGE).toEqual({ min: 60, max: 14 * 24 * 3600 });
  expect([TAG_KEY_LENGTH, TAG_VALUE_MAX_LENGTH]).toEqual([{ min: 1, max: 128 }, 256]);
  expect(ECR_REPOSITORY_NAME_LENGTH).toEqual({ min: 2, max: 256 });
  expect(S3_BUCKET_NAME_LENGTH).toEqual({ min: 3, max: 63 });
});

describe('IAM role descriptions: tab, line breaks and Latin-1 printable only (CreateRole)', () => {
  test('at most 1,000 characters', () => expect(IAM_DESCRIPTION_MAX_LENGTH).toBe(1000));
  test("a role's inline policies together: 10,240 characters", () => expect(IAM_ROLE_INLINE_POLICY_MAX_CHARACTERS).toBe(10_240));
  test.each([
    ['plain ASCII', 'Runs the booking flow', true],
    ['the empty text', '', true],
    ['a tab', 'a\tb', true],
    ['a line feed', 'a\nb', true],
    ['a carriage return', 'a\rb', true],
    ['a space (0x20, the lowest printable)', ' ', true],
    ['a tilde (0x7E, the highest ASCII printable)', '~', true],
    ['a no-break space (0xA1 is the first Latin-1 allowed, 0xA0 is not)', '\u00a0', false],
    ['an inverted exclamation mark (0xA1)', '\u00a1', true],
    ['ÿ (0xFF, the last allowed)', '\u00ff', true],
    ['Ā (0x100)', '\u0100', false],
    ['DEL (0x7F)', '\u007f', false],
    ['a C1 control (0x9F)', '\u009f', false],
    ['a unit separator (0x1F)', '\u001f', false],
    ['a vertical tab (0x0B)', '\u000b', false],
    ['a backspace (0x08)', '\u0008', false],
    ['a form feed (0x0C)', '\u000c', false],
    ['an arrow', 'charge → reserve', false],
    ['an emoji (outside the BMP)', 'ok \u{1f600}', false],
    ['allowed text ending in one refused character', 'Runs the flow\u0100', false],
  ])('%s', (_what, text, accepted) => expect(isIamDescriptionText(text)).toBe(accepted));
});

test('placement and EC2 capacity limits (RunTask, CreateCapacityProvider, RegisterTaskDefinition)', () => {
  expect([MAX_PLACEMENT_STRATEGIES, MAX_PLACEMENT_CONSTRAINTS, PLACEMENT_EXPRESSION_MAX_LENGTH]).toEqual([5, 10, 2000]);
  expect(FARGATE_CAPACITY_PROVIDERS).toEqual(['FARGATE', 'FARGATE_SPOT']);
  expect(RESERVED_CAPACITY_PROVIDER_PREFIXES).toEqual(['aws', 'ecs', 'fargate']);
  expect(MANAGED_SCALING_TARGET_CAPACITY_RANGE).toEqual({ min: 1, max: 100 });
  expect(EC2_TASK_CPU_RANGE).toEqual({ min: 128, max: 196_608 });
  expect(CONTAINER_MIN_MEMORY_MIB).toBe(6);
});
