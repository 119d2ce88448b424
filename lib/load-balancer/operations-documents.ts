/**
 * The operator's SSM documents: `SetServerState` and `ServerStatus`, run with
 * `aws ssm send-command` on the load balancer's instances (README, Patching an Exchange
 * server). The SSM agent receives a Run Command's document with the command, so the
 * instance role needs nothing more; whoever sends it needs `ssm:SendCommand`.
 */
import {
  renderServerStatusDocument,
  renderSetServerStateDocument,
} from "../delivery/operations-documents";
import { Construct, SsmDocument, TerraformOutput } from "../framework";
import { escapeTerraformTemplate } from "../terraform/escape";
import { NODES_TAG, documentName } from "./names";

export function addOperationsDocuments(owner: Construct): void {
  const documents = {
    SetServerState: renderSetServerStateDocument(owner.node.path),
    ServerStatus: renderServerStatusDocument(owner.node.path),
  };
  for (const [what, content] of Object.entries(documents)) {
    const document = new SsmDocument(owner, `${what}Document`, {
      name: documentName(owner, what),
      documentType: "Command",
      documentFormat: "JSON",
      content: escapeTerraformTemplate(content),
    });
    new TerraformOutput(owner, `${what}DocumentName`, {
      description: `aws ssm send-command --document-name <this> --targets Key=tag:${NODES_TAG},Values=${owner.node.path}`,
      value: document.name,
    });
  }
}
