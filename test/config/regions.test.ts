/**
 * The region table against the AWS SDK's own list of the `aws` partition's regions, so a region
 * AWS opens (an SDK upgrade) or a typo here fails a test instead of a deployment.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AWS_REGIONS, availabilityZoneCount, isKnownRegion } from '../../environments/regions';
import { environments } from '../../environments';
import { existingBaseEnvironment } from '../fixtures/environments';

/** Region codes of the `aws` partition in the installed @aws-sdk/core endpoint data. */
function sdkRegionsOfAwsPartition(): string[] {
  const root = dirname(require.resolve('@aws-sdk/core/package.json'));
  const source = readFileSync(join(root, 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js'), 'utf8');
  const json = source.slice(source.indexOf('{'), source.lastIndexOf('}') + 1);
  const info = JSON.parse(json) as { partitions: { id: string; regions: Record<string, unknown> }[] };
  const aws = info.partitions.find((partition) => partition.id === 'aws');
  if (!aws) throw new Error('no aws partition in the SDK endpoint data');
  // `aws-global` is an endpoint alias, not a region one can deploy to.
  return Object.keys(aws.regions)
    .filter((region) => region !== 'aws-global')
    .sort();
}

describe('environments/regions.ts', () => {
  it('lists exactly the regions of the aws partition known to the installed AWS SDK', () => {
    expect(Object.keys(AWS_REGIONS).sort()).toEqual(sdkRegionsOfAwsPartition());
  });

  it('gives every region between 2 and 6 Availability Zones (the range azCount may take)', () => {
    for (const [region, info] of Object.entries(AWS_REGIONS)) {
      expect([region, info.availabilityZones >= 2 && info.availabilityZones <= 6]).toEqual([region, true]);
    }
  });

  it('knows the regions of every shipped environment and the test environment', () => {
    for (const env of [...environments, existingBaseEnvironment]) {
      expect([env.region, isKnownRegion(env.region)]).toEqual([env.region, true]);
    }
  });

  it('does not treat inherited object keys as regions', () => {
    expect(isKnownRegion('constructor')).toBe(false);
    expect(availabilityZoneCount('toString')).toBeUndefined();
    expect(availabilityZoneCount('us-east-1')).toBe(AWS_REGIONS['us-east-1']?.availabilityZones);
  });
});
