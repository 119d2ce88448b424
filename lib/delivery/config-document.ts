/**
 * The SSM Command document that carries haproxy.cfg and the VIP list to the
 * running instances: gzip + base64 inside the document (64 KB limit), written
 * to a staging directory, then handed to the apply script. Pure and
 * deterministic: the same config gives the same document.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { APPLY_SCRIPT } from "./apply-script";

/** SSM's limit on a document's content. */
export const SSM_DOCUMENT_LIMIT = 64 * 1024;

export interface ConfigBundle {
  readonly haproxyConfig: string;
  /** The VIP list file's content. */
  readonly vipList: string;
  /** The certificates list file's content (may be empty). */
  readonly certificateList: string;
  /** The reserved-ports sysctl file's content (`renderReservedPorts`). */
  readonly reservedPorts: string;
}

export function configDigest(bundle: ConfigBundle): string {
  return createHash("sha256")
    .update(bundle.haproxyConfig)
    .update("\0")
    .update(bundle.vipList)
    .update("\0")
    .update(bundle.certificateList)
    .update("\0")
    .update(bundle.reservedPorts)
    .digest("hex");
}

/** gzip with a fixed header (no timestamp) so the same text gives the same bytes. */
function packed(text: string): string {
  return gzipSync(Buffer.from(text, "utf8"), { level: 9 }).toString("base64");
}

export function renderConfigDocument(bundle: ConfigBundle, description: string): string {
  const content = JSON.stringify(
    {
      schemaVersion: "2.2",
      description: `${description}; config ${configDigest(bundle).slice(0, 12)}`,
      mainSteps: [
        {
          action: "aws:runShellScript",
          name: "applyHaproxyConfig",
          inputs: {
            timeoutSeconds: "120",
            runCommand: [
              "set -eu",
              "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
              "stage=$(mktemp -d)",
              "trap 'rm -rf \"$stage\"' EXIT",
              `echo '${packed(bundle.haproxyConfig)}' | base64 -d | gunzip > "$stage/haproxy.cfg"`,
              `echo '${packed(bundle.vipList)}' | base64 -d | gunzip > "$stage/vips"`,
              `echo '${packed(bundle.certificateList)}' | base64 -d | gunzip > "$stage/certificates"`,
              `echo '${packed(bundle.reservedPorts)}' | base64 -d | gunzip > "$stage/reserved-ports.conf"`,
              `${APPLY_SCRIPT} "$stage"`,
            ],
          },
        },
      ],
    },
    null,
    2,
  );
  if (content.length > SSM_DOCUMENT_LIMIT) {
    throw new Error(
      `the config document is ${content.length} bytes, over SSM's ${SSM_DOCUMENT_LIMIT}`,
    );
  }
  return content;
}
