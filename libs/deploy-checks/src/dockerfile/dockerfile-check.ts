import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import type { Problem } from '../compose/compose-check';

const require_ = createRequire(__filename);

interface LintIssue {
  line: number | string;
  title: string;
  description: string;
}

/**
 * dockerfilelint's findings for a Dockerfile, then what the project asks of
 * its image and the linter does not check: the final stage runs as a
 * non-root user and declares a HEALTHCHECK, and every FROM pins a tag.
 */
export function dockerfileProblems(file: string): Problem[] {
  const content = readFileSync(file, 'utf8');
  const lint = require_('dockerfilelint') as { run(configPath: string, content: string): LintIssue[] };
  // The config path is where dockerfilelint would look for a .dockerfilelintrc: there is none, so every rule applies.
  const problems: Problem[] = lint.run('/nonexistent', content).map((issue) => ({
    file,
    where: `line ${issue.line}`,
    message: `${issue.title}: ${issue.description}`,
  }));
  const instructions = content
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line, index) => ({ line: index + 1, text: line.trim() }))
    .filter((entry) => entry.text !== '' && !entry.text.startsWith('#'));
  const stages = instructions.filter((entry) => /^FROM\s/i.test(entry.text));
  for (const stage of stages) {
    const image = stage.text.split(/\s+/)[1] ?? '';
    if (!/:[\w][\w.-]*$/.test(image.split('/').pop() ?? '') || image.endsWith(':latest')) {
      problems.push({ file, where: `line ${stage.line}`, message: `FROM ${image} is not pinned to a tag` });
    }
  }
  const lastFrom = stages.at(-1)?.line ?? 0;
  const finalStage = instructions.filter((entry) => entry.line >= lastFrom);
  const user = finalStage.filter((entry) => /^USER\s/i.test(entry.text)).at(-1);
  if (user === undefined || /^USER\s+(root|0)(:|\s|$)/i.test(user.text)) {
    problems.push({ file, where: 'final stage', message: 'runs as root: add USER with an unprivileged user' });
  }
  if (!finalStage.some((entry) => /^HEALTHCHECK\s+(?!NONE)/i.test(entry.text))) {
    problems.push({ file, where: 'final stage', message: 'no HEALTHCHECK' });
  }
  return problems;
}
