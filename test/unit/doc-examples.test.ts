import { describe, expect, it } from 'vitest';
import { checkOutput, isStream, substitute } from '../helpers/doc-examples.ts';
import { outputDifference } from '../helpers/doc-output.ts';
import { codeBlocks, type Example, isRunnable } from '../helpers/markdown.ts';

const DOC = [
  '# A doc', //                                   1
  '', //                                           2
  '```graphql', //                                 3
  '{ store { name } }', //                         4
  '```', //                                        5
  '```json', //                                    6
  '{"data": {"store": {"name": "Blue Door"}}}', // 7
  '```', //                                        8
  '', //                                           9
  'Then:', //                                      10
  '', //                                           11
  '<!-- doc-test: skip starts a server that runs until stopped -->', // 12
  '```sh', //                                      13
  'npm start', //                                  14
  '```', //                                        15
  '', //                                           16
  '  ```bash', //                                  17
  '  curl -N http://127.0.0.1:4000/graphql -H "Authorization: Bearer sl_…"', // 18
  '  ```', //                                      19
  '', //                                           20
  '```json', //                                    21
  '{"an": "illustration"}', //                     22
  '```', //                                        23
].join('\n');

describe('extracting examples from Markdown', () => {
  const blocks = codeBlocks('docs/x.md', DOC);

  it('finds each block with its line, language and output', () => {
    expect(blocks.map((b) => [b.line, b.language, b.skip, b.output?.line])).toEqual([
      [3, 'graphql', undefined, 6],
      [13, 'sh', 'starts a server that runs until stopped', undefined],
      [17, 'bash', undefined, 21],
    ]);
    expect(blocks[0]!.output!.code).toBe('{"data": {"store": {"name": "Blue Door"}}}');
    expect(blocks[2]!.code).toBe('curl -N http://127.0.0.1:4000/graphql -H "Authorization: Bearer sl_…"');
    expect(blocks.every(isRunnable)).toBe(true);
  });

  it('refuses an unknown marker and an unclosed block, naming the line', () => {
    expect(() => codeBlocks('docs/x.md', '<!-- doc-test: skipp oops -->\n```sh\nls\n```')).toThrow(/docs\/x\.md:1: unknown doc-test marker/);
    expect(() => codeBlocks('docs/x.md', 'text\n```sh\nls\n')).toThrow(/docs\/x\.md:2: code block is never closed/);
  });

  it('puts the demo address, token and card code into an example', () => {
    expect(substitute(blocks[2]!.code, { port: 5123, token: 'sl_demo', uuid: 'u' })).toBe(
      'curl -N http://127.0.0.1:5123/graphql -H "Authorization: Bearer sl_demo"',
    );
  });

  it('tells subscriptions from other operations', () => {
    const example = (code: string) => ({ file: 'f', line: 1, language: 'graphql', code }) as Example;
    expect(isStream(example('subscription Till($cardId: ID) { stampsChanged(cardId: $cardId) { kind } }'))).toBe(true);
    expect(isStream(example("curl -d '{\"query\":\"subscription($id: ID) { x }\"}'"))).toBe(true);
    expect(isStream(example('{ store { webhookSubscriptions { nodes { id } } } }'))).toBe(false);
    expect(isStream(example('curl http://h/api/v1/accounts/1/webhook_subscriptions'))).toBe(false);
  });
});

