import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlan, renderSummary, type RenderOptions, type StackError, type StackPlan } from '../../plan-review';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'plans');

export const fixtureJson = (relative: string): unknown => JSON.parse(readFileSync(join(FIXTURES, relative), 'utf8'));

/** A fixture parsed as the plan of `stack`. */
export const fixturePlan = (relative: string, stack: string): StackPlan => parsePlan(fixtureJson(relative), stack);

export const render = (plans: StackPlan[], errors: StackError[] = [], options: RenderOptions = {}) => renderSummary({ title: 'dev', plans, errors }, options);
