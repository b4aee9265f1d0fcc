/** What other actions (promote) use of the health gate. */
export { gateInputs, gateConfig, checkGateInputs, healthGateAction, type GateValues } from './inputs';
export { runGate, type GateOptions } from './gate';
export { withIdToken } from './gate-token';
export { renderGateSummary } from './summary';
export type { GateConfig, GateReport, GateResult, PathReport, SideStats, Comparison, Verdict } from './model';
