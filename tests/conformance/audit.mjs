// Runs graphql-http's server audits (GraphQL over HTTP spec conformance) against a running server
// and prints a JSON summary on stdout; test_graphql_http_audit.py judges it.
//
//   node audit.mjs <graphql url> [<authorization header value>]
//
// Runway answers nothing without a bearer token, so every audit request carries the given
// Authorization header. Audits run one after another: the server under test is a real process on
// a small machine, and sequential requests keep its log readable when an audit fails.
// Exit status: 0 when the audits ran (whatever they found), 2 on bad usage, 1 on a fatal error.
import { serverAudits } from 'graphql-http';

const [url, authorization] = process.argv.slice(2);
if (!url) {
  console.error('usage: node audit.mjs <graphql url> [<authorization header value>]');
  process.exit(2);
}

/** fetch, with the Authorization header added to every audit request. */
function authorizedFetch(input, init = {}) {
  const headers = new Headers(init.headers);
  if (authorization) headers.set('authorization', authorization);
  return fetch(input, { ...init, headers });
}

/** The failing response's body, for the report; audits may already have read it. */
async function bodyOf(response) {
  try {
    return (await response.clone().text()).slice(0, 500);
  } catch {
    return null;
  }
}

const results = [];
for (const audit of serverAudits({ url, fetchFn: authorizedFetch })) {
  const result = await audit.fn();
  const entry = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    entry.reason = result.reason;
    entry.responseStatus = result.response.status;
    entry.responseContentType = result.response.headers.get('content-type');
    entry.responseBody = await bodyOf(result.response);
  }
  results.push(entry);
}

const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const { status } of results) counts[status] += 1;
process.stdout.write(JSON.stringify({ total: results.length, counts, audits: results }, null, 2));
process.stdout.write('\n');
