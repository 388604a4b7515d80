import { verifySignature } from '../../../../examples/backend-node/server.mjs';
import { SIGNATURE_HEADER, signBody, verifyBodySignature } from './body-signature.js';

const SECRET = 'k'.repeat(32);
const BODY = '{"type":"chat.send","id":"1"}';

describe('body signature', () => {
  it('is sha256= and the hex HMAC-SHA256 of the body', () => {
    // RFC 4231 test case 2, so that any language's HMAC can be checked against it.
    expect(signBody('what do ya want for nothing?', 'Jefe')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    expect(SIGNATURE_HEADER).toBe('x-switchboard-signature');
  });

  it('verifies its own signature, and the example backend does too', () => {
    const signature = signBody(BODY, SECRET);
    expect(verifyBodySignature(BODY, SECRET, signature)).toBe(true);
    expect(verifyBodySignature(Buffer.from(BODY), SECRET, signature)).toBe(true);
    expect(verifySignature(Buffer.from(BODY), signature, SECRET)).toBe(true);
  });

  it.each([
    ['another secret', BODY, signBody(BODY, 'o'.repeat(32))],
    ['a changed body', `${BODY} `, signBody(BODY, SECRET)],
    ['no header', BODY, undefined],
    ['no prefix', BODY, signBody(BODY, SECRET).slice('sha256='.length)],
    ['a truncated signature', BODY, signBody(BODY, SECRET).slice(0, -2)],
    ['non-hex characters', BODY, `sha256=${'z'.repeat(64)}`],
  ])('rejects %s', (_, body, header) => {
    expect(verifyBodySignature(body, SECRET, header)).toBe(false);
    expect(verifySignature(body, header, SECRET)).toBe(false);
  });
});
