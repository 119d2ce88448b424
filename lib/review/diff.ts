/**
 * What changed between two review documents, in review terms: per section and
 * block, each changed line with the line it sits under, and a line changed in
 * a few words shown as `old → new` rather than as a removal and an addition.
 */
import { diffLines, type Hunk } from "./line-diff";
import { differingPositions, pairUp, tokensOf } from "./line-pairs";

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

/** A note line of a section: printed with its changes. */
export const NOTE = "  ! ";

/** Lines that are records (a rule, a policy statement): changed, they are one out, one in. */
const RECORD_BLOCK = /^rules: /;
const RECORD_CONTEXT = ["policy:", "assume_role_policy:"];

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
  // A section's notes (`  ! `, e.g. how its changes reach the nodes) head its changes.
  const notes = after.loose.filter((line) => line.startsWith(NOTE) && old.loose.includes(line));
  return [`== ${after.title}${before === undefined ? " (new)" : ""}`, ...notes, ...body];
}

/** A section only in before: everything it had, as removed. */
function removedSection(section: Section): string[] {
  return [
    `== ${section.title} (removed)`,
    ...lineChanges(section.loose, []),
    ...[...section.blocks].flatMap(([title, lines]) => [
      `-- ${title} (removed)`,
      ...lineChanges(lines, []),
    ]),
  ];
}

function blockChanges(title: string, before: string[] | undefined, after: string[]): string[] {
  const changes = lineChanges(before ?? [], after, !RECORD_BLOCK.test(title));
  if (before === undefined) return [`-- ${title} (new)`, ...changes];
  // A block's notes too (`  ! `, e.g. what Terraform ignores after creation) head its changes.
  const notes = after.filter((line) => line.startsWith(NOTE) && before.includes(line));
  return changes.length === 0 ? [] : [`-- ${title}`, ...notes, ...changes];
}

/** The change lines of one block (or a section's loose content), hunk by hunk. */
function lineChanges(before: readonly string[], after: readonly string[], pairs = true): string[] {
  const hunks = diffLines(before, after);
  if (hunks.length === 0) return [];
  const old: Side = { lines: before, contexts: contextsOf(before) };
  const now: Side = { lines: after, contexts: contextsOf(after) };
  const gone = movedLines(hunks, old, now);
  const came = new Map(gone);
  return hunks.flatMap((hunk) => hunkChanges(hunk, old, now, pairs, { gone, came }));
}

/** Texts both removed and added somewhere in the block: lines that only moved, with counts. */
function movedLines(hunks: readonly Hunk[], old: Side, now: Side): Map<string, number> {
  const counts = (side: Side, at: (hunk: Hunk) => readonly number[]) => {
    const found = new Map<string, number>();
    for (const i of hunks.flatMap(at)) {
      const text = side.lines[i].trim();
      if (text !== "") found.set(text, (found.get(text) ?? 0) + 1);
    }
    return found;
  };
  const gone = counts(old, (hunk) => hunk.removed);
  const came = counts(now, (hunk) => hunk.added);
  return new Map(
    [...gone].flatMap(([text, n]) =>
      came.has(text) ? [[text, Math.min(n, came.get(text)!)]] : [],
    ),
  );
}

/** Takes one of `text` from the moved counts: true when it is a moved line. */
function takeMoved(moved: Map<string, number>, text: string): boolean {
  const left = moved.get(text) ?? 0;
  if (left > 0) moved.set(text, left - 1);
  return left > 0;
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
function hunkChanges(
  hunk: Hunk,
  old: Side,
  now: Side,
  pairing: boolean,
  moved: { gone: Map<string, number>; came: Map<string, number> },
): string[] {
  const removed = hunk.removed.filter(
    (i) => old.lines[i].trim() !== "" && !takeMoved(moved.gone, old.lines[i].trim()),
  );
  const arrived = hunk.added.filter((j) => now.lines[j].trim() !== "");
  const movedHere = new Set(arrived.filter((j) => takeMoved(moved.came, now.lines[j].trim())));
  const added = arrived.filter((j) => !movedHere.has(j));
  const record = (side: Side) => (i: number) => RECORD_CONTEXT.includes(side.contexts[i] ?? "");
  const pairs = pairUp(
    removed.map((i) => (pairing && !record(old)(i) ? tokensOf(old.lines[i]) : [])),
    added.map((j) => (pairing && !record(now)(j) ? tokensOf(now.lines[j]) : [])),
  );
  const paired = new Set(pairs.values());
  const byAdded = new Map(added.map((j, a) => [j, a]));
  return [
    ...removed.filter((_, r) => !paired.has(r)).map((i) => changeLine("-", old, i)),
    ...arrived.map((j) => {
      if (movedHere.has(j)) return `  ~ ${bracketed(now.contexts[j])}moved: ${now.lines[j].trim()}`;
      const r = pairs.get(byAdded.get(j)!);
      return r === undefined ? changeLine("+", now, j) : pairLine(old.lines[removed[r]], now, j);
    }),
  ];
}

/** `  + [context] line` or `  - [context] line`. */
function changeLine(sign: "+" | "-", side: Side, i: number): string {
  return `  ${sign} ${bracketed(side.contexts[i])}${side.lines[i].trim()}`;
}

/**
 * `  ~ [context] key: label old → new, ...` for a paired line: the words before the first change
 * (at most 3) as its key, each run of changed words as one change, labelled by the word before.
 */
function pairLine(oldLine: string, now: Side, j: number): string {
  const old = tokensOf(oldLine);
  const tokens = tokensOf(now.lines[j]);
  const positions = differingPositions(old, tokens)!;
  const keyLength = Math.min(positions[0], 3);
  const key = keyLength > 0 ? `${bare(tokens.slice(0, keyLength).join(" "))}: ` : "";
  const changes = runsOf(positions).map(([first, last]) => {
    const labelled = first - 1 >= keyLength;
    const span = (words: string[]) => bare(words.slice(first, last + 1).join(" "));
    return `${labelled ? `${bare(tokens[first - 1])} ` : ""}${span(old)} → ${span(tokens)}`;
  });
  return `  ~ ${bracketed(now.contexts[j])}${key}${changes.join(", ")}`;
}

/** Consecutive positions as [first, last] runs. */
function runsOf(positions: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const at of positions) {
    const last = runs[runs.length - 1];
    if (last && last[1] === at - 1) last[1] = at;
    else runs.push([at, at]);
  }
  return runs;
}

/** Words without the punctuation that ends them in prose (`SE:`, `1 h,`). */
function bare(words: string): string {
  return words.replace(/[,:;]$/, "");
}

function bracketed(context: string | undefined): string {
  return context === undefined ? "" : `[${context}] `;
}
