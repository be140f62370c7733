import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DemoGateway,
  finishStream,
  isStream,
  type OpenStream,
  removeSnippets,
  runExample,
  startDemoGateway,
  startStream,
} from './helpers/doc-examples.ts';
import { type Example, isRunnable, projectDocs, where } from './helpers/markdown.ts';

// The docs are tests: every example of README.md, SECURITY.md and docs/*.md runs, in the order its
// doc gives, against a fresh demo gateway of its own, and the output it shows is checked (see
// docs/doc-tests.md for how to write one, and how to mark one that cannot run).

const docs = projectDocs();

/** Blocks that cannot run here (installing, starting the gateway, benchmarks, Apple's tooling). */
const MOST_SKIPPED = 8;

describe('examples that are not run', () => {
  const skipped = docs.flatMap(({ blocks }) => blocks.filter((block) => block.skip !== undefined));

  it(`are few (at most ${MOST_SKIPPED}) and each says why`, () => {
    expect(skipped.length, skipped.map(where).join(', ')).toBeLessThanOrEqual(MOST_SKIPPED);
    for (const block of skipped) expect(block.skip!.split(/\s+/).length, `${where(block)} needs a reason`).toBeGreaterThanOrEqual(3);
  });

  it('are marked only on examples (a marker on an output or an illustration means nothing)', () => {
    for (const block of skipped) expect(isRunnable(block), `${where(block)} is a ${block.language || 'plain'} block`).toBe(true);
  });
});

for (const { file, blocks } of docs) {
  const examples = blocks.filter(isRunnable).filter((block) => block.skip === undefined);
  if (examples.length === 0) continue;

  describe(file, () => {
    let gateway: DemoGateway;
    const open: OpenStream[] = [];
    beforeAll(async () => {
      gateway = await startDemoGateway();
    }, 120_000);
    afterAll(async () => {
      await Promise.all(open.splice(0).map((stream) => stream.stop()));
      await gateway?.close();
      removeSnippets();
    });

    const title = (example: Example) => `${where(example)} ${example.language}${isStream(example) ? ' (subscription)' : ''}`;
    for (const example of examples) {
      it(title(example), async () => {
        if (isStream(example)) {
          open.push(await startStream(example, gateway));
          return;
        }
        await runExample(example, gateway);
        // The subscriptions opened before this example have had their events: check what they showed.
        const streams = open.splice(0);
        const results = await Promise.allSettled(streams.map((stream) => finishStream(stream)));
        const failures = results.flatMap((result) => (result.status === 'rejected' ? [(result.reason as Error).message] : []));
        if (failures.length > 0) throw new Error(failures.join('\n\n'));
      }, 200_000);
    }

    it(`${file}: every subscription example is followed by an example that causes its event`, () => {
      expect(open.map((stream) => where(stream.example))).toEqual([]);
    });
  });
}
