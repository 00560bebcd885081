/**
 * Shared by the WebGPU-through-Dawn tests: sets up the webgpu backend on one Dawn
 * backend (Vulkan or OpenGL) and says whether that is required to work here.
 *
 * `SRL_REQUIRE_WEBGPU=1` (or `all`) requires both, and the headless-Chromium test;
 * `vulkan`, `opengl` or `chromium` (comma separated) requires those. Unset, a missing adapter skips the tests, with the
 * reason in their names and on stderr.
 */
import { useBackend, type BackendInfo } from '../../src/backends/index.js';

/** A Dawn backend the tests run on. */
export type DawnPath = 'vulkan' | 'opengl';

/** The Dawn flags of each path. */
export const DAWN_FLAGS: Record<DawnPath, readonly string[]> = {
  vulkan: ['backend=vulkan'],
  opengl: ['backend=opengl'],
};

/** What each path needs on Debian 12 (bookworm). */
export const INSTALL: Record<DawnPath, string> = {
  vulkan:
    'Mesa lavapipe 25+: add bookworm-backports, then apt-get install -y --no-install-recommends libvulkan1 mesa-vulkan-drivers/bookworm-backports',
  opengl: 'Mesa EGL: apt-get install -y --no-install-recommends libegl1 libegl-mesa0 libgl1-mesa-dri',
};

/** True when `SRL_REQUIRE_WEBGPU` asks for this path (`chromium`: the headless-Chromium page test). */
export function isRequired(path: DawnPath | 'chromium'): boolean {
  const value = (process.env['SRL_REQUIRE_WEBGPU'] ?? '').trim().toLowerCase();
  if (value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'all' || value === 'true') return true;
  return value.split(',').map((s) => s.trim()).includes(path);
}

/** The outcome of setting up webgpu on a Dawn path. */
export type DawnSetup =
  | { readonly ok: true; readonly info: BackendInfo; readonly ms: number }
  | { readonly ok: false; readonly reason: string; readonly ms: number };

/** Runs useBackend('webgpu') on the path; "no adapter" is a reason, anything else throws. */
export async function setUpDawn(path: DawnPath): Promise<DawnSetup> {
  const start = performance.now();
  try {
    const info = await useBackend('webgpu', { dawnFlags: DAWN_FLAGS[path] });
    return { ok: true, info, ms: performance.now() - start };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!message.includes('found no adapter')) throw error;
    return { ok: false, reason: `no Dawn ${path} adapter here (${INSTALL[path]})`, ms: performance.now() - start };
  }
}
