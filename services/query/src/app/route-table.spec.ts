import { describe, expect, it } from 'vitest';

import { RouteTable } from './route-table';

describe('RouteTable', () => {
  it('finds the methods of a concrete path through its route patterns', () => {
    const table = new RouteTable();
    table.add(['GET', 'HEAD'], '/v1/events');
    table.add('POST', '/v1/events');
    table.add('GET', '/v1/ast-nodes/:id/events');
    table.add('GET', '/docs/*');
    table.add('OPTIONS', '*');
    expect(table.methodsFor('/v1/events?from=1')).toEqual(['GET', 'HEAD', 'POST']);
    expect(table.methodsFor('/v1/ast-nodes/a%2Fb.ts%3A1/events')).toEqual(['GET']);
    expect(table.methodsFor('/docs/swagger-ui.css')).toEqual(['GET']);
    expect(table.methodsFor('/v1/ast-nodes/x/y/events')).toEqual([]);
    expect(table.methodsFor('/v1/eventsX')).toEqual([]);
    expect(table.methodsFor('/anything')).toEqual([]);
  });
});
