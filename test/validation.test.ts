/**
 * Bad input fails at synth time with the construct path, what is wrong and the
 * fix, before anything is written.
 */
import { App, TerraformStack, TerraformVariable } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import {
  CasHttpsVip,
  ExchangeLoadBalancer,
  ExchangeLoadBalancerProps,
  ExchangeVersion,
  ImapVip,
  PopVip,
  RpcStaticPortVip,
  SmtpVip,
} from "../lib";
import { GUIDE_PROPS } from "./support/synth";
import { withTempDir } from "./support/tools";

/** Builds a stack in a fresh outdir, runs `build`, synthesizes; returns what was thrown and what was written. */
function attempt(
  build: (lb: ExchangeLoadBalancer) => void,
  overrides: Partial<ExchangeLoadBalancerProps> = {},
) {
  return withTempDir((outdir) => {
    let error: Error | undefined;
    try {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, "prod");
      new AwsProvider(stack, "aws", { region: "eu-west-2" });
      const lb = new ExchangeLoadBalancer(stack, "Lb", { ...GUIDE_PROPS, ...overrides });
      build(lb);
      app.synth();
    } catch (thrown) {
      error = thrown as Error;
    }
    const written = existsSync(join(outdir, "stacks")) ? readdirSync(join(outdir, "stacks")) : [];
    return { message: error?.message ?? "", written };
  });
}

const withWeb = (lb: ExchangeLoadBalancer) => void new CasHttpsVip(lb, "CasWeb");

function expectRefused(
  result: { message: string; written: string[] },
  path: string,
  problem: string | RegExp,
  fix: string,
) {
  expect(result.message).toContain(`${path}: `);
  if (typeof problem === "string") expect(result.message).toContain(problem);
  else expect(result.message).toMatch(problem);
  expect(result.message).toContain(`Fix: ${fix}`);
  expect(result.written).toEqual([]);
}

