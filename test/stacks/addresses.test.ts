import { addressInvariants } from '../invariants/addresses';
import { example } from '../invariants/subject';

addressInvariants(example);
