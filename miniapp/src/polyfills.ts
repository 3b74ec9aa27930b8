// @tanstack/react-query v5 calls `new AbortController()` for every query fetch. The WeChat
// mini-program JS runtime has no AbortController, so give it a minimal one (H5 browsers
// have the real thing and skip this).
type Listener = () => void;

class MiniAbortSignal {
  aborted = false;
  reason: unknown = undefined;
  onabort: Listener | null = null;
  private listeners: Listener[] = [];
  addEventListener(_type: 'abort', fn: Listener) {
    this.listeners.push(fn);
  }
  removeEventListener(_type: 'abort', fn: Listener) {
    this.listeners = this.listeners.filter((l) => l !== fn);
  }
  throwIfAborted() {
    if (this.aborted) throw this.reason;
  }
  /** @internal */
  fire(reason: unknown) {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.onabort?.();
    this.listeners.forEach((l) => l());
  }
}

class MiniAbortController {
  readonly signal = new MiniAbortSignal();
  abort(reason?: unknown) {
    this.signal.fire(reason ?? new Error('Aborted'));
  }
}

const g: Record<string, unknown> | undefined =
  typeof globalThis !== 'undefined' ? (globalThis as unknown as Record<string, unknown>) : undefined;
if (g && typeof g.AbortController === 'undefined') {
  g.AbortController = MiniAbortController;
}
export {};
