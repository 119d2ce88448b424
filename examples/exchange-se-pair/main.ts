import { App } from "cdktf";
import { buildExchangeSePairStack } from "./stack";

const app = new App();
buildExchangeSePairStack(app);
app.synth();
