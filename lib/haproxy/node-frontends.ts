/**
 * The frontends of a node's own: HAProxy's pages on the admin port, and a fleet node's health
 * endpoint. Part of the model (`model.ts`).
 */

/** An http frontend serving HAProxy's own pages: the Prometheus exporter and a read-only stats page. */
export interface AdminFrontend {
  readonly name: string;
  /** The bind address; a quoted word may read an environment variable. */
  readonly address: string;
  readonly port: number;
  readonly metricsPath: string;
  readonly statsPath: string;
  readonly comments?: readonly string[];
}

/**
 * An http frontend that answers, per VIP, whether this node can serve it: 200 while one of the
 * VIP's backends has a usable server, 503 when none has (the NLB's health check of a fleet node).
 */
export interface HealthFrontend {
  readonly name: string;
  /** The bind address; a quoted word may read an environment variable. */
  readonly address: string;
  readonly port: number;
  readonly checks: readonly { readonly path: string; readonly backends: readonly string[] }[];
  /** Every VIP's path answers 503 with this, whatever its servers: the node is not ready. */
  readonly notReady?: string;
  readonly comments?: readonly string[];
}
