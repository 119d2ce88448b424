/**
 * The user-data section: each node's cloud-config without its files, then each file it writes
 * as its own block, once for every node when the nodes' are the same, else once a node.
 * A file printed already (haproxy.cfg, keepalived.conf, the VIP list) is named, not repeated.
 */
import { Shown } from "./shown";
import { Block, Section, indented, section } from "./text";
import { Launcher } from "./user-data";

export const USER_DATA_SECTION = "User-data";

export function userDataSection(launchers: readonly Launcher[], shown: Shown): Section {
  const lines = [
    "  Read at a node's first boot only: a running node gets changes from the config document.",
    ...launchers.map((launcher) => `  ${launcher.name}: ${launcher.encoding}`),
  ];
  const unread = launchers.filter((launcher) => !launcher.cloudConfig);
  const read = launchers.filter((launcher) => launcher.cloudConfig);
  const blocks = [
    ...unread.map((launcher) => ({ title: launcher.name, lines: indented(launcher.text) })),
    ...perNode(read, "cloud-config", (launcher) => {
      const rest = launcher.cloudConfig?.rest ?? [];
      return `${rest.join("\n")}\n`;
    }),
    ...filePaths(read).flatMap((path) =>
      perNode(read, path, (launcher) => fileOf(launcher, path), shown),
    ),
  ];
  return section(USER_DATA_SECTION, lines, blocks);
}

/** One block when every node has the same text, else one a node (a node without it: none). */
function perNode(
  launchers: readonly Launcher[],
  title: string,
  textOf: (launcher: Launcher) => string | undefined,
  shown?: Shown,
): Block[] {
  const texts = launchers.map(textOf);
  const print = (text: string) => (shown ? shown.lines(text, indented) : indented(text));
  if (launchers.length === 1 || texts.every((text) => text === texts[0])) {
    const every = launchers.length > 1 ? " (every node)" : "";
    return texts[0] === undefined ? [] : [{ title: `${title}${every}`, lines: print(texts[0]) }];
  }
  return launchers.flatMap((launcher, i) => {
    const text = texts[i];
    return text === undefined ? [] : [{ title: `${title} (${launcher.name})`, lines: print(text) }];
  });
}

/** Every path any node writes, in the first node's order, then the others'. */
function filePaths(launchers: readonly Launcher[]): string[] {
  const paths = launchers.flatMap((l) => (l.cloudConfig?.files ?? []).map((file) => file.path));
  return [...new Set(paths)];
}

function fileOf(launcher: Launcher, path: string): string | undefined {
  return launcher.cloudConfig?.files.find((file) => file.path === path)?.content;
}
