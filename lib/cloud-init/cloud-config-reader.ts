/**
 * Reads back a cloud-config `renderCloudConfig` wrote: its files, and the rest (comment,
 * packages, apt, runcmd) as text. The review document shows each file as its own block.
 * Returns undefined for any other text, which the review then shows whole.
 */
import { CloudConfigFile } from "./cloud-config";

export interface ReadCloudConfig {
  /** Every line but the files': the header, packages, apt, `write_files:` and runcmd. */
  readonly rest: readonly string[];
  readonly files: readonly CloudConfigFile[];
}

const PATH = /^ {2}- path: (.+)$/;
const PERMISSIONS = /^ {4}permissions: "(0644|0755)"$/;

export function readCloudConfig(text: string): ReadCloudConfig | undefined {
  const lines = text.split("\n");
  const start = lines.indexOf("write_files:");
  const end = lines.indexOf("runcmd:");
  if (!text.startsWith("#cloud-config\n") || start < 0 || end < start) return undefined;
  const files: CloudConfigFile[] = [];
  let at = start + 1;
  while (at < end) {
    const read = readFile(lines, at, end);
    if (!read) return undefined;
    files.push(read.file);
    at = read.next;
  }
  return { rest: [...lines.slice(0, start + 1), ...lines.slice(end, -1)], files };
}

function readFile(
  lines: readonly string[],
  at: number,
  end: number,
): { file: CloudConfigFile; next: number } | undefined {
  const path = PATH.exec(lines[at])?.[1];
  const permissions = PERMISSIONS.exec(lines[at + 1] ?? "")?.[1] as "0644" | "0755" | undefined;
  const header = lines[at + 2];
  if (path === undefined || permissions === undefined) return undefined;
  if (header === '    content: ""') {
    return { file: { path, permissions, content: "" }, next: at + 3 };
  }
  if (header !== "    content: |") return undefined;
  let next = at + 3;
  while (next < end && !PATH.test(lines[next])) next++;
  const body = lines.slice(at + 3, next);
  if (body.some((line) => line !== "" && !line.startsWith("      "))) return undefined;
  const content = body.map((line) => line.slice(6)).join("\n") + "\n";
  return { file: { path, permissions, content }, next };
}
