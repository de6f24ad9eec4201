import Type, { type Static, type TObject } from "typebox";
import Value from "typebox/value";

/** Thrown when the environment does not satisfy a settings schema; names every offending variable. */
export class SettingsError extends Error {
  readonly variables: string[];
  constructor(problems: { variable: string; message: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join("\n")}\n` +
        "See docs/configuration.md for every setting.",
    );
    this.name = "SettingsError";
    this.variables = problems.map((p) => p.variable);
  }
}

/**
 * Parses environment variables against a TypeBox object whose keys are the variable names.
 * Empty strings count as unset, defaults are applied, strings are converted to numbers/booleans,
 * and any remaining mismatch throws a SettingsError naming the variables.
 */
export function parseEnv<T extends TObject>(schema: T, env: NodeJS.ProcessEnv = process.env): Static<T> {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  const withDefaults = Value.Default(schema, raw);
  const converted = Value.Convert(schema, withDefaults);
  if (Value.Check(schema, converted)) return converted as Static<T>;
  const problems = new Map<string, string>();
  for (const error of Value.Errors(schema, converted)) {
    const variable =
      error.instancePath.split("/")[1] ||
      (error.params as { requiredProperties?: string[] }).requiredProperties?.[0] ||
      "(environment)";
    if (!problems.has(variable)) problems.set(variable, error.message);
  }
  throw new SettingsError([...problems].map(([variable, message]) => ({ variable, message })));
}

export const Url = (options: { default?: string; description: string }) =>
  Type.String({ pattern: "^[a-z][a-z0-9+.-]*://\\S+$", ...options });

export const Bool = (defaultValue: boolean, description: string) =>
  Type.Boolean({ default: defaultValue, description });

/**
 * Loads a role's settings, or prints the SettingsError (naming every offending variable) and exits with
 * EX_CONFIG (78), so an orchestrator reports a configuration error rather than a crash.
 */
export function settingsOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof SettingsError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
}
