// Test access to the real Distribution registry harness (one copy lives in scripts/lib/registry.js).

export { freePort, type RunningRegistry, startRegistry } from '../../scripts/lib/registry.js';
