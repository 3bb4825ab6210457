import { iamInvariants } from '../invariants/iam';
import { example } from '../invariants/subject';

iamInvariants(example);
