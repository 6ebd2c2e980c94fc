import '@tensorflow/tfjs-backend-webgpu';
export {};
