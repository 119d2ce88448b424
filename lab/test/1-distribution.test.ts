/**
 * Scenario 1: without persistence, round robin spreads 100 new connections per VIP 50 ± 5;
 * first, the HAProxy serving them is the lab's release's (its name is in the test's).
 */
import { connect, report, runStack, tally } from "./support";
import { adminCommand } from "../haproxy";
import { LB_NODES } from "../node";
import { labRelease } from "../release";
import { lab2013 } from "../stacks";

beforeAll(async () => {
  await runStack(lab2013());
});

const { debian, haproxy } = labRelease();
test(`Debian ${debian}: the load balancer runs HAProxy ${haproxy}`, async () => {
  const version = /^Version: (\S+)$/m.exec(await adminCommand("show info", LB_NODES.lb))?.[1];
  report("HAProxy", { debian, version });
  expect(version).toMatch(new RegExp(`^${haproxy.replace(".", "\\.")}\\.`));
});

test.each([
  ["HTTPS 443", 443, { tls: true, http: "/owa/" }, "client"],
  ["IMAP 143", 143, {}, "client"],
  ["IMAPS 993", 993, { tls: true }, "client"],
  ["POP3 110", 110, {}, "client"],
  ["SMTP 25", 25, { from: ["192.168.30.50"] }, "smarthost"],
] as const)("%s: 100 new connections, each server 50 ± 5", (name, port, options, ns) => {
  const counts = tally(connect(ns, port, 100, { ...options }));
  report(`distribution ${name}`, counts);
  expect(Object.keys(counts).sort()).toEqual(["CAS1", "CAS2"]);
  expect(Math.abs(counts.CAS1 - 50)).toBeLessThanOrEqual(5);
  expect(Math.abs(counts.CAS2 - 50)).toBeLessThanOrEqual(5);
});
