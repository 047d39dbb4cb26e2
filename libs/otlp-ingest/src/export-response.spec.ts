import { describe, expect, it } from 'vitest';

import { ExportTraceServiceResponse } from './decode/otlp-proto-root';
import { encodeExportResponse, encodeRpcStatus, exportResponseJson } from './export-response';

describe('OTLP answers', () => {
  it('encodes a partial success that the official definitions read back', () => {
    const bytes = encodeExportResponse('traces', 2, 'spans[1]: bad id');
    expect(ExportTraceServiceResponse.decode(bytes)).toMatchObject({
      partialSuccess: {
        rejectedSpans: expect.objectContaining({ low: 2 }) as unknown,
        errorMessage: 'spans[1]: bad id',
      },
    });
    expect(encodeExportResponse('traces', 0, '')).toHaveLength(0);
    expect(exportResponseJson('traces', 2, 'x')).toEqual({ partialSuccess: { rejectedSpans: '2', errorMessage: 'x' } });
    expect(exportResponseJson('logs', 0, '')).toEqual({});
  });

  it('encodes google.rpc.Status as code (1) and message (2)', () => {
    expect(Buffer.from(encodeRpcStatus(3, 'hi')).toString('hex')).toBe(
      '0803' + '1202' + Buffer.from('hi').toString('hex'),
    );
  });
});
