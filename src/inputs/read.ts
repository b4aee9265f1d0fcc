import { InvalidValue, type ActionDefinition, type InputProblem, type InputSpecs, type InputValues } from './spec';

/** Every problem found in an action's inputs, so a user fixes them all in one go. */
export class InputError extends Error {
  constructor(readonly problems: InputProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
  }
}

export function formatProblem(p: InputProblem): string {
  return `Input "${p.input}": ${p.message}`;
}

/** Where raw input text comes from: the runner's INPUT_* variables, command-line flags, a test table. */
export type RawInputs = (name: string) => string | undefined;

/**
 * Reads, defaults and validates all inputs of an action. Pure: it only calls `raw` and reads `env`. Throws an
 * InputError naming each bad input and what it allows; returns typed values otherwise.
 */
export function readInputs<I extends InputSpecs, O extends string>(
  definition: ActionDefinition<I, O>,
  raw: RawInputs,
  env: NodeJS.ProcessEnv = {},
): InputValues<I> {
  const problems: InputProblem[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(definition.inputs)) {
    const given = (raw(name) ?? '').trim();
    const text = given !== '' ? given : (spec.options.default ?? '');
    if (text === '') {
      if (spec.options.required)
        problems.push({ input: name, message: `is required: ${spec.options.description} (${spec.kind.allowed})` });
      values[name] = undefined;
      continue;
    }
    try {
      values[name] = spec.kind.parse(text);
    } catch (e) {
      if (!(e instanceof InvalidValue)) throw e;
      const shown = spec.options.secret ? '***' : JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
      problems.push({ input: name, message: `${shown} is not valid: ${e.message}` });
    }
  }
  if (problems.length === 0 && definition.check) problems.push(...definition.check(values as InputValues<I>, env));
  if (problems.length > 0) throw new InputError(problems);
  return values as InputValues<I>;
}

/** Reads inputs the way the Actions runner passes them: INPUT_<NAME> with spaces as underscores, upper-cased. */
export function runnerInputs(env: NodeJS.ProcessEnv): RawInputs {
  return (name) => env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
}
