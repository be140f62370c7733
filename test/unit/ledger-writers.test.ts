import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * "A balance changes only through the ledger module": no code outside src/domain/ledger/ writes a
 * ledger entry or a customer card's cached balance.
 */
const src = fileURLToPath(new URL('../../src', import.meta.url));
const LEDGER = 'domain/ledger/';
const SKIP = ['generated/'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The text of a call from its opening parenthesis to the matching closing one. */
function callText(text: string, open: number): string {
  let depth = 0;
  for (let at = open; at < text.length; at++) {
    if (text[at] === '(') depth++;
    else if (text[at] === ')' && --depth === 0) return text.slice(open, at + 1);
  }
  return text.slice(open);
}

/** Places in `text` that write a ledger entry or a balance. */
export function balanceWriters(text: string): string[] {
  const found: string[] = [];
  const calls = /\b(customerCard|ledgerEntry)\.(create|createMany|update|updateMany|upsert|delete|deleteMany|createManyAndReturn|updateManyAndReturn)\(/g;
  for (const match of text.matchAll(calls)) {
    const args = callText(text, match.index + match[0].length - 1);
    if (match[1] === 'ledgerEntry' || /\bstampsCount\b/.test(args)) found.push(`${match[0]}${args.slice(1, 80)}`);
  }
  for (const match of text.matchAll(/\b(insert\s+into|update)\s+"?(ledger_entries|customer_cards)"?[^;`]*/gi)) {
    if (match[2]!.toLowerCase() === 'ledger_entries' || /stamps_count/i.test(match[0])) found.push(match[0].slice(0, 80));
  }
  return found;
}

describe('the ledger rule', () => {
  it('recognises the writes it looks for', () => {
    expect(balanceWriters('await tx.ledgerEntry.create({ data: {} })')).toHaveLength(1);
    expect(balanceWriters('tx.customerCard.update({ where: { id }, data: { stampsCount: { increment: 1 } } })')).toHaveLength(1);
    expect(balanceWriters('db.customerCard.update({ where: { id }, data: { passInstalled: true } })')).toEqual([]);
    expect(balanceWriters('UPDATE "customer_cards" SET "stamps_count" = 3')).toHaveLength(1);
    expect(balanceWriters('db.ledgerEntry.findMany({ where })')).toEqual([]);
  });

  it('finds no writer of ledger entries or stamps_count in src/ outside src/domain/ledger/', () => {
    const offenders = sourceFiles(src)
      .map((file) => relative(src, file).split('\\').join('/'))
      .filter((file) => !file.startsWith(LEDGER) && !SKIP.some((skip) => file.startsWith(skip)))
      .flatMap((file) => balanceWriters(readFileSync(join(src, file), 'utf8')).map((write) => `${file}: ${write}`));
    expect(offenders).toEqual([]);
  });
});
