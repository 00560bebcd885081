// WebGPU on Dawn's OpenGL backend (EGL surfaceless; on a CPU-only machine: Mesa llvmpipe).
import { webgpuSuite } from './webgpu-suite.js';

await webgpuSuite('opengl');
