/**
 * What the invariant suites of this folder check: a catalog, the environments it is synthesized
 * for, and where that synthesis went. Every suite derives its cases from the subject alone, so it
 * holds for the example (synthesized once per Jest run, in globalSetup) and for any catalog grown
 * from it (test/docs/adding-things.test.ts) without naming a service.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bookingSaga } from '../../catalog/booking-saga';
import type { Catalog } from '../../catalog/types';
import { environments } from '../../environments';
import { githubRepository } from '../../environments/github';
import type { EnvironmentConfig } from '../../environments/types';
import { synthesize } from '../../stacks/app';
import { existingBaseEnvironment } from '../fixtures/environments';
import { manifest, type Manifest, stackJson, synthOutDir, type TerraformJson } from '../support/synth';

export interface Subject {
  readonly catalog: Catalog;
  /** Every environment synthesized: managed bases and an existing one. */
  readonly environments: readonly EnvironmentConfig[];
  /** The synthesized output; read only inside tests (the example's comes from globalSetup). */
  readonly outdir: () => string;
}

/** The example: the booking saga in dev, staging, prod and the test-only existing-base environment. */
export const example: Subject = { catalog: bookingSaga, environments: [...environments, existingBaseEnvironment], outdir: () => synthOutDir() };

/** A subject synthesized on first use into a directory of its own (removed when the process exits). */
export function synthesizedSubject(catalog: Catalog, subjectEnvironments: readonly EnvironmentConfig[]): Subject {
  let outdir: string | undefined;
  return {
    catalog,
    environments: subjectEnvironments,
    outdir: () => {
      if (!outdir) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-subject-'));
        process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
        // With the CI roles stacks, as globalSetup synthesizes the example.
        synthesize({ catalog, environments: subjectEnvironments, repository: githubRepository, outdir: dir });
        outdir = dir;
      }
      return outdir;
    },
  };
}

/** A stack of the subject's synthesized output. */
export const stackOf = (subject: Subject, stack: string): TerraformJson => stackJson(stack, subject.outdir());
export const manifestOf = (subject: Subject): Manifest => manifest(subject.outdir());
