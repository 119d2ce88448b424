/**
 * The review document's shape: sections (`== title`) of blocks (`-- title`), every other line
 * empty or indented by two spaces, so that a line diff (diff.ts) knows where each line is.
 */

import { diffLines } from "./line-diff";

export interface Block {
  readonly title: string;
  readonly lines: readonly string[];
}

export interface Section {
  readonly title: string;
  /** Lines before the first block. */
  readonly lines: readonly string[];
  readonly blocks: readonly Block[];
}

export function section(title: string, lines: readonly string[], blocks: readonly Block[] = []) {
  return { title, lines, blocks };
}

/** A file's text as a block's lines: indented, blank lines left empty. */
export function indented(text: string, indent = "  "): string[] {
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  if (body === "") return [`${indent}(empty)`];
  return body.split("\n").map((line) => (line === "" ? "" : `${indent}${line}`));
}

/**
 * A text next to one printed already: the lines that differ (`- ` the other's, `+ ` this one's),
 * or the whole text when more than half of it differs.
 */
export function differences(base: string, text: string, place: string): string[] {
  const old = base.split("\n");
  const now = text.split("\n");
  const hunks = diffLines(old, now);
  const changed = hunks.reduce((n, hunk) => n + hunk.removed.length + hunk.added.length, 0);
  if (changed > now.length / 2) return indented(text);
  return [
    `  differs from ${place} only in:`,
    ...hunks.flatMap((hunk) => [
      ...hunk.removed.map((i) => `  - ${old[i]}`.trimEnd()),
      ...hunk.added.map((i) => `  + ${now[i]}`.trimEnd()),
    ]),
  ];
}

export function renderSections(header: readonly string[], sections: readonly Section[]): string {
  const out = [...header.map((line) => `# ${line}`), ""];
  for (const part of sections) {
    out.push(`== ${part.title}`, ...part.lines);
    if (part.lines.length > 0) out.push("");
    for (const block of part.blocks) out.push(`-- ${block.title}`, ...block.lines, "");
    if (part.lines.length === 0 && part.blocks.length === 0) out.push("  (none)", "");
  }
  return out.join("\n");
}
