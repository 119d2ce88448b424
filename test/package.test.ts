/**
 * The packages as a user gets them, once per framework: exchange-lb-cdktf
 * (`npm pack` of the repository) and exchange-lb-cdktn (`npm run build:cdktn`,
 * then `npm pack` of that directory). Each is installed with its framework's
 * peer dependencies into a scratch app outside the repository, the issue's
 * usage (for cdktn, with only the imports changed) is type-checked against the
 * packed declarations, run, and synthesized.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PROGRAMS } from "../lib/instance/programs";
import { TARGET, filesUnder, retargetFile } from "../scripts/build-cdktn";
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

interface Framework {
  readonly name: "cdktf" | "cdktn";
  readonly provider: string;
  readonly packageName: string;
  /** Writes the package directory to pack (under `dir`, if built) and returns it. */
  packageDir(dir: string): string;
  /** The usage, with this framework's imports. */
  readonly usage: string;
}

const CDKTF: Framework = {
  name: "cdktf",
  provider: "@cdktf/provider-aws",
  packageName: "exchange-lb-cdktf",
  packageDir: () => repo, // npm pack runs prepack: npm run build
  usage: USAGE,
};

const CDKTN: Framework = {
  name: "cdktn",
  provider: "@cdktn/provider-aws",
  packageName: TARGET.name,
  packageDir(dir) {
    const out = join(dir, "cdktn");
    const build = run("npm", ["run", "--silent", "build:cdktn", "--", out], { cwd: repo });
    expect(build.status).toBe(0);
    // The compiled tree of exchange-lb-cdktf, framework.js and framework.d.ts alone retargeted.
    const lib = join(repo, "dist", "lib");
    expect(filesUnder(join(out, "dist", "lib"))).toEqual(filesUnder(lib));
    const differing = filesUnder(lib).filter(
      (file) =>
        readFileSync(join(lib, file), "utf8") !==
        readFileSync(join(out, "dist", "lib", file), "utf8"),
    );
    expect(differing).toEqual(["framework.d.ts", "framework.js"]);
    return out;
  },
  // Only the import lines change: the specifiers, as the build retargets them, and the package's name.
  usage: USAGE.split("\n")
    .map((line) =>
      line.startsWith("import ")
        ? retargetFile(line, "usage").replace('"exchange-lb-cdktf"', `"${TARGET.name}"`)
        : line,
    )
    .join("\n"),
};

describe.each([CDKTF, CDKTN])("$packageName", (framework) => {
  const other = framework === CDKTF ? CDKTN : CDKTF;

  test("the usage differs from exchange-lb-cdktf's in its imports alone", () => {
    const body = (usage: string) => usage.split("\n").filter((line) => !line.startsWith("import "));
    expect(body(framework.usage)).toEqual(body(USAGE));
    expect(framework.usage).toContain(`from "${framework.name}"`);
    expect(framework.usage).toContain(`from "${framework.packageName}"`);
    expect(framework.usage).not.toContain(other.name);
  });

  test("packs, installs into a scratch app with its peers, type-checks the usage and synthesizes", () => {
    withTempDir((dir) => {
      const pack = run(
        "npm",
        ["pack", "--silent", "--pack-destination", dir, framework.packageDir(dir)],
        {
          cwd: repo,
        },
      );
      expect(pack.status).toBe(0);
      const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"))!;
      expect(tarball).toBe(`${framework.packageName}-${lock.version}.tgz`);
      const files = run("tar", ["tzf", join(dir, tarball)]).stdout.split("\n");
      expect(files).toEqual(
        expect.arrayContaining([
          "package/dist/lib/index.js",
          "package/dist/lib/index.d.ts",
          "package/dist/lib/cli/exchange-lb-review.js",
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
          `${framework.name}@${installed(framework.name)}`,
          `constructs@${installed("constructs")}`,
          `${framework.provider}@${installed(framework.provider)}`,
        ],
        { cwd: app },
      );
      expect(install.output).not.toMatch(/ERESOLVE|peer dep/i);
      expect(install.status).toBe(0);
      // One framework in the app: the other one's packages are not pulled in.
      expect(existsSync(join(app, "node_modules", other.name))).toBe(false);
      expect(existsSync(join(app, "node_modules", other.provider))).toBe(false);

      writeFileSync(join(app, "main.ts"), framework.usage);
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
      const tsc = run(
        process.execPath,
        [join(repo, "node_modules/typescript/bin/tsc"), "-p", "."],
        {
          cwd: app,
        },
      );
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
      const json = JSON.parse(readFileSync(stackJson, "utf8"));
      expect(Object.keys(json.resource.aws_instance)).toHaveLength(1);
      expect(json["//"].metadata.version).toBe(installed(framework.name));
    });
  }, 300_000);
});
