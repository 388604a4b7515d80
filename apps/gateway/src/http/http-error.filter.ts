import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ErrorCode, HttpErrorBody } from '@switchboard/protocol';
import type { Response } from 'express';
import { GatewayHttpException } from './gateway-http.exception.js';

/** Codes for HTTP errors raised by Nest itself (guards, routing, body parsing). */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'MESSAGE_TOO_LARGE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/** Every HTTP error leaves as `{"error":{"code","message"}}` (protocol §2); nothing else does. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body, headers } = render(exception);
    response.status(status).set(headers).json(body);
  }
}

function render(exception: unknown): { status: number; body: HttpErrorBody; headers: Record<string, string> } {
  if (exception instanceof GatewayHttpException) {
    return { status: exception.getStatus(), body: exception.getResponse() as HttpErrorBody, headers: exception.headers };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
    return { status, body: { error: { code, message: exception.message } }, headers: {} };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    body: { error: { code: 'INTERNAL', message: 'internal error' } },
    headers: {},
  };
}
