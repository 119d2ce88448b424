/**
 * What a node boots with, assembled from the parts its features contribute:
 * the settings file first, each feature's packages, files and programs, and
 * the boot commands in the order their phases need.
 */
import { parse } from "yaml";
import { CasHttpsVip } from "../../lib";
import { PATHS } from "../../lib/instance/paths";
import { expectValidCloudConfig, run } from "../support/tools";
import { fixture } from "../support/synth";

interface WriteFile {
  path: string;
  permissions: string;
  content: string;
}

function userData(overrides = {}) {
  const { lb } = fixture({ maxconn: 100, ...overrides });
  new CasHttpsVip(lb, "CasWeb");
  new CasHttpsVip(lb, "Owa2", { address: "192.168.30.11", httpsPort: 8443, http: "none" });
  return { lb, text: lb.renderUserData() };
}

describe("one instance's user-data", () => {
  const { lb, text } = userData();
  const doc: { write_files: WriteFile[]; runcmd: string[][]; packages: string[] } = parse(text);
  const file = (path: string) => doc.write_files.find((f) => f.path === path)!;

  test("is a cloud-config that cloud-init's schema accepts", () => {
    expectValidCloudConfig(text);
  });

  test("installs haproxy, curl, socat (the admin socket) and the AWS CLI (certificates of terminating VIPs)", () => {
    expect(doc.packages).toEqual(["haproxy", "curl", "socat", "awscli"]);
  });

  test("writes the settings first, haproxy.cfg byte for byte, and the VIP list", () => {
    expect(doc.write_files[0].path).toBe(PATHS.SETTINGS);
    expect(file(PATHS.HAPROXY_CONFIG).content).toBe(lb.renderHaproxyConfig());
    expect(file(PATHS.VIPS_FILE).content).toBe("192.168.30.10\n192.168.30.11\n");
  });

  test("sizes the file limit for maxconn, never below nr_open's default: maxconn can grow live", () => {
    const saveAtStop = `LogRateLimitIntervalSec=30s\nLogRateLimitBurst=600000\nExecStop=-${PATHS.SERVER_STATE_PROGRAM} save\n`;
    expect(file(PATHS.HAPROXY_DROP_IN).content).toBe(
      `[Service]\nLimitNOFILE=1048576\n${saveAtStop}`,
    );
    // Two descriptors per proxied connection plus 1024 of headroom, once that is larger.
    const big = parse(userData({ maxconn: 600_000 }).text).write_files.find(
      (f: WriteFile) => f.path === PATHS.HAPROXY_DROP_IN,
    );
    expect(big.content).toBe(`[Service]\nLimitNOFILE=1201024\n${saveAtStop}`);
  });

  test("puts every VIP on the interface before HAProxy starts, from the package's first start on", () => {
    expect(file(PATHS.VIP_ADDRESSES_UNIT).content).toContain(
      `ExecStart=${PATHS.VIP_ADDRESSES_PROGRAM}\n`,
    );
    // A drop-in on HAProxy, written before the package installs and starts it.
    expect(file(PATHS.HAPROXY_VIPS_DROP_IN).content).toBe(
      "[Unit]\nWants=exchange-vip-addresses.service\nAfter=exchange-vip-addresses.service\n",
    );
    expect(file(PATHS.VIP_ADDRESSES_PROGRAM).permissions).toBe("0755");
  });

  test("keeps listener ports out of the ephemeral range, in the file the apply program rewrites", () => {
    expect(file(PATHS.RESERVED_PORTS).content).toContain(
      "net.ipv4.ip_local_reserved_ports = 8404,8443,59531-60554\n",
    );
    // Applied after the range (60-…), so a port is never both ephemeral and listened on.
    expect(file(PATHS.SYSCTL).content).not.toContain("reserved_ports");
    expect(file(PATHS.SYSCTL).content).toContain("net.ipv4.ip_local_port_range = 1024 65023\n");
    expect(file(PATHS.SYSCTL).content).toContain("net.ipv4.ip_nonlocal_bind = 1\n");
  });

  test("every program is valid sh", () => {
    const programs = doc.write_files.filter((f) => f.content.startsWith("#!/bin/sh"));
    expect(programs.map((f) => f.path)).toEqual([
      PATHS.SOURCE_ADDRESS_PROGRAM,
      PATHS.VIP_ADDRESSES_PROGRAM,
      PATHS.APPLY_PROGRAM,
      PATHS.CERTIFICATES_PROGRAM,
      PATHS.SAME_CERTIFICATE_PROGRAM,
      PATHS.SSM_AGENT_INSTALLER,
    ]);
    for (const program of programs) {
      expect(run("sh", ["-n"], { input: program.content })).toMatchObject({
        status: 0,
        output: "",
      });
    }
  });

  test("boots in order: kernel and units, VIPs and certificates, HAProxy once haproxy -c accepts, then the SSM agent", () => {
    expect(doc.runcmd).toEqual([
      ["sysctl", "--system"],
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", "--now", "exchange-vip-addresses.service"],
      [PATHS.CERTIFICATES_PROGRAM, "--boot"],
      [PATHS.SAME_CERTIFICATE_PROGRAM],
      ["systemctl", "enable", "--now", "exchange-lb-certificates.timer"],
      [PATHS.APPLY_PROGRAM, "--boot"],
      [PATHS.SSM_AGENT_INSTALLER],
    ]);
  });

  test("the SSM agent can be left out", () => {
    const without = parse(userData({ installSsmAgent: false }).text);
    expect(without.write_files.map((f: WriteFile) => f.path)).not.toContain(
      PATHS.SSM_AGENT_INSTALLER,
    );
    expect(without.runcmd).toHaveLength(7);
  });

  test("is deterministic", () => {
    expect(userData().text).toBe(text);
  });
});