describe('comparing shown output', () => {
  it('compares JSON by value, with placeholders for what changes between runs', () => {
    const shown = '{"token": "sl_…", "at": "2026-01-01T00:00:00.000Z", "uuid": "ca35aff7-71c3-4539-9564-cc5b270c8196", "url": "http://h/….pkpass", "n": 1}';
    const actual = { n: 1, url: 'http://h/ab12.pkpass', uuid: '0e4f2c1a-9b7d-4c3e-8f1a-2b3c4d5e6f70', at: '2027-05-04T10:11:12.345Z', token: 'sl_abc' };
    expect(outputDifference(shown, JSON.stringify(actual))).toBeUndefined();
    expect(outputDifference(shown, JSON.stringify({ ...actual, n: 2 }))).toBe('$.n: expected 1, got 2');
    expect(outputDifference(shown, JSON.stringify({ ...actual, token: 'tok' }))).toMatch(/^\$\.token: expected "sl_…"/);
    expect(outputDifference(shown, JSON.stringify({ ...actual, extra: true }))).toMatch(/keys differ \(missing \[\], not shown \["extra"\]\)/);
  });

  it('leaves a GraphQL answer’s extensions out unless shown', () => {
    const answer = JSON.stringify({ data: { a: 1 }, extensions: { cost: { requested: 3 } } });
    expect(outputDifference('{"data": {"a": 1}}', answer, { optionalKeys: ['extensions'] })).toBeUndefined();
    expect(outputDifference('{"data": {"a": 1}}', answer)).toMatch(/not shown \["extensions"\]/);
  });

  it('compares server-sent events by event, ignoring keep-alives, and a stream by its start', () => {
    const shown = ':\n\nevent: next\ndata: {"data":{"x":1}}\n\n';
    expect(outputDifference(shown, ':\n\n:\n\nevent: next\ndata: {"data": {"x": 1}}\n\nevent: next\ndata: {}\n\n', { prefix: true })).toBeUndefined();
    expect(outputDifference(shown, 'event: next\ndata: {"data":{"x":2}}\n\n', { prefix: true })).toBe('events[0].data.data.x: expected 1, got 2');
    expect(outputDifference(shown, ':\n\n', { prefix: true })).toMatch(/expected 1 items, got 0/);
  });

  it('compares one JSON value per line, and other text line by line', () => {
    expect(outputDifference('{"a": 1}\n{"a": 2}', '{"a":1}\n{"a":2}\n')).toBeUndefined();
    expect(outputDifference('{"a": 1}\n{"a": 2}', '{"a":1}\n')).toMatch(/expected 2 items, got 1/);
    expect(outputDifference('listening on …', 'listening on http://x')).toBeUndefined();
    expect(outputDifference('hello', 'goodbye')).toMatch(/expected the lines\nhello\ngot\ngoodbye/);
  });

  it('names the doc, line and block of a failure, and the block holding the output', () => {
    const [example] = codeBlocks('docs/graphql.md', DOC).filter(isRunnable);
    expect(() => checkOutput(example!, { output: '{"data": {"store": {"name": "Red Door"}}}' }, 4000)).toThrow(
      'docs/graphql.md:3 (graphql block: { store { name } }): output differs from the block at docs/graphql.md:6: $.data.store.name: expected "Blue Door", got "Red Door"',
    );
  });

  it('without a shown output, fails on errors, user errors and REST refusals', () => {
    const example = { file: 'README.md', line: 9, language: 'sh', code: 'curl …' } as Example;
    expect(() => checkOutput(example, { output: '{"data": {"x": {"userErrors": [{"message": "no"}]}}}' }, 4000)).toThrow(/README\.md:9 .*userErrors/);
    expect(() => checkOutput(example, { output: '{"errors": [{"message": "no"}]}' }, 4000)).toThrow(/errors/);
    expect(() => checkOutput(example, { output: '{"error": "Validation failed", "errors": {"stamps": ["x"]}}' }, 4000)).toThrow(/Validation failed/);
    expect(() => checkOutput(example, { output: 'event: next\ndata: {"errors":[{"message":"no"}]}\n\n' }, 4000)).toThrow(/errors/);
    expect(() => checkOutput(example, { output: '{"data": {"x": {"userErrors": []}}}' }, 4000)).not.toThrow();
    expect(() => checkOutput(example, { output: '', failure: 'exited with status 1' }, 4000)).toThrow(/README\.md:9 .*exited with status 1/);
  });
});
