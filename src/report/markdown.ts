/** Small pure builders for job-summary Markdown. */

function cell(value: string | number | undefined): string {
  return String(value ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, '<br>');
}

export function table(header: string[], rows: (string | number | undefined)[][]): string {
  const head = `| ${header.map(cell).join(' | ')} |`;
  const rule = `| ${header.map(() => '---').join(' | ')} |`;
  const body = rows.map((r) => `| ${r.map(cell).join(' | ')} |`);
  return [head, rule, ...body].join('\n') + '\n\n';
}

export function heading(text: string, level = 3): string {
  return `${'#'.repeat(level)} ${text}\n\n`;
}

export function code(text: string): string {
  return '`' + text.replace(/`/g, "'") + '`';
}

export function details(summaryText: string, body: string): string {
  return `<details><summary>${summaryText}</summary>\n\n${body}\n</details>\n\n`;
}
