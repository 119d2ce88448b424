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
  /** Each node's extra source addresses (`renderSourceAddressList`, may be empty). */
  readonly sourceAddresses: string;
  /** The metrics and logs programs' settings (`renderMonitoringSettings`). */
  readonly monitoringSettings: string;
  /** The installer of the files below (`deliveredProgram`), which the document runs. */
  readonly installProgram: string;
  /** The metrics program and its unit, with their paths filled in (`deliveredProgram`). */
  readonly metricsProgram: string;
  readonly metricsService: string;
  /** The logs program and its unit, likewise. */
  readonly logsProgram: string;
  readonly logsService: string;
  /** The program behind the SetServerState and ServerStatus documents and the reload's states. */
  readonly serverStateProgram: string;
}

interface BundleFile {
  readonly key: keyof ConfigBundle;
  readonly path: PathName;
  readonly staged: keyof typeof STAGED;
  /** Installed with these permissions; the user-data's files are 0644. */
  readonly permissions?: "0644" | "0755";
}

/** The bundle's files, in the order the document writes them and the digest reads them. */
export const BUNDLE_FILES: readonly BundleFile[] = [
  { key: "haproxyConfig", path: "HAPROXY_CONFIG", staged: "STAGED_HAPROXY_CONFIG" },
  { key: "vipList", path: "VIPS_FILE", staged: "STAGED_VIPS" },
  { key: "certificateList", path: "CERTIFICATE_LIST", staged: "STAGED_CERTIFICATES" },
  { key: "reservedPorts", path: "RESERVED_PORTS", staged: "STAGED_RESERVED_PORTS" },
  { key: "bridgeServers", path: "BRIDGE_SERVERS", staged: "STAGED_BRIDGE_SERVERS" },
  { key: "sourceAddresses", path: "SOURCE_ADDRESSES_FILE", staged: "STAGED_SOURCE_ADDRESSES" },
];

/**
 * Files only the config document carries: the user-data is held to 16 KB and a pair's is
 * nearly full, and the document reaches running nodes. The installer among them installs
 * them (lib/instance/files/exchange-lb-install) before the apply program runs. A new node has
 * them once its association first runs, minutes after boot; nothing at boot needs them (the
 * boot's apply and HAProxy's stop skip the server states while there is no program to keep
 * them, and there are none to keep before a first SetServerState).
 */
export const DOCUMENT_FILES: readonly BundleFile[] = [
  {
    key: "installProgram",
    path: "INSTALL_PROGRAM",
    staged: "STAGED_INSTALL_PROGRAM",
    permissions: "0755",
  },
  { key: "monitoringSettings", path: "MONITORING_SETTINGS", staged: "STAGED_MONITORING_SETTINGS" },
  {
    key: "serverStateProgram",
    path: "SERVER_STATE_PROGRAM",
    staged: "STAGED_SERVER_STATE_PROGRAM",
    permissions: "0755",
  },
  {
    key: "metricsProgram",
    path: "METRICS_PROGRAM",
    staged: "STAGED_METRICS_PROGRAM",
    permissions: "0755",
  },
  { key: "metricsService", path: "METRICS_SERVICE", staged: "STAGED_METRICS_SERVICE" },
  { key: "logsProgram", path: "LOGS_PROGRAM", staged: "STAGED_LOGS_PROGRAM", permissions: "0755" },
  { key: "logsService", path: "LOGS_SERVICE", staged: "STAGED_LOGS_SERVICE" },
];

/** Where a bundle file is installed on the node. */
export function installPath(file: BundleFile): string {
  return PATHS[file.path];
}
