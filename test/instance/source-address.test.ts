/**
 * Traffic to the real servers leaves from the node's own primary address,
 * never a VIP (issue 11, item 17): haproxy.cfg's `source` reads the address
 * from the environment HAProxy's unit gets from a file the source-address
 * program writes from IMDSv2 before each start; `haproxy -c` on the node reads
 * the same file; and cloud-init no longer writes the VIPs into netplan.
 */
import { parse } from "yaml";
import { CasHttpsVip, SmtpVip } from "../../lib";
import { baseInstancePart } from "../../lib/instance/base";
import { installedProgram } from "../../lib/instance/programs";
import { PATHS } from "../../lib/instance/paths";
import { InstanceRoot, NODE_METADATA } from "../support/instance-root";
import { PAIR_PROPS, fixture, sectionOf } from "../support/synth";
import { DEBIAN_RELEASES } from "../support/debian-releases";
import { expectValidCloudConfig, expectValidHaproxy, haproxyCheck } from "../support/tools";

function loadBalancer(pair: boolean) {
  const { lb } = fixture(pair ? PAIR_PROPS : {});
  new CasHttpsVip(lb, "CasWeb");
  new SmtpVip(lb, "Smtp", { allowedSources: ["192.168.30.50"] });
  return lb;
}

function files(userData: string): Record<string, string> {
  const written: { path: string; content: string }[] = parse(userData).write_files;
  return Object.fromEntries(written.map((f) => [f.path, f.content]));
}

describe.each([false, true])("pair %s", (pair) => {
  const lb = loadBalancer(pair);
  const config = lb.renderHaproxyConfig();
  const peer = pair ? "lb-192-168-30-5" : undefined;

  test("haproxy.cfg's defaults take the source address from the unit's environment", () => {
    expect(sectionOf(config, "defaults")).toContain(
      '\n    source "${EXCHANGE_LB_SOURCE-0.0.0.0}"\n',
    );
    expectValidHaproxy(config, peer, { EXCHANGE_LB_SOURCE: "192.168.30.5" });
  });

  test.each(DEBIAN_RELEASES)(
    "$name's HAProxy reads the variable: not an address is refused",
    (release) => {
      const refused = haproxyCheck(release, config, peer, { EXCHANGE_LB_SOURCE: "not-an-address" });
      expect(refused.status).not.toBe(0);
      expect(refused.output).toContain("'source not-an-address' : invalid address");
    },
  );

  test("HAProxy's unit writes the address before each start and reads it; cloud-init keeps the VIPs out of netplan", () => {
    const userData = lb.renderUserData(pair ? "192.168.30.5" : undefined);
    expectValidCloudConfig(userData);
    const written = files(userData);
    expect(written[PATHS.HAPROXY_SOURCE_DROP_IN]).toBe(
      [
        "[Service]",
        // No "-": HAProxy does not start from a unit that could not learn its address.
        "ExecStartPre=/usr/local/sbin/exchange-lb-source-address",
        "EnvironmentFile=-/etc/exchange-lb/haproxy.env",
        "",
      ].join("\n"),
    );
    expect(written[PATHS.SOURCE_ADDRESS_PROGRAM]).toMatch(/^#!\/bin\/sh/);
    expect(parse(written[PATHS.CLOUD_INIT_NETWORK])).toEqual({
      datasource: { Ec2: { apply_full_imds_network_config: false } },
    });
  });
});

describe("the source-address program", () => {
  let root: InstanceRoot;
  beforeEach(() => {
    root = new InstanceRoot();
    root.install([baseInstancePart({ maxconn: 100 })]);
  });
  afterEach(() => root.remove());

  test("writes the primary address from IMDSv2 where HAProxy's unit and haproxy -c read it", async () => {
    const result = await root.run(PATHS.SOURCE_ADDRESS_PROGRAM, [], { metadata: NODE_METADATA });
    expect(result.code).toBe(0);
    expect(root.read(PATHS.HAPROXY_ENVIRONMENT)).toBe("EXCHANGE_LB_SOURCE=10.0.1.5\n");
  });

  const withoutImds = () =>
    root.run(PATHS.SOURCE_ADDRESS_PROGRAM, [], { metadata: "none", timeout: 30_000 });

  test("without IMDS, keeps the address learnt before (an instance's primary address never changes) and lets HAProxy start", async () => {
    root.write(PATHS.HAPROXY_ENVIRONMENT, "EXCHANGE_LB_SOURCE=10.0.1.9\n");
    const result = await withoutImds();
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("no primary address from IMDS after 5 tries: keeping 10.0.1.9");
    expect(root.read(PATHS.HAPROXY_ENVIRONMENT)).toBe("EXCHANGE_LB_SOURCE=10.0.1.9\n");
  }, 40_000);

  test("without IMDS and no address learnt before, fails loudly: HAProxy must not start and check from a VIP", async () => {
    const result = await withoutImds();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "no primary address from IMDS after 5 tries and none learnt before: HAProxy does not start",
    );
    expect(root.exists(PATHS.HAPROXY_ENVIRONMENT)).toBe(false);
  }, 40_000);
});

