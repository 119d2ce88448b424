/**
 * Extra source addresses (issue 15): each real server gets one server line per source
 * address, the extra ones tracking it; EC2 assigns the addresses (a pair node's kept by
 * Terraform beside the VIPs that move onto it); the receive connector allows them; bad input
 * is refused at synth with the fix.
 */
import {
  CasHttpsVip,
  ExchangeLoadBalancerProps,
  ExchangeServerScripts,
  ImapVip,
  RealServerState,
  SmtpVip,
  TlsCertificate,
  VipPlacement,
} from "../../lib";
import { Testing } from "cdktf";
import { PAIR_PROPS, fixture, resourcesOf, synthJson } from "../support/synth";
import { DEBIAN_RELEASES } from "../support/debian-releases";
import { haproxyCheck } from "../support/tools";

const PAIR_WITH_SOURCES: Partial<ExchangeLoadBalancerProps> = {
  ...PAIR_PROPS,
  instanceType: "t3.medium",
  highAvailability: {
    nodes: [
      {
        subnetId: "subnet-0a1b2c3d",
        address: "192.168.30.5",
        sourceAddresses: ["192.168.30.40", "192.168.30.41"],
      },
      {
        subnetId: "subnet-0a1b2c3d",
        address: "192.168.30.6",
        sourceAddresses: ["192.168.30.42", "192.168.30.43"],
      },
    ],
  },
};

function serverLines(config: string, backend: string): string[] {
  const section = config.split(`\nbackend ${backend}\n`)[1].split("\n\n")[0];
  return section.split("\n").filter((line) => line.startsWith("    server "));
}

describe("haproxy.cfg", () => {
  const { lb } = fixture({ sourceAddresses: ["192.168.30.40", "192.168.30.41"] });
  new CasHttpsVip(lb, "CasWeb");
  new ImapVip(lb, "CasImap", {
    servers: [{ name: "CAS1", address: "192.168.30.20", state: RealServerState.DRAIN }],
  });
  const config = lb.renderHaproxyConfig();

  test("a real server's lines: its own checks; each other leaves from one extra address and tracks it", () => {
    const lines = serverLines(config, "CasImap");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ {4}server CAS1 192\.168\.30\.20 weight \d+ check/);
    expect(lines[1]).toMatch(
      /^ {4}server CAS1:src2 192\.168\.30\.20 weight \d+ source "\$\{EXCHANGE_LB_SOURCE_2-0\.0\.0\.0\}" track CAS1$/,
    );
    expect(lines[2]).toContain('source "${EXCHANGE_LB_SOURCE_3-0.0.0.0}" track CAS1');
  });

  test("the lines carry the server's weight and state (drain: weight 0)", () => {
    for (const line of serverLines(config, "CasImap")) expect(line).toContain(" weight 0 ");
    const web = serverLines(config, "CasWeb");
    expect(web).toHaveLength(6);
    expect(new Set(web.map((line) => /weight (\d+)/.exec(line)![1])).size).toBe(1);
  });

  test("an OWA persistence cookie names every line of its server", () => {
    const withCookie = fixture({ sourceAddresses: ["192.168.30.40", "192.168.30.41"] }).lb;
    new CasHttpsVip(withCookie, "CasWeb", {
      tls: "offload",
      certificate: TlsCertificate.fromSsmParameter("/exchange/tls/mail"),
      services: ["OWA"],
      owaCookiePersistence: true,
    });
    const owa = serverLines(withCookie.renderHaproxyConfig(), "CasWeb-OWA");
    expect(owa).toHaveLength(6);
    for (const server of ["CAS1", "CAS2"]) {
      const lines = owa.filter((line) => new RegExp(` ${server}(:src\\d)? `).test(line));
      expect(lines).toHaveLength(3);
      for (const line of lines) expect(line).toContain(` cookie ${server} `);
    }
  });

  test.each(DEBIAN_RELEASES)(
    "$name's HAProxy accepts it, with and without the addresses set",
    (release) => {
      const env = {
        EXCHANGE_LB_SOURCE: "192.168.30.5",
        EXCHANGE_LB_SOURCE_2: "192.168.30.40",
        EXCHANGE_LB_SOURCE_3: "192.168.30.41",
      };
      expect(haproxyCheck(release, config, undefined, env).status).toBe(0);
      expect(haproxyCheck(release, config, undefined, {}).status).toBe(0);
      const refused = haproxyCheck(release, config, undefined, {
        ...env,
        EXCHANGE_LB_SOURCE_3: "nowhere",
      });
      expect(refused.output).toContain("'source nowhere' : invalid address");
    },
  );

  test("none given: one line per server, as before", () => {
    const plain = fixture().lb;
    new ImapVip(plain, "CasImap");
    expect(plain.renderHaproxyConfig()).not.toContain(":src");
  });
});

