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
import { BUNDLE_FILES, ConfigBundle, installPath } from "../../lib/delivery/bundle";
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

/** A config the library never renders: HAProxy refuses the unknown keyword. */
export function refusedDocument(changed: SynthesizedLoadBalancer): string {
  const bundle = Object.fromEntries(
    BUNDLE_FILES.map((f) => [f.key, changed.nodes[0].files[installPath(f)]?.content ?? ""]),
  ) as unknown as ConfigBundle;
  const haproxyConfig = bundle.haproxyConfig.replace(/^global\n/m, "global\n    no-such-keyword\n");
  return renderConfigDocument({ ...bundle, haproxyConfig }, "refused");
}
