/**
 * Runs work per stack as soon as the stacks it depends on are done, a few at a time: what a
 * deploy or destroy of independent stacks may run at once. Terraform commands spend most of
 * their time waiting on AWS (the provider's propagation waiters: an SQS queue is polled for about
 * 25 s after create and about 2.5 min on destroy, with its policy), so independent stacks overlap
 * their waits.
 *
 * `reverse` is the destroy order: a stack waits for every stack that depends on it. A stack whose
 * work failed, or whose dependency failed or was skipped, makes its dependents (or, reversed, its
 * dependencies) skipped: nothing is applied on top of a failed stack, nothing destroyed from under
 * a stack that is still there.
 */

export interface ScheduledStack {
  readonly name: string;
  /** Names of the stacks this one depends on. */
  readonly dependsOn: readonly string[];
}

export interface ScheduleOutcome {
  /** In the order their work finished. */
  readonly done: string[];
  readonly failed: string[];
  /** Not started: something they must follow failed or was skipped. In input order. */
  readonly skipped: string[];
}

export interface ScheduleOptions {
  /** At most this many stacks' work at once (1: strictly one after another). */
  readonly concurrency: number;
  /** Destroy order: dependents first. */
  readonly reverse?: boolean;
}

/** The stacks each stack must follow: its dependencies, or in reverse its dependents. Throws on an unknown name. */
export const predecessors = (stacks: readonly ScheduledStack[], reverse = false): Map<string, string[]> => {
  const names = new Set(stacks.map((stack) => stack.name));
  const follows = new Map<string, string[]>(stacks.map((stack) => [stack.name, []]));
  for (const stack of stacks) {
    for (const dependency of stack.dependsOn) {
      if (!names.has(dependency)) throw new Error(`stack ${stack.name} depends on ${dependency}, which is not among the stacks scheduled`);
      if (reverse) follows.get(dependency)!.push(stack.name);
      else follows.get(stack.name)!.push(dependency);
    }
  }
  return follows;
};

/**
 * Runs `work(name)` for every stack, each after the stacks it must follow succeeded, at most
 * `concurrency` at once, ties in input order. `work` resolves true on success; a rejection counts as
 * a failure. Throws on a dependency cycle before running anything.
 */
export async function runScheduled(stacks: readonly ScheduledStack[], options: ScheduleOptions, work: (name: string) => Promise<boolean>): Promise<ScheduleOutcome> {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new Error(`concurrency must be a whole number of at least 1, not ${options.concurrency}`);
  const follows = predecessors(stacks, options.reverse);
  assertAcyclic(stacks, follows);
  const done: string[] = [];
  const failed: string[] = [];
  const skipped = new Set<string>();
  const started = new Set<string>();
  const succeeded = new Set<string>();
  const blocked = (name: string) => follows.get(name)!.some((before) => failed.includes(before) || skipped.has(before));

  return new Promise((resolve) => {
    let running = 0;
    const settle = () => {
      // Skips spread: a stack following a skipped one is skipped too.
      let changed = true;
      while (changed) {
        changed = false;
        for (const { name } of stacks) {
          if (!started.has(name) && !skipped.has(name) && blocked(name)) {
            skipped.add(name);
            changed = true;
          }
        }
      }
      for (const { name } of stacks) {
        if (running >= options.concurrency) break;
        if (started.has(name) || skipped.has(name) || !follows.get(name)!.every((before) => succeeded.has(before))) continue;
        started.add(name);
        running += 1;
        void Promise.resolve()
          .then(() => work(name))
          .catch(() => false)
          .then((ok) => {
            running -= 1;
            if (ok) {
              succeeded.add(name);
              done.push(name);
            } else failed.push(name);
            settle();
          });
      }
      if (running === 0) resolve({ done, failed, skipped: stacks.map((s) => s.name).filter((name) => skipped.has(name)) });
    };
    settle();
  });
}

function assertAcyclic(stacks: readonly ScheduledStack[], follows: ReadonlyMap<string, readonly string[]>): void {
  const ordered = new Set<string>();
  while (ordered.size < stacks.length) {
    const next = stacks.find((stack) => !ordered.has(stack.name) && follows.get(stack.name)!.every((before) => ordered.has(before)));
    if (!next) {
      const stuck = stacks.filter((stack) => !ordered.has(stack.name)).map((stack) => stack.name);
      throw new Error(`dependency cycle among stacks ${stuck.join(', ')}`);
    }
    ordered.add(next.name);
  }
}
