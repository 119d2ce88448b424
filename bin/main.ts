/**
 * The app behind the root cdktf.json: synthesizes the example deployments
 * (the example stacks, the AWS lab's too) into cdktf.out/.
 */
import { App } from "cdktf";
import { buildAwsLabStack } from "../examples/aws-lab/stack";
import { buildExchange2010Stack } from "../examples/exchange-2010/stack";
import { buildExchange2013Stack } from "../examples/exchange-2013/stack";
import { buildExchangeSeFleetStack } from "../examples/exchange-se-fleet/stack";
import { buildExchangeSePairStack } from "../examples/exchange-se-pair/stack";

const app = new App();
buildExchange2010Stack(app);
buildExchange2013Stack(app);
buildExchangeSePairStack(app);
buildExchangeSeFleetStack(app);
buildAwsLabStack(app);
app.synth();
