/**
 * The user-data section: each node's cloud-config without its files, then each file it writes
 * as its own block, once for every node when the nodes' are the same, else once a node.
 * A file printed already (haproxy.cfg, keepalived.conf, the VIP list) is named, not repeated.
 */
import { userDataNote } from "./file-sections";
import { Shown } from "./shown";
import { Block, Section, differences, indented, section } from "./text";
import { Launcher } from "./user-data";

export const USER_DATA_SECTION = "User-data";

export function userDataSection(launchers: readonly Launcher[], shown: Shown): Section {
  const lines = [
    userDataNote(launchers),
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
    ...filePaths(read).flatMap(({ path, permissions }) =>
      perNode(read, `${path} (${permissions})`, (launcher) => fileOf(launcher, path), shown, path),
    ),
  ];
  return section(USER_DATA_SECTION, lines, blocks);
}

/**
 * One block when every node has the same text, else one a node, each after the first as its
 * differences from the first (a node without it: none).
 */
function perNode(
  launchers: readonly Launcher[],
  title: string,
  textOf: (launcher: Launcher) => string | undefined,
  shown?: Shown,
  path?: string,
): Block[] {
  const texts = launchers.map(textOf);
  const print = (text: string) => (shown ? shown.lines(text, indented, path) : indented(text));
  if (launchers.length === 1 || texts.every((text) => text === texts[0])) {
    const every = launchers.length > 1 ? " (every node)" : "";
    return texts[0] === undefined ? [] : [{ title: `${title}${every}`, lines: print(texts[0]) }];
  }
  let first: { text: string; place: string } | undefined;
  return launchers.flatMap((launcher, i) => {
    const text = texts[i];
    if (text === undefined) return [];
    const blockTitle = `${title} (${launcher.name})`;
    const same = shown?.sameAs(text);
    const lines = same
      ? [same]
      : first
        ? differences(first.text, text, `-- ${first.place}`)
        : print(text);
    first ??= { text, place: blockTitle };
    return [{ title: blockTitle, lines }];
  });
}

/** Every path any node writes (with its mode), in the first node's order, then the others'. */
function filePaths(launchers: readonly Launcher[]): { path: string; permissions: string }[] {
  const files = launchers.flatMap((launcher) => launcher.cloudConfig?.files ?? []);
  const seen = new Map(files.map((file) => [file.path, file.permissions] as const).reverse());
  return [...new Set(files.map((file) => file.path))].map((path) => ({
    path,
    permissions: seen.get(path) as string,
  }));
}

function fileOf(launcher: Launcher, path: string): string | undefined {
  return launcher.cloudConfig?.files.find((file) => file.path === path)?.content;
}