/** IMDS of the node at 10.0.1.5 whose interface EC2 gave `secondary` too. */
const assigned = (...secondary: string[]) => ({
  ...NODE_METADATA,
  localIpv4s: ["10.0.1.5", ...secondary],
});

/** `ip` answering the default route's interface, ens5; each address added is recorded. */
function defaultRouteOnEns5(root: InstanceRoot): void {
  root.fake(
    "ip",
    'case "$*" in "-4 route show default") echo "default via 10.0.1.1 dev ens5 proto dhcp" ;; esac',
  );
}

describe("the source-address program with extra source addresses", () => {
  let root: InstanceRoot;
  const LIST = "lb-10-0-1-5 10.0.1.7 10.0.1.8\nlb-10-0-2-5 10.0.2.7 10.0.2.8\n";
  beforeEach(() => {
    root = new InstanceRoot();
    root.install([baseInstancePart({ maxconn: 100, localPeer: "lb-10-0-1-5" })]);
    root.write(PATHS.SOURCE_ADDRESSES_FILE, LIST);
    // The interface of the default route; adding an address is recorded.
    defaultRouteOnEns5(root);
  });
  afterEach(() => root.remove());

  test("this node's line: each address EC2 assigned goes on the interface and into HAProxy's environment", async () => {
    const result = await root.run(PATHS.SOURCE_ADDRESS_PROGRAM, [], {
      metadata: assigned("10.0.1.10", "10.0.1.7", "10.0.1.8"),
    });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(root.read(PATHS.HAPROXY_ENVIRONMENT)).toBe(
      "EXCHANGE_LB_SOURCE=10.0.1.5\nEXCHANGE_LB_SOURCE_2=10.0.1.7\nEXCHANGE_LB_SOURCE_3=10.0.1.8\n",
    );
    expect(root.calls("ip")).toEqual([
      "ip -4 route show default",
      "ip address replace 10.0.1.7/32 dev ens5",
      "ip address replace 10.0.1.8/32 dev ens5",
    ]);
    // networkd keeps them across its restarts, as it keeps the VIPs.
    expect(
      root.exists(`${PATHS.NETWORKD_DIR}/10-netplan-ens5.network.d/networkd-keep-vips.conf`),
    ).toBe(true);
  });

  test("an address EC2 has not assigned is left off the interface: its line leaves from the primary address", async () => {
    const result = await root.run(PATHS.SOURCE_ADDRESS_PROGRAM, [], {
      metadata: assigned("10.0.1.7"),
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      "source address 10.0.1.8 is not assigned to this instance's interface (EC2)",
    );
    expect(root.read(PATHS.HAPROXY_ENVIRONMENT)).toBe(
      "EXCHANGE_LB_SOURCE=10.0.1.5\nEXCHANGE_LB_SOURCE_2=10.0.1.7\nEXCHANGE_LB_SOURCE_3=10.0.1.5\n",
    );
    expect(root.calls("ip")).not.toContain("ip address replace 10.0.1.8/32 dev ens5");
  });

  test("one instance reads the line of *; a node with no line has the primary address alone", async () => {
    root.write(PATHS.SOURCE_ADDRESSES_FILE, "* 10.0.1.7\n");
    const asPeer = await root.run(PATHS.SOURCE_ADDRESS_PROGRAM, [], {
      metadata: assigned("10.0.1.7"),
    });
    expect(asPeer.code).toBe(0);
    expect(root.read(PATHS.HAPROXY_ENVIRONMENT)).toBe("EXCHANGE_LB_SOURCE=10.0.1.5\n");
    const single = new InstanceRoot();
    try {
      single.install([baseInstancePart({ maxconn: 100 })]);
      single.write(PATHS.SOURCE_ADDRESSES_FILE, "* 10.0.1.7\n");
      single.fake(
        "ip",
        'case "$*" in "-4 route show default") echo "default via 10.0.1.1 dev ens5" ;; esac',
      );
      const result = await single.run(PATHS.SOURCE_ADDRESS_PROGRAM, [], {
        metadata: assigned("10.0.1.7"),
      });
      expect(result).toMatchObject({ code: 0, stderr: "" });
      expect(single.read(PATHS.HAPROXY_ENVIRONMENT)).toBe(
        "EXCHANGE_LB_SOURCE=10.0.1.5\nEXCHANGE_LB_SOURCE_2=10.0.1.7\n",
      );
    } finally {
      single.remove();
    }
  });
});

describe("the source-address program with a fleet's count", () => {
  let root: InstanceRoot;
  beforeEach(() => {
    root = new InstanceRoot();
    root.install([baseInstancePart({ maxconn: 100 })]);
    // The fleet's part installs the program that picks them.
    const picker = installedProgram("assignedAddresses");
    root.write(picker.path, picker.content, 0o755);
    root.write(PATHS.SOURCE_ADDRESSES_FILE, "* count=2\n");
    defaultRouteOnEns5(root);
  });
  afterEach(() => root.remove());

  test("learns the secondary addresses EC2 assigned at launch from IMDS, in address order", async () => {
    const result = await root.run(PATHS.SOURCE_ADDRESS_PROGRAM, [], {
      metadata: assigned("10.0.1.100", "10.0.1.9"),
    });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(root.read(PATHS.HAPROXY_ENVIRONMENT)).toBe(
      "EXCHANGE_LB_SOURCE=10.0.1.5\nEXCHANGE_LB_SOURCE_2=10.0.1.9\nEXCHANGE_LB_SOURCE_3=10.0.1.100\n",
    );
    expect(root.calls("ip")).toEqual([
      "ip -4 route show default",
      "ip address replace 10.0.1.9/32 dev ens5",
      "ip address replace 10.0.1.100/32 dev ens5",
    ]);
  });

  test("fewer assigned than the count: a line EC2 gave none stays unset (haproxy.cfg's 0.0.0.0: the primary address), said in the log", async () => {
    const result = await root.run(PATHS.SOURCE_ADDRESS_PROGRAM, [], {
      metadata: assigned("10.0.1.9"),
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      "EC2 assigned 1 of the 2 source addresses the config expects to this instance's interface",
    );
    expect(root.read(PATHS.HAPROXY_ENVIRONMENT)).toBe(
      "EXCHANGE_LB_SOURCE=10.0.1.5\nEXCHANGE_LB_SOURCE_2=10.0.1.9\n",
    );
    // The primary address is never put on the interface again as a /32.
    expect(root.calls("ip")).toEqual([
      "ip -4 route show default",
      "ip address replace 10.0.1.9/32 dev ens5",
    ]);
  });

  test("more assigned than the count (a count lowered since the launch): every one, in address order, the same at every start", async () => {
    const metadata = assigned("10.0.1.30", "10.0.1.20", "10.0.1.10");
    root.write(PATHS.SOURCE_ADDRESSES_FILE, "* count=1\n");
    const first = await root.run(PATHS.SOURCE_ADDRESS_PROGRAM, [], { metadata });
    const firstEnvironment = root.read(PATHS.HAPROXY_ENVIRONMENT);
    const again = await root.run(PATHS.SOURCE_ADDRESS_PROGRAM, [], { metadata });
    expect([first, again]).toMatchObject([
      { code: 0, stderr: "" },
      { code: 0, stderr: "" },
    ]);
    expect(firstEnvironment).toBe(
      "EXCHANGE_LB_SOURCE=10.0.1.5\nEXCHANGE_LB_SOURCE_2=10.0.1.10\nEXCHANGE_LB_SOURCE_3=10.0.1.20\nEXCHANGE_LB_SOURCE_4=10.0.1.30\n",
    );
    expect(root.read(PATHS.HAPROXY_ENVIRONMENT)).toBe(firstEnvironment);
  });

  test("a count given after the first deploy: the node's user-data lists none, yet it takes what EC2 assigned at its launch", async () => {
    // The launch template's user-data is the first deploy's (Terraform ignores its changes).
    root.write(PATHS.SOURCE_ADDRESSES_FILE, "");
    const result = await root.run(PATHS.SOURCE_ADDRESS_PROGRAM, [], {
      metadata: assigned("10.0.1.9"),
    });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(root.read(PATHS.HAPROXY_ENVIRONMENT)).toBe(
      "EXCHANGE_LB_SOURCE=10.0.1.5\nEXCHANGE_LB_SOURCE_2=10.0.1.9\n",
    );
  });

  test("no source address assigned and none expected: the primary address alone, nothing logged", async () => {
    root.write(PATHS.SOURCE_ADDRESSES_FILE, "");
    const result = await root.run(PATHS.SOURCE_ADDRESS_PROGRAM, [], { metadata: assigned() });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(root.read(PATHS.HAPROXY_ENVIRONMENT)).toBe("EXCHANGE_LB_SOURCE=10.0.1.5\n");
    expect(root.calls("ip")).toEqual(["ip -4 route show default"]);
  });

  test("the picker given no address (IMDS did not answer, which its caller logs): prints none and blames nothing on EC2", async () => {
    const result = await root.run(PATHS.ASSIGNED_ADDRESSES_PROGRAM, ["10.0.1.5"]);
    expect(result).toMatchObject({ code: 0, stdout: "", stderr: "" });
    const given = await root.run(PATHS.ASSIGNED_ADDRESSES_PROGRAM, [
      "10.0.1.5",
      "10.0.1.5",
      "10.0.1.9",
    ]);
    expect(given).toMatchObject({ code: 0, stdout: "10.0.1.9\n" });
    expect(given.stderr).toContain("EC2 assigned 1 of the 2 source addresses the config expects");
  });
});
