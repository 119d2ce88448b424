/**
 * Boot lab scenario 8: the AWS lab's two Exchange stand-ins (examples/aws-lab) boot
 * their synthesized user-data at once on Debian 13 VMs, so what a user deploys is
 * what was tested: cloud-init done without errors on each, then from a client on the
 * lab switch nginx answers every virtual directory and its healthcheck.htm (HTTP and
 * HTTPS), Postfix greets on 25 and 587, Dovecot on 143, 993, 110 and 995, each as
 * its server; seconds from power-on to each service answering reported.
 */
import {
  MAIL_DOMAIN,
  MAIL_USER,
  VIRTUAL_DIRECTORIES,
} from "../../../examples/aws-lab/exchange-stand-in";
import { ProbeResult, connect, report, sleep } from "../../test/support";
import { AWS_LAB_SERVERS, ServersLab, awsLabServersUp } from "../aws-lab-servers";
import { inNs } from "../../shell";
import { HOSTS } from "../../topology";
import { bootLabDown, cloudInitResult, launch } from "../boot-lab";
import { Vm } from "../qemu";

const RELEASE = 13;

interface Service {
  readonly name: string;
  readonly port: number;
  readonly tls?: boolean;
  readonly http?: string;
}

/** What the stand-in's user-data configures (stand-in-user-data.ts). */
const SERVICES: readonly Service[] = [
  { name: "nginx 80", port: 80, http: "/owa/healthcheck.htm" },
  { name: "nginx 443", port: 443, tls: true, http: "/owa/healthcheck.htm" },
  { name: "Postfix 25", port: 25 },
  { name: "Postfix 587", port: 587 },
  { name: "Dovecot IMAP 143", port: 143 },
  { name: "Dovecot IMAPS 993", port: 993, tls: true },
  { name: "Dovecot POP3 110", port: 110 },
  { name: "Dovecot POP3S 995", port: 995, tls: true },
];

/** The stand-in itself answered (its label), not a package's default greeting or site. */
function answeredAs(server: string, result: ProbeResult | undefined, http: boolean): boolean {
  if (!result || result.error) return false;
  return http
    ? result.status === 200 && result.server === server
    : new RegExp(`^(220|\\* OK|\\+OK) .*\\b${server}\\b`).test(result.first ?? "");
}

const secondsSince = (start: number) => Math.round((Date.now() - start) / 1000);

let lab: ServersLab;
const vms = new Map<string, Vm>();
let poweredOn: number;

beforeAll(async () => {
  lab = await awsLabServersUp(RELEASE);
  poweredOn = Date.now();
  for (const instance of lab.instances) vms.set(instance.name, launch(lab, instance.name));
}, 900_000);

afterAll(() => bootLabDown());

describe(`Debian ${RELEASE}: the AWS lab's Exchange stand-ins booted from their synthesized user-data`, () => {
  test("every service answers as its server; seconds from power-on reported", async () => {
    const seconds: Record<string, Record<string, number>> = {};
    let pending = AWS_LAB_SERVERS.flatMap((server) =>
      SERVICES.map((service) => ({ server, service, key: `${server.name} ${service.name}` })),
    );
    const last = new Map<string, ProbeResult | undefined>();
    // One new connection per service not yet answering, about every 1-3 s.
    while (pending.length > 0 && Date.now() - poweredOn < 900_000) {
      pending = pending.filter(({ server, service, key }) => {
        const [result] = connect("client", service.port, 1, {
          host: server.address,
          tls: service.tls,
          http: service.http,
          timeoutMs: 1000,
        });
        last.set(key, result);
        if (!answeredAs(server.name, result, service.http !== undefined)) return true;
        seconds[server.name] = { ...seconds[server.name], [service.name]: secondsSince(poweredOn) };
        return false;
      });
      await sleep(1000);
    }
    report(`AWS lab stand-ins, Debian ${RELEASE}: seconds from power-on to answering`, seconds);
    expect(Object.fromEntries(pending.map(({ key }) => [key, last.get(key)]))).toEqual({});
  });

  test("cloud-init finished without errors on each", async () => {
    for (const [name, vm] of vms) {
      const result = await cloudInitResult(vm, 300_000);
      report(`AWS lab stand-in ${name}, Debian ${RELEASE}: cloud-init`, result);
      expect(result.status).toBe("done");
      expect(result.errors).toEqual([]);
      expect(result.recoverableErrors).toEqual({});
    }
  });

  test("every virtual directory and its healthcheck.htm answer 200, over HTTP and HTTPS", () => {
    const failed: string[] = [];
    let answered = 0;
    for (const server of AWS_LAB_SERVERS) {
      for (const vdir of VIRTUAL_DIRECTORIES) {
        for (const path of [`/${vdir}/`, `/${vdir}/healthcheck.htm`]) {
          for (const tls of [false, true]) {
            const [r] = connect("client", tls ? 443 : 80, 1, {
              host: server.address,
              tls,
              http: path,
            });
            if (answeredAs(server.name, r, true)) answered++;
            else
              failed.push(`${server.name} ${tls ? "https" : "http"} ${path}: ${JSON.stringify(r)}`);
          }
        }
      }
    }
    report(`AWS lab stand-ins: virtual directory answers (200 as their server)`, { answered });
    expect(failed).toEqual([]);
    expect(answered).toBe(AWS_LAB_SERVERS.length * VIRTUAL_DIRECTORIES.length * 4);
  });

  test("a message to the test mailbox through each server's Postfix (25) is in its Dovecot mailbox (POP3, IMAP)", async () => {
    const curl = (args: string[], input?: string) =>
      inNs(HOSTS.client.ns, ["curl", "-sS", "--max-time", "10", ...args], { input }).stdout;
    const seconds: Record<string, number> = {};
    for (const server of AWS_LAB_SERVERS) {
      const subject = `boot lab ${server.name} ${Date.now()}`;
      const sent = Date.now();
      curl(
        [
          `smtp://${server.address}:25`,
          "--mail-from",
          `probe@${MAIL_DOMAIN}`,
          "--mail-rcpt",
          `${MAIL_USER}@${MAIL_DOMAIN}`,
          "-T",
          "-",
        ],
        `From: probe@${MAIL_DOMAIN}\r\nTo: ${MAIL_USER}@${MAIL_DOMAIN}\r\nSubject: ${subject}\r\n\r\nhello\r\n`,
      );
      const login = `${MAIL_USER}:any`;
      let listed = "";
      while (!listed.includes(subject) && Date.now() - sent < 60_000) {
        await sleep(1000);
        // LIST: one line per message; the newest (the last) retrieved over POP3.
        const pop3 = `pop3://${server.address}/`;
        const count = curl(["-u", login, pop3])
          .split("\n")
          .filter((l) => /^\d+ /.test(l)).length;
        listed = count ? curl(["-u", login, `${pop3}${count}`]) : "";
      }
      seconds[server.name] = Math.round((Date.now() - sent) / 100) / 10;
      expect(listed).toContain(`Subject: ${subject}`);
      const imap = curl([
        "-u",
        login,
        "-X",
        'SEARCH SUBJECT "' + subject + '"',
        `imap://${server.address}/INBOX`,
      ]);
      expect(imap).toMatch(/^\* SEARCH \d+/m);
    }
    report("AWS lab stand-ins: seconds from SMTP to the message in the mailbox", seconds);
  });
});
