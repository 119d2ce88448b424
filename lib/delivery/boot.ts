/**
 * Config delivery's part of the boot: the first config bundle at its paths,
 * the apply program that installs later ones, and HAProxy started with the
 * bundle once `haproxy -c` accepts it.
 */
import { BootPart } from "../instance/boot";
import { PATHS } from "../instance/paths";
import { BUNDLE_FILES, ConfigBundle, installPath } from "./bundle";

export function deliveryPart(bundle: ConfigBundle): BootPart {
  return {
    files: BUNDLE_FILES.map((file) => ({
      path: installPath(file),
      permissions: "0644",
      content: bundle[file.key],
    })),
    programs: ["apply"],
    // Start HAProxy only with a config it accepts; a refused config fails the boot script.
    commands: [{ phase: "start", argv: [PATHS.APPLY_PROGRAM, "--boot"] }],
  };
}
