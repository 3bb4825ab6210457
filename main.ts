/**
 * The app (`npm run synth`, and what `cdktf synth`/`cdktf deploy` run from cdktf.json). Validates
 * the catalog and every environment, then synthesizes every environment's stacks;
 * `SYNTH_ENVIRONMENTS=dev,staging` limits synthesis to some (all are still validated), and
 * `SYNTH_WORKERS=N` sets the worker processes of a large catalog (0: none; docs/performance.md).
 * Nothing is written when validation fails. Each account with a deployed environment also gets its
 * CI roles stack, `ci-roles-<account>`, trusting the repository of environments/github.ts: in GitHub
 * Actions nothing is synthesized when that is not the repository the workflow runs in.
 */
import { bookingSaga } from './catalog/booking-saga';
import { environments } from './environments';
import { githubRepository, repositoryProblem, runningRepository } from './environments/github';
import { ConfigurationError } from './environments/validate';
import { parseWorkers, synthesizeInParallel, SynthWorkersError } from './stacks/parallel-synth';
import { SelectionError } from './stacks/select-environments';

async function main(): Promise<void> {
  const problem = repositoryProblem(githubRepository, runningRepository(process.env));
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
  try {
    const workers = parseWorkers(process.env.SYNTH_WORKERS);
    await synthesizeInParallel({ catalog: bookingSaga, environments, repository: githubRepository, selection: process.env.SYNTH_ENVIRONMENTS, workers });
  } catch (error) {
    if (error instanceof ConfigurationError || error instanceof SelectionError || error instanceof SynthWorkersError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

void main();
