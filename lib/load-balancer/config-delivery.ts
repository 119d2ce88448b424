/**
 * Out-of-band delivery of haproxy.cfg and the VIP list: an SSM Command
 * document holding the config, and a State Manager association that runs it on
 * the load balancer's instances whenever it changes. A changed VIP, server,
 * weight or timeout is an update of the document and a new association, never
 * of an instance. One instance at a time, and a refused config stops the
 * rollout and fails `cdktf deploy` while the old config keeps serving.
 */
import { ConfigBundle } from "../delivery/bundle";
import { renderConfigDocument } from "../delivery/config-document";
import { Construct, Lazy, SsmAssociation, SsmDocument, warningsUnder } from "../framework";
import { REVIEW_COMMENT } from "../review/context";
import { escapeTerraformTemplate } from "../terraform/escape";
import type { InstanceRole } from "./instance-role";
import { Dependable, addressOf } from "./dependencies";
import { documentName } from "./names";

export interface ConfigDeliveryProps {
  /** The config bundle, rendered at synth: the document carries it. */
  readonly bundle: () => ConfigBundle;
  /**
   * The instances, or a fleet's tag on every node (a node launched later gets the association
   * when its agent registers) and its group, created first.
   */
  readonly targets:
    | { readonly instanceIds: readonly string[] }
    | {
        readonly tag: { readonly key: string; readonly value: string };
        readonly after: Dependable;
      };
  /** Seconds `cdktf deploy` waits for every instance to report success; 0 does not wait. */
  readonly waitSeconds: number;
  /** The instances' role: its SSM agent reads the document. */
  readonly role: InstanceRole;
  /** The review document's summary, rendered at synth into a comment on the document. */
  readonly summary: () => string[];
}

export class ConfigDelivery extends Construct {
  public readonly document: SsmDocument;
  public readonly association: SsmAssociation;

  constructor(scope: Construct, id: string, props: ConfigDeliveryProps) {
    super(scope, id);
    const name = documentName(scope, "config");
    this.document = new SsmDocument(this, "Document", {
      name,
      documentType: "Command",
      documentFormat: "JSON",
      content: Lazy.stringValue({
        produce: () =>
          escapeTerraformTemplate(
            renderConfigDocument(
              props.bundle(),
              `Exchange load balancer ${scope.node.path}: haproxy.cfg and VIP list`,
            ),
          ),
      }),
    });
    // A Terraform JSON comment ("//"), which Terraform ignores: the review reads it back.
    const warnings = () =>
      warningsUnder(scope).map(([path, message]) => {
        const where = path.slice(scope.node.path.length + 1);
        return `warning: ${where ? `${where}: ` : ""}${message}`;
      });
    const summary = Lazy.listValue({ produce: () => [...props.summary(), ...warnings()] });
    this.document.addOverride(`//.${REVIEW_COMMENT}`, { path: scope.node.path, summary });
    props.role.agentReads(this.document.arn);
    this.association = new SsmAssociation(this, "Association", {
      name: this.document.name,
      associationName: name,
      // A new association runs at once on every target, one at a time.
      documentVersion: this.document.latestVersion,
      targets: [
        "tag" in props.targets
          ? { key: `tag:${props.targets.tag.key}`, values: [props.targets.tag.value] }
          : { key: "InstanceIds", values: [...props.targets.instanceIds] },
      ],
      // One node at a time; the first refusal stops the rollout, the other nodes untouched.
      maxConcurrency: "1",
      maxErrors: "0",
      complianceSeverity: "HIGH",
      waitForSuccessTimeoutSeconds: props.waitSeconds > 0 ? props.waitSeconds : undefined,
      // hashicorp/aws waits for success only when it creates the association, never on an
      // update (internal/service/ssm/association.go): a changed document replaces it, so
      // every rollout is waited for and a refused config fails the deploy.
      // A plain address: Terraform refuses the "${...}" cdktf renders for a resource here.
      lifecycle: {
        replaceTriggeredBy: [`${SsmDocument.tfResourceType}.${this.document.friendlyUniqueId}`],
      },
    });
    if ("tag" in props.targets) this.runAfter([addressOf(props.targets.after)]);
  }

  /**
   * Resources (their addresses, `addressOf`) a config must not be rolled out before, e.g. the
   * paths to new real servers.
   */
  public runAfter(addresses: readonly string[]): void {
    if (addresses.length === 0) return;
    // A VIP sharing an address with an earlier one waits for the same routes: once each.
    this.association.dependsOn = [
      ...new Set([...(this.association.dependsOn ?? []), ...addresses]),
    ];
  }
}
