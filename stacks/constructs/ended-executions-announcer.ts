import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../environments/types';
import { type AnnouncedStateMachine, buildEndedExecutionsAnnouncer, endedExecutionsPattern } from '../../core/asl-ended-executions';
import { MAXIMUM_EVENT_AGE_RANGE, RETRY_ATTEMPTS_RANGE } from '../../core/aws-limits';
import { endedExecutionsPolicy, publishGrants } from '../../core/iam-policies';
import {
  ENDED_EXECUTIONS_ALARMS,
  arns,
  endedExecutionsEventsRoleName,
  endedExecutionsLogGroupName,
  endedExecutionsName,
  endedExecutionsQueueName,
  endedExecutionsRoleName,
  stateMachineName,
} from '../../core/naming';
import { LoggedStateMachine, stateMachineLogging } from './logged-state-machine';
import { StateMachineAlarms } from './state-machine-alarms';
import { StateMachineRule } from './state-machine-rule';

export interface EndedExecutionsAnnouncerProps {
  readonly env: EnvironmentConfig;
  readonly serviceName: string;
  /** The service's state machines whose rules publish a failure event; at least one. */
  readonly announced: readonly AnnouncedStateMachine[];
  readonly alarmTopicArn: string;
}

/**
 * Publishes a rule's failure event when its execution ends TIMED_OUT or ABORTED, which no Catch
 * sees (core/asl-ended-executions.ts): a rule on the account's default bus, where Step Functions
 * sends its status change events, starts one state machine per service that announces them.
 */
export class EndedExecutionsAnnouncer extends Construct {
  readonly stateMachine: LoggedStateMachine;
  readonly rule: StateMachineRule;

  constructor(scope: Construct, id: string, props: EndedExecutionsAnnouncerProps) {
    super(scope, id);
    const { env, serviceName: service, announced } = props;
    const { region, accountId } = env;
    const name = endedExecutionsName(env.name, service);

    this.stateMachine = new LoggedStateMachine(this, 'state_machine', {
      name,
      accountId,
      region,
      roleName: endedExecutionsRoleName(env.name, service),
      roleDescription: `Announces TIMED_OUT and ABORTED executions of ${service}'s state machines`,
      policyName: 'announce-ended-executions',
      policy: endedExecutionsPolicy({
        executionArns: announced.map((machine) => `${machine.stateMachineArn.replace(':stateMachine:', ':execution:')}:*`),
        publishes: publishGrants(announced.map((machine) => machine.failureEvent)),
      }),
      definition: buildEndedExecutionsAnnouncer(announced, `TIMED_OUT and ABORTED executions of ${service}'s rules → their failure events`),
      logGroupName: endedExecutionsLogGroupName(env.name, service),
      logging: stateMachineLogging(env.observability),
    });

    this.rule = new StateMachineRule(this, 'rule', {
      accountId,
      ruleName: name,
      description: `TIMED_OUT and ABORTED executions of ${service}'s state machines → their failure events`,
      // Step Functions sends execution status changes to the default bus only.
      eventBusName: 'default',
      eventPattern: endedExecutionsPattern(
        announced.map((machine) => machine.stateMachineArn),
        // Every state machine of the service's rules is named `<env>-<service>-<rule>`.
        arns.stateMachine(region, accountId, stateMachineName(env.name, service, '')),
      ),
      stateMachine: this.stateMachine,
      roleName: endedExecutionsEventsRoleName(env.name, service),
      roleDescription: `Lets rule ${name} start ${name}`,
      deadLetterQueueName: endedExecutionsQueueName(env.name, service),
      // A status change event is delivered once, best effort: retry its delivery as long as EventBridge allows.
      retryPolicy: { maximumRetryAttempts: RETRY_ATTEMPTS_RANGE.max, maximumEventAgeInSeconds: MAXIMUM_EVENT_AGE_RANGE.max },
    });

    new StateMachineAlarms(this, 'alarms', {
      namePrefix: name,
      topicArn: props.alarmTopicArn,
      stateMachineArn: this.stateMachine.resource.arn,
      deadLetterQueueName: this.rule.deadLetterQueue.name,
      alarms: ENDED_EXECUTIONS_ALARMS,
      descriptions: {
        'executions-failed': `${name}: an ended execution could not be announced; its booking may stay pending`,
        'dead-letters': `${name}: status change events could not be delivered to the announcer`,
      },
    });
  }
}
