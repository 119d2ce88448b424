/**
 * The files the nodes run: haproxy.cfg (the config document's, which every running node gets)
 * and each node's keepalived.conf (its user-data's: read at its first boot only).
 */
import { PATHS, STAGED } from "../instance/paths";
import { NOTE } from "./diff";
import { ConfigPayload } from "./config-payload";
import { haproxyBlocks } from "./haproxy-sections";
import { Shown } from "./shown";
import { Section, differences, indented, section } from "./text";
import { Launcher } from "./user-data";

export const HAPROXY_SECTION = "haproxy.cfg";
export const KEEPALIVED_SECTION = "keepalived.conf";

/** How a change reaches the nodes, printed with every change to a section (diff.ts). */
export const ROLLED_OUT = `${NOTE}Rolled out by the config document to every running node, one at a time, once haproxy -c accepts it.`;
export const FIRST_BOOT = `${NOTE}From the user-data: read at a node's first boot only. A change here reaches a node only when it is replaced (README, What a change does).`;

/** How the user-data's files reach the nodes: an instance's, or a fleet's kept launch template. */
export function userDataNote(launchers: readonly Launcher[]): string {
  const copies =
    "Its copies of the config document's files (same as) reach running nodes with the document";
  if (launchers.some((launcher) => launcher.keptTemplate)) {
    return `${NOTE}The launch template keeps its first user-data (Terraform ignores changes to it): no node, new or refreshed, boots with a change here. ${copies}; any other change needs the launch template replaced (README, What a change does).`;
  }
  return `${NOTE}Read at a node's first boot only (Terraform ignores user-data on a running instance). ${copies}; a change to any other file reaches a node only when it is replaced (README, What a change does).`;
}

export function haproxySection(payload: ConfigPayload | undefined, shown: Shown): Section {
  const text = payload?.files.get(STAGED.STAGED_HAPROXY_CONFIG);
  if (text === undefined) return section(HAPROXY_SECTION, ["  no config document found"]);
  shown.add(text, `== ${HAPROXY_SECTION}`, PATHS.HAPROXY_CONFIG);
  return section(
    HAPROXY_SECTION,
    [ROLLED_OUT, `  ${PATHS.HAPROXY_CONFIG}, section by section:`],
    haproxyBlocks(text),
  );
}

export function keepalivedSection(launchers: readonly Launcher[], shown: Shown): Section {
  let first: { text: string; place: string } | undefined;
  const blocks = launchers.flatMap((launcher) => {
    const file = launcher.cloudConfig?.files.find((f) => f.path === PATHS.KEEPALIVED_CONFIG);
    if (!file) return [];
    const place = `== ${KEEPALIVED_SECTION} -- ${launcher.name}`;
    const lines = first
      ? differences(first.text, file.content, first.place)
      : indented(file.content);
    first ??= { text: file.content, place };
    shown.add(file.content, place);
    return [{ title: launcher.name, lines }];
  });
  return blocks.length > 0
    ? section(KEEPALIVED_SECTION, [FIRST_BOOT], blocks)
    : section(KEEPALIVED_SECTION, ["  none: keepalived runs on a clustered pair only"]);
}
