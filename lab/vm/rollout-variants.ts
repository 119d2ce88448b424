/** The pair stack's variants a rollout delivers in the boot lab's scenario 6. */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack } from "cdktf";
import {
  CasHttpsVip,
  ExchangeLoadBalancer,
  ExchangeVersion,
  ImapVip,
  PopVip,
  RpcStaticPortVip,
} from "../../lib";
import { gunzipSync } from "node:zlib";
import { BUNDLE_FILES, ConfigBundle, DOCUMENT_FILES } from "../../lib/delivery/bundle";
import { STAGED } from "../../lib/instance/paths";
import { renderConfigDocument } from "../../lib/delivery/config-document";
import { StackBuilder, SynthesizedLoadBalancer, pairProps } from "../stacks";

/** The pair stack after a change: CAS2 at weight 50, and a POP3 VIP added on the VIP address. */
export const changedPair: StackBuilder = (app) => {
  const stack = new TerraformStack(app, "lab-2010-pair");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const props = pairProps(ExchangeVersion.EXCHANGE_2010);
  const [cas1, cas2] = props.servers!;
  const lb = new ExchangeLoadBalancer(stack, "Lb", {
    ...props,
    servers: [cas1, { ...cas2, weight: 50 }],
  });
  new CasHttpsVip(lb, "CasWeb");
  new RpcStaticPortVip(lb, "CasRpc", { rpcClientAccessPort: 60200, addressBookPort: 60201 });
  new ImapVip(lb, "CasImap");
  new PopVip(lb, "CasPop");
  return { stack, lb };
};

/** Every file the synthesized config document carries, read back from its commands. */
function carriedBundle(document: string): ConfigBundle {
  const commands: string[] = JSON.parse(document).mainSteps[0].inputs.runCommand;
  const staged = new Map(
    commands.flatMap((command) => {
      const match = /^echo '([A-Za-z0-9+/=]+)' \| base64 -d \| gunzip > "\$stage\/([^"]+)"$/.exec(
        command,
      );
      return match
        ? [[match[2], gunzipSync(Buffer.from(match[1], "base64")).toString("utf8")]]
        : [];
    }),
  );
  const bundle = Object.fromEntries(
    [...BUNDLE_FILES, ...DOCUMENT_FILES].map((f) => [f.key, staged.get(STAGED[f.staged])]),
  );
  const missing = Object.keys(bundle).filter((key) => bundle[key] === undefined);
  if (missing.length > 0) throw new Error(`the config document carries no ${missing.join(", ")}`);
  return bundle as unknown as ConfigBundle;
}

/** A config the library never renders (HAProxy refuses the unknown keyword), all else as synthesized. */
export function refusedDocument(changed: SynthesizedLoadBalancer): string {
  const bundle = carriedBundle(changed.configDocument);
  const haproxyConfig = bundle.haproxyConfig.replace(/^global\n/m, "global\n    no-such-keyword\n");
  return renderConfigDocument({ ...bundle, haproxyConfig }, "refused");
}
