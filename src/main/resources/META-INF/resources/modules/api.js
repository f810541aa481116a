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

/**
 * @param {() => string} getToken
 * @param {() => boolean} actsOnAnyProject  an admin token: name each job's project, or the service acts on
 *                                          project "default"
 */
export function createApi(getToken, actsOnAnyProject = () => false) {
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
    async getJob(job, { etag, withRecentEvents = false } = {}) {
      const headers = etag ? { 'If-None-Match': etag } : {};
      const query = projectQuery(job);
      if (withRecentEvents) {
        query.set('include', 'recentEvents');
      }
      const response = await send(jobPath(job, '', query), { headers });
      if (response.status === 304) {
        return { notModified: true };
      }
      return { job: await response.json(), etag: response.headers.get('ETag') };
    },

    /** pause | resume | cancel; answers the new snapshot. */
    control(job, action) {
      const headers = { 'Content-Type': 'application/json' };
      return send(jobPath(job, `/${action}`, projectQuery(job)), { method: 'POST', headers, body: '{}' })
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

    /**
     * The URL of the project-wide Server-Sent Events stream. EventSource cannot send headers, and a token in
     * a URL ends up in logs: the URL carries a single-use ticket (valid 60 s) instead.
     */
    async streamUrl(lastEventId) {
      const response = await send('api/stream-tickets', { method: 'POST' });
      const { ticket } = await response.json();
      const query = new URLSearchParams({ ticket });
      if (lastEventId) {
        query.set('lastEventId', lastEventId);
      }
      return `api/stream?${query}`;
    },
  };

  function projectQuery(job) {
    const query = new URLSearchParams();
    if (actsOnAnyProject() && job.project) {
      query.set('project', job.project);
    }
    return query;
  }
}

function jobPath(job, suffix, query) {
  const search = query.toString();
  return `api/jobs/${encodeURIComponent(job.id)}${suffix}${search ? `?${search}` : ''}`;
}
