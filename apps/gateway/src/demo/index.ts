export { serveDemo } from './serve-demo.js';
export { demoUrl } from './demo-url.js';
