/**
 * The HCL modules validate their inputs against some of the same AWS limits as the TypeScript
 * (core/aws-limits.ts). Each such validation cites the constant in a comment inside its block,
 *
 *   # Limit: core/aws-limits.ts CAPACITY_WEIGHT_RANGE
 *
 * and here the numbers its condition encodes are held to the constant's: a changed limit changes
 * both or fails. A validation encoding a known limit without citing it fails too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as limits from '../../core/aws-limits';
import { REPO_ROOT } from '../../tooling/hcl-modules';

interface Validation {
  readonly where: string;
  readonly citations: readonly string[];
  readonly condition: string;
}

/** Every `validation { … }` block of every module's variables.tf: its citations and its condition. */
function validations(): Validation[] {
  const root = join(REPO_ROOT, 'modules');
  return readdirSync(root).flatMap((module) => {
    const text = readFileSync(join(root, module, 'variables.tf'), 'utf8');
    return [...text.matchAll(/^variable "([^"]+)" \{\n([\s\S]*?)^\}/gm)].flatMap(([, variable, body]) =>
      [...body!.matchAll(/^ {2}validation \{\n([\s\S]*?)^ {2}\}/gm)].map(([, block]) => ({
        where: `modules/${module}/variables.tf: variable "${variable}"`,
        citations: [...block!.matchAll(/# Limit: core\/aws-limits\.ts ([A-Z0-9_]+(?:\.[A-Za-z]+)?)/g)].map((match) => match[1]!),
        condition: /condition\s*=([\s\S]*?)\n\s*error_message/.exec(block!)?.[1] ?? '',
      })),
    );
  });
}

/** The value a citation names: `FARGATE_SIZES`, `NAME_MAX_LENGTH.iamRole`. */
function limitNamed(citation: string): unknown {
  const [name, key] = citation.split('.') as [string, string | undefined];
  const value = (limits as Record<string, unknown>)[name];
  return key === undefined ? value : (value as Record<string, unknown> | undefined)?.[key];
}

const numbersAfter = (condition: string, operator: '>=' | '<='): number[] => [...condition.matchAll(new RegExp(`${operator}\\s*(\\d+)`, 'g'))].map((match) => Number(match[1]));
/** `{1,255}` in a regex: the longest a match may be. */
const quantifierMaxima = (condition: string): number[] => [...condition.matchAll(/\{1,(\d+)\}/g)].map((match) => Number(match[1]));

/** Fargate sizes as the condition's `task.cpu == C ? …` branches allow them. */
function fargateSizes(condition: string): Record<number, number[]> {
  const sizes: Record<number, number[]> = {};
  for (const [, cpu, branch] of condition.matchAll(/task\.cpu == (\d+) \? ([^:\n]+)/g)) {
    const listed = /contains\(\[([\d, ]+)\], task\.memory\)/.exec(branch!);
    const stepped = /task\.memory >= (\d+) && task\.memory <= (\d+) && task\.memory % (\d+) == 0/.exec(branch!);
    if (listed) sizes[Number(cpu)] = listed[1]!.split(',').map(Number);
    else if (stepped) {
      const [from, to, step] = stepped.slice(1).map(Number) as [number, number, number];
      sizes[Number(cpu)] = Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
    }
  }
  return sizes;
}

/** Does the condition encode this value of a limit? */
function encodes(condition: string, citation: string, value: unknown): string | undefined {
  if (citation === 'FARGATE_SIZES') {
    const found = fargateSizes(condition);
    return JSON.stringify(found) === JSON.stringify(value) ? undefined : `allows ${JSON.stringify(found)}, not ${JSON.stringify(value)}`;
  }
  if (Array.isArray(value)) {
    const list = /contains\(\[([\d, ]+)\]/.exec(condition)?.[1]?.split(',').map(Number);
    return JSON.stringify(list) === JSON.stringify(value) ? undefined : `lists ${JSON.stringify(list)}, not ${JSON.stringify(value)}`;
  }
  if (typeof value === 'number') {
    return [...numbersAfter(condition, '<='), ...quantifierMaxima(condition)].includes(value) ? undefined : `has no "<= ${value}" or "{1,${value}}"`;
  }
  const range = value as { min: number; max: number };
  const problems = [
    ...(numbersAfter(condition, '>=').includes(range.min) ? [] : [`no ">= ${range.min}"`]),
    ...(numbersAfter(condition, '<=').includes(range.max) ? [] : [`no "<= ${range.max}"`]),
  ];
  return problems.length === 0 ? undefined : `has ${problems.join(' and ')}`;
}

/** What gives a validation away as encoding a limit, which it must then cite. */
const SIGNATURES: readonly [RegExp, string][] = [
  [/\b3653\b/, 'LOG_RETENTION_DAYS'],
  [/task\.cpu ==/, 'FARGATE_SIZES'],
  [/weight <= 1000/, 'CAPACITY_WEIGHT_RANGE'],
  [/base <= 100000/, 'CAPACITY_BASE_RANGE'],
  [/length\(key\) <= 128/, 'TAG_KEY_LENGTH'],
  [/\{1,255\}/, 'NAME_MAX_LENGTH.'],
  [/\{1,64\}/, 'NAME_MAX_LENGTH.iamRole'],
];

describe('HCL validations and core/aws-limits.ts', () => {
  const all = validations();
  const cited = all.filter((validation) => validation.citations.length > 0);

  test('the modules cite the limits they share with the TypeScript', () => {
    expect(cited.length).toBeGreaterThanOrEqual(15);
    expect(new Set(cited.flatMap((validation) => validation.citations))).toEqual(
      new Set([
        'CAPACITY_BASE_RANGE',
        'CAPACITY_WEIGHT_RANGE',
        'EC2_TASK_CPU_RANGE',
        'ECR_REPOSITORY_NAME_LENGTH',
        'FARGATE_SIZES',
        'LOG_RETENTION_DAYS',
        'MANAGED_SCALING_TARGET_CAPACITY_RANGE',
        'NAME_MAX_LENGTH.autoScalingGroup',
        'NAME_MAX_LENGTH.ecsCapacityProvider',
        'NAME_MAX_LENGTH.ecsCluster',
        'NAME_MAX_LENGTH.ecsContainer',
        'NAME_MAX_LENGTH.ecsTaskFamily',
        'NAME_MAX_LENGTH.iamRole',
        'NAME_MAX_LENGTH.instanceProfile',
        'NAME_MAX_LENGTH.launchTemplate',
        'S3_BUCKET_NAME_LENGTH',
        'TAG_KEY_LENGTH',
        'TAG_VALUE_MAX_LENGTH',
      ]),
    );
  });

  test('every cited limit exists, and the condition encodes its numbers', () => {
    const problems = cited.flatMap((validation) =>
      validation.citations.flatMap((citation) => {
        const value = limitNamed(citation);
        if (value === undefined) return [`${validation.where}: cites ${citation}, which core/aws-limits.ts does not define`];
        const problem = encodes(validation.condition, citation, value);
        return problem ? [`${validation.where}: cites ${citation}, but its condition ${problem}`] : [];
      }),
    );
    expect(problems).toEqual([]);
  });

  test('a validation that encodes a known limit cites it', () => {
    const uncited = all.flatMap((validation) =>
      SIGNATURES.filter(([signature, citation]) => signature.test(validation.condition) && !validation.citations.some((c) => c.startsWith(citation))).map(
        ([, citation]) => `${validation.where}: encodes ${citation} without citing it`,
      ),
    );
    expect(uncited).toEqual([]);
  });

  test('the readers catch a wrong number', () => {
    expect(encodes('x >= 0 && x <= 999', 'CAPACITY_WEIGHT_RANGE', limits.CAPACITY_WEIGHT_RANGE)).toBe('has no "<= 1000"');
    expect(encodes('contains([1, 3], var.x)', 'LOG_RETENTION_DAYS', limits.LOG_RETENTION_DAYS)).toMatch(/^lists \[1,3\]/);
    expect(encodes('regex("^[a-z]{1,63}$")', 'NAME_MAX_LENGTH.iamRole', 64)).toBe('has no "<= 64" or "{1,64}"');
    expect(encodes('task.cpu == 256 ? contains([512, 1024], task.memory) :', 'FARGATE_SIZES', limits.FARGATE_SIZES)).toMatch(/^allows \{"256":\[512,1024\]\}/);
  });
});
