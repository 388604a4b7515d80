import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { GatewayHttpException } from '../http/index.js';
import { API_SETTINGS, type ApiSettings } from './api-settings.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `Authorization: Bearer <API_KEY>` for the server API. Digests are compared, in
 * constant time, so neither the key nor its length leaks through timing.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(@Inject(API_SETTINGS.token) config: ApiSettings) {
    this.expected = config.apiKey === undefined ? undefined : digest(config.apiKey);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) {
      throw new GatewayHttpException(503, 'UNAVAILABLE', 'the server API is disabled: set API_KEY to enable it');
    }
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    if (presented === undefined || !timingSafeEqual(digest(presented), this.expected)) {
      throw new GatewayHttpException(401, 'UNAUTHORIZED', 'a valid API key is required: Authorization: Bearer <API_KEY>');
    }
    return true;
  }
}
