import { RestError } from './http.ts';

/**
 * Rails-style nested parameters: `card[name]=x` becomes `{card: {name: 'x'}}`, `a[]=1&a[]=2` a list,
 * `refs[0][source]=square` or `refs[][source]=square` a list of objects. Form bodies and query
 * strings go through this, so both read like the JSON bodies the SDKs send.
 */

export type ParamValue = string | File;
type Node = Map<string, unknown> | unknown[];

const MAX_DEPTH = 8;
const MAX_INDEX = 999;
const KEY = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;

function malformed(key: string, why: string): RestError {
  return new RestError(400, 'Malformed parameters', { [key.split('[')[0] || 'params']: [`${why} (in "${key}")`] });
}

/** The path of a parameter name: `a[b][]` is `['a', 'b', '']`; a name that is not bracketed is one key. */
export function splitKey(key: string): string[] {
  const match = KEY.exec(key);
  if (!match) return [key];
  const rest = match[2] ?? '';
  const segments = [match[1] as string];
  for (const part of rest.matchAll(/\[([^[\]]*)\]/g)) segments.push(part[1] ?? '');
  return segments;
}

function isNode(value: unknown): value is Node {
  return value instanceof Map || Array.isArray(value);
}

function assign(container: Node, segments: string[], value: ParamValue, key: string): void {
  const [head, ...tail] = segments as [string, ...string[]];
  if (Array.isArray(container)) {
    // `head` is the `[]` that led here: a new element, unless the last one is an object that still
    // lacks the next key (Rack's rule, so `a[][x]=1&a[][y]=2` is one element).
    if (tail.length === 0) {
      container.push(value);
      return;
    }
    if (tail[0] === '') throw malformed(key, 'lists of lists are not supported');
    const last = container[container.length - 1];
    if (last instanceof Map && !hasPath(last, tail)) {
      assign(last, tail, value, key);
      return;
    }
    const element = new Map<string, unknown>();
    container.push(element);
    assign(element, tail, value, key);
    return;
  }
  if (tail.length === 0) {
    if (isNode(container.get(head))) throw malformed(key, 'conflicts with a nested parameter of the same name');
    container.set(head, value);
    return;
  }
  const wantsList = tail[0] === '';
  let child = container.get(head);
  if (child === undefined) {
    child = wantsList ? [] : new Map<string, unknown>();
    container.set(head, child);
  } else if (!isNode(child) || Array.isArray(child) !== wantsList) {
    throw malformed(key, 'conflicts with another parameter of the same name');
  }
  assign(child as Node, tail, value, key);
}

function hasPath(node: Map<string, unknown>, segments: string[]): boolean {
  const [head, ...tail] = segments as [string, ...string[]];
  if (!node.has(head)) return false;
  if (tail.length === 0) return true;
  const child = node.get(head);
  return child instanceof Map && tail[0] !== '' ? hasPath(child, tail) : true;
}

/** Maps become plain objects, and objects keyed only by 0, 1, 2… become lists in index order. */
function finish(node: unknown, key: string): unknown {
  if (Array.isArray(node)) return node.map((item) => finish(item, key));
  if (!(node instanceof Map)) return node;
  const entries = [...node.entries()];
  if (entries.length > 0 && entries.every(([k]) => /^(0|[1-9]\d*)$/.test(k))) {
    if (entries.some(([k]) => Number(k) > MAX_INDEX)) throw malformed(key, `list indexes go up to ${MAX_INDEX}`);
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, value]) => finish(value, key));
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays plain data.
  return Object.fromEntries(entries.map(([k, value]) => [k, finish(value, key)]));
}

export function parseNestedParams(pairs: Iterable<[string, ParamValue]>): Record<string, unknown> {
  const root = new Map<string, unknown>();
  for (const [key, value] of pairs) {
    const segments = splitKey(key);
    if (segments.length > MAX_DEPTH) throw malformed(key, `nests deeper than ${MAX_DEPTH} levels`);
    assign(root, segments, value, key);
  }
  return Object.fromEntries([...root.entries()].map(([k, value]) => [k, finish(value, k)]));
}
