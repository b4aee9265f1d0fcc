/**
 * Input definitions: one typed description of an action's inputs and outputs that drives validation,
 * the generated action.yml, the action README tables, and the types of each step's inputs and outputs.
 */

/** Thrown by a kind's parser: the message says what is wrong with the value. */
export class InvalidValue extends Error {}

/** How raw text becomes a typed value, and how the allowed values are described to people. */
export interface Kind<T> {
  /** Human text of what is allowed, used in errors and docs, e.g. "an integer from 0 to 100". */
  readonly allowed: string;
  parse(raw: string): T;
}

interface SpecOptions {
  readonly description: string;
  readonly required: boolean;
  readonly default?: string;
  /** Masked in logs as soon as it is read (tokens). */
  readonly secret: boolean;
}

/** An input with no value unless the user gives one. */
export class OptionalInput<T> {
  readonly present = false as const;
  constructor(
    readonly kind: Kind<T>,
    readonly options: SpecOptions,
  ) {}

  required(): PresentInput<T> {
    return new PresentInput(this.kind, { ...this.options, required: true });
  }

  default(raw: string): PresentInput<T> {
    return new PresentInput(this.kind, { ...this.options, default: raw });
  }

  secret(): OptionalInput<T> {
    return new OptionalInput(this.kind, { ...this.options, secret: true });
  }
}

/** An input that always has a value: it is required or it has a default. */
export class PresentInput<T> {
  readonly present = true as const;
  constructor(
    readonly kind: Kind<T>,
    readonly options: SpecOptions,
  ) {}
}

export type AnyInput = OptionalInput<unknown> | PresentInput<unknown>;
export type InputSpecs = Record<string, AnyInput>;

/** The typed values of a set of inputs, keyed by their kebab-case names. */
export type InputValues<I extends InputSpecs> = {
  [K in keyof I]: I[K] extends PresentInput<infer T> ? T : I[K] extends OptionalInput<infer T> ? T | undefined : never;
};

export function input<T>(description: string, kind: Kind<T>): OptionalInput<T> {
  return new OptionalInput(kind, { description, required: false, secret: false });
}

/** A problem with one input (or a combination of inputs), reported before anything changes. */
export interface InputProblem {
  readonly input: string;
  readonly message: string;
}

export interface ActionDefinition<I extends InputSpecs, O extends string, R = InputValues<I>> {
  /** Folder name under actions/ and dist/. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly inputs: I;
  readonly outputs: Record<O, string>;
  /** Checks that involve more than one input or the environment; runs after every input parsed. */
  readonly check?: (values: InputValues<I>, env: NodeJS.ProcessEnv) => InputProblem[];
  /**
   * What the step receives, made once from the checked values (a regional action's shared values
   * and legs); may throw an InputError, reported with the other input problems. Default: the values.
   */
  readonly resolve?: (values: InputValues<I>, env: NodeJS.ProcessEnv) => R;
  /** Bundle entry that runs as the action's `post` step, if any. */
  readonly post?: boolean;
}

export function defineAction<I extends InputSpecs, O extends string, R = InputValues<I>>(
  definition: ActionDefinition<I, O, R>,
): ActionDefinition<I, O, R> {
  return definition;
}

/** What an action's step receives: its resolved inputs (`ResolvedOf<typeof promoteAction>`). */
export type ResolvedOf<D extends { readonly inputs: InputSpecs }> = D extends {
  readonly resolve?: (...args: never[]) => infer R;
}
  ? unknown extends R
    ? InputsOf<D>
    : R
  : InputsOf<D>;

/** The typed input values of an action definition (`InputsOf<typeof promoteAction>`). */
export type InputsOf<D extends { readonly inputs: InputSpecs }> = InputValues<D['inputs']>;

/** What a step returns: outputs its definition lists (a step may leave some unset). */
export type OutputsOf<D extends { readonly outputs: object }> = Partial<Record<keyof D['outputs'] & string, string>>;

/** What docs and listings need of any action, whatever its input types. */
export type ActionMetadata = Omit<ActionDefinition<InputSpecs, string>, 'check' | 'resolve'>;
