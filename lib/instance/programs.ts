/**
 * The instance's programs and systemd units: real files in ./files, shipped in
 * the package, installed by the user-data at the path PATHS gives each. A
 * unit names a path as `@NAME@` (a key of PATHS), filled in at install.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CloudConfigFile } from "../cloud-init/cloud-config";
import { PATHS, PathName, STAGED } from "./paths";

export const PROGRAM_DIR = join(__dirname, "files");

interface Program {
  /** The file in PROGRAM_DIR. */
  readonly file: string;
  /** Where the user-data installs it. */
  readonly path: PathName;
  readonly permissions: CloudConfigFile["permissions"];
}

export const PROGRAMS = {
  functions: { file: "exchange-lb-functions", path: "FUNCTIONS", permissions: "0644" },
  networkdKeepVips: {
    file: "networkd-keep-vips.conf",
    path: "NETWORKD_KEEP_VIPS",
    permissions: "0644",
  },
  sourceAddress: {
    file: "exchange-lb-source-address",
    path: "SOURCE_ADDRESS_PROGRAM",
    permissions: "0755",
  },
  serverState: {
    file: "exchange-lb-server-state",
    path: "SERVER_STATE_PROGRAM",
    permissions: "0755",
  },
  install: { file: "exchange-lb-install", path: "INSTALL_PROGRAM", permissions: "0755" },
  metrics: { file: "exchange-lb-metrics", path: "METRICS_PROGRAM", permissions: "0755" },
  metricsService: {
    file: "exchange-lb-metrics.service",
    path: "METRICS_SERVICE",
    permissions: "0644",
  },
  logs: { file: "exchange-lb-logs", path: "LOGS_PROGRAM", permissions: "0755" },
  logsService: { file: "exchange-lb-logs.service", path: "LOGS_SERVICE", permissions: "0644" },
  apply: { file: "exchange-lb-apply", path: "APPLY_PROGRAM", permissions: "0755" },
  certificates: {
    file: "exchange-lb-certificates",
    path: "CERTIFICATES_PROGRAM",
    permissions: "0755",
  },
  certificatesService: {
    file: "exchange-lb-certificates.service",
    path: "CERTIFICATES_SERVICE",
    permissions: "0644",
  },
  certificatesTimer: {
    file: "exchange-lb-certificates.timer",
    path: "CERTIFICATES_TIMER",
    permissions: "0644",
  },
  sameCertificate: {
    file: "exchange-lb-same-certificate",
    path: "SAME_CERTIFICATE_PROGRAM",
    permissions: "0755",
  },
  failover: { file: "exchange-lb-failover", path: "FAILOVER_PROGRAM", permissions: "0755" },
  keepalivedDropIn: {
    file: "keepalived-drop-in.conf",
    path: "KEEPALIVED_DROP_IN",
    permissions: "0644",
  },
  vipAddresses: {
    file: "exchange-vip-addresses",
    path: "VIP_ADDRESSES_PROGRAM",
    permissions: "0755",
  },
  vipAddressesUnit: {
    file: "exchange-vip-addresses.service",
    path: "VIP_ADDRESSES_UNIT",
    permissions: "0644",
  },
  fleetReady: {
    file: "exchange-lb-fleet-ready",
    path: "FLEET_READY_PROGRAM",
    permissions: "0755",
  },
  assignedAddresses: {
    file: "exchange-lb-assigned-addresses",
    path: "ASSIGNED_ADDRESSES_PROGRAM",
    permissions: "0755",
  },
  ssmAgentInstaller: {
    file: "install-ssm-agent",
    path: "SSM_AGENT_INSTALLER",
    permissions: "0755",
  },
} as const satisfies Record<string, Program>;

export type ProgramName = keyof typeof PROGRAMS;

const texts = new Map<ProgramName, string>();

/** The program's file as shipped. */
export function programText(name: ProgramName): string {
  let text = texts.get(name);
  if (text === undefined) {
    text = readFileSync(join(PROGRAM_DIR, PROGRAMS[name].file), "utf8");
    texts.set(name, text);
  }
  return text;
}

/**
 * The program as the user-data writes it: at its path, each `@NAME@` replaced by the path,
 * a shell program without its comment lines (EC2 holds user-data to 16 KB; the comments
 * stay in the package, lib/instance/files/).
 */
export function installedProgram(name: ProgramName): CloudConfigFile {
  const program: Program = PROGRAMS[name];
  return {
    path: PATHS[program.path],
    permissions: program.permissions,
    content: withoutComments(fillPaths(program.file, programText(name))),
  };
}

/** The program as the config document carries it: each `@NAME@` replaced, comments kept. */
export function deliveredProgram(name: ProgramName): string {
  return fillPaths(PROGRAMS[name].file, programText(name));
}

/** A shell text (`#!`, or sourced: `# shellcheck shell=`) without its comment lines but the first. */
export function withoutComments(text: string): string {
  if (!text.startsWith("#!") && !/^# shellcheck shell=/m.test(text)) return text;
  const [first, ...rest] = text.split("\n");
  return [first, ...rest.filter((line) => !/^\s*#/.test(line))].join("\n");
}

const FILLED: Readonly<Record<string, string>> = { ...PATHS, ...STAGED };

/** `@NAME@` -> `PATHS.NAME` (or a staging name of STAGED); any other name is refused. */
export function fillPaths(file: string, text: string): string {
  return text.replace(/@([A-Z_]+)@/g, (_match, key: string) => {
    if (!(key in FILLED)) throw new Error(`${file}: @${key}@ is not a path of PATHS`);
    return FILLED[key];
  });
}
