/**
 * What the event client knows from the catalog and the environment config: which bus a service
 * publishes to, which rules on that bus an event's `detail-type` reaches, and whether a detail fits
 * every hop it would travel from there (environments/detail-budget.ts). Pure functions over plain data.
 */
import type { Catalog, RuleSpec, ServiceSpec } from '../catalog/types';
import type { EnvironmentConfig } from '../environments/types';
import { type DetailHop, describeHop, detailHops, overBudget } from '../environments/detail-budget';
import { busName, eventSource } from '../core/naming';

/** One service's bus in one environment, as the publisher sees it. */
export interface BusDescription {
  readonly environment: EnvironmentConfig;
  readonly service: ServiceSpec;
  readonly busName: string;
  readonly source: string;
  /** Rules on this bus whose pattern lists the detail-type. */
  matchingRules(detailType: string): readonly RuleSpec[];
  /** Every hop this detail would make if published here (RunTask overrides, execution inputs, follow-up events). */
  hops(detailType: string, detail: unknown, resources?: readonly string[]): readonly DetailHop[];
  /** One refusal per hop the detail does not fit; empty when it fits all. */
  budgetProblems(detailType: string, detail: unknown, resources?: readonly string[]): readonly string[];
}

export function findEnvironment(environments: readonly EnvironmentConfig[], name: string): EnvironmentConfig {
  const found = environments.find((environment) => environment.name === name);
  if (!found) {
    const known = environments.map((environment) => environment.name).join(', ');
    throw new Error(`Unknown environment '${name}'. Known environments: ${known}.`);
  }
  return found;
}

export function findService(catalog: Catalog, name: string, environmentName: string): ServiceSpec {
  const found = catalog.services.find((service) => service.name === name);
  if (!found) {
    const known = catalog.services.map((service) => service.name).join(', ');
    throw new Error(`Unknown service '${name}' (environment '${environmentName}'). Known services: ${known}.`);
  }
  return found;
}

/** Rules whose `detail-type` list contains the detail-type. Other pattern fields are not evaluated. */
export function rulesMatchingDetailType(service: ServiceSpec, detailType: string): RuleSpec[] {
  return service.rules.filter((rule) => rule.eventPattern['detail-type'].includes(detailType));
}

export function describeBus(catalog: Catalog, environments: readonly EnvironmentConfig[], environmentName: string, serviceName: string): BusDescription {
  const environment = findEnvironment(environments, environmentName);
  const service = findService(catalog, serviceName, environmentName);
  const hops = (detailType: string, detail: unknown, resources: readonly string[] = []) => detailHops(catalog, environment, { service: service.name, detailType, detail, resources });
  return {
    environment,
    service,
    busName: busName(environment.name, service.name),
    source: eventSource(catalog.namespace, service.name),
    matchingRules: (detailType) => rulesMatchingDetailType(service, detailType),
    hops,
    budgetProblems: (detailType, detail, resources) => [...new Set(overBudget(hops(detailType, detail, resources)).map(describeHop))],
  };
}
