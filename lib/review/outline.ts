/**
 * Any JSON value as indented `key: value` lines, YAML-like, for a person to read and a line
 * diff to compare: a multi-line string as its lines, a string holding JSON (a policy, a
 * dashboard body, a document's content) as that JSON's outline. Keys keep the order given.
 */

/** Two spaces per level, as every block of the review document. */
const STEP = "  ";

export function outline(value: unknown, indent = STEP): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => itemLines(item, indent));
  if (isObject(value)) {
    return Object.entries(value).flatMap(([key, item]) => entryLines(key, item, indent));
  }
  return scalarLines(value, indent, "");
}

function entryLines(key: string, value: unknown, indent: string): string[] {
  const nested = parsedJson(value);
  if (nested !== undefined) return [`${indent}${key}: (JSON)`, ...outline(nested, indent + STEP)];
  if (Array.isArray(value) && value.length === 0) return [`${indent}${key}: []`];
  if (isObject(value) && Object.keys(value).length === 0) return [`${indent}${key}: {}`];
  if (Array.isArray(value) || isObject(value)) {
    return [`${indent}${key}:`, ...outline(value, indent + STEP)];
  }
  return scalarLines(value, indent, `${key}: `);
}

function itemLines(item: unknown, indent: string): string[] {
  if (Array.isArray(item) || isObject(item) || parsedJson(item) !== undefined) {
    return [`${indent}-`, ...outline(parsedJson(item) ?? item, indent + STEP)];
  }
  return scalarLines(item, indent, "- ");
}

function scalarLines(value: unknown, indent: string, lead: string): string[] {
  if (typeof value === "string" && value.includes("\n")) {
    const lines = value.endsWith("\n") ? value.slice(0, -1).split("\n") : value.split("\n");
    return [`${indent}${lead}|`, ...lines.map((line) => (line ? `${indent}${STEP}${line}` : ""))];
  }
  const text = typeof value === "string" ? (value === "" ? '""' : value) : JSON.stringify(value);
  return [`${indent}${lead}${text}`];
}

/** A string that is a JSON object or array, parsed; anything else undefined. */
function parsedJson(value: unknown): unknown {
  if (typeof value !== "string" || !/^\s*[[{]/.test(value)) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
