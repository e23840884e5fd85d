/** An error the ingress answers with a specific status and snake_case code; the handler turns it into the body. */
export class HttpError extends Error {
  override readonly name: string = 'HttpError';

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export class UnauthorizedError extends HttpError {
  override readonly name = 'UnauthorizedError';

  constructor(code: string, message: string) {
    super(401, code, message);
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  override readonly name = 'UnsupportedMediaTypeError';

  constructor() {
    super(415, 'unsupported_media_type', 'The request body must be sent as application/json.');
  }
}

export class MalformedBodyError extends HttpError {
  override readonly name = 'MalformedBodyError';

  constructor(code: string, message: string) {
    super(400, code, message);
  }
}

export class InvalidHeaderError extends HttpError {
  override readonly name = 'InvalidHeaderError';

  constructor(code: string, message: string) {
    super(400, code, message);
  }
}

export interface SchemaProblem {
  path: string;
  message: string;
}

export class SchemaMismatchError extends HttpError {
  override readonly name = 'SchemaMismatchError';

  constructor(problems: SchemaProblem[]) {
    super(422, 'schema_mismatch', `The body does not match the schema at ${problems.length} place(s).`, problems);
  }
}
