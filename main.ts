/**
 * The app. Validates the catalog and every environment, then synthesizes every environment's
 * stacks; `SYNTH_ENVIRONMENTS=dev,staging` limits synthesis to some (all are still validated).
 * Nothing is written when validation fails. Each account with a deployed environment also gets its
 * CI roles stack, `ci-roles-<account>`.
 */
import { bookingSaga } from './catalog/booking-saga';
import { environments } from './environments';
import { githubRepository } from './environments/github';
import { ConfigurationError } from './environments/validate';
import { synthesize } from './stacks/app';
import { SelectionError } from './stacks/select-environments';

try {
  synthesize({ catalog: bookingSaga, environments, repository: githubRepository, selection: process.env.SYNTH_ENVIRONMENTS });
} catch (error) {
  if (error instanceof ConfigurationError || error instanceof SelectionError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
