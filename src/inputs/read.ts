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
export function readInputs<I extends InputSpecs, O extends string, R>(
  definition: ActionDefinition<I, O, R>,
  raw: RawInputs,
  env: NodeJS.ProcessEnv = {},
): InputValues<I> {
  return resolveInputs(definition, raw, env).values;
}

/**
 * readInputs, and what the step receives: the definition's `resolve` of the values (the values
 * themselves without one). Its problems are reported with those of the check, all at once.
 */
export function resolveInputs<I extends InputSpecs, O extends string, R>(
  definition: ActionDefinition<I, O, R>,
  raw: RawInputs,
  env: NodeJS.ProcessEnv = {},
): { values: InputValues<I>; resolved: R } {
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
  if (problems.length > 0) throw new InputError(problems);
  const typed = values as InputValues<I>;
  const { problems: found, resolved } = definitionProblems(definition, typed, env);
  if (found.length > 0) throw new InputError(found);
  return { values: typed, resolved: resolved as R };
}

/**
 * Every problem the definition finds in parsed values: its check's, then its resolve's (an
 * InputError's problems), and what the resolve made. The release composite runs it on the values
 * each chained action will see, so it reports what that action would.
 */
export function definitionProblems<I extends InputSpecs, O extends string, R>(
  definition: ActionDefinition<I, O, R>,
  values: InputValues<I>,
  env: NodeJS.ProcessEnv,
): { problems: InputProblem[]; resolved?: R } {
  const problems = definition.check?.(values, env) ?? [];
  try {
    // Without a resolve the step receives the values themselves (R defaults to InputValues<I>).
    return { problems, resolved: definition.resolve ? definition.resolve(values, env) : (values as R) };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { problems: [...problems, ...e.problems] };
  }
}

/** Reads inputs the way the Actions runner passes them: INPUT_<NAME> with spaces as underscores, upper-cased. */
export function runnerInputs(env: NodeJS.ProcessEnv): RawInputs {
  return (name) => env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
}
