/** Synth-time checks of literal props shared by the load balancer's constructs. */
import { fail } from "../core/errors";
import { Construct, Token } from "../framework";

export function requireConcrete(scope: Construct, name: string, value: string): string {
  if (Token.isUnresolved(value)) {
    fail(
      scope,
      `${name} is a token, but it is written into haproxy.cfg at synth time`,
      `give ${name} as a literal value`,
    );
  }
  return value;
}

export function checkId(
  scope: Construct,
  name: string,
  value: string | undefined,
  prefix: string,
): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!value.startsWith(prefix))
    fail(scope, `${name} "${value}" does not start with ${prefix}`, `give the ${prefix}... id`);
}
