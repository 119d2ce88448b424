/**
 * What changed between two review documents, in review terms: per section and
 * block, each changed line with the line it sits under, and a line changed in
 * a few words shown as `old → new` rather than as a removal and an addition.
 */
import { diffLines, type Hunk } from "./line-diff";

/** A `== ` section: content before its first block, then its `-- ` blocks. */
interface Section {
  readonly title: string;
  readonly loose: string[];
  readonly blocks: Map<string, string[]>;
}

/** One side of a compared block: its lines and the context of each line. */
interface Side {
  readonly lines: readonly string[];
  readonly contexts: readonly (string | undefined)[];
}

/** Above this many candidate pairs in one hunk bucket, lines are not paired. */
const MAX_PAIRINGS = 4_000_000;

/**
 * The changes from `before` to `after` as text, one line each, or
 * `No change in review terms.` The `# ` header lines are not compared.
 */
export function diffReviews(before: string, after: string): string {
  const old = parseReview(before);
  const now = parseReview(after);
  const out = [
    ...[...now.values()].flatMap((section) => sectionChanges(old.get(section.title), section)),
    ...[...old.values()].filter((s) => !now.has(s.title)).flatMap(removedSection),
  ];
  return out.length === 0 ? "No change in review terms.\n" : `${out.join("\n")}\n`;
}

/** Sections by title; lines before the first section (the headers) are left out. */
function parseReview(text: string): Map<string, Section> {
  const sections = new Map<string, Section>();
  let section: Section | undefined;
  let lines: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith("== ")) {
      const title = line.slice(3);
      section = sections.get(title) ?? { title, loose: [], blocks: new Map() };
      sections.set(title, section);
      lines = section.loose;
    } else if (line.startsWith("-- ") && section !== undefined) {
      const title = line.slice(3);
      lines = section.blocks.get(title) ?? [];
      section.blocks.set(title, lines);
    } else {
      lines?.push(line);
    }
  }
  return sections;
}

/** A section's changes; a section only in after is new and lists all its lines. */
function sectionChanges(before: Section | undefined, after: Section): string[] {
  const old = before ?? { title: after.title, loose: [], blocks: new Map<string, string[]>() };
  const body = [
    ...lineChanges(old.loose, after.loose),
    ...[...after.blocks].flatMap(([title, lines]) =>
      blockChanges(title, old.blocks.get(title), lines),
    ),
    ...[...old.blocks]
      .filter(([title]) => !after.blocks.has(title))
      .flatMap(([title, lines]) => [`-- ${title} (removed)`, ...lineChanges(lines, [])]),
  ];
  if (before !== undefined && body.length === 0) return [];
  return [`== ${after.title}${before === undefined ? " (new)" : ""}`, ...body];
}

/** A section only in before: its heading and its block headings. */
function removedSection(section: Section): string[] {
  return [
    `== ${section.title} (removed)`,
    ...[...section.blocks.keys()].map((title) => `-- ${title} (removed)`),
  ];
}

function blockChanges(title: string, before: string[] | undefined, after: string[]): string[] {
  const changes = lineChanges(before ?? [], after);
  if (before === undefined) return [`-- ${title} (new)`, ...changes];
  return changes.length === 0 ? [] : [`-- ${title}`, ...changes];
}

/** The change lines of one block (or a section's loose content), hunk by hunk. */
function lineChanges(before: readonly string[], after: readonly string[]): string[] {
  const hunks = diffLines(before, after);
  if (hunks.length === 0) return [];
  const old: Side = { lines: before, contexts: contextsOf(before) };
  const now: Side = { lines: after, contexts: contextsOf(after) };
  return hunks.flatMap((hunk) => hunkChanges(hunk, old, now));
}

/**
 * The context of each non-empty line: the nearest preceding non-empty line
 * indented less, trimmed. A stack of open lines keeps this linear.
 */
