/**
 * Prints the README defaults table, or with --write replaces it in README.md
 * between the defaults markers.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultsTable } from "../lib/exchange/defaults-table";

export const START = "<!-- defaults-table:start (npm run docs) -->";
export const END = "<!-- defaults-table:end -->";

export function withTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md needs the markers ${START} and ${END}`);
  return `${readme.slice(0, start + START.length)}\n${defaultsTable()}${readme.slice(end)}`;
}

if (require.main === module) {
  const path = join(__dirname, "..", "README.md");
  if (process.argv.includes("--write")) writeFileSync(path, withTable(readFileSync(path, "utf8")));
  else process.stdout.write(defaultsTable());
}
