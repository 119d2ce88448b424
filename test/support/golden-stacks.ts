/**
 * Stacks beyond the examples for the golden files: together they use every
 * VIP kind, TLS mode, pair placement and option the library has, so that a
 * restructure that changes any of their output fails the golden test.
 */
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  BalanceMode,
  CasHttpsVip,
  Duration,
  ExchangeLoadBalancer,
  ExchangeServerScripts,
  ExchangeVersion,
  ImapVip,
  Persistence,
  PopVip,
  RpcStaticPortVip,
  SmtpVip,
  TlsCertificate,
  VipPlacement,
} from "../../lib";

const SECRET = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:exchange-tls-AbCdEf";
const KEY = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** 2016 pair behind an Elastic IP: bridged HTTPS with every option, both SMTP kinds, POP. */
export function buildCoverage2016ElasticIpPair(scope: Construct): TerraformStack {
  const stack = new TerraformStack(scope, "coverage-2016-eip-pair");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const lb = new ExchangeLoadBalancer(stack, "Lb", {
    exchangeVersion: ExchangeVersion.EXCHANGE_2016,
    vpcId: "vpc-0a1b2c3d",
    vipAddress: "203.0.113.10",
    clientCidrs: ["0.0.0.0/0"],
    namespace: "mail.example.org",
    servers: [
      { name: "EX1", address: "10.0.1.20", weight: 50 },
      { name: "EX2", address: "10.0.2.20" },
    ],
    instanceType: "c6i.large",
    // What a c6i.large (4 GiB) holds with a terminating VIP (15,490), with room to spare.
    maxconn: 15000,
    rootVolumeSizeGib: 16,
    configRolloutTimeout: Duration.minutes(15),
    highAvailability: {
      nodes: [
        { subnetId: "subnet-0aaa1111", address: "10.0.1.5", instanceType: "c6i.xlarge" },
        { subnetId: "subnet-0bbb2222", address: "10.0.2.5", amiId: "ami-0123456789abcdef0" },
      ],
      vipPlacement: VipPlacement.elasticIp({ allocationId: "eipalloc-0abc1234" }),
      virtualRouterId: 77,
    },
  });
  new CasHttpsVip(lb, "CasHttps", {
    tls: "bridge",
    certificate: TlsCertificate.fromSsmParameter("/exchange/tls/mail"),
    owaCookiePersistence: true,
    activeSyncPersistence: true,
    largeRequestBuffer: true,
    forwardedFor: true,
    persistence: Persistence.sourceIp(Duration.minutes(20), "50k"),
    timeouts: { client: Duration.minutes(20), server: Duration.minutes(25) },
    healthCheck: { interval: Duration.seconds(5), rise: 3, fall: 2 },
  });
  new SmtpVip(lb, "Smtp", { allowedSources: ["198.51.100.7", "198.51.100.16/28"] });
  new SmtpVip(lb, "Submission", { submission: true });
  new PopVip(lb, "Pop", { popPort: 1110, popsPort: 1995, balance: BalanceMode.LEAST_CONNECTIONS });
  new ExchangeServerScripts(lb, "ServerScripts", {
    autodiscoverNamespace: "autodiscover.example.org",
    receiveConnectorName: "From the load balancer pair",
  });
  return stack;
}

/** 2010 pair sharing a subnet: offloaded HTTPS from Secrets Manager, RPC on its own ports. */
export function buildCoverage2010SecondaryIpPair(scope: Construct): TerraformStack {
  const stack = new TerraformStack(scope, "coverage-2010-secondary-pair");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const lb = new ExchangeLoadBalancer(stack, "Lb", {
    exchangeVersion: ExchangeVersion.EXCHANGE_2010,
    vpcId: "vpc-0a1b2c3d",
    vipAddress: "10.0.1.10",
    clientCidrs: ["10.0.0.0/16", "172.16.0.0/12"],
    namespace: "outlook.example.net",
    servers: [
      { name: "CAS1", address: "10.0.1.20" },
      { name: "CAS2", address: "10.0.1.21" },
      { name: "CAS3", address: "10.0.1.22", weight: 0 },
    ],
    amiId: "ami-0fedcba9876543210",
    installSsmAgent: false,
    waitForConfigRollout: false,
    // Two VIP addresses and two source addresses: a t3.small's interface holds three.
    instanceType: "t3.medium",
    highAvailability: {
      nodes: [
        {
          subnetId: "subnet-0aaa1111",
          address: "10.0.1.5",
          sourceAddresses: ["10.0.1.7", "10.0.1.8"],
        },
        {
          subnetId: "subnet-0aaa1111",
          address: "10.0.1.6",
          sourceAddresses: ["10.0.1.13", "10.0.1.14"],
        },
      ],
    },
  });
  new CasHttpsVip(lb, "CasWeb", {
    tls: "offload",
    certificate: TlsCertificate.fromSecretsManager(SECRET, { kmsKeyArn: KEY }),
    services: ["OWA", "ECP", "ActiveSync", "EWS", "OAB", "Autodiscover", "RPC"],
    http: "none",
  });
  new RpcStaticPortVip(lb, "CasRpc", {
    rpcClientAccessPort: 59600,
    addressBookPort: 59601,
    balance: BalanceMode.SOURCE_HASH,
    timeouts: { connect: Duration.seconds(2) },
  });
  new ImapVip(lb, "CasImap", {
    address: "10.0.1.11",
    servers: [{ name: "MBX1", address: "10.0.1.30" }],
    allowedSources: ["10.0.5.1-10.0.5.100"],
    persistence: Persistence.sourceIp(Duration.minutes(10)),
  });
  new SmtpVip(lb, "HtSmtp", {
    servers: [{ name: "HT1", address: "10.0.1.40" }],
    allowedSources: ["10.0.3.50-60"],
  });
  new ExchangeServerScripts(lb, "ServerScripts", { adSite: "Default-First-Site-Name" });
  return stack;
}

