/**
 * Catalogs of any size for the synthesis benchmark, built from the real catalog types so that a
 * change to those types breaks the generator at type-check time rather than silently benchmarking
 * something else. Deterministic: the same size always yields the same catalog.
 */
import type { Catalog, RuleSpec, ServiceSpec, TaskSpec } from '../../catalog/types';

export interface GeneratedCatalogSize {
  readonly services: number;
  /** Rules on each service's bus. */
  readonly rulesPerService: number;
  /** ECS tasks each service defines; rules spread over them. */
  readonly tasksPerService?: number;
}

export const GENERATED_NAMESPACE = 'bench';

/** `svc-0007`: fixed width so names sort in creation order; 4 digits allow 9,999 services. */
export const generatedServiceName = (index: number): string => `svc-${String(index).padStart(4, '0')}`;

/** `Svc0007Event3`: a detail-type unique to one rule. */
const detailType = (serviceIndex: number, rule: number): string => `Svc${String(serviceIndex).padStart(4, '0')}Event${rule}`;

/**
 * The service rule `rule` of service `serviceIndex` targets: always another service (a rule's
 * target is usually not its bus's owner), spread so that every service receives work.
 */
export function targetServiceIndex(serviceIndex: number, rule: number, services: number): number {
  return (serviceIndex + 1 + (rule % (services - 1))) % services;
}

function task(service: string, index: number): TaskSpec {
  return {
    name: `task-${index}`,
    containerName: service,
    imageRepository: `${GENERATED_NAMESPACE}/${service}`,
    cpu: 256,
    memory: 512,
    command: ['node', `dist/task-${index}.js`],
  };
}

function rule(serviceIndex: number, ruleIndex: number, size: Required<GeneratedCatalogSize>): RuleSpec {
  const service = generatedServiceName(serviceIndex);
  const target = generatedServiceName(targetServiceIndex(serviceIndex, ruleIndex, size.services));
  return {
    name: `on-event-${ruleIndex}`,
    description: `Generated rule ${ruleIndex} of ${service}.`,
    eventPattern: { 'detail-type': [detailType(serviceIndex, ruleIndex)], source: [`${GENERATED_NAMESPACE}.${service}`] },
    target: { service: target, task: `task-${ruleIndex % size.tasksPerService}` },
    // Every other rule delivers by reference, so both ASL shapes are part of the cost.
    ...(ruleIndex % 2 === 1 ? { options: { detailDelivery: 'reference' as const } } : {}),
  };
}

/** A valid catalog of `services` services with `rulesPerService` rules each. */
export function generateCatalog(requested: GeneratedCatalogSize): Catalog {
  const size = { tasksPerService: 2, ...requested };
  if (!Number.isInteger(size.services) || size.services < 2 || size.services > 9999) {
    throw new Error(`generated catalog: services must be a whole number from 2 to 9999 (rules target other services), not ${size.services}`);
  }
  if (!Number.isInteger(size.rulesPerService) || size.rulesPerService < 0) {
    throw new Error(`generated catalog: rulesPerService must be a whole number of at least 0, not ${size.rulesPerService}`);
  }
  if (!Number.isInteger(size.tasksPerService) || size.tasksPerService < 1) {
    throw new Error(`generated catalog: tasksPerService must be a whole number of at least 1, not ${size.tasksPerService}`);
  }
  const services: ServiceSpec[] = Array.from({ length: size.services }, (_, serviceIndex) => {
    const name = generatedServiceName(serviceIndex);
    return {
      name,
      description: `Generated service ${serviceIndex + 1} of ${size.services}.`,
      tasks: Array.from({ length: size.tasksPerService }, (_, taskIndex) => task(name, taskIndex)),
      rules: Array.from({ length: size.rulesPerService }, (_, ruleIndex) => rule(serviceIndex, ruleIndex, size)),
    };
  });
  return { namespace: GENERATED_NAMESPACE, services };
}
