/**
 * A worker process of parallel synthesis (stacks/parallel-synth.ts, started through
 * tooling/process-pool.ts): receives the catalog and the selected environments once, then
 * batches, and synthesizes each into its own folder. It exits when the parent closes the channel.
 */
import { serveJobs } from '../tooling/process-pool';
import { synthesizeBatch } from './parallel-synth';

serveJobs(synthesizeBatch);
