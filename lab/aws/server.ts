/**
 * The lab's AWS API endpoints in one HTTPS server: the service is the one the
 * Host names (`ec2.<region>.amazonaws.com`, `ssm.`, `secretsmanager.`, `s3.`, `monitoring.`, `logs.`, `autoscaling.`,
 * `<bucket>.s3.`), as VPC interface endpoints with private DNS answer them, or
 * the one the signature's credential scope names (a client given
 * `--endpoint-url https://127.0.0.1:<port>`). Every call is signature-checked
 * against the credentials the registry issued, authorized against that role's
 * policies, recorded (in memory and, given a file, as JSON lines) and answered
 * in the service's own format.
 */
import { appendFileSync, readFileSync } from "node:fs";
import { IncomingMessage, ServerResponse } from "node:http";
import { Server, createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { Authorization, LabAccount, authorize } from "./authorizer";
import { Caller, CredentialRegistry } from "./credentials";
import { Completion, PendingLaunch, autoScalingService } from "./autoscaling";
import { MetricPut, cloudWatchService } from "./cloudwatch";
import { LogGroups, logsService } from "./logs";
import { ec2Service } from "./ec2";
import type { Decision } from "./iam";
import { Network, NetworkChange, NetworkSetup } from "./network";
import { signatureRefusal } from "./refusals";
import { Reply, ServiceError, requestId } from "./replies";
import { Objects, s3Service } from "./s3";
import type { Service, ServiceCall } from "./service";
import { RawRequest, verify } from "./sigv4";
import { Parameter, Secret, secretsManagerService, ssmService } from "./stores";

export interface StandInOptions {
  /** The lab's partition, region and account; the DNS suffix defaults to amazonaws.com. */
  readonly lab: Omit<LabAccount, "dnsSuffix"> & { readonly dnsSuffix?: string };
  /** PEM files: the server's certificate (chain) and key. */
  readonly tls: { readonly cert: string; readonly key: string };
  readonly network?: NetworkSetup;
  readonly parameters?: readonly Parameter[];
  readonly secrets?: readonly Secret[];
  readonly objects?: Objects;
  /** CloudWatch Logs groups that exist (Terraform created them). */
  readonly logGroups?: readonly string[];
  /** Every call appended here as one JSON line. */
  readonly logFile?: string;
  readonly onChange?: (change: NetworkChange) => void;
  /** Shared with an IMDS stand-in in the same process; a new one otherwise. */
  readonly credentials?: CredentialRegistry;
}

/** One call as the log keeps it. */
export interface CallRecord {
  readonly time: string;
  readonly requestId: string;
  readonly service: string;
  /** `ec2:ReplaceRoute`, ... (empty when the request named nothing the stand-in knows). */
  readonly action: string;
  readonly caller?: Caller & { readonly accessKeyId: string };
  /** Each authorization the call needed, in order (a decrypting read needs two). */
  readonly authorizations: readonly Authorization[];
  readonly decision: Decision | "unauthenticated" | "anonymous";
  readonly status: number;
  /** The error code answered, if any. */
  readonly error?: string;
}

export class AwsStandIn {
  public readonly credentials: CredentialRegistry;
  public readonly network: Network;
  public readonly calls: CallRecord[] = [];
  /** Every PutMetricData CloudWatch accepted, in order. */
  public readonly metricPuts: MetricPut[] = [];
  /** Fleet nodes in Pending:Wait (a test adds them), and the launches they completed. */
  public readonly pendingLaunches: PendingLaunch[] = [];
  public readonly completedLaunches: Completion[] = [];
  /** Every log event CloudWatch Logs accepted, by group and stream. */
  public readonly logGroups: LogGroups;
  public readonly lab: LabAccount;
  private readonly services: readonly Service[];
  private readonly server: Server;

  private constructor(private readonly options: StandInOptions) {
    this.lab = { dnsSuffix: "amazonaws.com", ...options.lab };
    this.credentials = options.credentials ?? new CredentialRegistry();
    this.network = new Network(options.network ?? {}, (change) => options.onChange?.(change));
    this.logGroups = new Map((options.logGroups ?? []).map((group) => [group, new Map()]));
    this.services = [
      ec2Service(this.network),
      ssmService(options.parameters ?? []),
      secretsManagerService(options.secrets ?? []),
      s3Service(options.objects ?? {}),
      cloudWatchService(this.metricPuts),
      logsService(this.logGroups),
      autoScalingService(this.pendingLaunches, this.completedLaunches),
    ];
    this.server = createServer(
      { cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key) },
      (req, res) => void this.serve(req, res),
    );
  }

  /** Starts listening (port 0: any free port, see `port`). */
  public static async start(
    options: StandInOptions,
    listen: { readonly host?: string; readonly port?: number } = {},
  ): Promise<AwsStandIn> {
    const standIn = new AwsStandIn(options);
    await new Promise<void>((resolve, reject) => {
      standIn.server.once("error", reject);
      standIn.server.listen(listen.port ?? 0, listen.host ?? "127.0.0.1", resolve);
    });
    return standIn;
  }

  public get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Credentials for an instance of a role (see CredentialRegistry.issueCredentials). */
  public issueCredentials(...args: Parameters<CredentialRegistry["issueCredentials"]>) {
    return this.credentials.issueCredentials(...args);
  }

  public close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The service a request is for: its Host's, else its credential scope's. */
  private serviceOf(request: RawRequest): Service | undefined {
    const host = String(request.headers.host ?? "").replace(/:\d+$/, "");
    const suffix = `.${this.lab.region}.${this.lab.dnsSuffix}`;
    const byHost = this.services.find(
      (s) => host === `${s.name}${suffix}` || (s.name === "s3" && host.endsWith(`.s3${suffix}`)),
    );
    if (byHost) return byHost;
    const scope = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(
      String(request.headers.authorization ?? ""),
    );
    return this.services.find((s) => s.name === (scope ? scope[1] : "s3"));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: RawRequest = {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    const reply = this.answer(request);
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body);
  }

  private answer(request: RawRequest): Reply {
    const id = requestId();
    const service = this.serviceOf(request);
    if (!service) return { status: 400, headers: {}, body: "unknown service" };
    const authorizations: Authorization[] = [];
    let action = "";
    let caller: CallRecord["caller"];
    let reply: Reply;
    try {
      caller = this.authenticate(service, request);
      const call: ServiceCall = {
        request,
        requestId: id,
        lab: this.lab,
        caller,
        named: (name) => (action = name),
        authorize: (name, resources, context) => {
          if (!caller) throw new ServiceError("AccessDenied", "Access Denied", 403);
          const policies = this.credentials.policiesOf(caller.roleName);
          const record = (a: Authorization) => authorizations.push(a);
          authorize(
            { lab: this.lab, caller, policies, record, refuse: service.refuse },
            name,
            resources,
            context,
          );
        },
      };
      reply = service.handle(call);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      reply = service.error(error, id);
    }
    this.record(service, { id, action, caller, authorizations, reply, request });
    return reply;
  }

  /** The signed caller; undefined for an anonymous request a service serves; throws a refusal. */
  private authenticate(service: Service, request: RawRequest): CallRecord["caller"] {
    if (request.headers.authorization === undefined && service.anonymous) return undefined;
    const endpoint = { region: this.lab.region, service: service.name };
    const verdict = verify(request, endpoint, (key) => this.credentials.facts(key));
    if (!verdict.ok) throw signatureRefusal(service.protocol, verdict.refusal);
    const caller = this.credentials.callerOf(verdict.scope.accessKeyId)!;
    return { ...caller, accessKeyId: verdict.scope.accessKeyId };
  }

  private record(
    service: Service,
    call: {
      id: string;
      action: string;
      caller: CallRecord["caller"];
      authorizations: Authorization[];
      reply: Reply;
      request: RawRequest;
    },
  ): void {
    const denied = call.authorizations.find((a) => a.decision !== "allow");
    const signed = call.request.headers.authorization !== undefined;
    const error = call.reply.status >= 300 ? errorCode(call.reply) : undefined;
    const record: CallRecord = {
      time: new Date().toISOString(),
      requestId: call.id,
      service: service.name,
      action: call.action,
      caller: call.caller,
      authorizations: call.authorizations,
      decision:
        denied?.decision ?? (!call.caller ? (signed ? "unauthenticated" : "anonymous") : "allow"),
      status: call.reply.status,
      error,
    };
    this.calls.push(record);
    if (this.options.logFile) appendFileSync(this.options.logFile, `${JSON.stringify(record)}\n`);
  }
}

/** The code of an error reply, whatever its protocol. */
function errorCode(reply: Reply): string | undefined {
  const text = reply.body.toString();
  return reply.headers["x-amzn-errortype"] ?? /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
}
