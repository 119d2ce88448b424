/**
 * haproxy.cfg cut at its sections (`global`, `defaults`, `peers`, each `frontend` and
 * `backend`), each with the comments written above it: the review's blocks, so that a diff
 * compares a backend with the same backend and prints a new one whole.
 */
import { Block, indented } from "./text";

/** A section keyword at the start of a line. */
const SECTION =
  /^(global|defaults|peers|frontend|backend|listen|resolvers|userlist|cache|program|ring|mailers|http-errors)\b/;

export function haproxyBlocks(text: string): Block[] {
  const blocks: { title: string; lines: string[] }[] = [];
  let pending: string[] = [];
  let current: { title: string; lines: string[] } | undefined;
  for (const line of text.replace(/\n$/, "").split("\n")) {
    if (SECTION.test(line)) {
      current = { title: line.trim(), lines: [...pending, line] };
      blocks.push(current);
      pending = [];
    } else if (/^\s/.test(line) && current && pending.every((p) => p.trim() === "")) {
      current.lines.push(...pending, line); // a blank line inside a section stays in it
      pending = [];
    } else {
      pending.push(line); // comments and blank lines above the next section
    }
  }
  if (pending.some((line) => line.trim() !== "")) blocks.push({ title: "(end)", lines: pending });
  return blocks.map((block) => ({
    title: block.title,
    lines: indented(block.lines.join("\n").replace(/^\n+|\n+$/g, "")),
  }));
}
