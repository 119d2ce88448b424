import { parse } from "yaml";
import {
  HAPROXY_CONFIG_PATH,
  LoadBalancerBoot,
  renderCloudConfig,
} from "../../lib/cloud-init/cloud-config";
import { renderReservedPorts } from "../../lib/delivery/reserved-ports";
import { cloudInitSchema, expectValidCloudConfig, run } from "../support/tools";

const boot: LoadBalancerBoot = {
  haproxyConfig: "# test\nglobal\n    maxconn 100\n\ndefaults\n    mode tcp\n",
  vipList: "192.168.30.10\n192.168.30.11\n",
  certificateList: "",
  reservedPorts: renderReservedPorts([443, 80, 10000, 60200, 8443]),
  maxconn: 100,
  installSsmAgent: true,
};

interface WriteFile {
  path: string;
  permissions: string;
  content: string;
}

function parsed(text: string): {
  write_files: WriteFile[];
  runcmd: (string | string[])[];
  packages: string[];
} {
  return parse(text);
}

describe("renderCloudConfig", () => {
  const text = renderCloudConfig(boot);
  const doc = parsed(text);
  const file = (path: string) => doc.write_files.find((f) => f.path === path)!;

  test("is a cloud-config that cloud-init's schema accepts", () => {
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    expectValidCloudConfig(text);
  });

  test("cloud-init's schema check can fail", () => {
    const result = cloudInitSchema(text.replace("packages:", "packages: 7\nbogus:"));
    expect(result.status).not.toBe(0);
  });

  test("installs haproxy, curl and the AWS CLI (certificates of terminating VIPs)", () => {
    expect(doc.packages).toEqual(["haproxy", "curl", "awscli"]);
  });

  test("writes haproxy.cfg byte for byte", () => {
    expect(file(HAPROXY_CONFIG_PATH).content).toBe(boot.haproxyConfig);
  });

  test("sizes the file limit for maxconn, never below nr_open's default: maxconn can grow live", () => {
    const dropIn = (maxconn: number) =>
      parse(renderCloudConfig({ ...boot, maxconn })).write_files.find(
        (f: { path: string }) =>
          f.path === "/etc/systemd/system/haproxy.service.d/exchange-load-balancer.conf",
      ).content;
    expect(
      file("/etc/systemd/system/haproxy.service.d/exchange-load-balancer.conf").content,
    ).toContain("LimitNOFILE=1048576\n");
    // Two descriptors per proxied connection plus 1024 of headroom, once that is larger.
    expect(dropIn(600_000)).toContain("LimitNOFILE=1201024\n");
  });

  test("puts every VIP on the interface of the default route", () => {
    const script = file("/usr/local/sbin/exchange-vip-addresses");
    expect(script.permissions).toBe("0755");
    expect(script.content).toContain("for vip in $(cat /etc/exchange-lb/vips); do");
    expect(file("/etc/exchange-lb/vips").content).toBe("192.168.30.10\n192.168.30.11\n");
  });

  test("keeps listener ports out of the ephemeral range, in the file the apply script rewrites", () => {
    const reserved = file("/etc/sysctl.d/61-exchange-lb-reserved-ports.conf").content;
    expect(reserved).toContain("net.ipv4.ip_local_reserved_ports = 8443,10000,59531-60554\n");
    // Applied after the range (60-…), so a port is never both ephemeral and listened on.
    expect(file("/etc/sysctl.d/60-exchange-load-balancer.conf").content).not.toContain(
      "reserved_ports",
    );
  });

  test("tunes the kernel for a full proxy", () => {
    const sysctl = file("/etc/sysctl.d/60-exchange-load-balancer.conf").content;
    expect(sysctl).toContain("net.ipv4.ip_local_port_range = 1024 65023\n");
    expect(sysctl).toContain("net.ipv4.ip_nonlocal_bind = 1\n");
  });

  test("every script is valid sh", () => {
    const scripts = doc.write_files.filter((f) => f.content.startsWith("#!/bin/sh"));
    expect(scripts.map((f) => f.path)).toEqual([
      "/usr/local/sbin/exchange-vip-addresses",
      "/usr/local/sbin/exchange-lb-apply",
      "/usr/local/sbin/exchange-lb-certificates",
      "/usr/local/sbin/install-ssm-agent",
    ]);
    for (const script of scripts) {
      const result = run("sh", ["-n"], { input: script.content });
      expect(result).toMatchObject({ status: 0, output: "" });
    }
  });

  test("fetches certificates, then checks the config with haproxy -c before it starts HAProxy", () => {
    expect(doc.runcmd).toEqual([
      ["sysctl", "--system"],
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", "--now", "exchange-vip-addresses.service"],
      ["/usr/local/sbin/exchange-lb-certificates"],
      ["systemctl", "enable", "--now", "exchange-lb-certificates.timer"],
      "haproxy -c -f /etc/haproxy/haproxy.cfg && systemctl enable haproxy && systemctl restart haproxy",
      ["/usr/local/sbin/install-ssm-agent"],
    ]);
  });

  test("the SSM agent can be left out", () => {
    const without = parsed(renderCloudConfig({ ...boot, installSsmAgent: false }));
    expect(without.write_files.map((f) => f.path)).not.toContain(
      "/usr/local/sbin/install-ssm-agent",
    );
    expect(without.runcmd).toHaveLength(6);
  });

  test("is deterministic", () => {
    expect(renderCloudConfig(boot)).toBe(text);
  });

  test("refuses file content it cannot embed as a literal block", () => {
    expect(() => renderCloudConfig({ ...boot, haproxyConfig: " leading blank\n" })).toThrow(
      HAPROXY_CONFIG_PATH,
    );
    expect(() => renderCloudConfig({ ...boot, haproxyConfig: "no newline" })).toThrow(
      "one newline",
    );
  });
});
