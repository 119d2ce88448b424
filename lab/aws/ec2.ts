/**
 * EC2's query API (form-encoded POST, XML answers) for the calls the failover
 * program makes: AssignPrivateIpAddresses, AssociateAddress, ReplaceRoute and
 * CreateRoute. Each is authorized on the resources the Service Authorization
 * Reference lists for it (Amazon EC2: network-interface for
 * AssignPrivateIpAddresses, route-table for ReplaceRoute and CreateRoute,
 * elastic-ip plus the instance and network interface for AssociateAddress),
 * then applied to the lab's network. A refusal is UnauthorizedOperation (403)
 * with AWS's message and an encoded authorization failure message.
 */
import { Authorization, LabAccount, Refuse, arnOf } from "./authorizer";
import type { Network } from "./network";
import { Reply, ServiceError, ec2Error, ec2Reply } from "./replies";
import type { Service, ServiceCall } from "./service";

type Params = URLSearchParams;

const param = (params: Params, name: string): string => {
  const value = params.get(name);
  if (!value)
    throw new ServiceError("MissingParameter", `The request must contain the parameter ${name}`);
  return value;
};

const flag = (params: Params, name: string) => params.get(name)?.toLowerCase() === "true";

/** EC2's list parameters: `Name.1`, `Name.2`, ... in order. */
const members = (params: Params, name: string) =>
  [...params.keys()]
    .filter((key) => new RegExp(`^${name}\\.\\d+$`).test(key))
    .sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1]))
    .map((key) => params.get(key)!);

/**
 * The real message's tail is an opaque blob for sts:DecodeAuthorizationMessage;
 * this one is base64 of the decision, readable in the lab.
 */
const encoded = (authorization: Authorization) =>
  Buffer.from(JSON.stringify(authorization)).toString("base64");

const refuse: Refuse = (reason, authorization) =>
  new ServiceError(
    "UnauthorizedOperation",
    `You are not authorized to perform this operation. ${reason}. Encoded authorization failure message: ${encoded(authorization)}`,
    403,
  );

type Handler = (
  params: Params,
  call: ServiceCall,
  network: Network,
  arn: (r: string) => string,
) => string;

const ACTIONS: Readonly<Record<string, Handler>> = {
  AssignPrivateIpAddresses: (params, call, network, arn) => {
    const eni = param(params, "NetworkInterfaceId");
    call.authorize("ec2:AssignPrivateIpAddresses", [arn(`network-interface/${eni}`)]);
    const addresses = members(params, "PrivateIpAddress");
    network.assign(eni, addresses, flag(params, "AllowReassignment"));
    const items = addresses.map((a) => `<item><privateIpAddress>${a}</privateIpAddress></item>`);
    return `<networkInterfaceId>${eni}</networkInterfaceId><assignedPrivateIpAddressesSet>${items.join("")}</assignedPrivateIpAddressesSet><return>true</return>`;
  },
  ReplaceRoute: (params, call, network, arn) => route(params, call, network, arn, false),
  CreateRoute: (params, call, network, arn) => route(params, call, network, arn, true),
  AssociateAddress: (params, call, network, arn) => {
    const allocation = param(params, "AllocationId");
    const given = params.get("NetworkInterfaceId");
    const eni = given
      ? network.networkInterface(given)
      : network.instanceInterface(param(params, "InstanceId"));
    call.authorize("ec2:AssociateAddress", [
      arn(`elastic-ip/${allocation}`),
      arn(`network-interface/${eni.id}`),
      arn(`instance/${eni.instanceId}`),
    ]);
    const privateIp = params.get("PrivateIpAddress") ?? eni.privateIps[0];
    const id = network.associate(allocation, eni.id, privateIp, flag(params, "AllowReassociation"));
    return `<return>true</return><associationId>${id}</associationId>`;
  },
};

function route(
  params: Params,
  call: ServiceCall,
  network: Network,
  arn: (r: string) => string,
  create: boolean,
) {
  const table = param(params, "RouteTableId");
  call.authorize(create ? "ec2:CreateRoute" : "ec2:ReplaceRoute", [arn(`route-table/${table}`)]);
  network.route(
    table,
    param(params, "DestinationCidrBlock"),
    param(params, "NetworkInterfaceId"),
    create,
  );
  return "<return>true</return>";
}

export function ec2Service(network: Network): Service {
  return {
    name: "ec2",
    protocol: "ec2",
    anonymous: false,
    refuse,
    error: ec2Error,
    handle(call: ServiceCall): Reply {
      const params = new URLSearchParams(call.request.body.toString("utf8"));
      const action = params.get("Action") ?? "";
      call.named(`ec2:${action}`);
      const handler = ACTIONS[action];
      if (!handler) {
        throw new ServiceError(
          "InvalidAction",
          `The action ${action} is not valid for this web service.`,
        );
      }
      const lab: LabAccount = call.lab;
      return ec2Reply(
        action,
        call.requestId,
        handler(params, call, network, (r) => arnOf(lab, "ec2", r)),
      );
    },
  };
}
