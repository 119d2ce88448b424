/**
 * A generic line diff (longest common subsequence) for the review diff:
 * which lines of one text were removed and which were added, as hunks.
 * Deterministic; a middle too large for the table is reported whole.
 */

/** A run of removed lines and a run of added lines at the same place. */
export interface Hunk {
  /** Indexes into the before lines, ascending. */
  readonly removed: readonly number[];
  /** Indexes into the after lines, ascending. */
  readonly added: readonly number[];
}

/** Above this many table cells, the differing middle becomes one hunk. */
export const MAX_CELLS = 25_000_000;

/**
 * The hunks that turn `before` into `after`, in document order. The common
 * prefix and suffix are trimmed first; the middle is diffed with an LCS table
 * unless it would exceed MAX_CELLS, then it is reported as removed + added.
 */
export function diffLines(before: readonly string[], after: readonly string[]): Hunk[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  const n = endBefore - start;
  const m = endAfter - start;
  if (n === 0 && m === 0) return [];
  if (n === 0 || m === 0 || n * m > MAX_CELLS) {
    return [{ removed: range(start, endBefore), added: range(start, endAfter) }];
  }
  const [a, b] = interned(before.slice(start, endBefore), after.slice(start, endAfter));
  return lcsHunks(a, b, start);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** Both line lists as numbers, equal lines getting equal numbers. */
function interned(before: readonly string[], after: readonly string[]): [Int32Array, Int32Array] {
  const ids = new Map<string, number>();
  const idOf = (line: string) => {
    const known = ids.get(line);
    if (known !== undefined) return known;
    ids.set(line, ids.size);
    return ids.size - 1;
  };
  return [Int32Array.from(before, idOf), Int32Array.from(after, idOf)];
}

/**
 * LCS lengths of every pair of suffixes, row-major with width m + 1. An LCS
 * is at most min(n, m) <= 5,000 under MAX_CELLS, so 16 bits suffice.
 */
function suffixTable(a: Int32Array, b: Int32Array): Uint16Array {
  const w = b.length + 1;
  const table = new Uint16Array((a.length + 1) * w);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * w + j] =
        a[i] === b[j]
          ? table[(i + 1) * w + j + 1] + 1
          : Math.max(table[(i + 1) * w + j], table[i * w + j + 1]);
    }
  }
  return table;
}

/** Walks the table from the start, removals before additions on a tie. */
function lcsHunks(a: Int32Array, b: Int32Array, offset: number): Hunk[] {
  const table = suffixTable(a, b);
  const w = b.length + 1;
  const hunks: Hunk[] = [];
  let removed: number[] = [];
  let added: number[] = [];
  const flush = () => {
    if (removed.length > 0 || added.length > 0) hunks.push({ removed, added });
    removed = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      flush();
      i++;
      j++;
    } else if (j >= b.length || (i < a.length && table[(i + 1) * w + j] >= table[i * w + j + 1])) {
      removed.push(offset + i++);
    } else {
      added.push(offset + j++);
    }
  }
  flush();
  return hunks;
}
