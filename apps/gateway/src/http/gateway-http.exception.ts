import { HttpException } from '@nestjs/common';
import type { ErrorCode, HttpErrorBody } from '@switchboard/protocol';

/** An HTTP error with the protocol's code; rendered as `{"error":{"code","message"}}`. */
export class GatewayHttpException extends HttpException {
  constructor(
    status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super({ error: { code, message } } satisfies HttpErrorBody, status);
  }
}
