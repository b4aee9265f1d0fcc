import { defineAction, input, kinds } from '../inputs';

export const healthGate = defineAction({
  id: 'health-gate',
  name: 'Runway: health gate',
  description:
    'Probes a revision from the runner and decides pass, fail or inconclusive, optionally side by side with the stable revision.',
  inputs: {
    url: input(
      "Base URL to probe, usually deploy-cloudrun's tag-url",
      kinds.pattern(/^https?:\/\/\S+$/, 'an http:// or https:// URL'),
    ).required(),
    paths: input('Paths to probe', kinds.list(kinds.pattern(/^\//, 'a path starting with /'))).default('/'),
  },
  outputs: {
    verdict: 'pass, fail or inconclusive',
    report: 'JSON report: per path the samples, error rate, latency percentiles and failed assertions',
  },
});
