/**
 * The SSM config document's payload, decoded: each file it stages (gzip + base64 inside the
 * document, lib/delivery/config-document.ts) as text, and its commands with each staged file
 * named instead of its base64.
 */
import { gunzipSync } from "node:zlib";

export interface ConfigPayload {
  readonly description: string;
  readonly commands: readonly string[];
  /** Staged name (e.g. `haproxy.cfg`) to text. */
  readonly files: ReadonlyMap<string, string>;
}

const STAGED_LINE = /^echo '([A-Za-z0-9+/=]+)' \| base64 -d \| gunzip > "\$stage\/([^"]+)"$/;

/** The payload of a config document's content; undefined for any other document. */
export function readConfigPayload(content: unknown): ConfigPayload | undefined {
  const document = content as {
    description?: string;
    mainSteps?: { inputs?: { runCommand?: unknown } }[];
  };
  const runCommand = document?.mainSteps?.[0]?.inputs?.runCommand;
  if (!Array.isArray(runCommand) || !runCommand.some((line) => STAGED_LINE.test(`${line}`))) {
    return undefined;
  }
  const files = new Map<string, string>();
  const commands = runCommand.map((line: unknown) => {
    const staged = STAGED_LINE.exec(`${line}`);
    if (!staged) return `${line}`;
    files.set(staged[2], gunzipSync(Buffer.from(staged[1], "base64")).toString("utf8"));
    return `echo '<${staged[2]}, gzip + base64>' | base64 -d | gunzip > "$stage/${staged[2]}"`;
  });
  return { description: document.description ?? "", commands, files };
}
