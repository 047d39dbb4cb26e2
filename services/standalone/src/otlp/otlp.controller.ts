import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  encodeExportResponse,
  encodeRpcStatus,
  exportResponseJson,
  rpcCodeForHttpStatus,
  type ExportResponseJson,
  type OtlpSignal,
} from '@temporal-bridge/otlp-ingest';
import { ApiError, ApiErrorResponses, schemaRef } from '@temporal-bridge/query';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { OtlpIngestService, type OtlpIngestResult } from './otlp-ingest.service';
import { PROTOBUF_TYPES, ProtobufBody } from './otlp-http.parsers';
import './otlp.schemas';

const PROTOBUF = 'application/x-protobuf';

/**
 * OTLP/HTTP receiver (https://opentelemetry.io/docs/specs/otlp/#otlphttp):
 * services instrumented with OpenTelemetry export here unchanged. Answers in
 * the request's encoding: protobuf ExportTraceServiceResponse (errors: a
 * google.rpc.Status) for protobuf, OTLP JSON for JSON.
 */
@ApiTags('otlp')
@ApiBearerAuth()
@Controller('v1')
export class OtlpController {
  constructor(@Inject(OtlpIngestService) private readonly otlp: OtlpIngestService) {}

  @Post('traces')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ingest OpenTelemetry traces (OTLP/HTTP)',
    description:
      'An ExportTraceServiceRequest, protobuf or OTLP JSON, optionally gzip-compressed (Content-Encoding: gzip). Each span becomes a call (see the README, "OpenTelemetry (OTLP)"). Spans that cannot be stored are counted and explained in partialSuccess; the others are stored. The answer comes once they are durably stored.',
  })
  @ApiConsumes(PROTOBUF, 'application/json')
  @ApiProduces(PROTOBUF, 'application/json')
  @ApiBody({ description: 'ExportTraceServiceRequest', schema: { type: 'object' } })
  @ApiResponse({
    status: 200,
    description: 'Stored; partialSuccess counts and names the rejected spans.',
    schema: schemaRef('OtlpExportResponse'),
  })
  @ApiResponse({ status: 429, description: 'The bridge buffer is full; retry after Retry-After seconds.' })
  @ApiErrorResponses(400, 413, 415, 503)
  traces(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | ExportResponseJson | Record<string, string>> {
    return this.answer('traces', body, request, reply, () => this.otlp.ingestTraces(body));
  }

  @Post('logs')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ingest OpenTelemetry logs (OTLP/HTTP)',
    description:
      "An ExportLogsServiceRequest, protobuf or OTLP JSON, optionally gzip-compressed. Each log record becomes a log event; one with a span id belongs to that span's call. Rejected records are counted and explained in partialSuccess; the answer comes once the others are durably stored.",
  })
  @ApiConsumes(PROTOBUF, 'application/json')
  @ApiProduces(PROTOBUF, 'application/json')
  @ApiBody({ description: 'ExportLogsServiceRequest', schema: { type: 'object' } })
  @ApiResponse({
    status: 200,
    description: 'Stored; partialSuccess counts and names the rejected log records.',
    schema: schemaRef('OtlpExportResponse'),
  })
  @ApiResponse({ status: 429, description: 'The bridge buffer is full; retry after Retry-After seconds.' })
  @ApiErrorResponses(400, 413, 415, 503)
  logs(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | ExportResponseJson | Record<string, string>> {
    return this.answer('logs', body, request, reply, () => this.otlp.ingestLogs(body));
  }

  /** Runs the ingest and writes the answer in the request's encoding. */
  async answer(
    signal: OtlpSignal,
    body: unknown,
    request: FastifyRequest,
    reply: FastifyReply,
    ingest: () => Promise<OtlpIngestResult>,
  ): Promise<Buffer | ExportResponseJson | Record<string, string>> {
    const protobuf = body instanceof ProtobufBody;
    try {
      checkContentType(body, request);
      const result = await ingest();
      const rejected = result.rejected.length;
      if (!protobuf) return exportResponseJson(signal, rejected, result.errorMessage);
      void reply.header('content-type', PROTOBUF);
      return Buffer.from(encodeExportResponse(signal, rejected, result.errorMessage));
    } catch (error) {
      if (!protobuf || !(error instanceof ApiError)) throw error;
      void reply.status(error.status).headers({ ...error.headers, 'content-type': PROTOBUF });
      return Buffer.from(encodeRpcStatus(rpcCodeForHttpStatus(error.status), error.message));
    }
  }
}

/** OTLP/HTTP is protobuf or JSON; anything else (text, NDJSON, no body) is 415. */
function checkContentType(body: unknown, request: FastifyRequest): void {
  if (body instanceof ProtobufBody) return;
  const type = String(request.headers['content-type'] ?? '')
    .split(';', 1)[0]!
    .trim()
    .toLowerCase();
  if (type === 'application/json' && body !== undefined) return;
  throw new ApiError(
    415,
    'unsupported_media_type',
    `Content-Type: ${type === '' ? 'missing' : `"${type}" is not OTLP`}; send ${PROTOBUF_TYPES[0]} (protobuf) or application/json (OTLP JSON)`,
  );
}
