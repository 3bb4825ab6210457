/**
 * Plan review: reads `terraform show -json` plans (format 0.1 to 1.x), classifies what a reviewer
 * must look at, ranks it by risk, and renders a Markdown summary for a pull-request comment.
 * Pure: no I/O here.
 */
export * from './plan-json';
export * from './values';
export * from './diff';
export * from './destroy-impact';
export * from './risk';
export * from './classify';
export * from './markdown';
export * from './provenance';
export * from './render';
export * from './inputs';
