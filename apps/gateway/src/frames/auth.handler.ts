import { Injectable } from '@nestjs/common';
import type { AuthFrame } from '@switchboard/protocol';
import { CredentialError, TokenVerifier, type Identity } from '../auth/index.js';
import type { Connection } from '../connections/index.js';
import { FrameError } from './frame-error.js';
import type { FrameHandler, FrameReply } from './frame-handler.js';

/** `auth`: replaces the credential in place; a refused token leaves the old one in force. */
@Injectable()
export class AuthHandler implements FrameHandler<AuthFrame> {
  readonly name = 'auth';
  readonly sequential = true;

  constructor(private readonly verifier: TokenVerifier) {}

  async handle(frame: AuthFrame, connection: Connection): Promise<FrameReply> {
    const identity = await this.verify(frame.payload.token);
    if (identity.userId !== connection.userId) throw new FrameError('UNAUTHORIZED', 'token is for another user');
    connection.refresh(identity);
    return { frame: { type: 'ack', id: frame.id, payload: { expiresAt: identity.expiresAt } } };
  }

  private async verify(token: string): Promise<Identity> {
    try {
      return await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof CredentialError) throw new FrameError('UNAUTHORIZED', `invalid token: ${error.message}`);
      throw error;
    }
  }
}
