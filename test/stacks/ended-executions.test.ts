import { endedExecutionsInvariants } from '../invariants/ended-executions';
import { example } from '../invariants/subject';

endedExecutionsInvariants(example);
