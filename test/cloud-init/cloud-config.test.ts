/**
 * The cloud-config serializer: packages, files and commands in the order
 * given, as a document cloud-init's own schema accepts; nothing else.
 */
import { parse } from "yaml";
import { CloudConfig, renderCloudConfig } from "../../lib/cloud-init/cloud-config";
import { DEBIAN_RELEASES } from "../support/debian-releases";
import { cloudInitSchema, expectValidCloudConfig } from "../support/tools";

const config: CloudConfig = {
  comment: "a test",
  packages: ["haproxy", "curl"],
  files: [
    { path: "/etc/a.conf", permissions: "0644", content: "one\n\ntwo ${x} %{y}\n" },
    { path: "/usr/local/sbin/b", permissions: "0755", content: "#!/bin/sh\necho b\n" },
    { path: "/etc/empty", permissions: "0644", content: "" },
  ],
  commands: [
    ["sysctl", "--system"],
    ["/usr/local/sbin/b", "--with 'quotes' and \"more\""],
  ],
};

describe("renderCloudConfig", () => {
  const text = renderCloudConfig(config);
  const doc = parse(text);

  test("is a cloud-config that cloud-init's schema accepts", () => {
    expect(text.startsWith("#cloud-config\n# a test\n")).toBe(true);
    expectValidCloudConfig(text);
  });

  test.each(DEBIAN_RELEASES)("$name's cloud-init schema check can fail", (release) => {
    const result = cloudInitSchema(release, text.replace("packages:", "packages: 7\nbogus:"));
    expect(result.status).not.toBe(0);
    expect(result.problems).not.toEqual([]);
  });

  test.each(DEBIAN_RELEASES)("$name's cloud-init check refuses a deprecated key", (release) => {
    // apt_update: deprecated since cloud-init 22.2 for package_update; exit 0 nonetheless.
    const deprecated = text.replace("package_update: true", "apt_update: true");
    const result = cloudInitSchema(release, deprecated);
    expect(result.status).toBe(0);
    expect(result.problems.join("\n")).toMatch(/deprecat.*apt_update|apt_update.*deprecat/i);
    expect(() => expectValidCloudConfig(deprecated)).toThrow(
      `${release.name}'s ${result.tool} does not accept it without a warning`,
    );
  });

  test("writes each file byte for byte, with its permissions, in the order given", () => {
    expect(doc.write_files).toEqual(config.files.map((file) => ({ ...file })));
  });

  test("runs each command as an argument list, in the order given", () => {
    expect(doc.runcmd).toEqual(config.commands);
    expect(doc.packages).toEqual(config.packages);
    expect(doc.package_update).toBe(true);
  });

  test("is deterministic", () => {
    expect(renderCloudConfig(config)).toBe(text);
  });

  test("refuses file content it cannot embed as a literal block", () => {
    const withContent = (content: string) =>
      renderCloudConfig({ ...config, files: [{ path: "/etc/x", permissions: "0644", content }] });
    expect(() => withContent(" leading blank\n")).toThrow("/etc/x");
    expect(() => withContent("no newline")).toThrow("one newline");
    expect(() => withContent("two newlines\n\n")).toThrow("one newline");
  });
});

describe("apt", () => {
  test("a proxy for http and https mirrors that keeps the image's sources; cloud-init accepts it", () => {
    const text = renderCloudConfig({ ...config, aptProxy: "http://10.0.0.5:3128" });
    expect(parse(text).apt).toEqual({
      preserve_sources_list: true,
      http_proxy: "http://10.0.0.5:3128",
      https_proxy: "http://10.0.0.5:3128",
    });
    expectValidCloudConfig(text);
  });

  test("no packages: no apt-get at boot", () => {
    const text = renderCloudConfig({ ...config, packages: [] });
    expect(parse(text).packages).toBeUndefined();
    expect(parse(text).package_update).toBeUndefined();
    expectValidCloudConfig(text);
  });
});
