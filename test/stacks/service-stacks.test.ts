import { serviceStackInvariants } from '../invariants/service-stacks';
import { example } from '../invariants/subject';

serviceStackInvariants(example);
