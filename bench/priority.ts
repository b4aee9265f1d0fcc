/**
 * CPU priorities in the scale bench. Cloud Run's API runs on Google's machines, not on the runner nor
 * beside the revisions' instances, and runners are machines of their own; on this one machine the
 * emulator (and the poller that measures it) must therefore not queue for a CPU behind the 40 bundle
 * processes that stand for runners, as it never would on Cloud Run.
 *
 * Linux schedules each session as a group ("autogroup", /proc/PID/autogroup, on by default where the
 * kernel has it): a process's nice ranks it only within its session, and the session competes as one.
 * So the emulator and the poller each run in a session of their own (the CPU the bundles use is then
 * not charged to them), raised above the rest where the user may raise a priority (root), and each
 * bundle process is niced, which ranks it below the emulator where there are no autogroups and
 * below the bench's own process where there are. The bench's session is left as it is: it may be
 * the user's terminal.
 */
import { writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The autogroup nice of the emulator's and the poller's sessions (raising needs root). */
const API_NICE = -10;
/** The nice of each bundle process. */
export const RUNNER_NICE = 19;

/**
 * Raises the session `pid` leads (a child spawned with `detached: true`) where the kernel has
 * autogroups and the user may (root); says what it did.
 */
export function raiseApi(pid: number): string {
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(API_NICE));
    return `own session at nice ${API_NICE}`;
  } catch {
    return 'own session';
  }
}

/** Lowers a bundle process (runBundle's `onStart`). */
export function asRunner(pid: number): void {
  setPriority(pid, RUNNER_NICE);
}
