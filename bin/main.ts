/**
 * The app behind the root cdktf.json: synthesizes the three example deployments
 * (the example stacks) into cdktf.out/.
 */
import { App } from "cdktf";
import { buildExchange2010Stack } from "../examples/exchange-2010/stack";
import { buildExchange2013Stack } from "../examples/exchange-2013/stack";
import { buildExchangeSePairStack } from "../examples/exchange-se-pair/stack";

const app = new App();
buildExchange2010Stack(app);
buildExchange2013Stack(app);
buildExchangeSePairStack(app);
app.synth();
