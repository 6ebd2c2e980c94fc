export * from '@tensorflow/tfjs-backend-wasm';
