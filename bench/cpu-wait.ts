/**
 * Where a process's latency goes when the machine is loaded: how long its main thread (the event
 * loop) waited, runnable, for a CPU. Linux's /proc/PID/schedstat (the thread group leader's run and
 * run-queue wait times, ns); elsewhere nothing is measured.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** Starts measuring the main thread of `pid`; the returned function gives the share of the time since that it waited for a CPU, or undefined. */
export function cpuWait(pid: number | 'self'): () => number | undefined {
  const read = (): number | undefined => {
    try {
      return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;
    } catch {
      return undefined;
    }
  };
  const [wait0, at0] = [read(), performance.now()];
  return () => {
    const wait = read();
    return wait === undefined || wait0 === undefined ? undefined : (wait - wait0) / (performance.now() - at0);
  };
}

/** The one child of `pid` (tsx runs its script in a child node process), or `pid` where none is found. */
export function onlyChild(pid: number): number {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ');
    return children.length === 1 && /^\d+$/.test(children[0]) ? Number(children[0]) : pid;
  } catch {
    return pid;
  }
}
