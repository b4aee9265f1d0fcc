import { InvalidValue, type Kind } from './spec';

/** Any non-empty text. */
export const text: Kind<string> = { allowed: 'any text', parse: (raw) => raw };

export function pattern(re: RegExp, allowed: string): Kind<string> {
  return {
    allowed,
    parse(raw) {
      if (!re.test(raw)) throw new InvalidValue(`expected ${allowed}`);
      return raw;
    },
  };
}

const TRUE = new Set(['true', 'True', 'TRUE', 'yes', '1']);
const FALSE = new Set(['false', 'False', 'FALSE', 'no', '0']);

export const bool: Kind<boolean> = {
  allowed: 'true or false',
  parse(raw) {
    if (TRUE.has(raw)) return true;
    if (FALSE.has(raw)) return false;
    throw new InvalidValue('expected true or false');
  },
};

export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER): Kind<number> {
  const allowed = max === Number.MAX_SAFE_INTEGER ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`;
  return {
    allowed,
    parse(raw) {
      if (!/^-?\d+$/.test(raw)) throw new InvalidValue(`expected ${allowed}`);
      const n = Number(raw);
      if (n < min || n > max) throw new InvalidValue(`expected ${allowed}`);
      return n;
    },
  };
}

export function decimal(min: number, max: number): Kind<number> {
  const allowed = `a number from ${min} to ${max}`;
  return {
    allowed,
    parse(raw) {
      if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(raw)) throw new InvalidValue(`expected ${allowed}`);
      const n = Number(raw);
      if (n < min || n > max) throw new InvalidValue(`expected ${allowed}`);
      return n;
    },
  };
}

export function oneOf<const V extends string>(...values: V[]): Kind<V> {
  const allowed = `one of ${values.join(', ')}`;
  return {
    allowed,
    parse(raw) {
      if (!(values as string[]).includes(raw)) throw new InvalidValue(`expected ${allowed}`);
      return raw as V;
    },
  };
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** A duration in seconds: `90`, `90s`, `1.5m`, `500ms`, `1h`, or compound as gcloud takes them: `10m5s`. */
export function duration(minSeconds: number, maxSeconds: number): Kind<number> {
  const allowed = `a duration from ${minSeconds}s to ${maxSeconds}s (seconds, or with units: 500ms, 30s, 5m, 1h, 10m5s)`;
  return {
    allowed,
    parse(raw) {
      if (!/^(\d+(?:\.\d+)?|(\d+(?:\.\d+)?(ms|s|m|h))+)$/.test(raw)) throw new InvalidValue(`expected ${allowed}`);
      const parts = [...raw.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)?/g)];
      const seconds = parts.reduce((sum, m) => sum + Number(m[1]) * UNIT_SECONDS[m[2] ?? 's'], 0);
      if (seconds < minSeconds || seconds > maxSeconds) throw new InvalidValue(`expected ${allowed}`);
      return seconds;
    },
  };
}

/** Items separated by commas or newlines, trimmed, empty items dropped. */
export function list<T>(item: Kind<T>, { min = 1 }: { min?: number } = {}): Kind<T[]> {
  const allowed = `a list separated by commas or newlines, each ${item.allowed}`;
  return {
    allowed,
    parse(raw) {
      const parts = raw
        .split(/[,\n]/)
        .map((p) => p.trim())
        .filter((p) => p !== '');
      if (parts.length < min) throw new InvalidValue(`expected at least ${min} item(s): ${allowed}`);
      return parts.map((p) => {
        try {
          return item.parse(p);
        } catch (e) {
          if (e instanceof InvalidValue) throw new InvalidValue(`item "${p}": ${e.message}`);
          throw e;
        }
      });
    },
  };
}

/** One item per non-empty line (for values that may contain commas, such as assertions). */
export function lines<T>(item: Kind<T>): Kind<T[]> {
  return {
    allowed: `one per line, each ${item.allowed}`,
    parse(raw) {
      return raw
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '')
        .map((l) => {
          try {
            return item.parse(l);
          } catch (e) {
            if (e instanceof InvalidValue) throw new InvalidValue(`line "${l}": ${e.message}`);
            throw e;
          }
        });
    },
  };
}

export function json<T = unknown>(allowed: string, validate?: (value: unknown) => T): Kind<T> {
  return {
    allowed,
    parse(raw) {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (e) {
        throw new InvalidValue(`not valid JSON (${(e as Error).message}); expected ${allowed}`);
      }
      return validate ? validate(value) : (value as T);
    },
  };
}

/** A value read by a domain parser (traffic snapshots, image references...) whose Error message says what is wrong. */
export function parsedBy<T>(allowed: string, parse: (raw: string) => T): Kind<T> {
  return {
    allowed,
    parse(raw) {
      try {
        return parse(raw);
      } catch (e) {
        if (e instanceof Error && !(e instanceof InvalidValue)) throw new InvalidValue(e.message);
        throw e;
      }
    },
  };
}
