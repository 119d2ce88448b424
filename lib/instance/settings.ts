/**
 * The settings file every program of a node sources: the node's values, which
 * features contribute, and the paths and staging names its programs use (those
 * of PATHS and STAGED that appear in their text). Plain shell assignments.
 */
import { PATHS, STAGED } from "./paths";

/** A commented group of values, e.g. how a pair node claims the VIPs. */
export interface SettingsSection {
  readonly comment: string;
  readonly values: Readonly<Record<string, string>>;
}

const NAMED: Readonly<Record<string, string>> = { ...PATHS, ...STAGED };

/** Names of PATHS and STAGED a program reads, as `$NAME` or `${NAME}`. */
export function namesUsedBy(texts: readonly string[]): string[] {
  const used = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)) used.add(match[1]);
  }
  return Object.keys(NAMED).filter((name) => used.has(name));
}

export function renderSettings(
  sections: readonly SettingsSection[],
  programTexts: readonly string[],
): string {
  const paths = Object.fromEntries(namesUsedBy(programTexts).map((name) => [name, NAMED[name]]));
  const all = [
    ...sections,
    { comment: "Paths and staging names (lib/instance/paths.ts).", values: paths },
  ];
  return [
    "# Exchange load balancer: what this node's programs read. Generated; edit the construct, not this file.",
    ...all.flatMap((section) => [
      `# ${section.comment}`,
      ...Object.entries(section.values).map(([name, value]) => `${name}=${quoted(name, value)}`),
    ]),
    "",
  ].join("\n");
}

function quoted(name: string, value: string): string {
  if (!/^[A-Za-z0-9.:/_ -]*$/.test(value)) throw new Error(`unsafe setting ${name}: ${value}`);
  return `"${value}"`;
}
