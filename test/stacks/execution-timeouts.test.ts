import { executionTimeoutInvariants } from '../invariants/execution-timeouts';
import { example } from '../invariants/subject';

executionTimeoutInvariants(example);
