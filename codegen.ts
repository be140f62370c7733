/**
 * A graphql-codegen setup for a client of this gateway (docs/graphql.md, "Typed clients"). Copy it into
 * the client's repository, with `schema.graphql` from this one (or point `schema` at a running
 * gateway, see below), and run `npx graphql-codegen`.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * What each custom scalar is in TypeScript; without this map codegen types them `unknown`. Dates
 * travel as ISO 8601 strings and are not parsed into `Date` on the way.
 */
export const scalars = {
  ID: { input: 'string', output: 'string' },
  DateTime: { input: 'string', output: 'string' },
  LocalDate: 'string',
  HexColorCode: 'string',
  PositiveInt: 'number',
  NonNegativeInt: 'number',
  JSONObject: 'Record<string, unknown>',
} as const;

const config: CodegenConfig = {
  // Or introspect a gateway: { 'http://127.0.0.1:4000/graphql': { headers: { Authorization: 'Bearer sl_…' } } }
  schema: 'schema.graphql',
  documents: ['src/**/*.{ts,tsx,graphql}'],
  ignoreNoDocuments: true,
  generates: {
    './src/gql/': {
      preset: 'client',
      config: { scalars, useTypeImports: true, enumsAsTypes: true, strictScalars: true },
    },
  },
};

export default config;
