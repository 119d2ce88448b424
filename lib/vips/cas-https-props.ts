import { HttpHandling } from "../exchange/profiles";
import { ExchangeWebService } from "../exchange/web-services";
import { TlsCertificate } from "../tls/tls-certificate";
import { VipOptions } from "./options";

/**
 * How the HTTPS VIP treats TLS:
 * - `passthrough`: TCP, no certificate on the load balancer (001 §11 VIP1, 004 §11 VIP1);
 * - `bridge`: terminated and re-encrypted to the servers with the same certificate as
 *   Exchange; the only terminating mode that keeps Extended Protection working;
 * - `offload`: terminated, plain HTTP to the servers (002 §2.2.1); breaks Extended
 *   Protection and needs Exchange's SSL offloading settings.
 */
export type CasTlsMode = "passthrough" | "bridge" | "offload";

export interface CasHttpsVipProps extends VipOptions {
  /**
   * HTTPS port.
   * @default 443 [001 §11 VIP1, 004 §11 VIP1]
   */
  readonly httpsPort?: number;
  /**
   * Plain HTTP port; with `offload` also the port the servers are reached on.
   * @default 80
   */
  readonly httpPort?: number;
  /**
   * What happens to plain HTTP: forwarded to the servers, redirected to HTTPS by
   * the load balancer, or not listened for. Terminating modes redirect.
   * @default "forward" for 2010 passthrough [001 §11 VIP1], else "redirect-to-https" [004 appendix 4]
   */
  readonly http?: HttpHandling | "none";
  /**
   * Path of an HTTPS GET health check that must answer 200 (passthrough). Any
   * virtual directory's `healthcheck.htm` works [004 §11 VIP1 step 12 note].
   * @default TCP connect for 2010 [001 §11 VIP1]; `/owa/healthcheck.htm` for 2013+ [004 §7]
   */
  readonly healthCheckPath?: string;
  /**
   * TLS handling.
   * @default "passthrough"
   */
  readonly tls?: CasTlsMode;
  /**
   * The certificate bundle HAProxy presents in `bridge` and `offload` modes: the
   * same certificate and key as Exchange [004 §8 step 5].
   * @default none; required for bridge and offload
   */
  readonly certificate?: TlsCertificate;
  /**
   * Bridge: fail a config rollout when a server presents another certificate than
   * `certificate`. Extended Protection, on by default since Exchange 2019 CU14, works
   * through a bridge only with the same certificate on both ("Configure Windows
   * Extended Protection in Exchange Server", Microsoft Learn). Each node compares them
   * at boot, after each certificate fetch and at each rollout, and reports a difference
   * whatever this says; an unreachable server is reported, never refused.
   * @default false: a different certificate is reported, the rollout goes on
   */
  readonly requireSameCertificate?: boolean;
  /**
   * Services published through the VIP (bridge and offload); other paths get 404.
   * @default every service of the version except PowerShell (remote PowerShell from
   * outside is an attack path; list it to publish it)
   */
  readonly services?: ExchangeWebService[];
  /**
   * Keep a browser's OWA and ECP on one server with a cookie, for clients behind NAT
   * (bridge and offload) [001 appendix 3; 003 §3.2.2].
   * @default false
   */
  readonly owaCookiePersistence?: boolean;
  /**
   * Keep an ActiveSync device on one server for an hour, by the `DeviceId` its requests
   * carry (bridge and offload) [003 §3.2.2]. Never keyed on the Authorization header,
   * which would keep credentials in the table. Requests with a base64-encoded query
   * (no plain DeviceId) are balanced without persistence.
   * @default false
   */
  readonly activeSyncPersistence?: boolean;
  /**
   * Accept a Kerberos token of Windows' largest size, a 64,000-byte `Authorization:
   * Negotiate` header, and 8 KB of other headers (bridge and offload; HAProxy's
   * tune.bufsize 72 KiB, costing up to 2 x 72 KiB per active connection). `false`
   * keeps HAProxy's 16 KB buffers, which refuse tokens above about 15 KB.
   * @default true [Microsoft KB 2020943: MaxTokenSize 48,000; 004 §11 51200 is too small]
   */
  readonly largeRequestBuffer?: boolean;
  /**
   * Add the client's address as X-Forwarded-For (bridge and offload).
   * @default false: no extra header [002 §2.5]
   */
  readonly forwardedFor?: boolean;
}
