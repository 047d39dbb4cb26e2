/** PromQL words that are not metric names. */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
  'inf',
  'nan',
]);

type Json = Record<string, unknown>;

/** Every PromQL expression of a dashboard's panels (rows and nested panels included). */
export function dashboardExpressions(dashboard: Json): string[] {
  const out: string[] = [];
  const visit = (panels: unknown) => {
    for (const panel of (Array.isArray(panels) ? panels : []) as Json[]) {
      for (const target of (Array.isArray(panel.targets) ? panel.targets : []) as Json[]) {
        if (typeof target.expr === 'string') out.push(target.expr);
      }
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  return out;
}

/**
 * The metric names a PromQL expression reads: identifiers left once strings,
 * label matchers, label lists of by/without/on, range selectors, numbers and
 * function calls are taken out. Dashboard variables are filled in by the
 * caller first (`${prefix}`), Grafana's own ($__rate_interval) are ranges.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = match[0];
    const after = stripped.slice((match.index ?? 0) + word.length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names];
}

/** A dashboard's expressions with each custom variable set to each of its options in turn. */
export function expandVariables(dashboard: Json, expressions: readonly string[]): string[] {
  const templating = ((dashboard.templating as Json | undefined)?.list ?? []) as Json[];
  let out = [...expressions];
  for (const variable of templating) {
    if (variable.type !== 'custom') continue;
    const values = String(variable.query)
      .split(',')
      .map((v) => v.trim());
    const pattern = new RegExp(`\\$\\{${String(variable.name)}\\}|\\$${String(variable.name)}\\b`, 'g');
    out = out.flatMap((expr) => (pattern.test(expr) ? values.map((v) => expr.replace(pattern, v)) : [expr]));
  }
  return out;
}

/**
 * The sample names a Prometheus text exposition can answer: each
 * `# TYPE name type` line gives `name`, and for histograms and summaries
 * `_bucket`, `_sum`, `_count` too (a histogram with labels and no
 * observation yet has no sample lines, but its TYPE line is there).
 */
export function exportedMetricNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name = '', type] = match;
    names.add(name);
    if (type === 'histogram' || type === 'summary')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
  }
  return names;
}
