/**
 * The instance's boot as what each feature contributes (packages, programs,
 * files, boot commands, settings), assembled into one cloud-config: the
 * settings file first, then each part's files; commands by phase, then in the
 * order of the parts.
 */
import type { CloudConfig, CloudConfigFile } from "../cloud-init/cloud-config";
import { PATHS } from "./paths";
import { ProgramName, installedProgram, programText } from "./programs";
import { SettingsSection, renderSettings } from "./settings";

/** When a boot command runs, relative to HAProxy's start. */
export const BOOT_PHASES = ["prepare", "before-start", "start", "after-start", "last"] as const;
export type BootPhase = (typeof BOOT_PHASES)[number];

export interface BootCommand {
  readonly phase: BootPhase;
  /** Run without a shell. */
  readonly argv: readonly string[];
}

/** What one feature of the instance contributes to its boot. */
export interface BootPart {
  readonly packages?: readonly string[];
  /** Programs and units from the package's files. */
  readonly programs?: readonly ProgramName[];

  /** Files rendered for this node. */
  readonly files?: readonly CloudConfigFile[];
  readonly commands?: readonly BootCommand[];
  /** Values this feature's programs read from the settings file. */
  readonly settings?: SettingsSection;
}

export function assembleBoot(comment: string, parts: readonly BootPart[]): CloudConfig {
  const programs = parts.flatMap((part) => part.programs ?? []);
  const settings: CloudConfigFile = {
    path: PATHS.SETTINGS,
    permissions: "0644",
    content: renderSettings(
      parts.flatMap((part) => part.settings ?? []),
      programs.map(programText),
    ),
  };
  return {
    comment,
    packages: [...new Set(parts.flatMap((part) => part.packages ?? []))],
    files: [
      settings,
      ...parts.flatMap((part) => [
        ...(part.files ?? []),
        ...(part.programs ?? []).map(installedProgram),
      ]),
    ],
    commands: BOOT_PHASES.flatMap((phase) =>
      parts.flatMap((part) =>
        (part.commands ?? []).filter((c) => c.phase === phase).map((c) => c.argv),
      ),
    ),
  };
}
