/**
 * The pieces of haproxy.cfg text every section uses: quoted arguments,
 * comments, sections, timeout and default-server lines, anonymous ACL
 * conditions. Pure.
 */
import { Comments, Condition, ServerDefaults, Timeouts } from "./model";

/**
 * Quotes a word for haproxy.cfg when it holds spaces, quotes or control
 * characters. Inside double quotes HAProxy reads `\r` and `\n`, which checks
 * use to end a line, and would expand `$`.
 */
export function quoteArg(word: string): string {
  if (/^[^\s"'#\\]+$/.test(word)) return word;
  const escaped = word.replace(/[\\"$\r\n]/g, (c) => ({ "\r": "\\r", "\n": "\\n" })[c] ?? `\\${c}`);
  return `"${escaped}"`;
}

export function comments(lines: Comments, indent = ""): string {
  return lines.map((line) => `${indent}# ${line}`.trimEnd()).join("\n");
}

const TIMEOUT_WORDS: readonly [keyof Timeouts, string][] = [
  ["connect", "connect"],
  ["client", "client"],
  ["server", "server"],
  ["httpRequest", "http-request"],
  ["httpKeepAlive", "http-keep-alive"],
  ["check", "check"],
];

export function timeoutLines(timeouts: Timeouts | undefined): string[] {
  if (!timeouts) return [];
  return TIMEOUT_WORDS.flatMap(([key, word]) => {
    const value = timeouts[key];
    return value ? [`timeout ${word} ${value.toHaproxy()}`] : [];
  });
}

/** `{ path -i /a /b }`, `{ path_beg -i /a/ }`, joined by `||`. */
export function conditionText(condition: Condition): string {
  if (condition.kind === "any") return condition.of.map(conditionText).join(" || ");
  const fetch = condition.kind === "path" ? "path" : "path_beg";
  const flag = condition.ignoreCase ? " -i" : "";
  return `{ ${fetch}${flag} ${condition.values.join(" ")} }`;
}

const INDENT = "    ";

/** A section: its comments, its title, then its indented body lines. */
export function section(
  title: string,
  body: readonly (string | undefined)[],
  notes?: readonly string[],
): string {
  const lines = [notes && notes.length > 0 ? comments(notes) : undefined, title];
  for (const line of body) {
    if (line !== undefined) lines.push(`${INDENT}${line}`);
  }
  return lines.filter((line): line is string => line !== undefined).join("\n");
}

/** `default-server` with the given settings, if any. */
export function serverDefaultsLine(defaults: Partial<ServerDefaults>): string | undefined {
  const words: string[] = [];
  if (defaults.inter !== undefined) words.push(`inter ${defaults.inter.toHaproxy()}`);
  if (defaults.fastinter !== undefined) words.push(`fastinter ${defaults.fastinter.toHaproxy()}`);
  if (defaults.rise !== undefined) words.push(`rise ${defaults.rise}`);
  if (defaults.fall !== undefined) words.push(`fall ${defaults.fall}`);
  if (defaults.shutdownSessionsOnDown) words.push("on-marked-down shutdown-sessions");
  return words.length > 0 ? `default-server ${words.join(" ")}` : undefined;
}
