/**
 * A JSON value as indented text (values come from the API; Preact escapes
 * them). A `stack` string anywhere at the top or one level down (an error's)
 * is shown apart, line by line, instead of as one escaped string.
 */
export function JsonView({ value }: { value: unknown }) {
  const stacks: string[] = [];
  const rest = withoutStacks(value, stacks, 0);
  return (
    <>
      <pre class="json">{JSON.stringify(rest, null, 2)}</pre>
      {stacks.map((stack, i) => (
        <pre class="stack" key={i} data-testid="stack">
          {stack}
        </pre>
      ))}
    </>
  );
}

function withoutStacks(value: unknown, stacks: string[], depth: number): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || depth > 1) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'stack' && typeof item === 'string') stacks.push(item);
    else copy[key] = withoutStacks(item, stacks, depth + 1);
  }
  return copy;
}

/** A short one-line rendering of a value, for tables. */
export function shortJson(value: unknown, max = 80): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
