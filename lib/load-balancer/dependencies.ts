/**
 * Terraform's `depends_on` takes plain resource addresses (`aws_route.x`): a `${...}`
 * interpolation there is refused at `terraform init` ("A single static variable reference is
 * required"), which is what a resource's `fqn` renders as when set on `dependsOn` directly.
 */

/** A resource, as `depends_on` names it. */
export interface Dependable {
  readonly terraformResourceType: string;
  readonly friendlyUniqueId: string;
}

/** The address `depends_on` takes: `<type>.<name>`. */
export function addressOf(resource: Dependable): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}
