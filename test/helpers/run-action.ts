// Tests run bundles through the same step runner as the demo pipeline.
export * from '../../src/runtime/step-runner';
