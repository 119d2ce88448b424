/**
 * For the VM lab (issue 13): the user-data a stand-in server boots with, read
 * from the synthesized stack (cdk.tf.json) as Terraform would pass it to EC2,
 * so the lab boots exactly what a user deploys.
 */

interface SynthesizedInstance {
  readonly user_data_base64?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The decoded `user_data_base64` of the stand-in `name` (EX1, EX2) in a
 * synthesized aws-lab stack's cdk.tf.json (parsed).
 */
export function synthesizedStandInUserData(cdkTfJson: unknown, name: string): string {
  const instances = (
    cdkTfJson as { resource?: { aws_instance?: Record<string, SynthesizedInstance> } }
  ).resource?.aws_instance;
  const found = Object.values(instances ?? {}).filter((i) => i.tags?.Name?.endsWith(`-${name}`));
  if (found.length !== 1 || found[0].user_data_base64 === undefined) {
    throw new Error(`no stand-in ${name} with user_data_base64 in the synthesized stack`);
  }
  return Buffer.from(found[0].user_data_base64, "base64").toString("utf8");
}
