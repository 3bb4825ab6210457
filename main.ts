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

/**
 * The app's run with `env` as its environment variables: 0 once synthesized; 1, the message on
 * `stderr` and nothing written, for a configuration it refuses. Run in process by the tests of
 * those messages; the process below only turns the result into its exit status.
 */
export async function runApp(env: NodeJS.ProcessEnv, stderr: NodeJS.WritableStream): Promise<number> {
  const problem = repositoryProblem(githubRepository, runningRepository(env));
  if (problem) {
    stderr.write(`${problem}\n`);
    return 1;
  }
  try {
    const workers = parseWorkers(env.SYNTH_WORKERS);
    await synthesizeInParallel({ catalog: bookingSaga, environments, repository: githubRepository, outdir: env.CDKTF_OUTDIR, selection: env.SYNTH_ENVIRONMENTS, workers });
    return 0;
  } catch (error) {
    if (error instanceof ConfigurationError || error instanceof SelectionError || error instanceof SynthWorkersError) {
      stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  void runApp(process.env, process.stderr).then((code) => {
    if (code !== 0) process.exit(code);
  });
}
