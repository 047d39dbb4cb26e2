import { describe, expect, it } from 'vitest';

import { expandVariables, exportedMetricNames, metricNames } from './dashboard-metrics';

describe('metricNames', () => {
  it('finds the metrics of an expression, not its functions, labels, ranges or keywords', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, route) (rate(tb_query_http_request_duration_seconds_bucket{status=~"5.."}[$__rate_interval])))',
      ),
    ).toEqual(['tb_query_http_request_duration_seconds_bucket']);
    expect(metricNames('sum(rate(a_total[5m])) / on(instance) group_left sum(b_total) or vector(0)')).toEqual([
      'a_total',
      'b_total',
    ]);
  });
});

describe('expandVariables', () => {
  it('gives one expression per option of a custom variable', () => {
    const dashboard = { templating: { list: [{ type: 'custom', name: 'prefix', query: 'tb_query_,tb_standalone_' }] } };
    expect(expandVariables(dashboard, ['rate(${prefix}x_total[1m])', 'y'])).toEqual([
      'rate(tb_query_x_total[1m])',
      'rate(tb_standalone_x_total[1m])',
      'y',
    ]);
  });
});

describe('exportedMetricNames', () => {
  it('reads TYPE lines, with the series of histograms', () => {
    const names = exportedMetricNames('# HELP h x\n# TYPE h histogram\n# TYPE c counter\nc 1\n');
    expect([...names].sort()).toEqual(['c', 'h', 'h_bucket', 'h_count', 'h_sum']);
  });
});
