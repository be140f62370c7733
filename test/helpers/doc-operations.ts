import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, print } from 'graphql';

/** One GraphQL operation shown in the docs, with where it is shown. */
export interface DocOperation {
  /** `docs/graphql.md:74` */
  where: string;
  name: string | undefined;
  source: string;
}

/** The markdown files whose examples must work: README.md and every page of docs/. */
export function documentationFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name));
  return ['README.md', ...docs.sort()];
}

const FENCE = /^([ \t]*)```(\w*)\n([\s\S]*?)^\1```/gm;

// GraphQL inside other examples: a JSON body's "query" and a JavaScript client's `query: '…'`.
const JSON_QUERY = /"query"\s*:\s*("(?:[^"\\]|\\.)*")/g;
const SCRIPT_QUERY = /\bquery:\s*'((?:[^'\\]|\\.)*)'/g;

function embedded(code: string): string[] {
  return [
    ...[...code.matchAll(JSON_QUERY)].map((match) => JSON.parse(match[1]!) as string),
    ...[...code.matchAll(SCRIPT_QUERY)].map((match) => match[1]!.replace(/\\(.)/g, '$1')),
  ];
}

/**
 * Every operation in the markdown code blocks of `files`, one per operation: a `graphql` block may
 * hold several (each becomes its own), shell and TypeScript blocks hold them in strings.
 */
export function docOperations(root: string, files: string[] = documentationFiles(root)): DocOperation[] {
  const operations: DocOperation[] = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const match of text.matchAll(FENCE)) {
      const [, , language, code] = match;
      const line = text.slice(0, match.index).split('\n').length + 1;
      const sources = language === 'graphql' ? [code!] : embedded(code!);
      for (const source of sources) {
        for (const definition of parse(source).definitions) {
          if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
          operations.push({ where: `${file}:${line}`, name: definition.name?.value, source: print(definition) });
        }
      }
    }
  }
  return operations;
}