/**
 * 2019 single instance: bridged HTTPS for a few services, passthrough on a second address,
 * HAProxy's logs in CloudWatch Logs.
 */
export function buildCoverage2019Single(scope: Construct): TerraformStack {
  const stack = new TerraformStack(scope, "coverage-2019-single");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const lb = new ExchangeLoadBalancer(stack, "Lb", {
    exchangeVersion: ExchangeVersion.EXCHANGE_2019,
    vpcId: "vpc-0a1b2c3d",
    subnetId: "subnet-0a1b2c3d",
    vipAddress: "10.0.1.10",
    clientCidrs: ["10.0.0.0/8"],
    namespace: "mail.example.com",
    servers: [
      { name: "EX1", address: "10.0.1.20" },
      { name: "EX2", address: "10.0.1.21" },
    ],
    serverSecurityGroupId: "sg-0e1f2a3b",
    // Past 64k connections per Exchange server: a second source address.
    sourceAddresses: ["10.0.1.30"],
    // HAProxy's logs in CloudWatch Logs too, kept 90 days.
    monitoring: { logs: true, logRetentionDays: 90 },
  });
  new CasHttpsVip(lb, "Web", {
    tls: "bridge",
    certificate: TlsCertificate.fromSsmParameter("/exchange/tls/mail", { kmsKeyArn: KEY }),
    services: ["OWA", "MAPI", "EWS"],
    httpsPort: 8443,
    httpPort: 8080,
  });
  new CasHttpsVip(lb, "Legacy", {
    address: "10.0.1.12",
    healthCheckPath: "/ews/healthcheck.htm",
    http: "forward",
  });
  new ImapVip(lb, "Imap", { imapPort: 1143, imapsPort: 1993 });
  new ExchangeServerScripts(lb, "ServerScripts", { casArrayFqdn: "outlook.example.com" });
  return stack;
}

/**
 * 2010 fleet behind an internet-facing NLB at two Elastic IPs, scaled by CPU, each node with two
 * source addresses EC2 assigns at launch: offloaded HTTPS
 * from Secrets Manager (the certificate policy before the group), RPC on its own ports, the
 * VPC endpoints of private subnets, HAProxy's logs in CloudWatch Logs.
 */
export function buildCoverage2010Fleet(scope: Construct): TerraformStack {
  const stack = new TerraformStack(scope, "coverage-2010-fleet");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const lb = new ExchangeLoadBalancer(stack, "Lb", {
    exchangeVersion: ExchangeVersion.EXCHANGE_2010,
    vpcId: "vpc-0a1b2c3d",
    vipAddress: "10.0.1.10",
    clientCidrs: ["0.0.0.0/0"],
    namespace: "mail.example.net",
    servers: [
      { name: "CAS1", address: "10.0.1.20" },
      { name: "CAS2", address: "10.0.2.20", weight: 50 },
    ],
    instanceType: "c6i.large",
    // Two addresses EC2 assigns each node at launch: three source addresses per node.
    sourceAddresses: 2,
    fleet: {
      scheme: "internet-facing",
      subnets: [
        // The NLB in the public subnets, the nodes in private ones.
        {
          subnetId: "subnet-0aaa1111",
          elasticIpAllocationId: "eipalloc-0aaa",
          nodeSubnetId: "subnet-0ccc3333",
        },
        {
          subnetId: "subnet-0bbb2222",
          elasticIpAllocationId: "eipalloc-0bbb",
          nodeSubnetId: "subnet-0ddd4444",
        },
      ],
      minNodes: 3,
      maxNodes: 9,
      scaling: { metric: "cpu", target: 60 },
      healthCheckPort: 9405,
    },
    vpcEndpoints: { subnetIds: ["subnet-0ccc3333", "subnet-0ddd4444"] },
    monitoring: { logs: true },
  });
  new CasHttpsVip(lb, "CasHttps", {
    tls: "offload",
    certificate: TlsCertificate.fromSecretsManager(SECRET),
    owaCookiePersistence: true,
  });
  new RpcStaticPortVip(lb, "CasRpc");
  new ExchangeServerScripts(lb, "ServerScripts", { casArrayFqdn: "outlook.example.net" });
  return stack;
}
