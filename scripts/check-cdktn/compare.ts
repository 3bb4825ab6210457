/**
 * What differs between this repository's output (cdktf) and the same app's on CDK Terrain: every
 * JSON file compared by value, every other file by its bytes, each difference either one that
 * docs/cdk-terrain.md documents or not. Pure.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Difference {
  /** `stacks/dev-base/cdk.tf.json`. */
  readonly file: string;
  /** JSON path inside the file (`/terraform/required_providers/aws/version`), or '' for the whole file. */
  readonly path: string;
  /** The value on each side; a whole file is `'<bytes>'` when present, `'<absent>'` when missing. */
  readonly cdktf: JsonValue;
  readonly cdktn: JsonValue;
}

export interface DocumentedDifference {
  readonly id: string;
  /** Why it differs and what it means for a deployment (docs/cdk-terrain.md says the same). */
  readonly why: string;
  readonly matches: (difference: Difference) => boolean;
}

const stackFile = /^stacks\/[^/]+\/cdk\.tf\.json$/;

/** The differences the move is expected to make, and nothing else. */
export const DOCUMENTED_DIFFERENCES: readonly DocumentedDifference[] = [
  {
    id: 'library-version',
    why: "The library version cdktf records in the manifest and in each stack's metadata: 0.21.0 becomes 0.24.0. Terraform ignores it.",
    matches: (d) =>
      ((d.file === 'manifest.json' && d.path === '/version') || (stackFile.test(d.file) && d.path === '/~1~1/metadata/version')) && d.cdktf === '0.21.0' && d.cdktn === '0.24.0',
  },
  {
    id: 'provider-source',
    why: 'The AWS provider\'s source is spelled in full: "aws" becomes "hashicorp/aws", the same provider (Terraform reads a bare name as hashicorp/<name>).',
    matches: (d) => stackFile.test(d.file) && d.path === '/terraform/required_providers/aws/source' && d.cdktf === 'aws' && d.cdktn === 'hashicorp/aws',
  },
  {
    id: 'provider-version',
    why: 'The provider bindings pin a newer AWS provider: @cdktf/provider-aws 21.22.1 is AWS provider 6.25.0, @cdktn/provider-aws 25.7.0 is 6.66.0. The resources and their arguments are the same; run `npm run plan` and review before the first deploy, as for any provider upgrade.',
    matches: (d) => stackFile.test(d.file) && d.path === '/terraform/required_providers/aws/version' && d.cdktf === '6.25.0' && d.cdktn === '6.66.0',
  },
];

const isObject = (value: unknown): value is Record<string, JsonValue> => value !== null && typeof value === 'object' && !Array.isArray(value);
/** A key as a JSON Pointer token: `/` and `~` escaped (RFC 6901). */
const token = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every path where two JSON values differ. */
export function jsonDifferences(file: string, cdktf: JsonValue, cdktn: JsonValue, path = ''): Difference[] {
  if (isObject(cdktf) && isObject(cdktn)) {
    const keys = [...new Set([...Object.keys(cdktf), ...Object.keys(cdktn)])].sort();
    return keys.flatMap((key) => {
      const at = `${path}/${token(key)}`;
      if (!(key in cdktn)) return [{ file, path: at, cdktf: cdktf[key]!, cdktn: '<absent>' as const }];
      if (!(key in cdktf)) return [{ file, path: at, cdktf: '<absent>' as const, cdktn: cdktn[key]! }];
      return jsonDifferences(file, cdktf[key]!, cdktn[key]!, at);
    });
  }
  if (Array.isArray(cdktf) && Array.isArray(cdktn) && cdktf.length === cdktn.length) {
    return cdktf.flatMap((item, index) => jsonDifferences(file, item, cdktn[index]!, `${path}/${index}`));
  }
  return JSON.stringify(cdktf) === JSON.stringify(cdktn) ? [] : [{ file, path, cdktf, cdktn }];
}

export interface Comparison {
  readonly files: number;
  /** JSON files equal in value but not in bytes (the two libraries format JSON differently). */
  readonly formattingOnly: readonly string[];
  readonly documented: readonly (Difference & { readonly id: string })[];
  readonly undocumented: readonly Difference[];
}

/** Compares two output trees, given as file → bytes. */
export function compareOutputs(cdktf: ReadonlyMap<string, Buffer>, cdktn: ReadonlyMap<string, Buffer>): Comparison {
  const files = [...new Set([...cdktf.keys(), ...cdktn.keys()])].sort();
  const differences: Difference[] = [];
  const formattingOnly: string[] = [];
  for (const file of files) {
    const a = cdktf.get(file);
    const b = cdktn.get(file);
    if (!a || !b) {
      differences.push({ file, path: '', cdktf: a ? '<bytes>' : '<absent>', cdktn: b ? '<bytes>' : '<absent>' });
      continue;
    }
    if (a.equals(b)) continue;
    if (!file.endsWith('.json')) {
      differences.push({ file, path: '', cdktf: '<bytes>', cdktn: '<bytes>' });
      continue;
    }
    const found = jsonDifferences(file, JSON.parse(a.toString('utf8')) as JsonValue, JSON.parse(b.toString('utf8')) as JsonValue);
    if (found.length === 0) formattingOnly.push(file);
    differences.push(...found);
  }
  const documented: (Difference & { id: string })[] = [];
  const undocumented: Difference[] = [];
  for (const difference of differences) {
    const known = DOCUMENTED_DIFFERENCES.find((candidate) => candidate.matches(difference));
    if (known) documented.push({ ...difference, id: known.id });
    else undocumented.push(difference);
  }
  return { files: files.length, formattingOnly, documented, undocumented };
}

/** The report `npm run check:cdktn` prints. */
export function renderComparison(comparison: Comparison): string {
  const lines = [
    `Compared ${comparison.files} files of cdktf.out (cdktf 0.21) with the same app's on CDK Terrain (cdktn 0.24): JSON by value`,
    '(the two format it differently: cdktn writes an empty list as []), every other file by its bytes.',
  ];
  if (comparison.formattingOnly.length > 0) lines.push(`${comparison.formattingOnly.length} JSON file(s) differ in formatting only.`);
  for (const documented of DOCUMENTED_DIFFERENCES) {
    const files = new Set(comparison.documented.filter((d) => d.id === documented.id).map((d) => d.file));
    if (files.size > 0) lines.push(`Documented (${documented.id}), in ${files.size} file(s): ${documented.why}`);
  }
  if (comparison.undocumented.length === 0) {
    lines.push('No other difference.');
  } else {
    lines.push(`${comparison.undocumented.length} undocumented difference(s):`);
    for (const d of comparison.undocumented.slice(0, 50)) lines.push(`  ${d.file} ${d.path || '(file)'}: ${JSON.stringify(d.cdktf)} → ${JSON.stringify(d.cdktn)}`);
    if (comparison.undocumented.length > 50) lines.push(`  … and ${comparison.undocumented.length - 50} more`);
  }
  return lines.join('\n');
}
