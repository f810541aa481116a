// The progress-hub HTTP API as the dashboard uses it. Relative URLs, so the page also works behind a
// reverse proxy that mounts the service under a path.

/** The token was refused (401): missing, wrong, expired or revoked. */
export class AuthError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AuthError';
  }
}

/** Any other non-2xx answer, with the RFC 9457 problem detail when the server sent one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problemText(status, problem));
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

function problemText(status, problem) {
  const detail = problem && (problem.detail || problem.title);
  return detail ? `${detail} (HTTP ${status})` : `The server answered HTTP ${status}`;
}

async function readProblem(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

export function createApi(getToken) {
  async function send(path, { method = 'GET', headers = {}, body } = {}) {
    const response = await fetch(path, {
      method,
      body,
      cache: 'no-store',
      credentials: 'omit',
      headers: { Accept: 'application/json', Authorization: `Bearer ${getToken()}`, ...headers },
    });
    if (response.status === 401) {
      throw new AuthError('The token was not accepted.');
    }
    if (!response.ok && response.status !== 304) {
      throw new ApiError(response.status, await readProblem(response));
    }
    return response;
  }

  async function getJson(path) {
    const response = await send(path);
    return response.json();
  }

  return {
    /** `{tokenId, name, project, scopes, admin}` of the current token. */
    me: () => getJson('api/me'),

    /** `{items, nextCursor}`; filters: status, operation, label ("k:v"), updatedSince, cursor. */
    listJobs(filters, { cursor, limit = 100, updatedSince } = {}) {
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries({ ...filters, cursor, updatedSince })) {
        if (value) {
          query.set(name, value);
        }
      }
      query.set('limit', String(limit));
      return getJson(`api/jobs?${query}`);
    },

    /**
     * A conditional read of one snapshot: `{notModified: true}` for 304, else `{job, etag}`.
     * With `withRecentEvents` the snapshot carries `recentEvents` (the last 20, newest last).
     */
    async getJob(jobId, { etag, withRecentEvents = false } = {}) {
      const headers = etag ? { 'If-None-Match': etag } : {};
      const include = withRecentEvents ? '?include=recentEvents' : '';
      const response = await send(`api/jobs/${encodeURIComponent(jobId)}${include}`, { headers });
      if (response.status === 304) {
        return { notModified: true };
      }
      return { job: await response.json(), etag: response.headers.get('ETag') };
    },

    /** pause | resume | cancel; answers the new snapshot. */
    control(jobId, action) {
      const headers = { 'Content-Type': 'application/json' };
      return send(`api/jobs/${encodeURIComponent(jobId)}/${action}`, { method: 'POST', headers, body: '{}' })
        .then((response) => response.json());
    },

    /** Admin: every token (never its secret). */
    listTokens: () => getJson('api/tokens'),

    /** Admin: `{name, project, scopes, expiresAt?}` → the new token, its secret included (shown once). */
    createToken(request) {
      const headers = { 'Content-Type': 'application/json' };
      return send('api/tokens', { method: 'POST', headers, body: JSON.stringify(request) })
        .then((response) => response.json());
    },

    /** Admin: revokes a token at once, everywhere. */
    revokeToken: (tokenId) => send(`api/tokens/${encodeURIComponent(tokenId)}`, { method: 'DELETE' }),

    /** The URL of the project-wide Server-Sent Events stream (EventSource cannot send headers). */
    streamUrl: () => `api/stream?access_token=${encodeURIComponent(getToken())}`,
  };
}
