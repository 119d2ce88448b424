import { App } from "cdktf";
import { buildAwsLabStack } from "./stack";

const app = new App();
buildAwsLabStack(app);
app.synth();
