import { labDown, labUp } from "../lab";

/** One lab for all scenarios; torn down by global-teardown, or here on Ctrl-C. */
export default function setup(): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      labDown();
      process.exit(130);
    });
  }
  labUp();
}
