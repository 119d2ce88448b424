import { CloudConfig, renderCloudConfig } from "../../lib/cloud-init/cloud-config";
import { readCloudConfig } from "../../lib/cloud-init/cloud-config-reader";

const CONFIG: CloudConfig = {
  comment: "test",
  packages: ["haproxy"],
  aptProxy: "http://proxy:3128",
  files: [
    { path: "/etc/a", permissions: "0644", content: "one\n\n  two\nthree\n" },
    { path: "/etc/empty", permissions: "0644", content: "" },
    { path: "/usr/local/sbin/b", permissions: "0755", content: '#!/bin/sh\necho "${X}"\n' },
  ],
  commands: [["sysctl", "--system"]],
};

test("reads back the files renderCloudConfig wrote, byte for byte, and the rest as lines", () => {
  const read = readCloudConfig(renderCloudConfig(CONFIG));
  expect(read?.files).toEqual(CONFIG.files);
  expect(read?.rest).toEqual([
    "#cloud-config",
    "# test",
    "apt:",
    "  preserve_sources_list: true",
    '  http_proxy: "http://proxy:3128"',
    '  https_proxy: "http://proxy:3128"',
    "package_update: true",
    "packages:",
    "  - haproxy",
    "write_files:",
    "runcmd:",
    '  - ["sysctl", "--system"]',
  ]);
});

test("any other text is not read (the review then shows it whole)", () => {
  expect(readCloudConfig("#!/bin/sh\necho hi\n")).toBeUndefined();
  const text = renderCloudConfig(CONFIG).replace('    permissions: "0755"', "    owner: root");
  expect(readCloudConfig(text)).toBeUndefined();
  const unindented = renderCloudConfig(CONFIG).replace("      three", "three");
  expect(readCloudConfig(unindented)).toBeUndefined();
});