describe("AWS resources", () => {
  test("one instance: EC2 assigns them beside the VIPs; the delivered list names them", () => {
    const { lb, stack } = fixture({ sourceAddresses: ["192.168.30.40"] });
    new ImapVip(lb, "CasImap");
    const [instance] = resourcesOf(synthJson(stack), "aws_instance");
    expect(instance.secondary_private_ips).toEqual(["192.168.30.10", "192.168.30.40"]);
    expect(instance.lifecycle.ignore_changes).not.toContain("secondary_private_ips");
    expect(lb.sourceAddresses).toEqual(["192.168.30.40"]);
  });

  test("a pair: each node's own; Terraform leaves them be where the VIPs move onto the nodes", () => {
    const { lb, stack } = fixture(PAIR_WITH_SOURCES);
    new ImapVip(lb, "CasImap");
    const instances = resourcesOf(synthJson(stack), "aws_instance");
    expect(instances.map((i) => i.secondary_private_ips)).toEqual([
      ["192.168.30.40", "192.168.30.41"],
      ["192.168.30.42", "192.168.30.43"],
    ]);
    for (const i of instances)
      expect(i.lifecycle.ignore_changes).toContain("secondary_private_ips");
    expect(lb.renderHaproxyConfig()).toContain("server CAS2:src3 ");
  });

  test("a pair whose VIP routes through a route table: the addresses stay Terraform's", () => {
    const { lb, stack } = fixture({
      ...PAIR_WITH_SOURCES,
      vipAddress: "10.99.0.10",
      highAvailability: {
        ...PAIR_WITH_SOURCES.highAvailability!,
        vipPlacement: VipPlacement.routeTable({ routeTableIds: ["rtb-0a1"] }),
      },
    });
    new ImapVip(lb, "CasImap");
    for (const i of resourcesOf(synthJson(stack), "aws_instance")) {
      expect(i.lifecycle.ignore_changes).not.toContain("secondary_private_ips");
    }
  });

  test("the receive connector allows them: Exchange sees SMTP from each", () => {
    const { lb, stack } = fixture({
      namespace: "mail.example.com",
      sourceAddresses: ["192.168.30.40"],
    });
    new SmtpVip(lb, "Smtp", { allowedSources: ["192.168.30.50"] });
    new ExchangeServerScripts(lb, "Scripts");
    const documents = resourcesOf(synthJson(stack), "aws_ssm_document");
    const connector = documents.find((d) => d.name.includes("ReceiveConnector"));
    expect(connector.content).toContain("'192.168.30.40')");
    expect(connector.content).toMatch(
      /\$remote = @\('\$\{aws_instance\.\w+\.private_ip\}', '192\.168\.30\.40'\)/,
    );
  });
});

