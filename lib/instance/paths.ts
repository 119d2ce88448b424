/**
 * Every path on the instance, defined once. TypeScript renders them into the
 * user-data, haproxy.cfg, keepalived.conf and the units; the programs read them
 * from the settings file (the key is the shell variable); the lab mounts and
 * reads them. Only the settings file's own path is also written in each
 * program, which must find it before it can read anything else (a test holds
 * them equal).
 */
export const PATHS = {
  /** What this node's programs read: these paths and the node's values. */
  SETTINGS: "/etc/exchange-lb/settings",
  /** Shell functions the programs share. */
  FUNCTIONS: "/usr/local/lib/exchange-lb/functions",

  HAPROXY_CONFIG: "/etc/haproxy/haproxy.cfg",
  /** Debian's haproxy.service writes the master-worker's pid here. */
  HAPROXY_PIDFILE: "/run/haproxy.pid",
  HAPROXY_ADMIN_SOCKET: "/run/haproxy/admin.sock",
  HAPROXY_MASTER_SOCKET: "/run/haproxy-master.sock",
  /** Debian's haproxy.service reads EXTRAOPTS and PIDFILE from here. */
  HAPROXY_DEFAULTS: "/etc/default/haproxy",
  HAPROXY_DROP_IN: "/etc/systemd/system/haproxy.service.d/exchange-load-balancer.conf",
  /** HAProxy's source address: written before each start, read as its environment. */
  HAPROXY_SOURCE_DROP_IN: "/etc/systemd/system/haproxy.service.d/exchange-lb-source-address.conf",
  /** `EXCHANGE_LB_SOURCE=<primary address>`: HAProxy's unit and `haproxy -c` read it. */
  HAPROXY_ENVIRONMENT: "/etc/exchange-lb/haproxy.env",
  /** Keeps the VIPs out of the network config cloud-init renders from IMDS at each boot. */
  CLOUD_INIT_NETWORK: "/etc/cloud/cloud.cfg.d/99-exchange-lb-network.cfg",
  /** One instance: HAProxy wants its VIP addresses first, from the package's first start on. */
  HAPROXY_VIPS_DROP_IN: "/etc/systemd/system/haproxy.service.d/exchange-vip-addresses.conf",
  /** Terminating VIPs' certificate bundles, one `<vip>.pem` each. */
  CERTIFICATE_DIR: "/etc/haproxy/certs",

  /** systemd-networkd's own configuration: netplan's .network files get drop-ins here. */
  NETWORKD_DIR: "/etc/systemd/network",
  /** The drop-in that keeps the VIPs across networkd restarts, copied for the VIPs' interface. */
  NETWORKD_KEEP_VIPS: "/usr/local/lib/exchange-lb/networkd-keep-vips.conf",

  /** Kernel settings for a full proxy. */
  SYSCTL: "/etc/sysctl.d/60-exchange-load-balancer.conf",
  /** The listener ports kept out of the ephemeral range; delivered with each config. */
  RESERVED_PORTS: "/etc/sysctl.d/61-exchange-lb-reserved-ports.conf",
  /** The VIP addresses a node puts on its interface, one a line; delivered with each config. */
  VIPS_FILE: "/etc/exchange-lb/vips",
  /** One line a bundle, `<path> <ssm|secretsmanager> <name or ARN>`; delivered with each config. */
  CERTIFICATE_LIST: "/etc/exchange-lb/certificates",
  /**
   * One line a server of a bridge-mode VIP, whose certificate must be the VIP's
   * (`renderBridgeServerList`); delivered with each config.
   */
  BRIDGE_SERVERS: "/etc/exchange-lb/bridge-servers",
  /**
   * The extra source addresses towards the real servers, `<node> <address>...` a line
   * (`renderSourceAddressList`); delivered with each config.
   */
  SOURCE_ADDRESSES_FILE: "/etc/exchange-lb/source-addresses",

  /** What the apply program did: `<epoch seconds> <outcome>` a line. */
  APPLY_HISTORY: "/var/lib/exchange-lb/history.log",
  /** Configs haproxy -c refused, kept for inspection. */
  REFUSED_DIR: "/var/lib/exchange-lb/refused",
  /**
   * HAProxy's servers' states (`show servers state`), saved before each reload and at stop,
   * and after each run-time change; read by the next process.
   */
  SERVER_STATE: "/var/lib/exchange-lb/server-state",
  /** The real servers' states set at run time, `<server> <drain|maintenance>` a line. */
  SERVER_STATES_SET: "/var/lib/exchange-lb/server-states-set",
  /** What the metrics and logs programs publish and where: delivered with each config. */
  MONITORING_SETTINGS: "/etc/exchange-lb/monitoring",
  /** `<backend>,<server>,<sessions>,<connection errors>,<check failures>` as last published. */
  METRICS_COUNTERS: "/var/lib/exchange-lb/metrics-counters",
  /** When the metrics were last published (epoch seconds). */
  METRICS_LAST: "/var/lib/exchange-lb/metrics-last",
  /** A fleet node's launch completed (or nothing to complete): the ready program's marker. */
  FLEET_READY: "/var/lib/exchange-lb/fleet-ready",
  /** The journal's cursor after the last HAProxy line the logs program shipped. */
  LOGS_CURSOR: "/var/lib/exchange-lb/logs-cursor",
  /** The config before the last one applied. */
  PREVIOUS_CONFIG: "/var/lib/exchange-lb/haproxy.cfg.previous",

  RUN_DIR: "/run/exchange-lb",
  /** The pair's VRRP state as the failover program last recorded it. */
  FAILOVER_STATE: "/run/exchange-lb/state",
  /** `<epoch seconds> <event> <outcome>` a line: each keepalived event the failover program handled. */
  FAILOVER_EVENTS: "/run/exchange-lb/events.log",
  /** `<epoch seconds>` the certificates service's fetches began failing; removed by a success or when it gives up. */
  CERTIFICATE_RETRY_SINCE: "/run/exchange-lb/certificates-failing-since",
  /** Held while the servers' states change (a run-time change, a rollout's save and re-apply). */
  SERVER_STATE_LOCK: "/run/exchange-lb/server-state.lock",
  /** Held while a keepalived event or a reclaim is handled. */
  FAILOVER_LOCK: "/run/exchange-lb/event.lock",
  /** The pid of the loop that claims again after a failed claim, while it runs. */
  FAILOVER_RETRY_PID: "/run/exchange-lb/claim-retry.pid",
  /**
   * Written when the retry loop gives up a claim, removed by a successful claim or a
   * restart of keepalived: while it exists the check fails, so keepalived enters FAULT.
   */
  FAILOVER_CLAIM_FAILED: "/run/exchange-lb/claim-failed",
  /** The last failed AWS call's error output, which the failover program logs. */
  FAILOVER_AWS_ERROR: "/run/exchange-lb/aws-error",
  /** When the master last started comparing its VIPs with EC2's (epoch seconds). */
  FAILOVER_VERIFIED: "/run/exchange-lb/verified",
  /** The VIPs EC2 gave another interface at the last comparison, if any. */
  FAILOVER_MISSING: "/run/exchange-lb/missing-at-ec2",
  /** keepalived's state changes, in order. */
  VRRP_FIFO: "/run/exchange-lb/vrrp.fifo",
  /** `$INTERFACE=<dev>`, written before keepalived starts. */
  KEEPALIVED_INTERFACE: "/run/exchange-lb/keepalived-interface.conf",
  KEEPALIVED_CONFIG: "/etc/keepalived/keepalived.conf",
  KEEPALIVED_DROP_IN: "/etc/systemd/system/keepalived.service.d/exchange-load-balancer.conf",

  APPLY_PROGRAM: "/usr/local/sbin/exchange-lb-apply",
  CERTIFICATES_PROGRAM: "/usr/local/sbin/exchange-lb-certificates",
  FAILOVER_PROGRAM: "/usr/local/sbin/exchange-lb-failover",
  SERVER_STATE_PROGRAM: "/usr/local/sbin/exchange-lb-server-state",
  /** A fleet node: completes its launch once the config document is applied. */
  FLEET_READY_PROGRAM: "/usr/local/sbin/exchange-lb-fleet-ready",
  /** A fleet node: picks the source addresses of a count from those EC2 assigned. */
  ASSIGNED_ADDRESSES_PROGRAM: "/usr/local/sbin/exchange-lb-assigned-addresses",
  METRICS_PROGRAM: "/usr/local/sbin/exchange-lb-metrics",
  LOGS_PROGRAM: "/usr/local/sbin/exchange-lb-logs",
  INSTALL_PROGRAM: "/usr/local/sbin/exchange-lb-install",
  SAME_CERTIFICATE_PROGRAM: "/usr/local/sbin/exchange-lb-same-certificate",
  VIP_ADDRESSES_PROGRAM: "/usr/local/sbin/exchange-vip-addresses",
  SOURCE_ADDRESS_PROGRAM: "/usr/local/sbin/exchange-lb-source-address",
  SSM_AGENT_INSTALLER: "/usr/local/sbin/install-ssm-agent",
  VIP_ADDRESSES_UNIT: "/etc/systemd/system/exchange-vip-addresses.service",
  CERTIFICATES_SERVICE: "/etc/systemd/system/exchange-lb-certificates.service",
  CERTIFICATES_TIMER: "/etc/systemd/system/exchange-lb-certificates.timer",
  METRICS_SERVICE: "/etc/systemd/system/exchange-lb-metrics.service",
  LOGS_SERVICE: "/etc/systemd/system/exchange-lb-logs.service",
} as const;

