import type { MigrationFinding } from './classify';
import { blocking, DEFAULT_POLICY, judge, parsePolicy } from './policy';
import { MIGRATION_RULES, type MigrationRuleId } from './rules';

const finding = (rule: MigrationRuleId, migration = 'm1', ignores: MigrationFinding['ignores'] = []): MigrationFinding => ({
  rule,
  kinds: MIGRATION_RULES[rule].kinds,
  message: rule,
  safe: MIGRATION_RULES[rule].safe,
  migration,
  file: `prisma/migrations/${migration}/migration.sql`,
  line: 3,
  ignores,
});

describe('parsePolicy', () => {
  it.each([
    [{}, DEFAULT_POLICY],
    [{ blocking: 'error' }, { destructive: 'error', breaking: 'error', blocking: 'error' }],
    [
      { destructive: 'warn', breaking: 'off' },
      { destructive: 'warn', breaking: 'off', blocking: 'warn' },
    ],
  ])('%j', (pairs, policy) => expect(parsePolicy(pairs)).toEqual(policy));

  it.each([
    [{ locking: 'warn' }, /"locking" is not a kind of finding \(destructive, breaking, blocking\)/],
    [{ blocking: 'fail' }, /blocking: "fail" is not a level \(error, warn, off\)/],
  ])('refuses %j', (pairs, message) => expect(() => parsePolicy(pairs)).toThrow(message));
});

describe('judge', () => {
  it.each<[string, MigrationFinding, Parameters<typeof judge>[1], string[], { level: string; allowedBy?: string } | undefined]>([
    ['destructive fails by default', finding('ban-drop-column'), DEFAULT_POLICY, [], { level: 'error' }],
    ['blocking warns by default', finding('require-concurrent-index-creation'), DEFAULT_POLICY, [], { level: 'warn' }],
    [
      'the worst kind decides',
      finding('adding-not-nullable-field'),
      { ...DEFAULT_POLICY, breaking: 'warn', blocking: 'error' },
      [],
      { level: 'error' },
    ],
    ['off drops it', finding('require-concurrent-index-creation'), { ...DEFAULT_POLICY, blocking: 'off' }, [], undefined],
    [
      'allow-migrations lets it through',
      finding('ban-drop-column', 'm2'),
      DEFAULT_POLICY,
      ['m2'],
      { level: 'error', allowedBy: 'allow-migrations' },
    ],
    [
      'allow-migrations names other migrations only',
      finding('ban-drop-column', 'm1'),
      DEFAULT_POLICY,
      ['m2'],
      { level: 'error' },
    ],
    [
      'runway-ignore with its rule and a reason',
      finding('ban-drop-column', 'm1', [{ rule: 'ban-drop-column', reason: 'contract of m0', line: 2 }]),
      DEFAULT_POLICY,
      [],
      { level: 'error', allowedBy: 'runway-ignore (line 2): contract of m0' },
    ],
    [
      'runway-ignore of another rule',
      finding('ban-drop-column', 'm1', [{ rule: 'ban-drop-table', reason: 'x', line: 2 }]),
      DEFAULT_POLICY,
      [],
      { level: 'error' },
    ],
  ])('%s', (_, f, policy, allow, expected) => {
    const [judged] = judge([f], policy, allow);
    expect(judged && { level: judged.level, ...(judged.allowedBy ? { allowedBy: judged.allowedBy } : {}) }).toEqual(expected);
    expect(blocking(judge([f], policy, allow)).length).toBe(expected?.level === 'error' && !expected.allowedBy ? 1 : 0);
  });

  it('does not honour a runway-ignore without a reason, and says so', () => {
    const [judged] = judge(
      [finding('ban-drop-table', 'm1', [{ rule: 'ban-drop-table', reason: '', line: 2 }])],
      DEFAULT_POLICY,
      [],
    );
    expect(judged.allowedBy).toBeUndefined();
    expect(judged.message).toMatch(/gives no reason/);
  });
});
