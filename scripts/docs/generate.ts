/**
 * What `npm run docs` writes: each generated file, its text now and its text as generated. Pure
 * apart from reading the files; scripts/docs.ts writes them, test/docs/generated.test.ts compares.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../../tooling/hcl-modules';
import { moduleDirectories, parseHcl } from '../../tooling/hcl-reader';
import { configurationTables } from './configuration-tables';
import { withGeneratedSections } from './generated-sections';
import { moduleReadmeSections } from './module-readmes';

export interface GeneratedFile {
  /** Relative to the repository root. */
  readonly file: string;
  readonly current: string;
  readonly generated: string;
}

function generatedFile(path: string, sections: Readonly<Record<string, string>>): GeneratedFile {
  const file = relative(REPO_ROOT, path);
  const current = readFileSync(path, 'utf8');
  return { file, current, generated: withGeneratedSections(current, sections, file) };
}

/** Every file with generated sections, in a stable order; `parse` reads each HCL file (the tests remember its results). */
export async function generatedFiles(root: string = REPO_ROOT, parse: typeof parseHcl = parseHcl): Promise<GeneratedFile[]> {
  const files = [generatedFile(join(root, 'docs', 'configuration.md'), configurationTables())];
  for (const dir of moduleDirectories(join(root, 'modules'))) files.push(generatedFile(join(dir, 'README.md'), await moduleReadmeSections(dir, parse)));
  return files;
}
