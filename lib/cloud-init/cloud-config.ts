/**
 * Serializes a cloud-config: packages, files and boot commands, in the order
 * given. Knows YAML and cloud-init, nothing of what the files are for: the
 * features of the instance contribute them (`lib/instance/boot.ts` assembles).
 * Pure and deterministic.
 */

export interface CloudConfigFile {
  readonly path: string;
  readonly permissions: "0644" | "0755";
  readonly content: string;
}

export interface CloudConfig {
  /** One comment line under `#cloud-config`. */
  readonly comment: string;
  /** Installed after `apt-get update`; none: apt is not run at boot. */
  readonly packages: readonly string[];
  /**
   * apt's proxy for http and https mirrors (cloud-init's apt module); the
   * image's sources are kept as they are.
   */
  readonly aptProxy?: string;
  readonly files: readonly CloudConfigFile[];
  /** Boot commands in order, each an argument list run without a shell. */
  readonly commands: readonly (readonly string[])[];
}

export function renderCloudConfig(config: CloudConfig): string {
  const lines = [
    "#cloud-config",
    `# ${config.comment}`,
    ...aptLines(config.aptProxy),
    ...(config.packages.length > 0
      ? ["package_update: true", "packages:", ...config.packages.map((name) => `  - ${name}`)]
      : []),
    "write_files:",
    ...config.files.flatMap(renderFile),
    "runcmd:",
    ...config.commands.map((argv) => `  - [${argv.map(yamlString).join(", ")}]`),
  ];
  return lines.join("\n") + "\n";
}

/**
 * A user-data `apt` replaces the image's whole `apt` setting, so it keeps
 * Debian's `preserve_sources_list: true` (the image's /etc/cloud/cloud.cfg).
 */
function aptLines(proxy: string | undefined): string[] {
  if (proxy === undefined) return [];
  return [
    "apt:",
    "  preserve_sources_list: true",
    `  http_proxy: ${yamlString(proxy)}`,
    `  https_proxy: ${yamlString(proxy)}`,
  ];
}

function renderFile(file: CloudConfigFile): string[] {
  if (file.content === "") {
    return [
      `  - path: ${file.path}`,
      `    permissions: ${yamlString(file.permissions)}`,
      '    content: ""',
    ];
  }
  if (!file.content.endsWith("\n") || file.content.endsWith("\n\n") || /^\s/.test(file.content)) {
    throw new Error(`${file.path}: content must end with one newline and not start with a blank`);
  }
  return [
    `  - path: ${file.path}`,
    `    permissions: ${yamlString(file.permissions)}`,
    "    content: |",
    ...file.content
      .slice(0, -1)
      .split("\n")
      .map((line) => (line.length > 0 ? `      ${line}` : "")),
  ];
}

/** JSON strings are valid YAML double-quoted scalars. */
function yamlString(text: string): string {
  return JSON.stringify(text);
}
