/** The pure pieces: line diff, redaction, stack order, terraform steps, preflight. */
import { terraformSteps } from '../../delivery/plan';
import { attributeChanges, jsonDiff, lineDiff, redact, stackNameOfFile, unifiedDiff } from '../../plan-review';
import { CdktfOutError, environmentsOf, orderStacks, recordedEnvironment, stacksOfEnvironment, type CdktfManifest } from '../../tooling/cdktf-out';
import { awsCredentialSource, findExecutable, preflight } from '../../tooling/preflight';

describe('lineDiff / unifiedDiff', () => {
  it('finds the minimal change and groups removals before additions', () => {
    const diff = lineDiff(['a', 'b', 'c', 'd'], ['a', 'x', 'c', 'd', 'e']);
    expect(diff.map((l) => `${l.kind[0]}${l.text}`)).toEqual(['sa', 'rb', 'ax', 'sc', 'sd', 'ae']);
  });
  it('keeps context and folds unchanged stretches', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`);
    const after = before.map((l, i) => (i === 10 ? 'changed' : l));
    expect(unifiedDiff(lineDiff(before, after), 1)).toEqual(['@@ 9 unchanged lines @@', '  line 9', '- line 10', '+ changed', '  line 11', '@@ 8 unchanged lines @@']);
  });
  it('JSON documents: key order and whitespace do not count', () => {
    expect(jsonDiff('{"b":1,"a":[1,2]}', '{ "a": [1, 2], "b": 1 }')).toEqual([]);
    expect(jsonDiff('{"a":1}', '{"a":2}')).toEqual(['  {', '-   "a": 1', '+   "a": 2', '  }']);
  });
});

describe('redaction', () => {
  it('replaces sensitive and unknown parts at any depth; sensitive wins', () => {
    const value = { name: 'x', env: [{ key: 'A', value: 'secret' }], nested: { token: 't' } };
    expect(redact(value, { env: [{ value: true }], nested: true }, { id: true, nested: { token: true } })).toEqual({
      name: 'x',
      env: [{ key: 'A', value: '(sensitive)' }],
      nested: '(sensitive)',
      id: '(known after apply)',
    });
  });
  it('attribute changes: nested sensitive values stay hidden inside a changed object', () => {
    const changes = attributeChanges({
      actions: ['update'],
      before: { env: { A: '1', PASSWORD: 'old' } },
      after: { env: { A: '2', PASSWORD: 'new' } },
      after_unknown: {},
      before_sensitive: { env: { PASSWORD: true } },
      after_sensitive: { env: { PASSWORD: true } },
    });
    expect(changes).toEqual([{ name: 'env', before: '{"A":"1","PASSWORD":"(sensitive)"}', after: '{"A":"2","PASSWORD":"(sensitive)"}' }]);
  });
});

const manifest = (stacks: Record<string, string[]>): CdktfManifest => ({
  version: '0.21.0',
  stacks: Object.fromEntries(Object.entries(stacks).map(([name, dependencies]) => [name, { name, constructPath: name, workingDirectory: `stacks/${name}`, dependencies }])),
});

/** The environment each stack recorded, for hand-made manifests: `dev-eu-*` stacks recorded `dev-eu`. */
const recorded = (stack: { name: string }): string | undefined => (stack.name.startsWith('dev-eu-') ? 'dev-eu' : stack.name.split('-')[0]);

describe('stack order', () => {
  it('dependencies first, manifest order otherwise, other environments left out', () => {
    const m = manifest({ 'dev-seat': ['dev-base'], 'staging-base': [], 'dev-payment': ['dev-base', 'dev-seat'], 'dev-base': [] });
    expect(orderStacks(m, 'dev', recorded).map((s) => s.name)).toEqual(['dev-base', 'dev-seat', 'dev-payment']);
    expect(orderStacks(m, 'dev', recorded)[0]!.workingDirectory).toBe('stacks/dev-base');
  });
  it("each stack names the stacks it depends on, from the construct paths the manifest records (what verify's emulator schedules by)", () => {
    const m: CdktfManifest = {
      version: '0.21.0',
      stacks: {
        'dev-base': { name: 'dev-base', workingDirectory: 'stacks/dev-base', dependencies: [] },
        'dev-monitoring': { name: 'dev-monitoring', constructPath: 'app/dev-monitoring', workingDirectory: 'stacks/dev-monitoring', dependencies: [] },
        'dev-booking': { name: 'dev-booking', workingDirectory: 'stacks/dev-booking', dependencies: ['app/dev-monitoring', 'dev-base'] },
      },
    };
    expect(orderStacks(m, 'dev', recorded).map(({ name, dependsOn }) => ({ name, dependsOn }))).toEqual([
      { name: 'dev-base', dependsOn: [] },
      { name: 'dev-monitoring', dependsOn: [] },
      { name: 'dev-booking', dependsOn: ['dev-monitoring', 'dev-base'] },
    ]);
    expect(() => orderStacks(manifest({ 'dev-booking': ['prod-base'], 'prod-base': [] }), 'dev', recorded)).toThrow(
      'environment dev: stack dev-booking depends on prod-base, a stack of another environment',
    );
  });
  it('selects by the recorded environment, exactly: dev never takes dev-eu-* stacks, nor a stack of no environment', () => {
    const m = manifest({ 'dev-base': [], 'dev-eu-base': [], 'dev-eu-seat': ['dev-eu-base'], 'dev-seat': ['dev-base'], 'ci-roles-111111111111': [] });
    expect(orderStacks(m, 'dev', recorded).map((s) => s.name)).toEqual(['dev-base', 'dev-seat']);
    expect(orderStacks(m, 'dev-eu', recorded).map((s) => s.name)).toEqual(['dev-eu-base', 'dev-eu-seat']);
    expect(stacksOfEnvironment(m, 'dev', recorded).map((s) => s.name)).toEqual(['dev-base', 'dev-seat']);
    const byMetadata = (stack: { name: string }) => (stack.name === 'ci-roles-111111111111' ? undefined : recorded(stack));
    expect(stacksOfEnvironment(m, 'ci', byMetadata)).toEqual([]);
    expect(environmentsOf(m, byMetadata)).toEqual(['dev', 'dev-eu']);
  });
  it('reads the environment a stack recorded in its cdk.tf.json', () => {
    expect(recordedEnvironment({ '//': { metadata: { environment: 'dev', stackName: 'dev-base' } } })).toBe('dev');
    expect(recordedEnvironment({ '//': { metadata: { stackName: 'dev-base' } } })).toBeUndefined();
    expect(recordedEnvironment({ '//': { metadata: { environment: 7 } } })).toBeUndefined();
    expect(recordedEnvironment([])).toBeUndefined();
  });
  it('errors: cycle, unknown dependency, cross-environment dependency, no stacks', () => {
    expect(() => orderStacks(manifest({ 'dev-a': ['dev-b'], 'dev-b': ['dev-a'] }), 'dev', recorded)).toThrow(
      new CdktfOutError('environment dev: dependency cycle among stacks dev-a, dev-b'),
    );
    expect(() => orderStacks(manifest({ 'dev-a': ['dev-zzz'] }), 'dev', recorded)).toThrow('environment dev: stack dev-a depends on unknown stack "dev-zzz"');
    expect(() => orderStacks(manifest({ 'dev-a': ['prod-a'], 'prod-a': [] }), 'dev', recorded)).toThrow('depends on prod-a, a stack of another environment');
    expect(() => orderStacks(manifest({ 'dev-a': [] }), 'qa', recorded)).toThrow(
      'environment qa: no stack of the manifest belongs to it (environments found: dev; each stack records its environment in cdk.tf.json at //.metadata.environment: synthesize again)',
    );
  });
  it('terraform steps: non-interactive init, saved plan with a lock timeout, JSON show', () => {
    expect(terraformSteps().map((s) => [s.step, s.args.join(' '), s.captureStdout])).toEqual([
      ['init', 'init -input=false -no-color', false],
      ['plan', 'plan -input=false -no-color -lock-timeout=5m -out=tfplan', false],
      ['show', 'show -json -no-color tfplan', true],
    ]);
  });
  it('stack name of a plan file', () => {
    expect(stackNameOfFile('plans/dev-base.json')).toBe('dev-base');
    expect(stackNameOfFile('plans/dev-seat.error.json')).toBe('dev-seat');
  });
});

describe('preflight', () => {
  const none = () => false;
  it('finds binaries on PATH or by path', () => {
    const exists = (p: string) => p === '/opt/tofu/bin/tofu';
    expect(findExecutable('tofu', { PATH: '/usr/bin:/opt/tofu/bin' }, exists, 'linux')).toBe('/opt/tofu/bin/tofu');
    expect(findExecutable('/opt/tofu/bin/tofu', { PATH: '' }, exists, 'linux')).toBe('/opt/tofu/bin/tofu');
    expect(findExecutable('terraform', { PATH: '/usr/bin' }, exists, 'linux')).toBeUndefined();
  });
  it('credential sources in the SDK order; presence only', () => {
    expect(awsCredentialSource({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, none, '/h')).toBe('environment variables (AWS_ACCESS_KEY_ID)');
    expect(awsCredentialSource({ AWS_ACCESS_KEY_ID: 'a' }, none, '/h')).toBeUndefined();
    expect(awsCredentialSource({ AWS_WEB_IDENTITY_TOKEN_FILE: '/t', AWS_ROLE_ARN: 'arn' }, none, '/h')).toBe('web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)');
    expect(awsCredentialSource({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/creds' }, none, '/h')).toBe('container credentials endpoint');
    expect(awsCredentialSource({ AWS_PROFILE: 'dev' }, (p) => p === '/h/.aws/config', '/h')).toBe('shared config file /h/.aws/config (profile dev)');
    expect(awsCredentialSource({ AWS_SHARED_CREDENTIALS_FILE: '/c' }, (p) => p === '/c', '/h')).toBe('shared credentials file /c');
    expect(awsCredentialSource({ AWS_PROFILE: 'dev' }, none, '/h')).toBeUndefined();
  });
  it('checks the binary before credentials', () => {
    const result = preflight('prod', { env: { PATH: '/bin', TERRAFORM_BINARY_NAME: 'tofu' }, isExecutableFile: none, fileExists: none, homeDirectory: '/h' });
    expect(result).toEqual({ ok: false, message: expect.stringContaining('Terraform binary "tofu" (from TERRAFORM_BINARY_NAME) was not found on PATH') });
    const noCreds = preflight('prod', { env: { PATH: '/bin' }, isExecutableFile: (p) => p === '/bin/terraform', fileExists: none, homeDirectory: '/h' });
    expect(noCreds).toEqual({ ok: false, message: expect.stringMatching(/^No AWS credentials found for environment prod\./) });
  });
});
