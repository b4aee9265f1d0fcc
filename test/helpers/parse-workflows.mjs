// Parses workflows and action.yml files with GitHub's own parser (@actions/workflow-parser, ESM-only,
// so Jest runs this with Node 24 in a child process). Calls of this repository's workflows (its
// OWNER/NAME, the first argument: test/helpers/repository.ts works it out once) are resolved to its
// files (fetch depth 1), so a caller's `with:` and `secrets:` are checked against the inputs
// release.yml and rollback.yml declare.
//
//   node parse-workflows.mjs OWNER/NAME FILE...   → one JSON line: { FILE: [error messages] }
import { readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { basename, join } from 'node:path';

// The parser imports its schema JSON without `with { type: 'json' }` (it expects a bundler); Node
// needs the attribute, so add it to JSON imports before loading the parser.
registerHooks({
  load(url, context, nextLoad) {
    return url.endsWith('.json') ? nextLoad(url, { ...context, importAttributes: { type: 'json' } }) : nextLoad(url, context);
  },
});
const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = await import('@actions/workflow-parser');
const { parseAction } = await import('@actions/workflow-parser/actions/index');

const root = join(import.meta.dirname, '..', '..');
const [repository, ...files] = process.argv.slice(2);
const [owner, name] = repository.split('/');
const trace = new NoOperationTraceWriter();
const provider = {
  async getFileContent(ref) {
    if (ref.owner !== owner || ref.repository !== name) throw new Error(`cannot fetch ${ref.owner}/${ref.repository}`);
    return { name: ref.path, content: readFileSync(join(root, ref.path), 'utf8') };
  },
};

const result = {};
for (const file of files) {
  const content = readFileSync(file, 'utf8');
  if (basename(file) === 'action.yml') {
    const parsed = parseAction({ name: file, content }, trace);
    result[file] = parsed.context.errors.getErrors().map((e) => e.message);
    continue;
  }
  const parsed = parseWorkflow({ name: file, content }, trace);
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (errors.length === 0 && parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value, provider, { fetchReusableWorkflowDepth: 1 });
    errors.push(...(template.errors ?? []).map((e) => e.Message ?? e.message));
  }
  result[file] = errors;
}
process.stdout.write(`${JSON.stringify(result)}\n`);
