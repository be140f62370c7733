import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './process.ts';

/**
 * The fenced code blocks of the project's Markdown, as the docs test runs them (docs/doc-tests.md
 * describes the rules for authors). One module, so that every test reading examples from the docs
 * (running them, type-checking their operations) sees the same blocks.
 */

/** Languages whose blocks are examples to run. */
export const RUNNABLE = ['graphql', 'sh', 'bash', 'js', 'ts'] as const;
export type RunnableLanguage = (typeof RUNNABLE)[number];

/** Languages whose block, right after an example, is the output that example shows. */
const OUTPUT = new Set(['', 'json', 'text']);

export interface CodeBlock {
  /** Path from the repository root, e.g. `docs/graphql.md`. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word, lower-cased (`graphql`, `sh`, '' for none). */
  language: string;
  /** The block's text, without the fences and with the fence's indentation removed. */
  code: string;
  /** Set when an HTML comment `<!-- doc-test: skip <reason> -->` stands right before the block. */
  skip?: string;
  /** The block right after an example (only blank lines between) in an output language. */
  output?: CodeBlock;
}

export interface Example extends CodeBlock {
  language: RunnableLanguage;
}

/** `file:line`, how every failure names a block. */
export function where(block: Pick<CodeBlock, 'file' | 'line'>): string {
  return `${block.file}:${block.line}`;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/;
const SKIP = /^\s*<!--\s*doc-test:\s*skip\b\s*(.*?)\s*-->\s*$/;
const MARKER = /<!--\s*doc-test:/;

/** Every fenced block of `markdown`, in order; outputs are attached to the example before them. */
export function codeBlocks(file: string, markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  // Lines since the last block that were not blank: an output must follow its example directly.
  let gap: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) {
      if (lines[i]!.trim() !== '') gap.push(lines[i]!);
      if (MARKER.test(lines[i]!) && !SKIP.test(lines[i]!)) {
        throw new Error(`${file}:${i + 1}: unknown doc-test marker ${lines[i]!.trim()} (only "<!-- doc-test: skip <reason> -->" exists)`);
      }
      continue;
    }
    const [, indent, fence] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      if (line.trim().startsWith(fence!) && line.trim().replace(/[`~]/g, '') === '') break;
      body.push(line.startsWith(indent!) ? line.slice(indent!.length) : line.trimStart());
    }
    if (j === lines.length) throw new Error(`${file}:${i + 1}: code block is never closed`);
    const block: CodeBlock = { file, line: i + 1, language: open[3]!.toLowerCase(), code: body.join('\n') };
    const skip = gap.length > 0 ? SKIP.exec(gap[gap.length - 1]!) : null;
    if (skip) block.skip = skip[1]!;
    const previous = blocks[blocks.length - 1];
    if (previous && isRunnable(previous) && gap.length === 0 && OUTPUT.has(block.language) && !previous.output) {
      previous.output = block;
    } else {
      blocks.push(block);
    }
    gap = [];
    i = j;
  }
  return blocks;
}

export function isRunnable(block: CodeBlock): block is Example {
  return (RUNNABLE as readonly string[]).includes(block.language);
}

/** README.md, SECURITY.md and every docs/*.md, in that order, with their blocks. */
export function projectDocs(root = repoRoot): { file: string; blocks: CodeBlock[] }[] {
  const files = ['README.md', 'SECURITY.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)];
  return files.map((file) => ({ file, blocks: codeBlocks(file, readFileSync(join(root, file), 'utf8')) }));
}

/** Every example to run in the project's docs, skipped ones excluded. */
export function runnableExamples(root = repoRoot): Example[] {
  return projectDocs(root).flatMap(({ blocks }) => blocks.filter(isRunnable).filter((block) => block.skip === undefined));
}

/** The GraphQL operations of the docs (`graphql` blocks), for tests that check them as a client would. */
export function graphqlExamples(root = repoRoot): Example[] {
  return runnableExamples(root).filter((block) => block.language === 'graphql');
}
