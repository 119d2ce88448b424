/**
 * A PowerShell script as an SSM Command document (`aws:runPowerShellScript`),
 * with typed, pattern-checked parameters that the script reads as
 * `{{ Name }}`. Pure and deterministic.
 */

export interface ScriptParameter {
  readonly description: string;
  readonly default?: string;
  /** Either a pattern the value must match or the values allowed. */
  readonly allowedPattern?: string;
  readonly allowedValues?: readonly string[];
}

export interface ScriptDocument {
  readonly description: string;
  readonly script: string;
  readonly parameters?: Readonly<Record<string, ScriptParameter>>;
  /** @default 600 */
  readonly timeoutSeconds?: number;
}

/** Where a script reads a document parameter: SSM substitutes it before PowerShell runs. */
export function parameterReference(name: string): string {
  return `'{{ ${name} }}'`;
}

export function renderScriptDocument(document: ScriptDocument): string {
  const parameters = Object.fromEntries(
    Object.entries(document.parameters ?? {}).map(([name, p]) => [
      name,
      {
        type: "String",
        description: p.description,
        ...(p.default !== undefined ? { default: p.default } : {}),
        ...(p.allowedPattern ? { allowedPattern: p.allowedPattern } : {}),
        ...(p.allowedValues ? { allowedValues: [...p.allowedValues] } : {}),
      },
    ]),
  );
  return JSON.stringify(
    {
      schemaVersion: "2.2",
      description: document.description,
      ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
      mainSteps: [
        {
          action: "aws:runPowerShellScript",
          name: "run",
          precondition: { StringEquals: ["platformType", "Windows"] },
          inputs: {
            timeoutSeconds: String(document.timeoutSeconds ?? 600),
            runCommand: document.script.replace(/\n$/, "").split("\n"),
          },
        },
      ],
    },
    null,
    2,
  );
}
