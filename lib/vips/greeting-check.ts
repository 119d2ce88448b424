import { HealthCheck, TcpCheckStep } from "../haproxy/model";

/**
 * A greeting check: connect, expect the banner, then leave politely so the
 * server logs no aborted session. `goodbye` uses HAProxy escapes (`\r\n`).
 */
export function greetingCheck(port: number, expect: TcpCheckStep, goodbye: string): HealthCheck {
  return {
    kind: "tcp",
    steps: [{ connect: { port } }, expect, { send: goodbye }],
  };
}
