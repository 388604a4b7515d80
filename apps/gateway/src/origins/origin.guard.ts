import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { GatewayHttpException } from '../http/index.js';
import { OriginPolicy } from './origin-policy.js';

/** Refuses browser requests from origins off the allowlist with 403 `ORIGIN_NOT_ALLOWED`. */
@Injectable()
export class OriginGuard implements CanActivate {
  constructor(private readonly origins: OriginPolicy) {}

  canActivate(context: ExecutionContext): boolean {
    const origin = context.switchToHttp().getRequest<Request>().headers.origin;
    if (this.origins.allows(origin)) return true;
    throw new GatewayHttpException(403, 'ORIGIN_NOT_ALLOWED', `origin ${origin} is not allowed`);
  }
}