export type PathName = keyof typeof PATHS;

/**
 * The names of the bundle's files in the staging directory the config document
 * unpacks into; instances booted by earlier versions read these same names.
 */
export const STAGED = {
  STAGED_HAPROXY_CONFIG: "haproxy.cfg",
  STAGED_VIPS: "vips",
  STAGED_CERTIFICATES: "certificates",
  STAGED_RESERVED_PORTS: "reserved-ports.conf",
  STAGED_BRIDGE_SERVERS: "bridge-servers",
  STAGED_SOURCE_ADDRESSES: "source-addresses",
  STAGED_INSTALL_PROGRAM: "exchange-lb-install",
  STAGED_MONITORING_SETTINGS: "monitoring",
  STAGED_METRICS_PROGRAM: "exchange-lb-metrics",
  STAGED_METRICS_SERVICE: "exchange-lb-metrics.service",
  STAGED_LOGS_PROGRAM: "exchange-lb-logs",
  STAGED_LOGS_SERVICE: "exchange-lb-logs.service",
  STAGED_SERVER_STATE_PROGRAM: "exchange-lb-server-state",
} as const;

/** systemd's PATH, which the programs run with wherever they are started from. */
export const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Where HAProxy reads the certificate bundle a VIP terminates TLS with. */
export function certificatePath(vipName: string): string {
  return `${PATHS.CERTIFICATE_DIR}/${vipName}.pem`;
}

/** A systemd unit's name from its path. */
export function unitName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
