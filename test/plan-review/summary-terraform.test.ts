/** The summary against genuine plans produced by Terraform 1.11 (see scripts/generate-plan-fixtures.ts). */
import { fixturePlan, render } from './helpers';

const tf = (name: string, stack = `dev-${name}`) => fixturePlan(`terraform/${name}.json`, stack);

describe('summary of real terraform_data plans', () => {
  it('create: counts, verdict and rows', () => {
    const { markdown, destructive } = render([tf('create')]);
    expect(destructive).toBe(false);
    expect(markdown).toContain('✅ **Safe to apply**: 2 to create; nothing deleted or replaced.');
    expect(markdown).toContain('| `dev-create` | 2 | · | · | · | ✅ |');
    expect(markdown).toContain('| 🟢 create | `terraform_data.rule_config` |  |');
    expect(markdown).not.toContain('### ⚠️ Warnings');
  });

  it('update: changed input with old and new value, unknown output as (known after apply)', () => {
    const { markdown } = render([tf('update')]);
    expect(markdown).toContain('| 🟡 update | `terraform_data.image_tag` | `input`: `"1.0.0"` → `"1.1.0"`; `output`: (known after apply) |');
    expect(markdown).toContain('✅ **Safe to apply**: 1 to update; nothing deleted or replaced.');
  });

  it('delete: no data lost (terraform_data stores nothing), the reason shown, unchanged resource not listed', () => {
    const { markdown, destructive, totals } = render([tf('delete')]);
    expect(destructive).toBe(false);
    expect(totals.delete).toBe(1);
    expect(markdown.split('\n')[2]).toBe('✅ **Safe to apply**: 1 to delete; nothing that stores data is deleted or replaced.');
    expect(markdown).toContain('- 🗑️ `dev-delete`: **delete** `terraform_data.legacy_queue` — removed; nothing stored in it is lost; removed from the configuration');
    expect(markdown).not.toContain('terraform_data.keep');
  });

  it('replace: both orders, with the attribute forcing it', () => {
    const { markdown, totals } = render([tf('replace')]);
    expect(totals.replace).toBe(2);
    expect(markdown).toContain(
      '- 🗑️ `dev-replace`: **replace** `terraform_data.blue_green` — Terraform-internal: no infrastructure behind it; create new, then destroy old; forced by `triggers_replace`; an argument that forces replacement changed',
    );
    expect(markdown).toContain(
      '- 🗑️ `dev-replace`: **replace** `terraform_data.task_definition` — Terraform-internal: no infrastructure behind it; destroy old, then create new; forced by `triggers_replace`',
    );
    expect(markdown).toContain(
      '| 🔴 replace (create first) | `terraform_data.blue_green` | forced by `triggers_replace`; `triggers_replace`: `["rev-1"]` → `["rev-2"]`; `id`: (known after apply) |',
    );
  });

  it('sensitive: never prints the secret, not even the copy Terraform leaves unmarked in output', () => {
    const { markdown } = render([tf('sensitive')]);
    expect(markdown).not.toMatch(/hunter2/);
    expect(markdown).toContain('`input`: (sensitive) → (sensitive); `output`: (known after apply)');
    expect(markdown).toContain('Outputs: `connection` (update, sensitive)');
  });

  it('moved: pure move and move with update', () => {
    const { markdown, totals } = render([tf('moved')]);
    expect(totals).toMatchObject({ move: 2, update: 1, create: 0, delete: 0 });
    expect(markdown).toContain('| ⚪ move | `terraform_data.new_name` | moved from `terraform_data.old_name` |');
    expect(markdown).toContain('| 🟡 move + update | `terraform_data.renamed_and_changed` | moved from `terraform_data.old_changed`; `input`: `"v1"` → `"v2"`');
    expect(markdown).toContain('| `dev-moved` | · | 1 | · | · | ✅ (2 moved) |');
  });

  it('import: shows the import id', () => {
    const { markdown } = render([tf('import')]);
    expect(markdown).toContain('| ⚪ import | `terraform_data.imported` | import id `booking-table` |');
    expect(markdown).toContain('✅ **Safe to apply**: 1 to import; nothing deleted or replaced.');
  });

  it('no-op: no changes anywhere', () => {
    const { markdown } = render([tf('noop'), tf('noop', 'dev-other')]);
    expect(markdown).toContain('✅ **No changes** in 2 stacks.');
    expect(markdown).toContain('<details><summary><code>dev-noop</code>: no changes</summary>\n\nNo resource changes.');
  });

  it('data-read: a deferred read with its reason', () => {
    const { markdown } = render([tf('data-read')]);
    expect(markdown).toContain('| 🔵 read | `data.terraform_remote_state.network` | read at apply: its configuration is known only then |');
    expect(markdown).toContain('1 to create, 1 data source read at apply');
  });

  it('errored plan: failed verdict and the failed precondition message', () => {
    const { markdown, erroredStacks } = render([tf('errored'), tf('create')]);
    expect(erroredStacks).toEqual(['dev-errored']);
    expect(markdown.split('\n')[2]).toBe('❌ **Plan failed** for `dev-errored`: this summary is incomplete; ❌ **1 check failing** in `dev-errored`.');
    expect(markdown).toContain('- `dev-errored`: Terraform saved an errored plan (see the failing checks below or the workflow log)');
    expect(markdown).toContain('- `dev-errored`: `terraform_data.public_endpoint` (condition, failed)\n\n  ```\n  Public endpoints need allow_public = true.\n  ```');
    expect(markdown).toContain('| `dev-errored` | · | · | · | · | ❌ failed |');
  });

  it('stack error marker without a plan', () => {
    const { markdown } = render(
      [tf('create')],
      [{ kind: 'stack-error', stack: 'dev-seat', step: 'init', exitCode: 1, message: 'Error: Failed to get existing workspaces: S3 bucket does not exist.' }],
    );
    expect(markdown).toContain('- `dev-seat` (`terraform init`, exit 1)\n\n  ```\n  Error: Failed to get existing workspaces: S3 bucket does not exist.\n  ```');
    expect(markdown).toContain('<code>dev-seat</code>: no plan (failed before planning, or unreadable)');
  });

  it('marker and heading come first', () => {
    const markdown = render([tf('noop')]).markdown;
    expect(markdown.startsWith('## Terraform plan: dev\n\n')).toBe(true);
  });
});
