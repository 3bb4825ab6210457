/**
 * The commercial AWS regions (partition `aws`) an environment may name, and how many Availability
 * Zones an account can use in each, so `network.azCount` is checked before Terraform asks AWS.
 *
 * Sources, checked 2025-11:
 * - Region codes: the `aws` partition of the AWS SDK's endpoint data
 *   (`@aws-sdk/core` 3.981.0, `util-endpoints/lib/aws/partitions.js`); a test keeps this table and
 *   that list equal, so an SDK upgrade that adds a region fails until the region is added here.
 * - AZ counts: "AWS Availability Zones" (docs.aws.amazon.com/global-infrastructure/latest/regions/
 *   aws-availability-zones.html), the AZ IDs per region. Where an AZ ID is closed to accounts
 *   created after it filled up (us-west-1's usw1-az2, ap-northeast-1's apne1-az3), the count is
 *   what a new account gets, because that is the safe bound for a new environment.
 * Only the `aws` partition: every ARN this repository builds starts with `arn:aws:`.
 */

export interface RegionInfo {
  readonly name: string;
  /** Availability Zones a new account can place subnets in. */
  readonly availabilityZones: number;
}

export const AWS_REGIONS: Readonly<Record<string, RegionInfo>> = {
  'af-south-1': { name: 'Africa (Cape Town)', availabilityZones: 3 },
  'ap-east-1': { name: 'Asia Pacific (Hong Kong)', availabilityZones: 3 },
  'ap-east-2': { name: 'Asia Pacific (Taipei)', availabilityZones: 3 },
  'ap-northeast-1': { name: 'Asia Pacific (Tokyo)', availabilityZones: 3 },
  'ap-northeast-2': { name: 'Asia Pacific (Seoul)', availabilityZones: 4 },
  'ap-northeast-3': { name: 'Asia Pacific (Osaka)', availabilityZones: 3 },
  'ap-south-1': { name: 'Asia Pacific (Mumbai)', availabilityZones: 3 },
  'ap-south-2': { name: 'Asia Pacific (Hyderabad)', availabilityZones: 3 },
  'ap-southeast-1': { name: 'Asia Pacific (Singapore)', availabilityZones: 3 },
  'ap-southeast-2': { name: 'Asia Pacific (Sydney)', availabilityZones: 3 },
  'ap-southeast-3': { name: 'Asia Pacific (Jakarta)', availabilityZones: 3 },
  'ap-southeast-4': { name: 'Asia Pacific (Melbourne)', availabilityZones: 3 },
  'ap-southeast-5': { name: 'Asia Pacific (Malaysia)', availabilityZones: 3 },
  'ap-southeast-6': { name: 'Asia Pacific (New Zealand)', availabilityZones: 3 },
  'ap-southeast-7': { name: 'Asia Pacific (Thailand)', availabilityZones: 3 },
  'ca-central-1': { name: 'Canada (Central)', availabilityZones: 3 },
  'ca-west-1': { name: 'Canada West (Calgary)', availabilityZones: 3 },
  'eu-central-1': { name: 'Europe (Frankfurt)', availabilityZones: 3 },
  'eu-central-2': { name: 'Europe (Zurich)', availabilityZones: 3 },
  'eu-north-1': { name: 'Europe (Stockholm)', availabilityZones: 3 },
  'eu-south-1': { name: 'Europe (Milan)', availabilityZones: 3 },
  'eu-south-2': { name: 'Europe (Spain)', availabilityZones: 3 },
  'eu-west-1': { name: 'Europe (Ireland)', availabilityZones: 3 },
  'eu-west-2': { name: 'Europe (London)', availabilityZones: 3 },
  'eu-west-3': { name: 'Europe (Paris)', availabilityZones: 3 },
  'il-central-1': { name: 'Israel (Tel Aviv)', availabilityZones: 3 },
  'me-central-1': { name: 'Middle East (UAE)', availabilityZones: 3 },
  'me-south-1': { name: 'Middle East (Bahrain)', availabilityZones: 3 },
  // Announced with three AZs, like every region opened since 2016.
  'me-west-1': { name: 'Middle East (Saudi Arabia)', availabilityZones: 3 },
  'mx-central-1': { name: 'Mexico (Central)', availabilityZones: 3 },
  'sa-east-1': { name: 'South America (Sao Paulo)', availabilityZones: 3 },
  // Announced with three AZs, like every region opened since 2016.
  'sa-west-1': { name: 'South America (Chile)', availabilityZones: 3 },
  'us-east-1': { name: 'US East (N. Virginia)', availabilityZones: 6 },
  'us-east-2': { name: 'US East (Ohio)', availabilityZones: 3 },
  'us-west-1': { name: 'US West (N. California)', availabilityZones: 2 },
  'us-west-2': { name: 'US West (Oregon)', availabilityZones: 4 },
};

export const isKnownRegion = (region: string): boolean => Object.hasOwn(AWS_REGIONS, region);

/** Availability Zones usable in `region`, or `undefined` for a region not in the table. */
export const availabilityZoneCount = (region: string): number | undefined => (isKnownRegion(region) ? AWS_REGIONS[region]?.availabilityZones : undefined);
