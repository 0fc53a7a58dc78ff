// The token-auth registry's issuer certificate: its serial must be a minimal, positive DER INTEGER or Go's x509
// parser (docker-registry's) refuses the whole certificate and the registry exits at start-up.
import { describe, expect, it } from 'vitest';
import { certSerial } from '../../scripts/lib/registry.js';

describe('certSerial', () => {
  it('is positive and has no leading zero byte, whatever the random first byte', () => {
    for (let first = 0; first < 256; first++) {
      const serial = certSerial(Buffer.from([first, 0, 0x80, 1, 2, 3, 4, 5]));
      expect(serial[0], `first byte ${first}`).toBeGreaterThanOrEqual(0x40);
      expect(serial[0], `first byte ${first}`).toBeLessThan(0x80);
      expect(serial.length).toBe(8);
    }
  });
});
