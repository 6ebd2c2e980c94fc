/**
 * What the `'auto'` backend choice depends on besides the bundle: the browser
 * and its GPU (WebGPU adapter, WebGL renderer). A new browser version or a
 * different GPU invalidates a cached choice, so all of it goes into the key.
 */

interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}
interface GpuLike {
  requestAdapter(): Promise<{ info?: AdapterInfo } | null>;
}

async function webgpuAdapter(): Promise<string> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (!gpu) return 'webgpu: none';
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'webgpu: no adapter';
    const info = adapter.info ?? {};
    return `webgpu: ${[info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'adapter'}`;
  } catch (error) {
    return `webgpu: ${error instanceof Error ? error.name : 'error'}`;
  }
}

type Gl = WebGLRenderingContext | WebGL2RenderingContext;

function glContext(): Gl | null {
  try {
    if (typeof OffscreenCanvas !== 'undefined') {
      const canvas = new OffscreenCanvas(1, 1);
      return (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as Gl | null;
    }
    if (typeof document !== 'undefined') {
      const canvas = document.createElement('canvas');
      return (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as Gl | null;
    }
  } catch {
    // A context that cannot be created is a description too ("none").
  }
  return null;
}

function webglRenderer(): string {
  const gl = glContext();
  if (!gl) return 'webgl: none';
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER) as unknown;
  const version = gl.getParameter(gl.VERSION) as unknown;
  // Free the context now: browsers cap live WebGL contexts, and tfjs makes its own.
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return `webgl: ${String(renderer)} (${String(version)})`;
}

/** A one-line description of the browser and its GPU, stable across page loads. */
export async function describeDevice(): Promise<string> {
  const nav = (globalThis as { navigator?: { userAgent?: string; hardwareConcurrency?: number } }).navigator;
  const agent = nav?.userAgent ?? `node ${(globalThis as { process?: { version?: string } }).process?.version ?? ''}`;
  return [agent, `cores: ${nav?.hardwareConcurrency ?? '?'}`, await webgpuAdapter(), webglRenderer()].join(' | ');
}
