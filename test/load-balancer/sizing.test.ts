/**
 * maxconn sized for what the instance holds (issue 15): the default from the instance type's
 * memory and what the VIPs cost per connection; a maxconn whose worst case does not fit,
 * refused at synth with the fix; per-VIP limits, the mail VIPs' a share by default.
 */
import { Testing } from "cdktf";
import {
  CasHttpsVip,
  ExchangeLoadBalancerProps,
  ImapVip,
  PopVip,
  SmtpVip,
  TlsCertificate,
} from "../../lib";
import { SIZING, defaultMaxconn, usableBytes, worstCaseBytes } from "../../lib/config/sizing";
import { MEMORY_MIB } from "../../lib/load-balancer/aws-limits";
import { PAIR_PROPS, fixture, sectionOf } from "../support/synth";
import { expectValidHaproxy } from "../support/tools";

const CERTIFICATE = TlsCertificate.fromSsmParameter("/exchange/tls/mail");

function build(props: Partial<ExchangeLoadBalancerProps>, terminating: boolean) {
  const f = fixture(props);
  new CasHttpsVip(f.lb, "CasWeb", terminating ? { tls: "offload", certificate: CERTIFICATE } : {});
  new ImapVip(f.lb, "CasImap");
  return f;
}

/** What synth with validations says; "" when it passes. */
function synthProblems(f: ReturnType<typeof fixture>): string {
  try {
    Testing.synth(f.stack, true);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

describe("the default maxconn", () => {
  const perConnection = (bufsize: number, tls: boolean) =>
    2 * bufsize + SIZING.fixedBytes + SIZING.kernelBytes + (tls ? SIZING.tlsBytes : 0);
  const fits = (type: string, bufsize: number, tls: boolean) =>
    Math.floor(
      ((MEMORY_MIB[type] - SIZING.reservedMiB) * 1024 * 1024) / perConnection(bufsize, tls),
    );

  test.each([
    ["t3.small", 32_768, 5_957],
    ["t3.medium", 85_196, 15_490],
    ["m6i.large", 190_054, 34_555],
  ])("%s: %d passing TLS through, %d terminating it with 72 KiB buffers", (type, plain, tls) => {
    // Two real servers: at most 60,000 connections to each from one source address.
    expect(build({ instanceType: type }, false).lb.maxconn).toBe(Math.min(plain, 120_000));
    expect(build({ instanceType: type }, true).lb.maxconn).toBe(tls);
    expect([fits(type, 16_384, false), fits(type, 73_728, true)]).toEqual([plain, tls]);
  });

  test("the source ports cap it: 60,000 a real server and source address, in the VIP with the fewest servers", () => {
    const one = fixture({ instanceType: "m6i.large" });
    new CasHttpsVip(one.lb, "CasWeb");
    new ImapVip(one.lb, "CasImap", { servers: [{ name: "MBX1", address: "192.168.30.30" }] });
    expect(one.lb.maxconn).toBe(60_000);
    const more = build(
      { instanceType: "m6i.large", sourceAddresses: ["192.168.30.40", "192.168.30.41"] },
      false,
    );
    expect(more.lb.maxconn).toBe(190_054);
  });

  test("the smallest node of a pair sizes it; an instance type not in the table keeps 20,000; a large one stops at 523,776, within the file limit it always has", () => {
    const pair = {
      ...PAIR_PROPS,
      instanceType: "m6i.large",
      highAvailability: {
        nodes: [
          { ...PAIR_PROPS.highAvailability!.nodes[0], instanceType: "t3.small" },
          PAIR_PROPS.highAvailability!.nodes[1],
        ],
      },
    } as Partial<ExchangeLoadBalancerProps>;
    expect(build(pair, false).lb.maxconn).toBe(32_768);
    expect(build({ instanceType: "x9z.large" }, false).lb.maxconn).toBe(20_000);
    const sources = Array.from({ length: 9 }, (_, i) => `192.168.30.${40 + i}`);
    expect(build({ instanceType: "r7i.4xlarge", sourceAddresses: sources }, false).lb.maxconn).toBe(
      523_776,
    );
  });

  test("haproxy.cfg's global maxconn is it; both releases' HAProxy accept the VIPs' limits", () => {
    const { lb } = build({}, false);
    expect(sectionOf(lb.renderHaproxyConfig(), "global")).toContain("\n    maxconn 32768\n");
    expectValidHaproxy(lb.renderHaproxyConfig());
  });

  test("a maxconn prop is kept", () => {
    expect(build({ maxconn: 1000 }, true).lb.maxconn).toBe(1000);
  });
});

describe("the worst case, at synth", () => {
  test("a terminating VIP on a t3.small with maxconn 20000 is refused with both fixes", () => {
    const problems = synthProblems(build({ maxconn: 20_000 }, true));
    expect(problems).toContain(
      "test/Lb: maxconn 20000 may take 4297 MiB at worst (every connection moving data through its two buffers, TLS terminated), but a t3.small leaves HAProxy 1280 MiB. Fix: a larger instanceType (t3.medium 4 GiB, m6i.large 8 GiB), or maxconn 5957 or less",
    );
  });

  test("the same on a t3.medium, or with the terminating VIP limited, fits", () => {
    expect(synthProblems(build({ maxconn: 15_000, instanceType: "t3.medium" }, true))).toBe("");
    const f = fixture({ maxconn: 20_000 });
    new CasHttpsVip(f.lb, "CasWeb", { tls: "offload", certificate: CERTIFICATE, maxconn: 1000 });
    // 20,000 connections with 72 KiB buffers, of which 1,000 TLS: 3 GiB does not fit either.
    expect(synthProblems(f)).toContain("maxconn 20000 may take 3036 MiB at worst");
    const small = fixture({ maxconn: 8_000 });
    new CasHttpsVip(small.lb, "CasWeb", {
      tls: "offload",
      certificate: CERTIFICATE,
      maxconn: 1000,
    });
    expect(synthProblems(small)).toBe("");
  });

  test("worstCaseBytes counts TLS connections up to the terminating VIPs' own limits", () => {
    const { lb } = build({}, true);
    const vips = lb.vips;
    const plain = worstCaseBytes(100, vips, new Map([["CasWeb", 0]]));
    const all = worstCaseBytes(100, vips, new Map());
    expect(all - plain).toBe(100 * SIZING.tlsBytes);
    expect(usableBytes(2048)).toBe(1280 * 1024 * 1024);
    expect(defaultMaxconn(undefined, vips)).toBe(SIZING.unsizedDefault);
  });
});

describe("per-VIP maxconn", () => {
  test("SMTP, IMAP and POP: a tenth of the load balancer's by default, cited; HTTPS: none of its own", () => {
    const { lb } = fixture({ maxconn: 20_000 });
    new CasHttpsVip(lb, "CasWeb");
    new ImapVip(lb, "CasImap");
    new PopVip(lb, "CasPop");
    new SmtpVip(lb, "Smtp", { allowedSources: ["192.168.30.50"] });
    const config = lb.renderHaproxyConfig();
    for (const vip of ["CasImap", "CasPop", "Smtp"]) {
      expect(sectionOf(config, `frontend ${vip}`)).toContain("\n    maxconn 2000\n");
    }
    expect(sectionOf(config, "frontend CasWeb")).not.toContain("maxconn");
    expect(config).toContain(
      "# maxconn: 10 % of the load balancer's [library default: no guide sets one]",
    );
    expectValidHaproxy(config);
  });

  test("a VIP's own, and one above the load balancer's refused at synth", () => {
    const f = fixture({ maxconn: 5_000 });
    new ImapVip(f.lb, "CasImap", { maxconn: 300 });
    new CasHttpsVip(f.lb, "CasWeb", { maxconn: 6_000 });
    expect(sectionOf(f.lb.renderHaproxyConfig(), "frontend CasImap")).toContain(
      "\n    maxconn 300\n",
    );
    expect(synthProblems(f)).toContain(
      "test/Lb/CasWeb: maxconn 6000 is above the load balancer's 5000. Fix: give at most 5000, or raise the load balancer's maxconn",
    );
    expect(() => new PopVip(f.lb, "CasPop", { maxconn: 0 })).toThrow(
      "test/Lb/CasPop: maxconn 0 is not a whole number from 1. Fix: give the connections this VIP may hold at once, e.g. 2000",
    );
  });
});
