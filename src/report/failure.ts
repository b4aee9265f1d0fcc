/**
 * A step that fails yet still has outputs later steps need (`if: steps.gate.outputs.verdict == 'fail'`):
 * the core throws it, the runtime writes the outputs, then fails the step with the message.
 */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly outputs: Record<string, string>,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}
