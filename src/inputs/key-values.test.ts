import { parseKeyValues } from './key-values';

describe('parseKeyValues', () => {
  it.each([
    ['', {}],
    ['{}', {}],
    ['  {}  ', {}],
    ['A=1', { A: '1' }],
    ['A=1,B=2', { A: '1', B: '2' }],
    ['A=1\nB=2\n', { A: '1', B: '2' }],
    ['A=1,\n\nB=2,', { A: '1', B: '2' }],
    ['  A  =  spaced value  ', { A: 'spaced value' }],
    ['URL=postgres://u:p@h/db?sslmode=require', { URL: 'postgres://u:p@h/db?sslmode=require' }],
    ['A==x=', { A: '=x=' }],
    ['LIST=a\\,b\\,c', { LIST: 'a,b,c' }],
    ['PATH=C:\\\\dir', { PATH: 'C:\\dir' }],
    ['K\\=EY=v', { 'K=EY': 'v' }],
    ['MULTI=line1\\\nline2', { MULTI: 'line1\nline2' }],
    ['EMPTY=', { EMPTY: '' }],
    ['A=1,A=2', { A: '2' }],
    ['CR=a\rB=b', { CR: 'a', B: 'b' }],
    ['SPACE=kept\\ ,B=1', { SPACE: 'kept', B: '1' }],
  ])('%j', (raw, expected) => expect(parseKeyValues(raw)).toEqual(expected));

  it.each([
    ['A', /"A" has no "="/],
    ['A=1,B', /"B" has no "="/],
    ['=1', /no key before "="/],
    ['A\\=1', /"A\\=1" has no "="/],
  ])('%j fails', (raw, message) => expect(() => parseKeyValues(raw)).toThrow(message));
});
