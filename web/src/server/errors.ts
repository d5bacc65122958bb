// How the engine and the host report failure to their callers: an Error that
// carries a gRPC-like code ("NOT_FOUND", "INVALID_ARGUMENT", ...) as well as
// the message, so it survives structured cloning as {code, message}.
export class EngineError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
  }

  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}

export interface ErrorBody {
  code: string;
  message: string;
}

/** Parses a JSON text from the engine; throws EngineError if it is {"error":{...}}. */
export function decodeResult<T>(text: string): T {
  const value = JSON.parse(text) as unknown;
  if (value !== null && typeof value === 'object' && 'error' in value) {
    const error = (value as { error: ErrorBody }).error;
    throw new EngineError(error.code, error.message);
  }
  return value as T;
}
