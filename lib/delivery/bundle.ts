/**
 * The config bundle: everything a change of VIPs, servers or certificates
 * changes on a node. The user-data writes it at first boot; the config
 * document carries each later version, unpacked into a staging directory for
 * the apply program. One table says where each file lives in both.
 */
import { PATHS, PathName, STAGED } from "../instance/paths";

export interface ConfigBundle {
  readonly haproxyConfig: string;
  /** The VIP list file's content (`renderVipList`). */
  readonly vipList: string;
  /** The certificates list file's content (may be empty). */
  readonly certificateList: string;
  /** The reserved-ports sysctl file's content (`renderReservedPorts`). */
  readonly reservedPorts: string;
  /** The bridge-servers list file's content (`renderBridgeServerList`, may be empty). */
  readonly bridgeServers: string;
}

interface BundleFile {
  readonly key: keyof ConfigBundle;
  readonly path: PathName;
  readonly staged: keyof typeof STAGED;
}

/** The bundle's files, in the order the document writes them and the digest reads them. */
export const BUNDLE_FILES: readonly BundleFile[] = [
  { key: "haproxyConfig", path: "HAPROXY_CONFIG", staged: "STAGED_HAPROXY_CONFIG" },
  { key: "vipList", path: "VIPS_FILE", staged: "STAGED_VIPS" },
  { key: "certificateList", path: "CERTIFICATE_LIST", staged: "STAGED_CERTIFICATES" },
  { key: "reservedPorts", path: "RESERVED_PORTS", staged: "STAGED_RESERVED_PORTS" },
  { key: "bridgeServers", path: "BRIDGE_SERVERS", staged: "STAGED_BRIDGE_SERVERS" },
];

/** Where a bundle file is installed on the node. */
export function installPath(file: BundleFile): string {
  return PATHS[file.path];
}
