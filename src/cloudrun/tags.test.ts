import { isCommitTag, MAX_TAG_AND_SERVICE, tagFromCommit, tagProblem } from './tags';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('tagFromCommit', () => {
  it.each([
    ['web', 'sha-0123456789ab'],
    ['a'.repeat(30), 'sha-0123456789ab'],
    ['a'.repeat(31), 'sha-0123456789a'],
    ['a'.repeat(38), 'sha-0123'],
  ])('service %s -> %s', (service, tag) => {
    expect(tagFromCommit(SHA, service)).toBe(tag);
    expect(tag.length + service.length).toBeLessThanOrEqual(MAX_TAG_AND_SERVICE);
    expect(tagProblem(tag, service)).toBeUndefined();
  });

  it('lowercases an upper-case SHA', () => expect(tagFromCommit(SHA.toUpperCase(), 'web')).toBe('sha-0123456789ab'));

  it.each([
    ['a'.repeat(39), SHA, /too long for a tag derived from the commit.*at most 7 characters/],
    ['web', 'main', /not a commit SHA/],
    ['web', '', /not a commit SHA/],
  ])('service %s, sha %s fails', (service, sha, message) => {
    expect(() => tagFromCommit(sha, service)).toThrow(message);
  });
});

describe('tagProblem', () => {
  it.each([
    ['canary', 'web', undefined],
    ['v2-1', 'web', undefined],
    ['a', 'a'.repeat(45), undefined],
    ['Canary', 'web', /lowercase letters, digits and hyphens/],
    ['1abc', 'web', /starting with a letter/],
    ['abc-', 'web', /not ending with a hyphen/],
    ['a_b', 'web', /not a traffic tag/],
    ['ab', 'a'.repeat(45), /at most 1 \(tag \+ service ≤ 46\)/],
  ])('%s with service %s', (tag, service, problem) => {
    const found = tagProblem(tag, service);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });
});

describe('isCommitTag', () => {
  it.each([
    ['sha-0123456789ab', true],
    ['sha-0123', true],
    [tagFromCommit(SHA, 'a'.repeat(31)), true],
    ['sha-012', false],
    ['sha-0123456789abc', false],
    ['sha-0123456789AB', false],
    ['sha-release', false],
    ['prod-0123456789ab', false],
    ['canary', false],
  ])('%s → %s', (tag, made) => expect(isCommitTag(tag)).toBe(made));
});
