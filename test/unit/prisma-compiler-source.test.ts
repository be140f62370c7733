import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types
import { providers as generated, releaseCompilerSource } from '../../prisma/generate.mjs';

const providers: string[] = generated;

// Prisma's query compiler arrives as a 4.2 MiB base64 string; read through an ES module it stays in
// the heap for good (prisma/generate.mjs says why), read through require it can be collected.
describe("the generated clients' query compiler", () => {
  it.each(providers)('%s: is read through require and dropped from its cache', (provider) => {
    const source = readFileSync(new URL(`../../src/generated/${provider}/internal/class.ts`, import.meta.url), 'utf8');
    expect(source).not.toMatch(/wasm-base64\.mjs/);
    expect(source).toContain(`require.resolve("@prisma/client/runtime/query_compiler_fast_bg.${provider}.wasm-base64.js")`);
    expect(source).toContain('delete require.cache[id]');
  });

  it('stops the generation when Prisma loads its compiler another way', () => {
    expect(() => releaseCompilerSource('const { wasm } = await loadCompilerSomehow()')).toThrow(/releaseCompilerSource/);
  });
});
