import { App } from "cdktf";
import { buildExchange2013Stack } from "./stack";

const app = new App();
buildExchange2013Stack(app);
app.synth();
