/**
 * The bootstrap's wrapper go.mod: the provider cannot be `go install`ed (no /v6 in its module path,
 * and `go install m@v` refuses modules with replaces), so the wrapper must carry the dependency's
 * Go version, godebug settings and replaces. The script is sourced, so nothing is built here.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', '..', 'verify', 'bootstrap-tools.sh');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bootstrap-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sourced = (command: string, ...args: string[]) => {
  const run = spawnSync('bash', ['-c', `load() { source "${SCRIPT}"; }; load && ${command}`, 'bootstrap-test', ...args], {
    encoding: 'utf8',
    env: { ...process.env, VERIFY_CACHE_DIR: join(dir, 'cache') },
  });
  if (run.status !== 0) throw new Error(`bash failed (${run.status}): ${run.stderr}`);
  return run.stdout;
};

const DEPENDENCY_GO_MOD = `module github.com/example/provider

go 1.26.3

godebug tlsmlkem=0

require (
\tgithub.com/a/b v1.0.0
)

replace github.com/hashicorp/terraform-plugin-log => github.com/gdavison/terraform-plugin-log v0.0.0-20230928191232-6c653d8ef8fb

replace (
\tgithub.com/x/y v1.2.0 => github.com/fork/y v1.2.1
\tgithub.com/local/tool => ./tools/local
)
`;

describe('wrapper go.mod', () => {
  it('copies the Go version, godebug and every non-local replace of the dependency, and requires the exact version', () => {
    const gomod = join(dir, 'dep.mod');
    writeFileSync(gomod, DEPENDENCY_GO_MOD);
    expect(sourced('wrapper_go_mod "$@"', 'terraform-provider-aws', 'github.com/example/provider', 'v1.60.1-0.20260602190131-5f2286d6d836', gomod)).toBe(
      [
        'module local/terraform-provider-aws-build',
        '',
        'go 1.26.3',
        'godebug tlsmlkem=0',
        '',
        'require github.com/example/provider v1.60.1-0.20260602190131-5f2286d6d836',
        'replace github.com/hashicorp/terraform-plugin-log => github.com/gdavison/terraform-plugin-log v0.0.0-20230928191232-6c653d8ef8fb',
        'replace github.com/x/y v1.2.0 => github.com/fork/y v1.2.1',
        '',
      ].join('\n'),
    );
  });

  it('writes no replace for a module that has none', () => {
    const gomod = join(dir, 'plain.mod');
    writeFileSync(gomod, 'module m\n\ngo 1.26.4\n\nrequire github.com/a/b v1.0.0\n');
    expect(sourced('wrapper_go_mod "$@"', 'x', 'm', 'v1.0.0', gomod)).toBe('module local/x-build\n\ngo 1.26.4\n\nrequire m v1.0.0\n');
  });
});

describe('bootstrap arguments', () => {
  it('refuses an unknown tool or provider source before building anything', () => {
    const env = { ...process.env, VERIFY_CACHE_DIR: join(dir, 'cache') };
    const unknown = spawnSync('bash', [SCRIPT, 'terraform-docs'], { encoding: 'utf8', env });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown tool terraform-docs');
    const source = spawnSync('bash', [SCRIPT, '--provider-source', 'github'], { encoding: 'utf8', env });
    expect(source.status).toBe(2);
    expect(source.stderr).toContain('--provider-source must be auto, mirror or registry, not github');
  });
});

describe('provider source', () => {
  // curl reads file:// URLs: a file that exists stands for a registry that answers.
  const resolve = (source: string, probe: string) => {
    const run = spawnSync('bash', ['-c', `load() { source "${SCRIPT}"; }; load && resolve_provider_source "$1"`, 'bootstrap-test', source], {
      encoding: 'utf8',
      env: { ...process.env, VERIFY_CACHE_DIR: join(dir, 'cache'), VERIFY_REGISTRY_PROBE_URL: `file://${probe}` },
    });
    return run.stdout.trim();
  };

  it('auto: the registry where it answers (a CI runner: init downloads the provider), else the mirror built here', () => {
    const answers = join(dir, 'terraform.json');
    writeFileSync(answers, '{"providers.v1":"/v1/providers/"}');
    expect(resolve('auto', answers)).toBe('registry');
    expect(resolve('auto', join(dir, 'unreachable.json'))).toBe('mirror');
  });

  it('mirror and registry are taken as given, without probing', () => {
    const answers = join(dir, 'terraform.json');
    writeFileSync(answers, '{}');
    expect(resolve('mirror', answers)).toBe('mirror');
    expect(resolve('registry', join(dir, 'unreachable.json'))).toBe('registry');
  });
});
