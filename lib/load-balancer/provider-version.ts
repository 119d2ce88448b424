/**
 * The synthesized Terraform needs hashicorp/aws 6.x: it reads
 * `data.aws_region.<id>.region`, which 6.0 added in place of `name`
 * (provider 6.0 upgrade guide). `@cdktf/provider-aws` 21.x declares 6.x
 * (21.0.0 is 6.0.0), 20.x declares 5.x; `@cdktn/provider-aws` 25.x declares 6.x. A stack whose AWS provider declares
 * another major version is refused at synth rather than at `terraform plan`.
 */
import { Construct, FRAMEWORK, TerraformProvider, TerraformStack } from "../framework";

export const AWS_PROVIDER_MAJOR = 6;

/** The version the provider declares in required_providers, as cdktf renders it. */
function declaredVersion(provider: TerraformProvider): string | undefined {
  const meta = provider.terraformGeneratorMetadata;
  return meta?.providerVersion || meta?.providerVersionConstraint;
}

/** Problems with the AWS providers of `scope`'s stack (empty when none is declared). */
export function awsProviderProblems(scope: Construct): string[] {
  const providers = TerraformStack.of(scope)
    .node.findAll()
    .filter((c): c is TerraformProvider => c instanceof TerraformProvider)
    .filter((p) => p.terraformResourceType === "aws");
  return providers.flatMap((provider) => {
    const version = declaredVersion(provider);
    // The first number of an exact version or of "~> 5.0" / "= 5.1"; a range such as ">= 5" is left to Terraform.
    const major = /^\s*(?:~>|=)?\s*(\d+)/.exec(version ?? "")?.[1];
    if (major === undefined || Number(major) === AWS_PROVIDER_MAJOR) return [];
    return [
      `the stack's AWS provider is hashicorp/aws ${version}, but the synthesized Terraform needs hashicorp/aws ${AWS_PROVIDER_MAJOR}.x (it reads data.aws_region's region). Fix: use ${FRAMEWORK.awsProvider} (hashicorp/aws 6.x), or generate the provider with version "~> ${AWS_PROVIDER_MAJOR}.0"`,
    ];
  });
}
