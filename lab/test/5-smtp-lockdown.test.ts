/**
 * Scenario 5: the SMTP lock-down (001 appendix 2) as synthesized security-group
 * rules, enforced by iptables in the load balancer namespace. Smart hosts at
 * the first and last address of 192.168.30.50-60 deliver through the VIP; an
 * address just outside the range and the ordinary client cannot connect.
 */
import { readFileSync } from "node:fs";
import { maildirMessages, serverHost } from "../servers";
import { inNs } from "../shell";
import { lab2010 } from "../stacks";
import { HOSTS, VIP } from "../topology";
import { report, runStack } from "./support";

const ht = serverHost("ht");
const run = `lockdown-${process.pid}`;

function swaks(ns: string, from: string, seq: string): { status: number | null; output: string } {
  const r = inNs(
    ns,
    [
      "swaks",
      "--server",
      VIP,
      "--local-interface",
      from,
      "--from",
      "smarthost@example.test",
      "--to",
      "labuser@lab.test",
      "--header",
      `X-Lab-Seq: ${seq}`,
      "--timeout",
      "3",
    ],
    { allowFailure: true },
  );
  return { status: r.status, output: r.stdout + r.stderr };
}

function delivered(seq: string): number {
  return maildirMessages(ht).filter((file) =>
    readFileSync(file, "utf8").includes(`X-Lab-Seq: ${seq}\n`),
  ).length;
}

beforeAll(async () => {
  await runStack(lab2010);
});

test.each(["192.168.30.50", "192.168.30.60"])(
  "smart host %s delivers through the VIP",
  async (from) => {
    const seq = `${run}-${from}`;
    const result = swaks(HOSTS.smarthost.ns, from, seq);
    expect(result.status).toBe(0);
    expect(result.output).toMatch(/<- {2}250 2\.0\.0 Ok: queued/);
    for (let i = 0; i < 50 && delivered(seq) === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(delivered(seq)).toBe(1);
  },
);

test.each([
  ["192.168.30.49", HOSTS.smarthost.ns],
  ["192.168.30.61", HOSTS.smarthost.ns],
  ["192.168.30.70", HOSTS.client.ns],
])("%s cannot connect to port 25", (from, ns) => {
  const result = swaks(ns, from, `${run}-${from}`);
  report(`smtp lock-down ${from}`, { status: result.status });
  expect(result.status).not.toBe(0);
  expect(result.output).toMatch(/connect: timeout|Connection timed out/);
  expect(delivered(`${run}-${from}`)).toBe(0);
});
