import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import config from '../../codegen.ts';
import { docOperations } from '../helpers/doc-operations.ts';
import { repoRoot, runNode } from '../helpers/process.ts';

/**
 * The codegen setup of codegen.ts, run over every operation the docs show (README.md and docs/),
 * and the generated TypeScript type-checked: what a client team does first with this API.
 */

const work = mkdtempSync(join(tmpdir(), 'stampline-codegen-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const operations = docOperations(repoRoot);
const generated = join(work, 'gql');

describe('graphql-codegen over the operations in the docs', () => {
  it('finds the operations, none sharing a name', () => {
    expect(operations.length).toBeGreaterThan(5);
    const named = operations.filter((operation) => operation.name);
    const names = named.map((operation) => operation.name);
    const repeated = named.filter((operation, i) => names.indexOf(operation.name) !== i);
    expect(repeated.map((operation) => `${operation.name} at ${operation.where}`)).toEqual([]);
  });

  it('generates client-preset types with every scalar typed, and they type-check', async () => {
    mkdirSync(join(work, 'documents'));
    operations.forEach((operation, i) => writeFileSync(join(work, 'documents', `${i}.graphql`), `# ${operation.where}\n${operation.source}\n`));
    const [, output] = Object.entries(config.generates)[0]!;
    const setup = {
      schema: join(repoRoot, 'schema.graphql'),
      documents: join(work, 'documents', '*.graphql'),
      generates: { [`${generated}/`]: output },
    };
    writeFileSync(join(work, 'codegen.json'), JSON.stringify(setup));
    const codegen = await runNode([join(repoRoot, 'node_modules/@graphql-codegen/cli/cjs/bin.js'), '--config', join(work, 'codegen.json'), '--silent']);
    expect(codegen.status, codegen.stdout + codegen.stderr).toBe(0);

    const types = readFileSync(join(generated, 'graphql.ts'), 'utf8');
    expect(types).toContain('StoreOverviewQuery');
    // Unmapped scalars would come out as `any`/`unknown`; the use below checks the mapped ones.
    expect(types).not.toMatch(/\bany\b|: unknown;/);

    // A client's use of the generated types: counts are numbers, ids strings, and a connection's nodes a list.
    writeFileSync(
      join(work, 'use.ts'),
      `import type { CardStampsSubscription, StoreOverviewQuery } from './gql/graphql';
declare const data: StoreOverviewQuery;
declare const event: CardStampsSubscription;
const cards: number = data.store.cardsCount;
const id: string | undefined = data.store.cards?.edges[0]?.node.id;
const stamps: number = data.store.cards?.edges[0]?.node.rewards?.edges[0]?.node.stampsRequired ?? 0;
const at: string = event.stampsChanged.occurredAt;
export { at, cards, id, stamps };
`,
    );
    writeFileSync(
      join(work, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'ESNext',
          moduleResolution: 'Bundler',
          target: 'ES2022',
          skipLibCheck: true,
          types: [],
          // The generated files import graphql and @graphql-typed-document-node: this repository's.
          paths: { '*': [join(repoRoot, 'node_modules', '*')] },
        },
        include: ['gql/*.ts', 'use.ts'],
      }),
    );
    const tsc = await runNode([join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', work]);
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
  }, 120_000);
});
