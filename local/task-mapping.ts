/**
 * From a RunTask call of the synthesized ASL to the process `npm run local` starts instead of the
 * container: which catalog task it is, and which local command runs it. Pure.
 */
import type { Catalog, TaskSpec } from '../catalog/types';
import { taskFamily, taskKey } from '../core/naming';

export interface ContainerOverride {
  readonly name: string;
  readonly command: readonly string[] | undefined;
  readonly environment: Readonly<Record<string, string>>;
}

export interface RunTaskRequest {
  readonly taskDefinition: string;
  readonly container: ContainerOverride;
}

export interface LocalTask {
  readonly service: string;
  readonly task: TaskSpec;
  /** `service/task`. */
  readonly key: string;
  /** The process to start: `task.local.command` plus the rule's extra arguments. */
  readonly command: readonly string[];
}

export class TaskMappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskMappingError';
  }
}

/** Reads the evaluated RunTask Parameters (`TaskDefinition`, the single `ContainerOverrides` entry). */
export function parseRunTaskParameters(parameters: unknown): RunTaskRequest {
  const p = (parameters ?? {}) as { TaskDefinition?: unknown; Overrides?: { ContainerOverrides?: unknown } };
  if (typeof p.TaskDefinition !== 'string') throw new TaskMappingError('RunTask Parameters have no TaskDefinition string');
  const overrides = p.Overrides?.ContainerOverrides;
  if (!Array.isArray(overrides) || overrides.length !== 1) {
    throw new TaskMappingError(`RunTask Parameters must hold exactly one ContainerOverrides entry, found ${Array.isArray(overrides) ? overrides.length : 'none'}`);
  }
  const override = overrides[0] as { Name?: unknown; Command?: unknown; Environment?: unknown };
  if (typeof override.Name !== 'string') throw new TaskMappingError('the container override has no Name');
  const environment: Record<string, string> = {};
  for (const variable of Array.isArray(override.Environment) ? override.Environment : []) {
    const { Name, Value } = variable as { Name?: unknown; Value?: unknown };
    if (typeof Name !== 'string') throw new TaskMappingError(`container ${override.Name}: an Environment entry has no Name`);
    // ECS takes strings only; a JSONPath that selected a non-string would fail RunTask in AWS.
    if (typeof Value !== 'string') throw new TaskMappingError(`container ${override.Name}: environment variable ${Name} is not a string (${JSON.stringify(Value)})`);
    environment[Name] = Value;
  }
  const command = Array.isArray(override.Command) ? override.Command.map(String) : undefined;
  return { taskDefinition: p.TaskDefinition, container: { name: override.Name, command, environment } };
}

/**
 * The catalog task a RunTask call runs: the one whose family `<env>-<service>-<task>` the task
 * definition names (as the family alone, `family:revision` or an ARN), else the only task whose
 * container has the override's name (an existing base's own families). The container name must
 * agree in every case.
 */
export function findCatalogTask(catalog: Catalog, environment: string, request: RunTaskRequest): { service: string; task: TaskSpec } {
  const all = catalog.services.flatMap((service) => service.tasks.map((task) => ({ service: service.name, task })));
  const named = taskDefinitionFamily(request.taskDefinition);
  const byFamily = all.filter(({ service, task }) => taskFamily(environment, service, task.name) === named);
  const byContainer = all.filter(({ task }) => task.containerName === request.container.name);
  const found = byFamily.length === 1 ? byFamily[0] : byContainer.length === 1 ? byContainer[0] : undefined;
  if (!found) {
    throw new TaskMappingError(
      `environment ${environment}: no single catalog task runs task definition ${request.taskDefinition} with container ${request.container.name} ` +
        `(candidates by container name: ${byContainer.map((c) => taskKey(c.service, c.task.name)).join(', ') || 'none'})`,
    );
  }
  if (found.task.containerName !== request.container.name) {
    throw new TaskMappingError(
      `environment ${environment}: task ${taskKey(found.service, found.task.name)} has container ${found.task.containerName}, but the state machine overrides container ${request.container.name}`,
    );
  }
  return found;
}

/** The family a RunTask `taskDefinition` names: `family`, `family:3`, `arn:…:task-definition/family[:3]`. */
function taskDefinitionFamily(taskDefinition: string): string {
  return taskDefinition.replace(/^arn:[^/]*:task-definition\//, '').replace(/:\d+$/, '');
}

/**
 * The local command: the task's `local.command`, plus the arguments the rule's container command
 * adds to the task's default command (`[node, dist/notify.js, --template, x]` over
 * `[node, dist/notify.js]` adds `--template x`). A command that does not extend the default cannot
 * be mapped to the local script, and says so.
 */
export function localCommand(environment: string, service: string, task: TaskSpec, containerCommand: readonly string[] | undefined): readonly string[] {
  const key = taskKey(service, task.name);
  if (!task.local) {
    throw new TaskMappingError(`environment ${environment}: catalog task ${key} has no local.command, so npm run local cannot start it`);
  }
  const command = containerCommand ?? task.command;
  const extendsDefault = task.command.every((part, index) => command[index] === part);
  if (!extendsDefault) {
    throw new TaskMappingError(
      `environment ${environment}: task ${key}: the state machine runs ${JSON.stringify(command)}, which does not start with the task's command ${JSON.stringify(task.command)}; ` +
        'the local runner only appends extra arguments to local.command',
    );
  }
  return [...task.local.command, ...command.slice(task.command.length)];
}

export function mapRunTask(catalog: Catalog, environment: string, parameters: unknown): { request: RunTaskRequest; local: LocalTask } {
  const request = parseRunTaskParameters(parameters);
  const { service, task } = findCatalogTask(catalog, environment, request);
  return {
    request,
    local: { service, task, key: taskKey(service, task.name), command: localCommand(environment, service, task, request.container.command) },
  };
}