describe("bad load balancer props", () => {
  test("a valid stack synthesizes (the harness can succeed)", () => {
    const result = attempt(withWeb);
    expect(result).toEqual({ message: "", written: ["prod"] });
  });

  test.each([["192.168.30.256"], ["192.168.30"], ["vip.example.com"]])(
    "vipAddress %s",
    (vipAddress) => {
      expectRefused(
        attempt(withWeb, { vipAddress }),
        "prod/Lb",
        `vipAddress "${vipAddress}" is not an IPv4 address`,
        "give the VIP as a.b.c.d",
      );
    },
  );

  test("clientCidrs with an invalid CIDR", () => {
    expectRefused(
      attempt(withWeb, { clientCidrs: ["192.168.0.0/33"] }),
      "prod/Lb",
      "prefix /33",
      "give CIDR blocks",
    );
  });

  test("clientCidrs with host bits set", () => {
    expectRefused(
      attempt(withWeb, { clientCidrs: ["192.168.1.0/16"] }),
      "prod/Lb",
      "the block is 192.168.0.0/16",
      "give CIDR blocks",
    );
  });

  test("empty clientCidrs", () => {
    expectRefused(
      attempt(withWeb, { clientCidrs: [] }),
      "prod/Lb",
      "clientCidrs is empty",
      "list the client networks",
    );
  });

  test("no servers", () => {
    expectRefused(
      attempt(withWeb, { servers: [] }),
      "prod/Lb",
      "no real servers",
      "give at least one server",
    );
  });

  test("duplicate server names", () => {
    const servers = [
      { name: "CAS1", address: "192.168.30.20" },
      { name: "CAS1", address: "192.168.30.21" },
    ];
    expectRefused(
      attempt(withWeb, { servers }),
      "prod/Lb",
      "server name CAS1 is used twice",
      "give each server its own name",
    );
  });

  test("duplicate server addresses", () => {
    const servers = [
      { name: "CAS1", address: "192.168.30.20" },
      { name: "CAS2", address: "192.168.30.20" },
    ];
    expectRefused(
      attempt(withWeb, { servers }),
      "prod/Lb",
      "server address 192.168.30.20 is used twice",
      "list each server once",
    );
  });

  test("an invalid server address", () => {
    const servers = [{ name: "CAS1", address: "192.168.300.20" }];
    expectRefused(
      attempt(withWeb, { servers }),
      "prod/Lb",
      'server CAS1 address "192.168.300.20"',
      "give a.b.c.d",
    );
  });

  test("a server address that is only known at apply time", () => {
    const result = attempt((lb) => {
      const stack = TerraformStack.of(lb);
      const address = new TerraformVariable(stack, "cas1", { type: "string" }).stringValue;
      new SmtpVip(lb, "Smtp", {
        servers: [{ name: "CAS1", address }],
        allowedSources: ["10.0.0.1"],
      });
    });
    expectRefused(
      result,
      "prod/Lb/Smtp",
      "server CAS1 address is a token",
      "give the address as a literal",
    );
  });

  test("a VIP address that is only known at apply time", () => {
    const message = withTempDir((outdir) => {
      try {
        const stack = new TerraformStack(new App({ outdir }), "prod");
        const vip = new TerraformVariable(stack, "vip", { type: "string" }).stringValue;
        new ExchangeLoadBalancer(stack, "Lb", { ...GUIDE_PROPS, vipAddress: vip });
        return "";
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(message).toBe(
      "prod/Lb: vipAddress is a token, but it is written into haproxy.cfg at synth time. Fix: give vipAddress as a literal value",
    );
  });

  test("a server name HAProxy cannot use", () => {
    const servers = [{ name: "CAS 1", address: "192.168.30.20" }];
    expectRefused(
      attempt(withWeb, { servers }),
      "prod/Lb",
      'server name "CAS 1"',
      "use letters, digits",
    );
  });

  test.each([-1, 257, 1.5])("weight %p outside HAProxy's 0-256", (weight) => {
    const servers = [{ name: "CAS1", address: "192.168.30.20", weight }];
    expectRefused(
      attempt(withWeb, { servers }),
      "prod/Lb",
      `weight ${weight} is outside HAProxy's 0-256`,
      "give a whole weight from 0 to 256",
    );
  });

  test("maxconn out of range", () => {
    expectRefused(
      attempt(withWeb, { maxconn: 0 }),
      "prod/Lb",
      "maxconn 0",
      "give a whole number of connections",
    );
  });

  test("ids of the wrong kind", () => {
    expectRefused(
      attempt(withWeb, { subnetId: "vpc-123" }),
      "prod/Lb",
      'subnetId "vpc-123" does not start with subnet-',
      "give the subnet-... id",
    );
  });

  test("an unknown Exchange version", () => {
    const result = attempt(withWeb, { exchangeVersion: "2007" as ExchangeVersion });
    expect(result.message).toContain('Unknown Exchange version "2007"');
    expect(result.written).toEqual([]);
  });

  test("no VIPs is refused when the stack is synthesized", () => {
    const result = attempt(() => undefined);
    // cdktf reports validations as "[path] message".
    expect(result.message).toContain("[prod/Lb] no VIPs. Fix: add at least one");
    expect(result.written).toEqual([]);
  });
});

describe("bad VIPs", () => {
  test("two VIPs on the same address and port", () => {
    const result = attempt((lb) => {
      new CasHttpsVip(lb, "CasWeb");
      new SmtpVip(lb, "Smtp", { port: 443, allowedSources: ["10.0.0.1"] });
    });
    expectRefused(
      result,
      "prod/Lb/Smtp",
      "192.168.30.10:443 is already used by prod/Lb/CasWeb",
      "give this VIP another port or another address",
    );
  });

  test("the same port on another address is fine", () => {
    const result = attempt((lb) => {
      new CasHttpsVip(lb, "CasWeb");
      new CasHttpsVip(lb, "CasWeb2", { address: "192.168.30.11" });
    });
    expect(result).toEqual({ message: "", written: ["prod"] });
  });

  test("the 2013 redirect port counts as taken", () => {
    const result = attempt(
      (lb) => {
        new CasHttpsVip(lb, "CasHttps");
        new PopVip(lb, "Pop", { popPort: 80 });
      },
      { exchangeVersion: ExchangeVersion.EXCHANGE_2013 },
    );
    expectRefused(
      result,
      "prod/Lb/Pop",
      "192.168.30.10:80 is already used by prod/Lb/CasHttps",
      "give this VIP another port",
    );
  });

  test("one VIP listing a port twice", () => {
    const result = attempt((lb) => void new ImapVip(lb, "Imap", { imapPort: 993 }));
    expectRefused(
      result,
      "prod/Lb/Imap",
      "port 993 is listed twice",
      "give each port of the VIP once",
    );
  });

  test.each([
    [59530, "rpcClientAccessPort 59530 is outside the static RPC range 59531-60554"],
    [60555, "rpcClientAccessPort 60555 is outside the static RPC range 59531-60554"],
    [135, "rpcClientAccessPort 135 is outside the static RPC range 59531-60554"],
  ])("static RPC port %p", (port, problem) => {
    const result = attempt(
      (lb) => void new RpcStaticPortVip(lb, "CasRpc", { rpcClientAccessPort: port }),
    );
    expectRefused(result, "prod/Lb/CasRpc", problem, "pick a port from 59531 to 60554");
  });

  test("address book port equal to 135", () => {
    const result = attempt(
      (lb) => void new RpcStaticPortVip(lb, "CasRpc", { addressBookPort: 135 }),
    );
    expectRefused(result, "prod/Lb/CasRpc", "addressBookPort 135 is outside", "pick a port");
  });

  test("the two static RPC ports equal", () => {
    const result = attempt(
      (lb) =>
        void new RpcStaticPortVip(lb, "CasRpc", {
          rpcClientAccessPort: 60300,
          addressBookPort: 60300,
        }),
    );
    expectRefused(
      result,
      "prod/Lb/CasRpc",
      "rpcClientAccessPort and addressBookPort are both 60300",
      "give the two services different ports",
    );
  });

  test("RpcStaticPortVip on Exchange 2013", () => {
    const result = attempt((lb) => void new RpcStaticPortVip(lb, "CasRpc"), {
      exchangeVersion: ExchangeVersion.EXCHANGE_2013,
    });
    expectRefused(result, "prod/Lb/CasRpc", "004 §6", "remove the RpcStaticPortVip");
  });

  test.each([
    ["192.168.30.60-192.168.30.50", "starts after it ends"],
    ["192.168.30.60-50", "starts after it ends"],
    ["192.168.30.500", "not an IPv4 address"],
    ["10.1.0.0/33", "prefix /33"],
  ])("allowedSources %s", (source, problem) => {
    const result = attempt((lb) => void new SmtpVip(lb, "HtSmtp", { allowedSources: [source] }));
    expectRefused(result, "prod/Lb/HtSmtp", problem, "give an address");
  });

  test("empty allowedSources", () => {
    const result = attempt((lb) => void new SmtpVip(lb, "HtSmtp", { allowedSources: [] }));
    expectRefused(result, "prod/Lb/HtSmtp", "no allowed sources", "give at least one address");
  });

  test("an invalid VIP address", () => {
    const result = attempt((lb) => void new ImapVip(lb, "Imap", { address: "10.0.0.999" }));
    expectRefused(
      result,
      "prod/Lb/Imap",
      'address "10.0.0.999" is not an IPv4 address',
      "give the VIP as a.b.c.d",
    );
  });

  test.each([0, 65536])("a port %p out of range", (port) => {
    const result = attempt(
      (lb) => void new SmtpVip(lb, "Smtp", { port, allowedSources: ["10.0.0.1"] }),
    );
    expectRefused(result, "prod/Lb/Smtp", `port ${port} is outside 1-65535`, "give a TCP port");
  });

  test("a VIP override with no servers", () => {
    const result = attempt(
      (lb) => void new SmtpVip(lb, "Smtp", { servers: [], allowedSources: ["10.0.0.1"] }),
    );
    expectRefused(result, "prod/Lb/Smtp", "no real servers", "give at least one server");
  });

  test("a VIP id HAProxy cannot use as a section name", () => {
    const result = attempt((lb) => void new ImapVip(lb, "Cas Imap"));
    expectRefused(result, "prod/Lb/Cas Imap", "not a valid HAProxy section name", "use letters");
  });

  test("a VIP id that would collide with a redirect frontend", () => {
    const result = attempt((lb) => void new ImapVip(lb, "Web-redirect"));
    expectRefused(
      result,
      "prod/Lb/Web-redirect",
      "reserved for HTTP redirect frontends",
      "choose another id",
    );
  });

  test("health check counts that are not counts", () => {
    const result = attempt((lb) => void new ImapVip(lb, "Imap", { healthCheck: { fall: 0 } }));
    expectRefused(result, "prod/Lb/Imap", "health check fall 0", "give healthCheck.fall");
  });

  test("HTTP and HTTPS on the same port", () => {
    const result = attempt((lb) => void new CasHttpsVip(lb, "Web", { httpPort: 443 }));
    expectRefused(
      result,
      "prod/Lb/Web",
      "HTTP and HTTPS share port 443",
      "give httpPort and httpsPort different ports",
    );
  });
});
