import { HttpException, type ArgumentsHost } from '@nestjs/common';
import { EngineUnavailableError } from '../engine/index.js';
import { GatewayHttpException } from './gateway-http.exception.js';
import { HttpErrorFilter } from './http-error.filter.js';

/** What the filter wrote for `exception`: status, headers and JSON body. */
function answer(exception: unknown) {
  const written = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const response = {
    status: (status: number) => ((written.status = status), response),
    set: (headers: Record<string, string>) => ((written.headers = headers), response),
    json: (body: unknown) => ((written.body = body), response),
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  new HttpErrorFilter().catch(exception, host);
  return written;
}

describe('HttpErrorFilter', () => {
  it('answers an engine that does not answer 503 ENGINE_UNAVAILABLE with Retry-After, without its reason', () => {
    expect(answer(new EngineUnavailableError('redis', 'connect ECONNREFUSED 127.0.0.1:6379'))).toEqual({
      status: 503,
      headers: { 'Retry-After': '1' },
      body: { error: { code: 'ENGINE_UNAVAILABLE', message: 'the gateway cannot reach its engine; retry later' } },
    });
  });

  it('keeps a GatewayHttpException as raised, reads Nest’s own by status, and answers anything else 500', () => {
    expect(answer(new GatewayHttpException(503, 'UNAVAILABLE', 'draining', { 'Retry-After': '5' }))).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '5' },
      body: { error: { code: 'UNAVAILABLE', message: 'draining' } },
    });
    expect(answer(new HttpException('nope', 404))).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect(answer(new Error('bug'))).toMatchObject({ status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } });
  });
});