describe("a pair node's user-data", () => {
  const { lb } = fixture({
    subnetId: undefined,
    highAvailability: {
      nodes: [
        { subnetId: "subnet-0a1b2c3d", address: "192.168.30.5" },
        { subnetId: "subnet-0a1b2c3d", address: "192.168.30.6" },
      ],
    },
  });
  new CasHttpsVip(lb, "CasWeb");
  const doc = parse(lb.renderUserData("192.168.30.6"));
  const paths: string[] = doc.write_files.map((f: WriteFile) => f.path);

  test("adds keepalived, whose failover program claims the VIPs: no VIP unit", () => {
    expect(doc.packages).toEqual([
      "haproxy",
      "curl",
      "socat",
      "awscli",
      "keepalived",
      "iputils-arping",
    ]);
    expect(paths).toEqual(
      expect.arrayContaining([
        PATHS.KEEPALIVED_CONFIG,
        PATHS.FAILOVER_PROGRAM,
        PATHS.KEEPALIVED_DROP_IN,
      ]),
    );
    expect(paths).not.toContain(PATHS.VIP_ADDRESSES_PROGRAM);
    expect(doc.runcmd.slice(-3)).toEqual([
      ["systemctl", "enable", "keepalived"],
      ["systemctl", "restart", "keepalived"],
      [PATHS.SSM_AGENT_INSTALLER],
    ]);
  });

  test("names the node in HAProxy's peers section for Debian's unit and its own programs", () => {
    const file = (path: string) => doc.write_files.find((f: WriteFile) => f.path === path).content;
    expect(file(PATHS.HAPROXY_DEFAULTS)).toContain(
      `EXTRAOPTS="-S ${PATHS.HAPROXY_MASTER_SOCKET} -L lb-192-168-30-6"`,
    );
    expect(file(PATHS.SETTINGS)).toContain('LOCAL_PEER="lb-192-168-30-6"\n');
    expect(file(PATHS.SETTINGS)).toContain('NODE_ADDRESS="192.168.30.6"\n');
  });
});
