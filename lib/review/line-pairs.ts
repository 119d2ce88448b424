/**
 * Which removed line is which added line changed: lines of one hunk paired by their words, so
 * that a diff can say `weight 100 → 50` instead of a removal and an addition.
 */

/** Above this many candidate pairs in one hunk bucket, lines are not paired. */
const MAX_PAIRINGS = 4_000_000;

export function tokensOf(line: string): string[] {
  return line.trim().split(/\s+/);
}

/**
 * Pairs each removed line with the added line that is the same line changed in the fewest
 * words (ties: the first): added index -> removed index. Only lines with the same token count
 * and first token can be the same line changed, so each such bucket pairs on its own; lines
 * given as `[]` (records) never pair.
 */
export function pairUp(removed: string[][], added: string[][]): Map<number, number> {
  const buckets = new Map<string, { removed: number[]; added: number[] }>();
  const bucket = (tokens: string[]) => {
    const key = `${tokens.length} ${tokens[0]}`;
    const found = buckets.get(key) ?? { removed: [], added: [] };
    buckets.set(key, found);
    return found;
  };
  removed.forEach((tokens, r) => tokens.length > 0 && bucket(tokens).removed.push(r));
  added.forEach((tokens, a) => tokens.length > 0 && bucket(tokens).added.push(a));
  const pairs = new Map<number, number>();
  for (const group of buckets.values()) {
    if (group.removed.length * group.added.length > MAX_PAIRINGS) continue;
    const open = [...group.added];
    for (const r of group.removed) {
      const k = closest(
        removed[r],
        open.map((a) => added[a]),
      );
      if (k >= 0) pairs.set(open.splice(k, 1)[0], r);
    }
  }
  return pairs;
}

/** The index of the candidate that is `tokens` changed in the fewest words, or -1. */
function closest(tokens: string[], candidates: string[][]): number {
  let best = -1;
  let fewest = Infinity;
  candidates.forEach((candidate, k) => {
    const positions = differingPositions(tokens, candidate);
    if (positions !== undefined && positions.length < fewest) {
      best = k;
      fewest = positions.length;
    }
  });
  return best;
}

/**
 * The token positions where two lines differ, when they are the same line
 * changed: same token count, same first token, 1 to max(1, n / 3) positions.
 */
export function differingPositions(old: string[], now: string[]): number[] | undefined {
  // A comment is prose: changed, it reads better whole.
  if (old.length !== now.length || old[0] !== now[0] || old[0] === "#") return undefined;
  const positions = old.flatMap((token, i) => (token === now[i] ? [] : [i]));
  const most = Math.max(1, Math.floor(old.length / 3));
  return positions.length >= 1 && positions.length <= most ? positions : undefined;
}
