// WebGPU on Dawn's Vulkan backend (on a CPU-only Linux machine: Mesa lavapipe 25+).
import { webgpuSuite } from './webgpu-suite.js';

await webgpuSuite('vulkan');
