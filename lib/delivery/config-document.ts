/**
 * The SSM Command document that carries the config bundle to the running
 * instances: each file gzip + base64 inside the document (64 KB limit), written
 * to a staging directory, then handed to the apply program. Pure and
 * deterministic: the same bundle gives the same document.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { PATHS, STAGED, SYSTEM_PATH } from "../instance/paths";
import { BUNDLE_FILES, ConfigBundle, DOCUMENT_FILES } from "./bundle";

const CARRIED = [...BUNDLE_FILES, ...DOCUMENT_FILES];

/** SSM's limit on a document's content. */
export const SSM_DOCUMENT_LIMIT = 64 * 1024;

export function configDigest(bundle: ConfigBundle): string {
  const hash = createHash("sha256");
  CARRIED.forEach((file, i) => {
    if (i > 0) hash.update("\0");
    hash.update(bundle[file.key]);
  });
  return hash.digest("hex");
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
              `export PATH=${SYSTEM_PATH}`,
              "stage=$(mktemp -d)",
              "trap 'rm -rf \"$stage\"' EXIT",
              ...CARRIED.map(
                (file) =>
                  `echo '${packed(bundle[file.key])}' | base64 -d | gunzip > "$stage/${STAGED[file.staged]}"`,
              ),
              // A failed install leaves the programs it carries as they were; the config goes on.
              `sh "$stage/${STAGED.STAGED_INSTALL_PROGRAM}" "$stage" || echo "${STAGED.STAGED_INSTALL_PROGRAM} failed" >&2`,
              // Then a fleet node goes in service (its launch completed), once its config is applied.
              `${PATHS.APPLY_PROGRAM} "$stage" && if [ -x ${PATHS.FLEET_READY_PROGRAM} ]; then ${PATHS.FLEET_READY_PROGRAM}; fi`,
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
