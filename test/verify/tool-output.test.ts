/**
 * Reading the tools' own output (trimmed real samples of each tool's JSON) and locating the tools.
 * No tool runs here; `npm run verify` runs them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseActionlintOutput, parseShellcheckOutput, shellScripts } from '../../verify/actionlint';
import { addressIn, forCheckov, moduleFindings, parseCheckovOutput } from '../../verify/checkov';
import { changedAttributes, classifyReplan, managedResources, type StateResource } from '../../verify/emulator';
import { providerConstraint, withAwsProviderConstraint } from '../../verify/scratch';
import { parseTflintOutput, tflintConfig } from '../../verify/tflint';
import { cacheDirectory, loadToolVersions, locateTools, parseToolVersions, type ToolLocations } from '../../verify/tools';
import { terraformEnv, type VerifyContext } from '../../verify/context';
import { parseTrivyOutput } from '../../verify/trivy';
import { describeDiagnostic, parseValidateOutput } from '../../verify/validate';
import { parseVerifyArgs } from '../../scripts/verify';
import { UsageError } from '../../tooling/cli';

describe('tool-versions.env', () => {
  it('parses KEY=value lines, skipping comments and blanks', () => {
    expect(parseToolVersions('# c\n\nA_B=1.2.3\nC=v0.1\n')).toEqual({ A_B: '1.2.3', C: 'v0.1' });
  });

  it('rejects anything else, naming the line', () => {
    expect(() => parseToolVersions('A=1\nB = 2\n')).toThrow('tool-versions.env line 2: expected KEY=value, got "B = 2"');
    expect(() => parseToolVersions('lower=1')).toThrow('line 1');
  });

  it('pins every tool the bootstrap builds, and the provider by a Go pseudo-version', () => {
    const versions = loadToolVersions();
    for (const key of [
      'AWS_PROVIDER_VERSION',
      'AWS_PROVIDER_GO_VERSION',
      'AWS_PROVIDER_PINNED',
      'TFLINT_VERSION',
      'TFLINT_RULESET_AWS_VERSION',
      'TRIVY_VERSION',
      'ACTIONLINT_VERSION',
      'CHECKOV_VERSION',
      'MINISTACK_VERSION',
      'OPENTOFU_VERSION',
    ]) {
      expect(versions[key]).toMatch(/^v?\d+\.\d+/);
    }
    expect(versions.AWS_PROVIDER_GO_VERSION).toMatch(/^v1\.60\.1-0\.\d{14}-[0-9a-f]{12}$/);
    expect(versions.AWS_PROVIDER_VERSION!.split('.')[0]).toBe(versions.AWS_PROVIDER_PINNED!.split('.')[0]);
  });

  it('pins the provider version the synthesized stacks require', () => {
    const pinned = JSON.parse(readFileSync(join(__dirname, '../../node_modules/@cdktf/provider-aws/package.json'), 'utf8')) as { cdktf: { provider: { version: string } } };
    expect(loadToolVersions().AWS_PROVIDER_PINNED).toBe(pinned.cdktf.provider.version);
  });
});

describe('locateTools', () => {
  const env = { PATH: '/usr/bin', VERIFY_CACHE_DIR: '/c' };

  it('prefers the cache over PATH, and leaves out what exists nowhere', () => {
    const executables = new Set(['/c/bin/tflint', '/usr/bin/tflint', '/usr/bin/terraform', '/c/venv-checkov/bin/checkov', '/usr/bin/trivy']);
    const tools = locateTools(
      env,
      (p) => executables.has(p),
      (p) => p === '/c/terraform.rc' || p === '/c/plugin-cache',
    );
    expect(tools).toEqual({
      cacheDir: '/c',
      terraform: '/usr/bin/terraform',
      terraformCliConfig: '/c/terraform.rc',
      pluginCacheDir: '/c/plugin-cache',
      tflint: '/c/bin/tflint',
      trivy: '/usr/bin/trivy',
      checkov: '/c/venv-checkov/bin/checkov',
    });
  });

  it('falls back to tofu, then to the OpenTofu the bootstrap built', () => {
    expect(
      locateTools(
        env,
        (p) => p === '/usr/bin/tofu',
        () => false,
      ).terraform,
    ).toBe('/usr/bin/tofu');
    expect(
      locateTools(
        env,
        (p) => p === '/c/bin/tofu',
        () => false,
      ).terraform,
    ).toBe('/c/bin/tofu');
    expect(
      locateTools(
        { ...env, TERRAFORM_BINARY_NAME: 'tofu' },
        (p) => p === '/usr/bin/terraform',
        () => false,
      ).terraform,
    ).toBeUndefined();
  });

  it('uses ~/.cache/event-driven-ecs-infra unless VERIFY_CACHE_DIR says otherwise', () => {
    expect(cacheDirectory({}, '/users/u')).toBe('/users/u/.cache/event-driven-ecs-infra');
    expect(cacheDirectory({ VERIFY_CACHE_DIR: ' /x ' }, '/users/u')).toBe('/x');
  });
});

describe('the Terraform environment of the tiers', () => {
  const context = (tools: Partial<ToolLocations>, env: NodeJS.ProcessEnv = {}) => ({ env: { PATH: '/usr/bin', ...env }, tools: { cacheDir: '/c', ...tools } }) as unknown as VerifyContext;

  it('points Terraform at the mirror through the generated CLI config, whose own plugin cache applies', () => {
    const env = terraformEnv(context({ terraformCliConfig: '/c/terraform.rc', pluginCacheDir: '/c/plugin-cache' }, { TF_CLI_CONFIG_FILE: '/home-rc' }));
    expect(env).toMatchObject({ TF_CLI_CONFIG_FILE: '/c/terraform.rc', TF_IN_AUTOMATION: '1' });
    expect(env.TF_PLUGIN_CACHE_DIR).toBeUndefined();
  });

  it('with the registry, shares one download through the plugin cache, unless the caller names a cache', () => {
    const env = terraformEnv(context({ pluginCacheDir: '/c/plugin-cache' }, { TF_CLI_CONFIG_FILE: '/home-rc' }));
    expect(env).toMatchObject({ TF_CLI_CONFIG_FILE: '/home-rc', TF_PLUGIN_CACHE_DIR: '/c/plugin-cache', TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: 'true' });
    expect(terraformEnv(context({ pluginCacheDir: '/c/plugin-cache' }, { TF_PLUGIN_CACHE_DIR: '/mine' })).TF_PLUGIN_CACHE_DIR).toBe('/mine');
    expect(terraformEnv(context({})).TF_PLUGIN_CACHE_DIR).toBeUndefined();
  });
});

describe('provider pin for validation', () => {
  it('keeps the exact pin when the mirror holds it, or when init uses the registry', () => {
    expect(providerConstraint('6.25.0', '6.25.0')).toEqual({ constraint: '6.25.0', relaxed: false });
    expect(providerConstraint('6.25.0', undefined)).toEqual({ constraint: '6.25.0', relaxed: false });
  });

  it('relaxes to ~> major.minor for another 6.x, and refuses another major', () => {
    expect(providerConstraint('6.25.0', '6.47.1')).toEqual({ constraint: '~> 6.25', relaxed: true });
    expect(() => providerConstraint('6.25.0', '7.0.0')).toThrow('another major version');
  });

  it('rewrites only required_providers.aws.version, on a copy', () => {
    const stack = { terraform: { required_providers: { aws: { source: 'aws', version: '6.25.0' } } }, resource: {} };
    const copy = withAwsProviderConstraint(stack, '~> 6.25');
    expect(copy).toEqual({ terraform: { required_providers: { aws: { source: 'aws', version: '~> 6.25' } } }, resource: {} });
    expect(stack.terraform.required_providers.aws.version).toBe('6.25.0');
    expect(() => withAwsProviderConstraint({ terraform: {} }, '1')).toThrow('no required_providers.aws');
  });
});

describe('terraform validate -json', () => {
  it('reads validity and diagnostics', () => {
    const out = JSON.stringify({
      format_version: '1.0',
      valid: false,
      error_count: 1,
      warning_count: 0,
      diagnostics: [{ severity: 'error', summary: 'Unsupported argument', detail: 'An argument named\n"foo" is not expected here.', range: { filename: 'main.tf', start: { line: 7 } } }],
    });
    const result = parseValidateOutput(out);
    expect(result.valid).toBe(false);
    expect(describeDiagnostic('modules/network', result.diagnostics[0]!)).toBe('modules/network main.tf:7: error: Unsupported argument — An argument named "foo" is not expected here.');
  });

  it('refuses output that is not validate JSON', () => {
    expect(() => parseValidateOutput('Error: no')).toThrow('printed no JSON');
    expect(() => parseValidateOutput('{"valid":true}')).toThrow('expected "valid" and "diagnostics"');
  });
});

describe('checkov -o json', () => {
  const record = (id: string, file: string, resource: string, extra = {}) => ({ check_id: id, check_name: `name of ${id}`, file_path: file, file_line_range: [3, 9], resource, ...extra });

  it('sums one report or a list of reports', () => {
    const one = {
      check_type: 'terraform',
      results: { failed_checks: [record('CKV_A', '/network/main.tf', 'aws_vpc.this')], skipped_checks: [] },
      summary: { passed: 5, failed: 1, skipped: 0, parsing_errors: 0 },
    };
    expect(parseCheckovOutput(JSON.stringify(one))).toMatchObject({ passed: 5, parsingErrors: 0, failed: [{ check_id: 'CKV_A' }] });
    const many = parseCheckovOutput(JSON.stringify([one, { ...one, summary: { passed: 2, failed: 1, skipped: 0, parsing_errors: 1 } }]));
    expect(many.passed).toBe(7);
    expect(many.failed).toHaveLength(2);
    expect(many.parsingErrors).toBe(1);
    // An empty scan prints a bare summary.
    expect(parseCheckovOutput('{"passed":0,"failed":0,"skipped":0,"parsing_errors":0,"resource_count":0}').failed).toEqual([]);
  });

  it('turns module skips into accepted findings, and a skip without a reason into an error', () => {
    const result = parseCheckovOutput(
      JSON.stringify({
        results: {
          failed_checks: [record('CKV_A', '/network/main.tf', 'aws_vpc.this')],
          skipped_checks: [
            record('CKV_B', '/state-bucket/main.tf', 'aws_s3_bucket.this', { check_result: { result: 'SKIPPED', suppress_comment: 'replication is an account decision' } }),
            record('CKV_C', '/state-bucket/main.tf', 'aws_s3_bucket.this', { check_result: { result: 'SKIPPED', suppress_comment: 'No comment provided' } }),
          ],
        },
        summary: { passed: 0, failed: 1, skipped: 2, parsing_errors: 0 },
      }),
    );
    const { findings, errors } = moduleFindings(result);
    expect(findings.map((f) => [f.target, f.rule, f.resource, f.location, f.acceptedBecause])).toEqual([
      ['modules/network', 'CKV_A', 'aws_vpc.this', 'main.tf:3', undefined],
      ['modules/state-bucket', 'CKV_B', 'aws_s3_bucket.this', 'main.tf:3', 'replication is an account decision'],
      ['modules/state-bucket', 'CKV_C', 'aws_s3_bucket.this', 'main.tf:3', 'No comment provided'],
    ]);
    expect(errors).toEqual(['modules/state-bucket aws_s3_bucket.this: #checkov:skip=CKV_C gives no reason']);
  });

  it("hides required_version from checkov's JSON parser (it crashes on it) without moving any line", () => {
    const text = JSON.stringify({ resource: { aws_sqs_queue: { q: { name: 'q' } } }, terraform: { backend: { local: {} }, required_version: '>= 1.10', required_providers: {} } }, null, 2);
    const copy = forCheckov(text);
    expect(JSON.parse(copy)).toEqual({ resource: { aws_sqs_queue: { q: { name: 'q' } } }, terraform: { backend: { local: {} }, '//': '>= 1.10', required_providers: {} } });
    expect(copy.split('\n').map((line) => line.replace('"//"', '"required_version"'))).toEqual(text.split('\n'));
    const without = JSON.stringify({ terraform: { backend: {} } }, null, 2);
    expect(forCheckov(without)).toBe(without);
  });

  it('finds the full address of a JSON resource checkov names without its type', () => {
    const stack = { resource: { aws_sqs_queue: { q_1: {} } }, data: { aws_region: { r: {} } } };
    expect(addressIn(stack, 'resource.q_1')).toBe('aws_sqs_queue.q_1');
    expect(addressIn(stack, 'data.r')).toBe('data.aws_region.r');
    expect(addressIn(stack, 'aws_sqs_queue.q_1')).toBe('aws_sqs_queue.q_1');
    expect(addressIn(stack, 'resource.missing')).toBe('resource.missing');
  });
});

describe('tflint --format json', () => {
  it('reads issues and tflint errors', () => {
    const out = JSON.stringify({
      issues: [
        {
          rule: { name: 'terraform_required_version', severity: 'warning', link: 'x' },
          message: 'terraform "required_version" attribute is required',
          range: { filename: 'cdktf.out/stacks/dev-base/cdk.tf.json', start: { line: 271, column: 16 }, end: {} },
          callers: [],
        },
      ],
      errors: [{ message: 'Failed to load plugin', summary: 'plugin not found', severity: 'error' }],
    });
    expect(parseTflintOutput(out, 'dev-base')).toEqual({
      findings: [
        {
          tool: 'tflint',
          rule: 'terraform_required_version',
          target: 'dev-base',
          location: 'cdk.tf.json:271',
          message: 'terraform "required_version" attribute is required',
          severity: 'warning',
        },
      ],
      errors: ['dev-base: tflint: plugin not found'],
    });
    expect(() => parseTflintOutput('{}', 't')).toThrow('expected "issues" and "errors"');
  });

  it('enables the AWS ruleset only when it was built, with the preset asked for', () => {
    expect(tflintConfig('all', true)).toContain('preset  = "all"');
    expect(tflintConfig('all', true)).toContain('plugin "aws" {\n  enabled = true\n}');
    expect(tflintConfig('recommended', false)).toContain('preset  = "recommended"');
    expect(tflintConfig('recommended', false)).not.toContain('plugin "aws"');
    expect(tflintConfig('all', false)).toContain('call_module_type = "local"');
  });
});

describe('trivy config --format json', () => {
  it('keeps failures with their resource and normalized id, and counts successes', () => {
    const out = JSON.stringify({
      Results: [
        {
          Target: 'cdk.tf.json',
          MisconfSummary: { Successes: 7, Failures: 1 },
          Misconfigurations: [
            {
              ID: 'AWS-0017',
              AVDID: 'AVD-AWS-0017',
              Title: 'CloudWatch log groups should be encrypted using CMK',
              Message: 'Log group is not encrypted.',
              Severity: 'LOW',
              Status: 'FAIL',
              CauseMetadata: { Resource: 'aws_cloudwatch_log_group.logs', StartLine: 12 },
            },
            { ID: 'AWS-0001', Title: 'passing', Severity: 'LOW', Status: 'PASS' },
          ],
        },
        { Target: 'other.tf.json', MisconfSummary: { Successes: 2, Failures: 0 } },
      ],
    });
    expect(parseTrivyOutput(out, 'dev-a')).toEqual({
      successes: 9,
      findings: [
        {
          tool: 'trivy',
          rule: 'AWS-0017',
          target: 'dev-a',
          resource: 'aws_cloudwatch_log_group.logs',
          location: 'cdk.tf.json:12',
          message: 'CloudWatch log groups should be encrypted using CMK: Log group is not encrypted.',
          severity: 'LOW',
        },
      ],
    });
    expect(parseTrivyOutput('{}', 't')).toEqual({ successes: 0, findings: [] });
    expect(() => parseTrivyOutput('FATAL', 't')).toThrow('printed no JSON');
  });
});

describe('actionlint -format {{json .}}', () => {
  it('reads problems with their kind and position', () => {
    const out =
      '[{"message":"shellcheck reported issue in this script: SC2086:info:1:6: Double quote","filepath":".github/workflows/x.yml","line":6,"column":9,"kind":"shellcheck","snippet":"","end_column":12}]';
    expect(parseActionlintOutput(out)).toEqual([
      {
        tool: 'actionlint',
        rule: 'shellcheck',
        target: '.github/workflows/x.yml',
        location: '.github/workflows/x.yml:6:9',
        message: 'shellcheck reported issue in this script: SC2086:info:1:6: Double quote',
      },
    ]);
    expect(parseActionlintOutput('')).toEqual([]);
    expect(() => parseActionlintOutput('{}')).toThrow('expected a list');
  });
});

describe('re-plan output', () => {
  const change = (address: string, type: string, actions: string[], before: object, after: object) => ({ address, type, change: { actions, before, after, after_unknown: {} } });

  it("tolerates only updates confined to the emulator's known read gaps, and fails every other change", () => {
    const plan = {
      resource_changes: [
        change('aws_sfn_state_machine.a', 'aws_sfn_state_machine', ['update'], { tracing_configuration: [] }, { tracing_configuration: [{ enabled: true }] }),
        change(
          'aws_sfn_state_machine.b',
          'aws_sfn_state_machine',
          ['update'],
          { definition: '{}', tracing_configuration: [] },
          { definition: '{"a":1}', tracing_configuration: [{ enabled: true }] },
        ),
        change('aws_sqs_queue.q', 'aws_sqs_queue', ['update'], { tags_all: {} }, { tags_all: { a: 'b' } }),
        change('aws_vpc_endpoint.e', 'aws_vpc_endpoint', ['delete', 'create'], { private_dns_enabled: false }, { private_dns_enabled: true }),
        change('aws_iam_role.r', 'aws_iam_role', ['no-op'], {}, {}),
      ],
    };
    expect(classifyReplan(plan)).toEqual({
      tolerated: ['aws_sfn_state_machine.a (update): tracing_configuration'],
      real: ['aws_sfn_state_machine.b (update): definition, tracing_configuration', 'aws_sqs_queue.q (update): tags_all', 'aws_vpc_endpoint.e (delete/create): private_dns_enabled'],
    });
    expect(classifyReplan({})).toEqual({ real: [], tolerated: [] });
  });

  it('quotes the attribute lines of the human plan', () => {
    const plan = [
      '  # aws_vpc_endpoint.e will be updated in-place',
      '  ~ resource "aws_vpc_endpoint" "e" {',
      '      ~ private_dns_enabled = false -> true',
      '        # (19 unchanged attributes hidden)',
    ].join('\n');
    expect(changedAttributes(plan)).toEqual(['~ private_dns_enabled = false -> true']);
  });
});

describe("shellcheck over the repository's shell scripts", () => {
  it('reads json1 output: rule SC<code>, file:line:column, level', () => {
    const stdout = JSON.stringify({
      comments: [{ file: '.ci/run', line: 12, endLine: 12, column: 6, endColumn: 8, level: 'info', code: 2086, message: 'Double quote to prevent globbing and word splitting.', fix: null }],
    });
    expect(parseShellcheckOutput(stdout)).toEqual([
      { tool: 'shellcheck', rule: 'SC2086', target: '.ci/run', location: '.ci/run:12:6', message: 'Double quote to prevent globbing and word splitting.', severity: 'info' },
    ]);
    expect(parseShellcheckOutput('{"comments":[]}')).toEqual([]);
    expect(() => parseShellcheckOutput('In x line 1:')).toThrow('shellcheck printed no JSON');
    expect(() => parseShellcheckOutput('{}')).toThrow('expected "comments"');
  });

  it('finds the shell scripts of .ci/ by their #! line, and *.sh outside dependencies and generated output', () => {
    const root = mkdtempSync(join(tmpdir(), 'shell-scripts-'));
    try {
      const write = (path: string, text: string) => {
        mkdirSync(join(root, path, '..'), { recursive: true });
        writeFileSync(join(root, path), text);
      };
      write('.ci/run', '#!/usr/bin/env bash\n');
      write('.ci/install-node', '#!/bin/sh\n');
      write('.ci/notes.md', '# not a script\n');
      write('verify/bootstrap-tools.sh', '#!/usr/bin/env bash\n');
      write('node_modules/pkg/install.sh', '#!/bin/sh\n');
      write('cdktf.out/stacks/x/run.sh', '#!/bin/sh\n');
      write('.github/hooks/pre.sh', '#!/bin/sh\n');
      expect(shellScripts(root)).toEqual(['.ci/install-node', '.ci/run', 'verify/bootstrap-tools.sh']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('npm run verify arguments', () => {
  it('runs every tier in order by default, or the ones named, still in order', () => {
    expect(parseVerifyArgs([])).toEqual({ tiers: ['validate', 'tflint', 'checkov', 'trivy', 'actionlint', 'hadolint', 'emulator'], synth: true });
    expect(parseVerifyArgs(['--tier', 'emulator,validate', '--no-synth'])).toEqual({ tiers: ['validate', 'emulator'], synth: false });
    expect(parseVerifyArgs(['--tier=trivy'])).toEqual({ tiers: ['trivy'], synth: true });
  });

  it('rejects unknown tiers and arguments with a usage error', () => {
    expect(() => parseVerifyArgs(['--tier', 'lint'])).toThrow(UsageError);
    expect(() => parseVerifyArgs(['--tier', 'lint'])).toThrow('unknown tier lint (tiers: validate, tflint, checkov, trivy, actionlint, hadolint, emulator)');
    expect(() => parseVerifyArgs(['--tier=,'])).toThrow('unknown tier ""');
    expect(() => parseVerifyArgs(['--tier'])).toThrow('--tier needs a value');
    expect(() => parseVerifyArgs(['--fast'])).toThrow('unknown argument "--fast"');
  });
});

describe('managedResources: what the emulator tier counts as applied', () => {
  const resource = (address: string, mode?: string): StateResource => ({ address, type: 'aws_s3_bucket', values: {}, ...(mode ? { mode } : {}) });

  test("by Terraform's mode: a managed resource of a module named data counts, a data source does not", () => {
    const state = [
      resource('module.data.aws_s3_bucket.b', 'managed'),
      resource('data.aws_caller_identity.current', 'data'),
      resource('module.base.data.aws_region.r', 'data'),
      resource('aws_sfn_state_machine.m', 'managed'),
    ];
    expect(managedResources(state).map((r) => r.address)).toEqual(['module.data.aws_s3_bucket.b', 'aws_sfn_state_machine.m']);
  });

  test('without a mode, by the address inside its modules', () => {
    const state = [
      resource('module.data.aws_s3_bucket.b'),
      resource('module.data.data.aws_region.r'),
      resource('module.a["x.y"].module.b.data.aws_iam_policy_document.p'),
      resource('data.aws_caller_identity.current'),
      resource('aws_cloudwatch_event_rule.data'),
    ];
    expect(managedResources(state).map((r) => r.address)).toEqual(['module.data.aws_s3_bucket.b', 'aws_cloudwatch_event_rule.data']);
  });
});
