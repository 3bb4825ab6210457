/**
 * How the booking saga's tasks behave as steps of the orchestrated flow (catalog: booking/book).
 *
 * Started by a rule on its own (choreography), a task announces its outcome with an event, and the
 * next service reacts to it. Run as a flow's step (orchestration), the flow's state machine decides
 * what comes next: the task reports by its exit code and publishes no outcome of its own, or it
 * would start the choreography as well (PaymentSucceeded → reserve-seats).
 */
import { readFlowRun, type TaskFlowRun } from '../../event-client';

/** A step that refused its work and did none of it (a declined card, a seat that does not exist). */
export const DECLINED_EXIT_CODE = 3;

/** The flow step this task runs, or undefined under a rule of the choreography. */
export const flowRun = (env: Readonly<Record<string, string | undefined>> = process.env): TaskFlowRun | undefined => readFlowRun(env);