describe("refused at synth", () => {
  const refusal = (props: Partial<ExchangeLoadBalancerProps>) => {
    try {
      const { lb } = fixture(props);
      new ImapVip(lb, "CasImap");
      Testing.synth(lb.node.scope as never);
    } catch (error) {
      return (error as Error).message;
    }
    return "";
  };

  test.each([
    [
      { sourceAddresses: ["192.168.30.400"] },
      'sourceAddresses: "192.168.30.400" is not an IPv4 address',
      "give a.b.c.d inside the node's subnet",
    ],
    [
      { sourceAddresses: ["192.168.30.10"] },
      "sourceAddresses: 192.168.30.10 is already the VIP's, a node's or another source address",
      "give each source address once",
    ],
    [
      { sourceAddresses: ["192.168.30.40", "192.168.30.40"] },
      "192.168.30.40 is already",
      "give each source address once",
    ],
    [
      { sourceAddresses: ["192.168.30.40", "192.168.30.41", "192.168.30.42", "192.168.30.43"] },
      "sourceAddresses: 4 addresses, but a t3.small network interface holds 3 besides its primary address",
      "use an instance type whose interface holds more",
    ],
    [
      { ...PAIR_PROPS, sourceAddresses: ["192.168.30.40"] },
      "sourceAddresses is given for a pair, whose nodes are in different subnets",
      "give each node's in highAvailability.nodes[].sourceAddresses",
    ],
    [
      {
        ...PAIR_PROPS,
        highAvailability: {
          nodes: [
            {
              subnetId: "subnet-0a1b2c3d",
              address: "192.168.30.5",
              sourceAddresses: ["192.168.30.40"],
            },
            { subnetId: "subnet-0a1b2c3d", address: "192.168.30.6" },
          ],
        },
      },
      "the nodes have 1 and 0 source addresses, but both run the same haproxy.cfg",
      "give both nodes the same number of sourceAddresses",
    ],
    [
      { sourceAddresses: 2 },
      "sourceAddresses is a count (2), which only a fleet takes: an instance's addresses are named, so that the receive connector script allows each",
      'give the addresses inside the subnet, e.g. sourceAddresses: ["10.0.1.40", "10.0.1.41"]',
    ],
    [
      { ...PAIR_PROPS, sourceAddresses: 2 },
      "sourceAddresses is a count (2), which only a fleet takes",
      "give each node's addresses in highAvailability.nodes[].sourceAddresses",
    ],
  ] as unknown as [Partial<ExchangeLoadBalancerProps>, string, string][])(
    "%j",
    (props, problem, fix) => {
      const message = refusal(props);
      expect(message).toContain("test/Lb: ");
      expect(message).toContain(problem);
      expect(message).toContain(`Fix: ${fix}`);
    },
  );

  test("VIP and source addresses together past what the interface holds: the VIP that does not fit", () => {
    const { lb } = fixture({ sourceAddresses: ["192.168.30.40", "192.168.30.41"] });
    new ImapVip(lb, "Imap0", { address: "192.168.30.10" });
    expect(() => new ImapVip(lb, "Imap1", { address: "192.168.30.11" })).toThrow(
      "test/Lb/Imap1: 2 VIP addresses and 2 source addresses, but a t3.small network interface holds 3 besides its primary address. Fix: use an instance type whose interface holds more (t3.medium: 5, m6i.large: 9), or fewer VIP or source addresses",
    );
  });

  test("a VIP on a source address", () => {
    const { lb } = fixture({ instanceType: "t3.medium", sourceAddresses: ["192.168.30.40"] });
    expect(() => new ImapVip(lb, "Imap", { address: "192.168.30.40" })).toThrow(
      "test/Lb/Imap: address 192.168.30.40 is a source address of the load balancer. Fix: give the VIP an address of its own",
    );
  });

  test("a real server named like a source line", () => {
    expect(() => fixture({ servers: [{ name: "CAS1:src2", address: "192.168.30.20" }] })).toThrow(
      /server name "CAS1:src2" ends like a source line's .* Fix: give the server a name that does not end in :src and a number/,
    );
  });
});
