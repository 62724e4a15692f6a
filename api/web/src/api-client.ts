/**
 * The dashboard's only way to the server: the public /v1 API with the operator's
 * Bearer key. Errors arrive as RFC 9457 problem+json and become `ApiError`s whose
 * message a person can act on.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly detail: unknown = null,
  ) {
    super(message);
  }
}

/** Lists come as `{items, next}` pages or plain arrays; the dashboard shows the first page of up to 200. */
export type Page<T> = T[] | { items: T[]; next?: string | null };
export const itemsOf = <T>(page: Page<T>): T[] => (Array.isArray(page) ? page : page.items);

export type Role = 'admin' | 'operator' | 'officer' | 'analyst';

async function problemOf(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy error page, an empty body): the status says enough.
  }
  const p = (body ?? {}) as { title?: string; detail?: string; errors?: unknown };
  const fallback: Record<number, string> = {
    401: 'The API key was not accepted. Sign in again.',
    403: 'Your role may not do this.',
    404: 'Not found.',
    413: 'Too large for the server.',
    429: 'Too many attempts. Wait a minute and try again.',
    503: 'The server cannot reach Redis right now. Try again shortly.',
  };
  const message = p.detail || p.title || fallback[res.status] || `Request failed (HTTP ${res.status}).`;
  return new ApiError(res.status, message, body);
}

export class ApiClient {
  /** Called once when the server refuses the key (revoked, expired): the app signs out. */
  onUnauthorized: (() => void) | null = null;

  constructor(
    readonly key: string,
    private readonly base = '',
  ) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { Authorization: `Bearer ${this.key}`, ...extra };
  }

  async request<T>(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<T> {
    const isForm = typeof FormData !== 'undefined' && body instanceof FormData;
    const headers = this.headers(body === undefined || isForm ? {} : { 'Content-Type': 'application/json' });
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        ...init,
        method,
        headers: { Accept: 'application/json', ...headers },
        body: body === undefined ? undefined : isForm ? (body as FormData) : JSON.stringify(body),
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new ApiError(0, 'The server cannot be reached. Check the network connection.');
    }
    if (!res.ok) {
      const err = await problemOf(res);
      if (res.status === 401) this.onUnauthorized?.();
      throw err;
    }
    if (res.status === 204) return undefined as T;
    const type = res.headers.get('content-type') ?? '';
    return (type.includes('json') ? await res.json() : await res.text()) as T;
  }

  get = <T>(path: string, init?: RequestInit) => this.request<T>('GET', path, undefined, init);
  post = <T>(path: string, body?: unknown) => this.request<T>('POST', path, body ?? {});
  patch = <T>(path: string, body: unknown) => this.request<T>('PATCH', path, body);
  del = <T = void>(path: string) => this.request<T>('DELETE', path);

  /** Uploads a file as the raw request body (photo enrolment); the server sniffs its type from the bytes. */
  async upload<T>(path: string, file: Blob): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method: 'POST',
        headers: this.headers({ 'Content-Type': file.type || 'application/octet-stream', Accept: 'application/json' }),
        body: file,
      });
    } catch {
      throw new ApiError(0, 'The server cannot be reached. Check the network connection.');
    }
    if (!res.ok) {
      if (res.status === 401) this.onUnauthorized?.();
      throw await problemOf(res);
    }
    return (await res.json()) as T;
  }

  /**
   * An authorised image as a data: URL (an <img src> cannot carry the Bearer key;
   * data: rather than blob: because the server's CSP allows `img-src 'self' data:`).
   */
  async imageDataUrl(path: string, signal?: AbortSignal): Promise<string> {
    const res = await fetch(this.base + path, { headers: this.headers(), signal });
    if (!res.ok) throw await problemOf(res);
    const blob = await res.blob();
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as string);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
  }

  /** Raw streaming request (the SSE feed). */
  stream(path: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
    return fetch(this.base + path, {
      headers: this.headers({ Accept: 'text/event-stream', ...headers }),
      signal,
      cache: 'no-store',
    });
  }

  static problemOf = problemOf;
}
