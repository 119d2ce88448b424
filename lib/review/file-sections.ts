/**
 * The files the nodes run: haproxy.cfg (the config document's: every node runs it) and each
 * node's keepalived.conf (its user-data's).
 */
import { PATHS, STAGED } from "../instance/paths";
import { ConfigPayload } from "./config-payload";
import { Shown } from "./shown";
import { Section, indented, section } from "./text";
import { Launcher } from "./user-data";

export const HAPROXY_SECTION = "haproxy.cfg";
export const KEEPALIVED_SECTION = "keepalived.conf";

export function haproxySection(payload: ConfigPayload | undefined, shown: Shown): Section {
  const text = payload?.files.get(STAGED.STAGED_HAPROXY_CONFIG);
  if (text === undefined) return section(HAPROXY_SECTION, ["  no config document found"]);
  shown.add(text, `== ${HAPROXY_SECTION}`);
  return section(
    HAPROXY_SECTION,
    ["  Every node runs this file: the config document delivers it, the user-data boots with it."],
    [{ title: PATHS.HAPROXY_CONFIG, lines: indented(text) }],
  );
}

export function keepalivedSection(launchers: readonly Launcher[], shown: Shown): Section {
  const blocks = launchers.flatMap((launcher) => {
    const file = launcher.cloudConfig?.files.find((f) => f.path === PATHS.KEEPALIVED_CONFIG);
    if (!file) return [];
    shown.add(file.content, `== ${KEEPALIVED_SECTION} -- ${launcher.name}`);
    return [{ title: launcher.name, lines: indented(file.content) }];
  });
  return blocks.length > 0
    ? section(KEEPALIVED_SECTION, [], blocks)
    : section(KEEPALIVED_SECTION, ["  none: keepalived runs on a clustered pair only"]);
}
