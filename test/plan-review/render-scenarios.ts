/** Small plans for the render tests: one change of each kind, built by hand. */
import type { Action, ChangeJson, ResourceChange, StackPlan } from '../../plan-review/plan-json';

const TERRAFORM_ACTIONS: Record<Action, string[]> = {
  create: ['create'],
  update: ['update'],
  delete: ['delete'],
  replace: ['delete', 'create'],
  read: ['read'],
  'no-op': ['no-op'],
  forget: ['forget'],
};

export const changeOf = (
  address: string,
  type: string,
  action: Action,
  before: unknown,
  after: unknown,
  fields: Partial<ResourceChange> = {},
  change: Partial<ChangeJson> = {},
): ResourceChange => ({
  address,
  type,
  mode: 'managed',
  action,
  ...fields,
  change: {
    actions: TERRAFORM_ACTIONS[action],
    before: action === 'create' ? null : before,
    after: action === 'delete' ? null : after,
    after_unknown: {},
    before_sensitive: action === 'create' ? false : {},
    after_sensitive: action === 'delete' ? false : {},
    ...change,
  },
});

export const planOf = (stack: string, changes: ResourceChange[], fields: Partial<StackPlan> = {}): StackPlan => ({
  stack,
  formatVersion: '1.2',
  changes,
  outputChanges: [],
  errored: false,
  failedChecks: [],
  ...fields,
});
