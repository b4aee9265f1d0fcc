/** Whether the revisions a traffic change needs can serve: checked before anything changes. */
import type { TrafficEntry } from './snapshot';

/** A change refused before any call that mutates: the message says why and that nothing changed. */
export class Refused extends Error {}

export interface RevisionFacts {
  /** Short revision name, e.g. web-00002-abc. */
  readonly name: string;
  readonly ready: boolean;
  /** Creation time in ms since the epoch. */
  readonly created: number;
  /** Why it is not Ready, from its conditions. */
  readonly notReadyReason?: string;
  /** The first container's image, as deployed (pinned to a digest by deploy-cloudrun). */
  readonly image?: string;
  /** The digest the image is pinned to, if it is. */
  readonly digest?: string;
}

/**
 * Checks that every revision the traffic sends requests to exists and is Ready; the message starts
 * with `refusing` (e.g. "refusing to roll back") and names each revision that is not.
 */
export function checkReady(traffic: readonly TrafficEntry[], revisions: readonly RevisionFacts[], refusing: string): void {
  const byName = new Map(revisions.map((r) => [r.name, r]));
  const problems = traffic
    .filter((e) => e.type === 'REVISION' && e.percent > 0)
    .map((e) => e.revision!)
    .filter((name, i, all) => all.indexOf(name) === i)
    .flatMap((name) => {
      const r = byName.get(name);
      if (!r) return [`${name} does not exist`];
      if (!r.ready) return [`${name} is not Ready${r.notReadyReason ? ` (${r.notReadyReason})` : ''}`];
      return [];
    });
  if (problems.length > 0) throw new Refused(`${refusing}, nothing was changed: ${problems.join('; ')}`);
}
