/**
 * `npm run docs`: writes the generated sections of the documentation, the field tables of
 * docs/configuration.md (from the configuration's zod schemas) and each HCL module README's inputs
 * and outputs (from its variables.tf and outputs.tf). `--check` writes nothing and fails when a
 * file is stale, as the test does. Exit codes: docs/cli.md.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, parseCommandLine, PrerequisiteError, runCommand } from '../tooling/cli';
import { REPO_ROOT } from '../tooling/hcl-modules';
import { generatedFiles } from './docs/generate';
import { GeneratedSectionError } from './docs/generated-sections';

export const USAGE = `Usage: npm run docs [-- --check]

Writes the generated sections of the documentation: the field tables of docs/configuration.md, from
the zod schemas of catalog/schema.ts and environments/schema.ts, and the Inputs and Outputs tables
of each modules/*/README.md, from the module's variables.tf and outputs.tf. Text outside the
"<!-- BEGIN GENERATED -->" markers is left as it is.

  --check      write nothing; list the files whose generated sections are stale
  -h, --help   this text

Exit codes: 0 written (or, with --check, up to date); 1 stale files (--check); 2 usage, or a file
without its markers; 3 crash.`;

export const parseDocsArgs = (argv: readonly string[]): { readonly check: boolean } => {
  const { values } = parseCommandLine(argv, { check: { type: 'boolean', default: false } });
  return { check: values.check };
};

export async function runDocs(argv: readonly string[]): Promise<number> {
  const { check } = parseDocsArgs(argv);
  const files = await generatedFiles().catch((error: unknown) => {
    throw error instanceof GeneratedSectionError ? new PrerequisiteError(error.message) : error;
  });
  const stale = files.filter((file) => file.generated !== file.current);
  if (check) {
    for (const file of stale) process.stderr.write(`docs: ${file.file} is stale: run npm run docs\n`);
    return stale.length > 0 ? EXIT.finding : EXIT.ok;
  }
  for (const file of stale) {
    writeFileSync(join(REPO_ROOT, file.file), file.generated);
    process.stdout.write(`docs: wrote ${file.file}\n`);
  }
  return EXIT.ok;
}

if (require.main === module) void runCommand({ name: 'docs', usage: USAGE, run: runDocs });
