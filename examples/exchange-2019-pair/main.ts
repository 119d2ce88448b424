import { App } from "cdktf";
import { buildExchange2019PairStack } from "./stack";

const app = new App();
buildExchange2019PairStack(app);
app.synth();
