/**
 * Synthesizes constructs on their own, in cdktf's test stack (`Testing.synthScope`), for the unit
 * tests of stacks/constructs/. Addresses there include resource-group ids: only
 * `GroupedResourcesStack`s leave them out.
 */
import { Testing } from 'cdktf';
import type { Construct } from 'constructs';
import type { TerraformJson } from '../../tooling/cdktf-out';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function synthScope(build: (scope: Construct) => void): TerraformJson {
  return JSON.parse(Testing.synthScope(build)) as TerraformJson;
}

/** Every resource of one type, by address. */
export const resourcesOf = (json: TerraformJson, type: string): Record<string, Json> => (json.resource?.[type] ?? {}) as Record<string, Json>;

/** The one resource of a type, with its address; fails when there are none or several. */
export function onlyResource(json: TerraformJson, type: string): { address: string; body: Json } {
  const entries = Object.entries(resourcesOf(json, type));
  if (entries.length !== 1) throw new Error(`expected one ${type}, found ${entries.length}: ${entries.map(([address]) => address).join(', ')}`);
  const [address, body] = entries[0]!;
  return { address, body };
}

/** `${aws_iam_role.<address>.<attribute>}`: how one resource refers to another in cdk.tf.json. */
export const reference = (type: string, address: string, attribute: string): string => `\${${type}.${address}.${attribute}}`;

/** How many resources of each type. */
export const resourceCounts = (json: TerraformJson): Record<string, number> =>
  Object.fromEntries(Object.entries(json.resource ?? {}).map(([type, byAddress]) => [type, Object.keys(byAddress as object).length]));
