// Test access to the JWT token server (RS256, x5c) from the shared harness in scripts/lib/registry.js.

export { selfSignedCert, startTokenServer, type TokenServer } from '../../scripts/lib/registry.js';
