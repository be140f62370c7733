import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { printedSchema, SCHEMA_FILE } from '../src/graphql/print-schema.ts';

it('schema.graphql is the schema the code builds (regenerate with `npm run schema`)', () => {
  const committed = readFileSync(SCHEMA_FILE, 'utf8');
  expect(committed, 'schema.graphql is stale: run `npm run schema` and commit it').toBe(printedSchema());
});

it('describes every type, field and argument', () => {
  const schema = printedSchema();
  // Every definition line of the SDL is preceded by its description (a """ block or "..." line).
  const lines = schema.split('\n');
  const undocumented = lines.filter((line, index) => {
    const definition = /^(\s*)(type|input|enum|scalar|interface|union)\s|^\s+[A-Za-z_]\w*[(:]|^\s+[A-Z_][A-Z0-9_]*$/.test(line);
    if (!definition) return false;
    const previous = lines[index - 1]?.trim() ?? '';
    return !(previous.endsWith('"""') || (previous.startsWith('"') && previous.endsWith('"')));
  });
  expect(undocumented).toEqual([]);
});
