import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { App, TerraformStack } from 'cdktf';
import { bookingSaga } from '../../catalog/booking-saga';
import { environments } from '../../environments';
import { buildApp, synthesize } from '../../stacks/app';
import { IndependentStack, PREPARE_STACKS_ENV } from '../../stacks/independent-stack';
import { expectSameTree, treeOf } from '../support/synth';

function withPrepare<T>(prepare: boolean, run: () => T): T {
  const previous = process.env[PREPARE_STACKS_ENV];
  if (prepare) process.env[PREPARE_STACKS_ENV] = '1';
  else delete process.env[PREPARE_STACKS_ENV];
  try {
    return run();
  } finally {
    if (previous === undefined) delete process.env[PREPARE_STACKS_ENV];
    else process.env[PREPARE_STACKS_ENV] = previous;
  }
}

const dirs: string[] = [];
const tempOut = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'independent-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe('skipping cdktf’s cross-stack preparation', () => {
  it('changes nothing in what our stacks synthesize', () => {
    const skipped = tempOut();
    const prepared = tempOut();
    // dev (managed base) and staging (S3 backend) cover every kind of stack and backend.
    withPrepare(false, () => synthesize({ catalog: bookingSaga, environments, outdir: skipped, selection: 'dev,staging' }));
    withPrepare(true, () => synthesize({ catalog: bookingSaga, environments, outdir: prepared, selection: 'dev,staging' }));
    expectSameTree(treeOf(skipped), treeOf(prepared));
  });

  // What the comparison above guards against: a token of another stack would come out as a
  // dangling reference without the preparation, and as remote state with it.
  class Producer extends IndependentStack {
    readonly topic = new SnsTopic(this, 'topic', { name: 'alarms' });
  }
  class Consumer extends IndependentStack {
    constructor(scope: App, id: string, topicArn: string) {
      super(scope, id);
      new SqsQueue(this, 'queue', { name: 'q', policy: topicArn });
    }
  }
  function crossStackApp(prepare: boolean): string {
    const outdir = tempOut();
    withPrepare(prepare, () => {
      const app = new App({ outdir, stackTraces: false, skipValidation: true });
      const producer = new Producer(app, 'producer');
      new Consumer(app, 'consumer', producer.topic.arn);
      app.synth();
    });
    return fs.readFileSync(path.join(outdir, 'stacks', 'consumer', 'cdk.tf.json'), 'utf8');
  }

  it('would show a cross-stack reference, had one been made', () => {
    expect(crossStackApp(false)).toContain('"policy": "${aws_sns_topic.topic.arn}"');
    expect(crossStackApp(true)).toContain('"policy": "${data.terraform_remote_state.cross-stack-reference-input-producer.outputs.cross-stack-output-aws_sns_topictopicarn}"');
  });

  it('is made by every stack of an environment (base, monitoring, services)', () => {
    const app = buildApp({ catalog: bookingSaga, environments: environments.filter((env) => env.name === 'dev'), outdir: tempOut() });
    /* eslint-disable @typescript-eslint/unbound-method -- compared by identity, never called */
    const prepares = new Map(app.node.children.map((stack) => [stack.node.id, (stack as TerraformStack).prepareStack]));
    const cdktfPrepare = TerraformStack.prototype.prepareStack;
    expect([...prepares.keys()].sort()).toEqual(expect.arrayContaining(['dev-base', 'dev-booking', 'dev-monitoring']));
    /* eslint-enable @typescript-eslint/unbound-method */
    for (const [id, prepare] of prepares) expect([id, prepare === cdktfPrepare]).toEqual([id, false]);
  });
});
