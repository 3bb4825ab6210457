/**
 * The scratch copies the emulator deploy uses: the real synthesized stacks, pointed at an emulator,
 * without touching what is synthesized for real deploys; and the sample event per rule.
 */
import { bookingSaga } from '../../catalog/booking-saga';
import { EMULATED_SERVICES, forEmulator, sampleEvent } from '../../verify/emulator-config';
import { stackJson } from '../support/synth';

const target = { endpoint: 'http://127.0.0.1:4599', stateDir: '/scratch/state', providerConstraint: '~> 6.25' };

describe('forEmulator', () => {
  it('points the provider at the emulator and keeps its account guard, region and tags', () => {
    const original = stackJson('dev-booking');
    const before = JSON.stringify(original);
    const copy = forEmulator(original as never, 'dev-booking', target) as { provider: { aws: Record<string, unknown>[] } };
    const aws = copy.provider.aws[0]!;
    expect(aws.endpoints).toEqual([Object.fromEntries(EMULATED_SERVICES.map((s) => [s, 'http://127.0.0.1:4599']))]);
    expect(aws.allowed_account_ids).toEqual(['111111111111']);
    expect(aws.region).toBe('ap-southeast-1');
    expect(aws.default_tags).toEqual((original.provider!.aws![0] as Record<string, unknown>).default_tags);
    expect(aws.skip_metadata_api_check).toBe(true);
    expect(aws.max_retries).toBe(3);
    expect(JSON.stringify(original)).toBe(before);
  });

  it('calls every service the dev stacks use through the emulator', () => {
    const services: Record<string, string> = {
      aws_cloudwatch_event: 'events',
      aws_cloudwatch_log: 'logs',
      aws_cloudwatch_metric: 'cloudwatch',
      aws_iam: 'iam',
      aws_sfn: 'sfn',
      aws_sqs: 'sqs',
      aws_sns: 'sns',
      aws_kms: 'kms',
    };
    for (const stack of ['dev-monitoring', 'dev-booking', 'dev-payment', 'dev-seat', 'dev-compensation', 'dev-notification']) {
      for (const type of Object.keys(stackJson(stack).resource ?? {})) {
        const service = Object.entries(services).find(([prefix]) => type.startsWith(prefix))?.[1];
        expect([type, service && (EMULATED_SERVICES as readonly string[]).includes(service)]).toEqual([type, true]);
      }
    }
  });

  it("sends dev's S3 state to the emulator's S3, for the stack and for the remote state it reads", () => {
    const copy = forEmulator(stackJson('dev-booking') as never, 'dev-booking', target) as {
      terraform: { backend: { s3: Record<string, unknown> }; required_providers: { aws: { version: string } } };
      data: { terraform_remote_state: Record<string, { backend: string; config: Record<string, unknown> }> };
    };
    expect(copy.terraform.backend.s3).toMatchObject({ key: 'dev/dev-booking.tfstate', endpoints: { s3: target.endpoint, sts: target.endpoint }, use_path_style: true });
    expect(copy.data.terraform_remote_state.base!.config).toMatchObject({ key: 'dev/dev-base.tfstate', endpoints: { s3: target.endpoint, sts: target.endpoint } });
    expect(copy.terraform.required_providers.aws.version).toBe('~> 6.25');
  });

  it('keeps local state in the scratch state directory, for the stack and for the remote state it reads', () => {
    const local = {
      terraform: { backend: { local: { path: '../../../.terraform-state/x-svc.tfstate' } }, required_providers: { aws: { version: '6.25.0' } } },
      provider: { aws: [{ region: 'eu-west-1' }] },
      data: { terraform_remote_state: { base: { backend: 'local', config: { path: '../../../.terraform-state/x-base.tfstate' } } } },
    };
    const copy = forEmulator(local, 'x-svc', target) as typeof local;
    expect(copy.terraform.backend).toEqual({ local: { path: '/scratch/state/x-svc.tfstate' } });
    expect(copy.data.terraform_remote_state.base).toEqual({ backend: 'local', config: { path: '/scratch/state/x-base.tfstate' } });
  });

  it('sends an S3 backend and S3 remote state to the emulator, without the KMS key it does not have', () => {
    const copy = forEmulator(stackJson('prod-booking') as never, 'prod-booking', target) as {
      terraform: { backend: { s3: Record<string, unknown> } };
      data: { terraform_remote_state: Record<string, { backend: string; config: Record<string, unknown> }> };
    };
    expect(copy.terraform.backend.s3).toEqual({
      bucket: 'booking-saga-tfstate-333333333333',
      encrypt: true,
      key: 'prod/prod-booking.tfstate',
      region: 'ap-southeast-1',
      use_lockfile: true,
      endpoints: { s3: target.endpoint, sts: target.endpoint },
      use_path_style: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
    });
    expect(copy.data.terraform_remote_state.base!.config).toMatchObject({ key: 'prod/prod-base.tfstate', endpoints: { s3: target.endpoint, sts: target.endpoint } });
  });

  it('refuses a stack without the AWS provider', () => {
    expect(() => forEmulator({ terraform: { required_providers: { aws: {} } } }, 'x', target)).toThrow('x: no provider "aws" block');
    expect(() => forEmulator({ terraform: {} }, 'x', target)).toThrow('x: no required_providers.aws');
  });
});

describe('sampleEvent', () => {
  it('builds an event every rule of the catalog matches', () => {
    const rules = bookingSaga.services.flatMap((s) => s.rules);
    expect(rules.length).toBeGreaterThan(3);
    for (const rule of rules) {
      const sample = sampleEvent(rule.eventPattern);
      expect(sample).toBeDefined();
      expect(rule.eventPattern['detail-type']).toContain(sample!.detailType);
    }
  });

  it('satisfies literals, exists, prefix, suffix and equals-ignore-case, and skips exists:false fields', () => {
    expect(
      sampleEvent({
        source: ['a.b'],
        'detail-type': ['T'],
        detail: { id: [{ exists: true }], kind: [{ prefix: 'k-' }], file: [{ suffix: '.png' }], mode: [{ 'equals-ignore-case': 'FAST' }], n: [3], gone: [{ exists: false }] },
      }),
    ).toEqual({ source: 'a.b', detailType: 'T', detail: { id: 'verify', kind: 'k-verify', file: 'verify.png', mode: 'FAST', n: 3 } });
  });

  it('gives up on conditions it cannot satisfy simply, rather than send an event that does not match', () => {
    expect(sampleEvent({ source: ['a'], 'detail-type': ['T'], detail: { n: [{ numeric: ['>', 5] }] } })).toBeUndefined();
    expect(sampleEvent({ source: ['a'], 'detail-type': ['T'], detail: { s: [{ 'anything-but': 'x' }] } })).toBeUndefined();
    expect(sampleEvent({ 'detail-type': ['T'] })).toBeUndefined();
  });
});
