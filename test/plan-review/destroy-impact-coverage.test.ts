/**
 * Every resource type this repository's modules and synthesized stacks create has a reviewed row in
 * plan-review/destroy-impact.ts: an unreviewed type would count as data loss and block the prod gate.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { destroyImpactOf } from '../../plan-review';
import { manifest, stackJson } from '../support/synth';

const ROOT = join(__dirname, '..', '..');

test('every resource type the modules and stacks create has a reviewed row', () => {
  const moduleTypes = readdirSync(join(ROOT, 'modules')).flatMap((module) =>
    [...readFileSync(join(ROOT, 'modules', module, 'main.tf'), 'utf8').matchAll(/^resource "([a-z0-9_]+)"/gm)].map((m) => m[1]!),
  );
  const stackTypes = Object.keys(manifest().stacks).flatMap((stack) => Object.keys(stackJson(stack).resource ?? {}));
  const types = [...new Set([...moduleTypes, ...stackTypes])].sort();
  expect(types.length).toBeGreaterThan(30);
  expect(types.filter((type) => !destroyImpactOf(type).reviewed)).toEqual([]);
});
