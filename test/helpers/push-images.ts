// Test access to the image builders and HTTP pushers from the shared harness in scripts/lib/registry.js.

export {
  digestOf,
  MT,
  makeImage,
  makeIndex,
  pool,
  pushBlob,
  pushImage,
  pushIndex,
  pushManifest,
  pushSampleImages,
  type TestImage,
  type TestIndex,
} from '../../scripts/lib/registry.js';
