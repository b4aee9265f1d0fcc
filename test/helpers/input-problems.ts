/** What the inputs tests ask of a read: the problems it reports, instead of the InputError it throws. */
import { InputError, type InputProblem } from '../../src/inputs';

/** The problems of the InputError `read` throws, none when it reads; any other error is thrown. */
export function inputProblems(read: () => unknown): InputProblem[] {
  try {
    read();
  } catch (e) {
    if (e instanceof InputError) return e.problems;
    throw e;
  }
  return [];
}

/** The same, each as `input: message`. */
export const inputProblemLines = (read: () => unknown): string[] => inputProblems(read).map((p) => `${p.input}: ${p.message}`);
