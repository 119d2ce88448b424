/** What the alarms and the dashboard are built from: plain data, no construct. */

export interface MonitoredVip {
  readonly name: string;
  readonly address: string;
  /** HAProxy's backends of the VIP (one, or one per service of a VIP that terminates TLS). */
  readonly backends: readonly { readonly name: string; readonly servers: readonly string[] }[];
}

export interface MonitoredNode {
  /** How the guides and outputs name the node: its private address. */
  readonly label: string;
  /** Its instance id (a token at synth). */
  readonly instanceId: string;
}

export interface MonitoredLoadBalancer {
  /** The LoadBalancer dimension's value. */
  readonly name: string;
  readonly namespace: string;
  readonly periodSeconds: number;
  readonly pair: boolean;
  /** A fleet: its nodes come and go, so none is named; each publishes Serving. */
  readonly fleet: boolean;
  readonly vips: readonly MonitoredVip[];
  readonly nodes: readonly MonitoredNode[];
}
