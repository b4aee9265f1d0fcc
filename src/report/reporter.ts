/**
 * How the core tells people what happened. The core only sees this interface: the GitHub Actions
 * adapter (src/runtime/github.ts) implements it; tests and the benchmarks record it.
 */

/** Where an annotation points: a file of the repository and optionally a line. */
export interface Location {
  readonly file: string;
  readonly line?: number;
  readonly endLine?: number;
  readonly title?: string;
}

export interface Reporter {
  info(message: string): void;
  /** One line of progress on a long wait (what is awaited, elapsed time). */
  progress(message: string): void;
  notice(message: string, at?: Location): void;
  warning(message: string, at?: Location): void;
  error(message: string, at?: Location): void;
  /** Hides a secret value in every later log line. */
  mask(secret: string): void;
  /** Appends Markdown to the job summary. */
  summary(markdown: string): void;
  /** Runs `fn` inside a collapsible log group. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

/** Values kept between an action's main and post steps (e.g. the traffic a promotion must restore). */
export interface StepState {
  save(name: string, value: string): void;
  get(name: string): string;
}

/** A Reporter that keeps everything in memory: for tests and the benchmarks. */
export class RecordingReporter implements Reporter {
  readonly lines: { level: 'info' | 'progress' | 'notice' | 'warning' | 'error'; message: string; at?: Location }[] = [];
  readonly masked: string[] = [];
  markdown = '';

  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  progress(message: string): void {
    this.lines.push({ level: 'progress', message });
  }
  notice(message: string, at?: Location): void {
    this.lines.push({ level: 'notice', message, at });
  }
  warning(message: string, at?: Location): void {
    this.lines.push({ level: 'warning', message, at });
  }
  error(message: string, at?: Location): void {
    this.lines.push({ level: 'error', message, at });
  }
  mask(secret: string): void {
    this.masked.push(secret);
  }
  summary(markdown: string): void {
    this.markdown += markdown;
  }
  async group<T>(_title: string, fn: () => Promise<T>): Promise<T> {
    return fn();
  }
  messages(level?: string): string[] {
    return this.lines.filter((l) => !level || l.level === level).map((l) => l.message);
  }
}

/**
 * The same reporter with every log line starting with `prefix` (e.g. `[us-east1] ` when several
 * regions run at once). Summaries pass through; a group is only a line, as parallel groups would nest.
 */
export function prefixedReporter(reporter: Reporter, prefix: string): Reporter {
  return {
    info: (m) => reporter.info(prefix + m),
    progress: (m) => reporter.progress(prefix + m),
    notice: (m, at) => reporter.notice(prefix + m, at),
    warning: (m, at) => reporter.warning(prefix + m, at),
    error: (m, at) => reporter.error(prefix + m, at),
    mask: (s) => reporter.mask(s),
    summary: (m) => reporter.summary(m),
    group: (title, fn) => {
      reporter.info(prefix + title);
      return fn();
    },
  };
}
