/**
 * Stable machine-readable error codes of the API. Clients branch on these,
 * never on messages, so a code once published keeps its meaning.
 */
export type ApiErrorCode =
  | 'invalid_parameter'
  | 'invalid_url'
  | 'invalid_body'
  | 'unauthorized'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'bad_request'
  | 'client_closed_request'
  | 'storage_unavailable'
  | 'query_timeout'
  | 'internal_error'
  | (string & {});

/** The JSON body of every error answer. */
export interface ApiErrorBody {
  error: ApiErrorCode;
  /** What went wrong, naming the parameter when one is at fault. */
  message: string;
}

/**
 * An error with its HTTP answer. Thrown anywhere below a route (pipes,
 * guards, controllers); ApiExceptionFilter renders it as `{error, message}`.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    /** Extra response headers, e.g. WWW-Authenticate on a 401. */
    readonly headers: Readonly<Record<string, string>> = {},
    /** What caused it, for the log (never sent to the client). */
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** 400 invalid_parameter: `message` should start with the parameter's name. */
  static invalidParameter(message: string): ApiError {
    return new ApiError(400, 'invalid_parameter', message);
  }

  /** 404 not_found. */
  static notFound(message: string): ApiError {
    return new ApiError(404, 'not_found', message);
  }

  body(): ApiErrorBody {
    return { error: this.code, message: this.message };
  }
}
