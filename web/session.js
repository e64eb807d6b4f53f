// The browser app's sign-in, shared by the panels that act for the signed-in user (API keys,
// strategies). The session lives in an HttpOnly cookie no script can read; every call sends the
// session's CSRF token (kept in this module only, never in storage) in X-CSRF-Token, and no
// `apikey`, so the server resolves the caller from the cookie.

// An answer the server refused: `status` tells a dead session (401) from the rest, and `answer`
// keeps the whole error body (strategy errors add `field`, `line` and `error_kind`).
export class RequestError extends Error {
  constructor(status, message, answer = null) {
    super(message);
    this.status = status;
    this.answer = answer;
  }
}

// Field errors arrive as {"field": ["problem"]}; everything else as a sentence.
export function describe(message) {
  if (message === undefined || message === null) return null;
  if (typeof message === 'string') return message;
  return Object.entries(message).map(([field, problems]) => `${field}: ${[].concat(problems).join(' ')}`).join('; ');
}

let csrfToken = null;
let user = null;
const changes = new EventTarget();

/** The signed-in session ({username, is_admin, expires_at}) or null. */
export const currentUser = () => user;

/**
 * Calls `/api/v1/<path>` with the session's cookie and CSRF token.
 * @returns the answer (status "success").
 * @throws RequestError for anything else; a 401 while signed in also signs the page out.
 */
export async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(`/api/v1/${path}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', cache: 'no-store',
  });
  let answer = null;
  try {
    answer = await response.json();
  } catch {
    // A proxy's HTML error page: reported by status below.
  }
  if (!response.ok || answer?.status !== 'success') {
    const error = new RequestError(response.status, describe(answer?.message) ?? `HTTP ${response.status}`, answer);
    if (response.status === 401 && csrfToken) {
      error.sessionEnded = true; // already shown: callers need not report it again
      signedOut('Your session has ended; sign in again.');
    }
    throw error;
  }
  return answer;
}

/** Records a session from `session/login` or `GET session`, and tells every panel. */
export function signedIn(session) {
  csrfToken = session.csrf_token;
  user = { username: session.username, is_admin: session.is_admin, expires_at: session.expires_at };
  changes.dispatchEvent(new CustomEvent('change', { detail: { user, reason: '' } }));
}

/** Forgets the session; `reason` (if any) is shown to the person. */
export function signedOut(reason = '') {
  if (csrfToken === null && user === null) return;
  csrfToken = null;
  user = null;
  changes.dispatchEvent(new CustomEvent('change', { detail: { user: null, reason } }));
}

/** Calls `listener({user, reason})` on every sign-in and sign-out. */
export function onSessionChange(listener) {
  changes.addEventListener('change', (event) => listener(event.detail));
}
