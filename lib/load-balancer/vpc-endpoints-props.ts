/** The `vpcEndpoints` prop of the load balancer (private subnets without internet). */

/** The VPC endpoints the instance needs, in subnets and route tables you choose. */
export interface VpcEndpointsProps {
  /**
   * Subnets of the interface endpoints (one per Availability Zone, e.g. the
   * nodes' subnets); each endpoint gets a network interface in each.
   */
  readonly subnetIds: string[];
  /**
   * Route tables of the instances' subnets: an S3 gateway endpoint on them
   * lets the SSM agent's package download reach S3. Omit where these tables
   * already have an S3 gateway endpoint (a table takes one).
   * @default no S3 gateway endpoint
   */
  readonly s3RouteTableIds?: string[];
}
