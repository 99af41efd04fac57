/**
 * A small HTTP client for the Loadscope API: JSON in and out, the session cookie sent by the browser,
 * the CSRF token added to state-changing requests, and API errors turned into {@link ApiError} with
 * the server's code and message (which names the field at fault).
 */

/** An error answered by the API (`{ error, message }`) or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Upload progress: bytes sent and total. */
export type Progress = (sent: number, total: number) => void;

/** The client the pages use. Paths are relative to the origin, e.g. `/api/v1/facilities`. */
export interface Http {
  get<T>(path: string, query?: Record<string, string | number | boolean | undefined>): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body?: unknown): Promise<T>;
  del(path: string): Promise<void>;
  /** Sends a raw body (a file) with upload progress; answers the JSON response. */
  upload<T>(path: string, body: Blob, opts: { contentType: string; onProgress?: Progress }): Promise<T>;
  /** Fetches a binary response as an ArrayBuffer (typed-array endpoints). */
  binary(path: string, query?: Record<string, string | number | undefined>): Promise<ArrayBuffer>;
  /** Sets the CSRF token sent as `x-csrf-token` (from login or /auth/me). */
  setCsrf(token: string | undefined): void;
}

/** Options of {@link createHttp}. */
export interface HttpOptions {
  fetch?: typeof fetch;
  /** Called on 401 so that the app can show the login page. */
  onUnauthenticated?: () => void;
}

/** Builds a query string from defined values. */
export function withQuery(
  path: string,
  query?: Record<string, string | number | boolean | undefined>,
): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

async function toError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: string; message?: string };
    return new ApiError(res.status, body.error ?? 'HTTP_' + res.status, body.message ?? res.statusText);
  } catch {
    return new ApiError(res.status, 'HTTP_' + res.status, text.slice(0, 200) || res.statusText);
  }
}

/** Creates the client. */
export function createHttp(opts: HttpOptions = {}): Http {
  const doFetch = opts.fetch ?? ((input, init) => fetch(input, init));
  let csrf: string | undefined;

  const request = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
    let res: Response;
    try {
      res = await doFetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new ApiError(
        0,
        'NETWORK',
        `cannot reach the server: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (res.status === 401 && !path.endsWith('/auth/login')) opts.onUnauthenticated?.();
    if (!res.ok) throw await toError(res);
    return res;
  };
  const json = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await request(method, path, body);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  };

  return {
    get: (path, query) => json('GET', withQuery(path, query)),
    post: (path, body) => json('POST', path, body ?? {}),
    put: (path, body) => json('PUT', path, body ?? {}),
    patch: (path, body) => json('PATCH', path, body ?? {}),
    del: async (path) => {
      await request('DELETE', path);
    },
    binary: async (path, query) => (await request('GET', withQuery(path, query))).arrayBuffer(),
    setCsrf: (token) => {
      csrf = token;
    },
    upload: (path, body, { contentType, onProgress }) =>
      new Promise((resolve, reject) => {
        // XMLHttpRequest, because fetch gives no upload progress.
        const xhr = new XMLHttpRequest();
        xhr.open('POST', path);
        xhr.setRequestHeader('content-type', contentType);
        xhr.setRequestHeader('accept', 'application/json');
        if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
        xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : body.size);
        xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'the upload was interrupted'));
        xhr.onload = () => {
          let parsed: { error?: string; message?: string } | undefined;
          try {
            parsed = xhr.responseText ? (JSON.parse(xhr.responseText) as typeof parsed) : undefined;
          } catch {
            parsed = undefined;
          }
          if (xhr.status >= 200 && xhr.status < 300) resolve(parsed as never);
          else {
            if (xhr.status === 401) opts.onUnauthenticated?.();
            reject(
              new ApiError(
                xhr.status,
                parsed?.error ?? `HTTP_${xhr.status}`,
                parsed?.message ?? xhr.statusText,
              ),
            );
          }
        };
        xhr.send(body);
      }),
  };
}
