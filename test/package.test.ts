/**
 * The package as a user gets it: `npm pack`, install the tarball and the peer
 * dependencies into a scratch app outside the repository, type-check the
 * issue's usage against the packed declarations, run it, and synthesize.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PROGRAMS } from "../lib/instance/programs";
import { expectValidCloudConfig, expectValidHaproxy, run, withTempDir } from "./support/tools";

const repo = resolve(__dirname, "..");
const lock = JSON.parse(readFileSync(join(repo, "package-lock.json"), "utf8"));
const installed = (name: string): string => lock.packages[`node_modules/${name}`].version;

const USAGE = `
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ExchangeLoadBalancer, ExchangeVersion, CasHttpsVip, RpcStaticPortVip, ImapVip, PopVip, SmtpVip } from "exchange-lb-cdktf";

const app = new App();
const stack = new TerraformStack(app, "exchange");
new AwsProvider(stack, "aws", { region: "eu-west-2" });
const lb = new ExchangeLoadBalancer(stack, "Lb", {
  exchangeVersion: ExchangeVersion.EXCHANGE_2010,   // also EXCHANGE_2013, EXCHANGE_2016, EXCHANGE_2019
  vpcId: "vpc-0a1b2c3d", subnetId: "subnet-0a1b2c3d",
  vipAddress: "192.168.30.10",                       // the address clients connect to
  clientCidrs: ["192.168.0.0/16"],                   // who may reach the client-facing VIPs
  servers: [{ name: "CAS1", address: "192.168.30.20" }, { name: "CAS2", address: "192.168.30.21" }],
});
new CasHttpsVip(lb, "CasWeb");
new RpcStaticPortVip(lb, "CasRpc", { rpcClientAccessPort: 60200, addressBookPort: 60201 });
new ImapVip(lb, "CasImap");
new PopVip(lb, "CasPop");
new SmtpVip(lb, "HtSmtp", { allowedSources: ["192.168.30.50", "192.168.30.50-192.168.30.60", "10.1.0.0/24"] });
const cfg: string = lb.renderHaproxyConfig();   // the exact haproxy.cfg the instance runs
const ud: string = lb.renderUserData();         // the exact user-data the instance boots with
app.synth();
console.log(JSON.stringify({ cfg, ud }));
`;

test("packs, installs into a scratch app, type-checks the documented usage and synthesizes", () => {
  withTempDir((dir) => {
    const pack = run("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: repo });
    expect(pack.status).toBe(0);
    const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"))!;
    const files = run("tar", ["tzf", join(dir, tarball)]).stdout.split("\n");
    expect(files).toEqual(
      expect.arrayContaining([
        "package/dist/lib/index.js",
        "package/dist/lib/index.d.ts",
        ...Object.values(PROGRAMS).map((p) => `package/dist/lib/instance/files/${p.file}`),
        "package/README.md",
      ]),
    );
    expect(
      files.filter((f) => f.startsWith("package/test/") || f.startsWith("package/lib/")),
    ).toEqual([]);

    const app = join(dir, "app");
    run("mkdir", [app]);
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "scratch-app", private: true }),
    );
    const install = run(
      "npm",
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        join(dir, tarball),
        `cdktf@${installed("cdktf")}`,
        `constructs@${installed("constructs")}`,
        `@cdktf/provider-aws@${installed("@cdktf/provider-aws")}`,
      ],
      { cwd: app },
    );
    expect(install.status).toBe(0);

    writeFileSync(join(app, "main.ts"), USAGE);
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "commonjs",
          strict: true,
          types: [],
          skipLibCheck: true,
        },
        files: ["main.ts"],
      }),
    );
    const tsc = run(process.execPath, [join(repo, "node_modules/typescript/bin/tsc"), "-p", "."], {
      cwd: app,
    });
    expect(tsc.output).toBe("");
    expect(tsc.status).toBe(0);

    const synth = run(process.execPath, ["main.js"], { cwd: app });
    expect(synth.status).toBe(0);
    const { cfg, ud } = JSON.parse(synth.stdout);
    expect(cfg).toContain("frontend CasPop");
    expectValidHaproxy(cfg);
    expectValidCloudConfig(ud);
    const stackJson = join(app, "cdktf.out/stacks/exchange/cdk.tf.json");
    expect(existsSync(stackJson)).toBe(true);
    const resources = JSON.parse(readFileSync(stackJson, "utf8")).resource;
    expect(Object.keys(resources.aws_instance)).toHaveLength(1);
  });
});
