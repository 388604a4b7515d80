import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { errorCodeForStatus, type HttpErrorBody } from '@switchboard/protocol';
import type { Response } from 'express';
import { ENGINE_RETRY_AFTER_MS, isEngineUnavailable } from '../engine/index.js';
import { GatewayHttpException } from './gateway-http.exception.js';

/**
 * Every HTTP error leaves as `{"error":{"code","message"}}` (protocol §2); nothing else does.
 * A request the engine could not serve (a route, or a guard's rate limit) is 503
 * `ENGINE_UNAVAILABLE` with `Retry-After`, not 500: retrying it soon may succeed.
 */
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
  if (isEngineUnavailable(exception)) {
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      body: { error: { code: 'ENGINE_UNAVAILABLE', message: 'the gateway cannot reach its engine; retry later' } },
      headers: { 'Retry-After': String(Math.ceil(ENGINE_RETRY_AFTER_MS / 1000)) },
    };
  }
  if (exception instanceof HttpException) {
    // Raised by Nest itself (guards, routing, body parsing): the code comes from the status.
    const status = exception.getStatus();
    return { status, body: { error: { code: errorCodeForStatus(status), message: exception.message } }, headers: {} };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    body: { error: { code: 'INTERNAL', message: 'internal error' } },
    headers: {},
  };
}
