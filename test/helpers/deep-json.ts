/**
 * Values nested thousands of levels deep, for hostile-input tests. JSON.stringify itself overflows the
 * stack on them (from about 5,000 levels), so a test puts a stand-in string where the value goes and
 * `toJson` writes the nesting into the text it sends.
 */

const MARK = '\u0001deep:';

/** Stands for `{"a": {"a": … {}}}`, `levels` objects deep, once passed through `toJson`. */
export function deeplyNested(levels: number): string {
  return `${MARK}${levels}`;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0001deep:(\d+)"/g, (_, levels: string) => {
    const n = Number(levels) - 1;
    return `${'{"a":'.repeat(n)}{}${'}'.repeat(n)}`;
  });
}
