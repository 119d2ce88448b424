import { Cited } from "../exchange/citation";
import { Persistence } from "../exchange/persistence";

/** The persistence note of a VIP, citing the guide only when the default is kept. */
export function persistenceNote(
  persistence: Persistence,
  profileValue: Cited<Persistence>,
): string {
  return persistence === profileValue.value
    ? `persistence ${persistence.describe()} [${profileValue.source}]`
    : `persistence ${persistence.describe()}`;
}