function contextsOf(lines: readonly string[]): (string | undefined)[] {
  const open: { indent: number; text: string }[] = [];
  return lines.map((line) => {
    const text = line.trim();
    if (text === "") return undefined;
    const indent = /^ */.exec(line)![0].length;
    while (open.length > 0 && open[open.length - 1].indent >= indent) open.pop();
    const context = open.length > 0 ? open[open.length - 1].text : undefined;
    open.push({ indent, text });
    return context;
  });
}

/** A hunk's unpaired removals first, then its pairs and additions in after-order. */
function hunkChanges(hunk: Hunk, old: Side, now: Side): string[] {
  const removed = hunk.removed.filter((i) => old.lines[i].trim() !== "");
  const added = hunk.added.filter((j) => now.lines[j].trim() !== "");
  const pairs = pairUp(
    removed.map((i) => tokensOf(old.lines[i])),
    added.map((j) => tokensOf(now.lines[j])),
  );
  const paired = new Set(pairs.values());
  return [
    ...removed.filter((_, r) => !paired.has(r)).map((i) => changeLine("-", old, i)),
    ...added.map((j, a) => {
      const r = pairs.get(a);
      return r === undefined ? changeLine("+", now, j) : pairLine(old.lines[removed[r]], now, j);
    }),
  ];
}

function tokensOf(line: string): string[] {
  return line.trim().split(/\s+/);
}

/**
 * Pairs each removed line with the first unpaired added line that is the
 * same line changed, in order: added index -> removed index. Only lines with
 * the same token count and first token can pair, so each such bucket pairs
 * on its own.
 */
function pairUp(removed: string[][], added: string[][]): Map<number, number> {
  const buckets = new Map<string, { removed: number[]; added: number[] }>();
  const bucket = (tokens: string[]) => {
    const key = `${tokens.length} ${tokens[0]}`;
    const found = buckets.get(key) ?? { removed: [], added: [] };
    buckets.set(key, found);
    return found;
  };
  removed.forEach((tokens, r) => bucket(tokens).removed.push(r));
  added.forEach((tokens, a) => bucket(tokens).added.push(a));
  const pairs = new Map<number, number>();
  for (const group of buckets.values()) {
    if (group.removed.length * group.added.length > MAX_PAIRINGS) continue;
    const open = [...group.added];
    for (const r of group.removed) {
      const k = open.findIndex((a) => differingPositions(removed[r], added[a]) !== undefined);
      if (k >= 0) pairs.set(open.splice(k, 1)[0], r);
    }
  }
  return pairs;
}

/**
 * The token positions where two lines differ, when they are the same line
 * changed: same token count, same first token, 1 to max(1, n / 3) positions.
 */
function differingPositions(old: string[], now: string[]): number[] | undefined {
  if (old.length !== now.length || old[0] !== now[0]) return undefined;
  const positions = old.flatMap((token, i) => (token === now[i] ? [] : [i]));
  const most = Math.max(1, Math.floor(old.length / 3));
  return positions.length >= 1 && positions.length <= most ? positions : undefined;
}

/** `  + [context] line` or `  - [context] line`. */
function changeLine(sign: "+" | "-", side: Side, i: number): string {
  return `  ${sign} ${bracketed(side.contexts[i])}${side.lines[i].trim()}`;
}

/** `  ~ [context] key: label old → new, ...` for a paired line. */
function pairLine(oldLine: string, now: Side, j: number): string {
  const old = tokensOf(oldLine);
  const tokens = tokensOf(now.lines[j]);
  const positions = differingPositions(old, tokens)!;
  const keyLength = Math.min(positions[0], 3);
  const key = keyLength > 0 ? `${tokens.slice(0, keyLength).join(" ")}: ` : "";
  const changes = positions.map((i) => {
    const labelled = i - 1 >= keyLength && !positions.includes(i - 1);
    return `${labelled ? `${tokens[i - 1]} ` : ""}${old[i]} → ${tokens[i]}`;
  });
  return `  ~ ${bracketed(now.contexts[j])}${key}${changes.join(", ")}`;
}

function bracketed(context: string | undefined): string {
  return context === undefined ? "" : `[${context}] `;
}
