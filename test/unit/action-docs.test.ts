import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { actions } from '../../src/actions';
import { renderActionYml, renderInputsTable, renderOutputsTable } from '../../src/inputs/docs';
import { repoRoot } from '../helpers/run-action';

describe.each(actions.map((a) => [a.id, a] as const))('actions/%s', (id, def) => {
  it('action.yml is generated from the current definition', () => {
    expect(readFileSync(join(repoRoot, 'actions', id, 'action.yml'), 'utf8')).toBe(renderActionYml(def));
  });

  it('README inputs and outputs tables match the action', () => {
    const readme = readFileSync(join(repoRoot, 'actions', id, 'README.md'), 'utf8');
    expect(readme).toContain(renderInputsTable(def));
    expect(readme).toContain(renderOutputsTable(def));
  });

  it('action.yml runs a Node 24 bundle', () => {
    const yml = readFileSync(join(repoRoot, 'actions', id, 'action.yml'), 'utf8');
    expect(yml).toContain("using: 'node24'");
    expect(yml).toContain(`main: '../../dist/${id}/index.js'`);
  });
});
