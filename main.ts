/**
 * The app. Validates the catalog and every environment, then synthesizes every environment's
 * stacks; `SYNTH_ENVIRONMENTS=dev,staging` limits synthesis to some (all are still validated).
 * Nothing is written when validation fails.
 */
import { bookingSaga } from './catalog/booking-saga';
import { environments } from './environments';
import { ConfigurationError } from './environments/validate';
import { synthesize } from './stacks/app';
import { SelectionError } from './stacks/select-environments';

try {
  synthesize({ catalog: bookingSaga, environments, selection: process.env.SYNTH_ENVIRONMENTS });
} catch (error) {
  if (error instanceof ConfigurationError || error instanceof SelectionError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
