/**
 * Just enough of ECS's task definition registry to run a state machine across a deploy: families,
 * revisions, ACTIVE/INACTIVE, and how RunTask resolves its `taskDefinition` parameter.
 *
 * AWS behaviour modelled (ECS API reference):
 * - RunTask `taskDefinition`: "The family and revision (family:revision) or full ARN of the task
 *   definition to run. If a revision isn't specified, the latest ACTIVE revision is used."
 * - DeregisterTaskDefinition: "You can't use an INACTIVE task definition to run new tasks" (after a
 *   window of up to 10 minutes, which this model skips: the worst case is the one that matters).
 *   RunTask then answers `InvalidParameterException: TaskDefinition is inactive` (seen in
 *   DefangLabs/defang#775), which Step Functions reports as `ECS.InvalidParameterException`.
 */
import { TaskError } from '../../local/asl-interpreter';

interface Revision {
  readonly revision: number;
  status: 'ACTIVE' | 'INACTIVE';
}

export class FakeEcsRegistry {
  private readonly families = new Map<string, Revision[]>();

  constructor(
    readonly region: string,
    readonly account: string,
  ) {}

  arn(family: string, revision: number): string {
    return `arn:aws:ecs:${this.region}:${this.account}:task-definition/${family}:${revision}`;
  }

  /** RegisterTaskDefinition: a new ACTIVE revision; returns its ARN. */
  register(family: string): string {
    const revisions = this.families.get(family) ?? [];
    const revision = (revisions.at(-1)?.revision ?? 0) + 1;
    revisions.push({ revision, status: 'ACTIVE' });
    this.families.set(family, revisions);
    return this.arn(family, revision);
  }

  deregister(family: string, revision: number): void {
    const found = this.families.get(family)?.find((r) => r.revision === revision);
    if (!found) throw new Error(`no ${family}:${revision}`);
    found.status = 'INACTIVE';
  }

  latestRevision(family: string): number {
    const revisions = this.families.get(family) ?? [];
    return revisions.at(-1)?.revision ?? 0;
  }

  /**
   * What `aws_ecs_task_definition` does when a ForceNew argument changes: register the replacement,
   * then destroy the old one, which deregisters it unless `skip_destroy` is set (provider source:
   * resourceTaskDefinitionDelete returns early when skip_destroy is true).
   */
  replace(family: string, skipDestroy: boolean): string {
    const previous = this.latestRevision(family);
    const arn = this.register(family);
    if (previous > 0 && !skipDestroy) this.deregister(family, previous);
    return arn;
  }

  /** The revision RunTask runs for its `taskDefinition` parameter, or the error ECS answers with. */
  resolve(taskDefinition: string): { family: string; revision: number } {
    const match = /^(?:arn:aws:ecs:[a-z0-9-]+:\d{12}:task-definition\/)?([A-Za-z0-9_-]+)(?::(\d+))?$/.exec(taskDefinition);
    if (!match) throw new TaskError('ECS.InvalidParameterException', `Invalid revision number. Number: ${taskDefinition}`);
    const family = match[1]!;
    const revisions = this.families.get(family) ?? [];
    if (match[2] === undefined) {
      const latest = [...revisions].reverse().find((r) => r.status === 'ACTIVE');
      if (!latest) throw new TaskError('ECS.ClientException', 'TaskDefinition not found.');
      return { family, revision: latest.revision };
    }
    const pinned = revisions.find((r) => r.revision === Number(match[2]));
    if (!pinned) throw new TaskError('ECS.ClientException', 'TaskDefinition not found.');
    if (pinned.status === 'INACTIVE') throw new TaskError('ECS.InvalidParameterException', 'TaskDefinition is inactive');
    return { family, revision: pinned.revision };
  }
}
