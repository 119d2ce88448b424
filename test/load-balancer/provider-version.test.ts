/**
 * The synthesized Terraform needs hashicorp/aws 6.x; a stack whose AWS
 * provider declares another major version is refused at synth, with the fix.
 */
import { App, TerraformProvider, TerraformStack } from "cdktf";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CasHttpsVip, ExchangeLoadBalancer } from "../../lib";
import { GUIDE_PROPS } from "../support/synth";
import { FRAMEWORK } from "../support/framework";
import { withTempDir } from "../support/tools";

/** The AWS provider as `@cdktf/provider-aws` (or `cdktf get`) declares it, at a given version. */
class AwsProviderAt extends TerraformProvider {
  constructor(scope: TerraformStack, version: { providerVersion?: string; constraint?: string }) {
    super(scope, "aws", {
      terraformResourceType: "aws",
      terraformGeneratorMetadata: {
        providerName: "aws",
        providerVersion: version.providerVersion,
        providerVersionConstraint: version.constraint,
      },
    });
  }
}

function synthWith(version: { providerVersion?: string; constraint?: string }): string {
  return withTempDir((outdir) => {
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "prod");
    new AwsProviderAt(stack, version);
    new CasHttpsVip(new ExchangeLoadBalancer(stack, "Lb", GUIDE_PROPS), "CasWeb");
    try {
      app.synth();
    } catch (error) {
      return (error as Error).message;
    }
    return "";
  });
}

test.each([
  ["@cdktf/provider-aws 21.x", { providerVersion: "6.25.0" }],
  ["a generated provider", { constraint: "~> 6.0" }],
])("hashicorp/aws 6.x (%s) synthesizes", (_, version) => {
  expect(synthWith(version)).toBe("");
});

test.each([
  ["@cdktf/provider-aws 20.x", { providerVersion: "5.100.0" }],
  ["a generated provider", { constraint: "~> 5.0" }],
])("another major version (%s) is refused with the fix", (_, version) => {
  const message = synthWith(version);
  expect(message).toMatch(/\[prod\/Lb\] the stack's AWS provider is hashicorp\/aws (~> )?5\./);
  expect(message).toContain("needs hashicorp/aws 6.x");
  // The provider package of the framework the run loads (CDK Terrain: jest.cdktn.config.js).
  const provider = FRAMEWORK === "cdktn" ? "@cdktn/provider-aws 25.x" : "@cdktf/provider-aws 21.x";
  expect(message).toContain(`Fix: use ${provider} (hashicorp/aws 6.x)`);
});

test("the peer dependency is the provider package that declares hashicorp/aws 6.x", () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8"));
  expect(pkg.peerDependencies["@cdktf/provider-aws"]).toBe(">=21.0.0 <22.0.0");
  const installed = JSON.parse(
    readFileSync(require.resolve("@cdktf/provider-aws/package.json"), "utf8"),
  );
  expect(installed.cdktf.provider.version).toMatch(/^6\./);
});
