import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "../bin/render";
import { run } from "./support/tools";

describe("the render CLI", () => {
  test("prints haproxy.cfg, user-data (per node for the pair) and the Exchange-side scripts", () => {
    const out = render();
    expect(out.match(/^### .*$/gm)).toEqual([
      "### exchange-2010: haproxy.cfg",
      "### exchange-2010: user-data",
      "### exchange-2010: VirtualDirectoryUrls.ps1 (Exchange servers)",
      "### exchange-2010: StaticRpcPorts.ps1 (Exchange servers)",
      "### exchange-2010: CasArray.ps1 (Exchange servers)",
      "### exchange-2010: ReceiveConnector-25.ps1 (Exchange servers)",
      "### exchange-2013: haproxy.cfg",
      "### exchange-2013: user-data",
      "### exchange-2013: VirtualDirectoryUrls.ps1 (Exchange servers)",
      "### exchange-2013: Maintenance.ps1 (Exchange servers)",
      "### exchange-2013: ReceiveConnector-25.ps1 (Exchange servers)",
      "### exchange-se-pair: haproxy.cfg",
      "### exchange-se-pair: user-data (node 10.0.1.5)",
      "### exchange-se-pair: user-data (node 10.0.2.5)",
      "### exchange-se-pair: VirtualDirectoryUrls.ps1 (Exchange servers)",
      "### exchange-se-pair: Maintenance.ps1 (Exchange servers)",
      "### exchange-se-pair: ReceiveConnector-25.ps1 (Exchange servers)",
      "### exchange-se-fleet: haproxy.cfg",
      "### exchange-se-fleet: user-data",
      "### exchange-se-fleet: VirtualDirectoryUrls.ps1 (Exchange servers)",
      "### exchange-se-fleet: Maintenance.ps1 (Exchange servers)",
      "### exchange-se-fleet: ReceiveConnector-25.ps1 (Exchange servers)",
    ]);
    expect(render("exchange-2010", "scripts")).toContain("$rpcClientAccessPort = 60200");
  });

  test("prints one file of one stack as is", () => {
    const cfg = render("exchange-2013", "haproxy");
    expect(cfg.startsWith("# Exchange 2013 load balancer")).toBe(true);
    expect(render("exchange-2013", "user-data").startsWith("#cloud-config\n")).toBe(true);
  });

  test("runs as a process, writes nothing, and refuses unknown stacks", () => {
    const tsNode = join(__dirname, "..", "node_modules", ".bin", "ts-node");
    const cwd = mkdtempSync(join(tmpdir(), "render-cwd-"));
    const ok = run(
      tsNode,
      [join(__dirname, "..", "bin", "render.ts"), "exchange-2010", "haproxy"],
      { cwd },
    );
    expect(readdirSync(cwd)).toEqual([]);
    rmSync(cwd, { recursive: true });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(render("exchange-2010", "haproxy"));
    const bad = run(tsNode, [join(__dirname, "..", "bin", "render.ts"), "exchange-2007"]);
    expect(bad.status).toBe(2);
    expect(bad.output).toContain(
      'Unknown stack "exchange-2007"; choose one of: exchange-2010, exchange-2013, exchange-se-pair, exchange-se-fleet',
    );
  });
});
