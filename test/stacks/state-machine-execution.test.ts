import { stateMachineExecutionInvariants } from '../invariants/state-machine-execution';
import { example } from '../invariants/subject';

stateMachineExecutionInvariants(example);
