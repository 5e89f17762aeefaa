// End to end against openapi.yaml: sends every documented route and status to real pyfun-server processes
// (started by tests/deploy/openapi_answers_test.cpp) and checks that each answer is documented, its body
// matches the documented schema (base64 in compat mode), it carries CORS, and every documented
// (route, status) pair was seen in some real answer.
// Usage: node check_answers.js CONFIG.json
//   {"servers": {"plain", "compat", "github", "github_down": "http://127.0.0.1:PORT"},
//    "webhook_secret": "...", "head_commit": "<sha of main at the fake GitHub>", "github_lesson": "/stage/s/l",
//    "github_answer": {...}, "max_body_bytes": N}
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const { OpenApiDoc } = require('./openapi_doc.js');
const { run } = require('./report.js');

function signed(secret, event, body) {
  const signature = `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;
  return { headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-hub-signature-256': signature }, body };
}

function json_post(body) {
  return { headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

// [server, method, path, request, expected status, what]
function scenarios(config) {
  const secret = config.webhook_secret;
  const lesson = '/stage/basics/hello';
  const hello = { answer: { field_1: "'hello'" } };
  const api = (server) => [
    [server, 'GET', '/', {}, 200, 'service info'],
    [server, 'POST', '/', json_post({}), 405, 'wrong method on /'],
    [server, 'OPTIONS', '/', { headers: { origin: 'https://learn.example.org', 'access-control-request-method': 'GET' } }, 204, 'preflight of /'],
    [server, 'GET', '/healthz', {}, 200, 'health'],
    [server, 'POST', '/healthz', json_post({}), 405, 'wrong method on /healthz'],
    [server, 'GET', '/stage', {}, 200, 'stage list'],
    [server, 'GET', '/stage/', {}, 200, 'stage list, trailing slash'],
    [server, 'POST', '/stage', json_post({}), 405, 'wrong method on /stage'],
    [server, 'OPTIONS', '/stage', {}, 204, 'preflight of /stage'],
    [server, 'GET', '/stage/basics', {}, 200, 'lesson list'],
    [server, 'GET', '/stage/basics/', {}, 200, 'lesson list, trailing slash (the url the stage list gives)'],
    [server, 'GET', '/stage/no_such_stage', {}, 404, 'unknown stage'],
    [server, 'POST', '/stage/basics', json_post({}), 405, 'wrong method on a stage'],
    [server, 'GET', lesson, {}, 200, 'one lesson'],
    [server, 'GET', '/stage/basics/no_such_lesson', {}, 404, 'unknown lesson'],
    [server, 'POST', lesson, json_post(hello), 200, 'right answer'],
    [server, 'POST', lesson, json_post({ field_1: "'hello'" }), 200, 'right answer, the old flat form'],
    [server, 'POST', lesson, json_post({ answer: { field_1: "'bye'" } }), 200, 'wrong answer'],
    [server, 'POST', lesson, json_post({ answer: { field_1: 'undefined_name' } }), 200, 'runtime error'],
    [server, 'POST', lesson, json_post('{"answer": '), 400, 'bad JSON'],
    [server, 'POST', lesson, json_post({ answer: {} }), 400, 'missing field'],
    [server, 'POST', lesson, json_post({ answer: { field_1: 42 } }), 400, 'field that is not text'],
    [server, 'POST', '/stage/basics/no_such_lesson', json_post(hello), 404, 'verify of an unknown lesson'],
    [server, 'PUT', lesson, json_post(hello), 405, 'wrong method on a lesson'],
    [server, 'POST', lesson, json_post({ answer: { field_1: 'x'.repeat(config.max_body_bytes + 1) } }), 413, 'body too large'],
    [server, 'OPTIONS', lesson, { headers: { origin: 'https://learn.example.org', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } }, 204, 'preflight of the verify POST'],
  ];
  const push = (ref, after) => JSON.stringify({ ref, after, repository: { default_branch: 'main' } });
  return [
    ...api('plain'),
    ...api('compat'),
    ['plain', 'POST', '/webhook/github', signed(secret, 'push', push('refs/heads/main', config.head_commit)), 404, 'webhook of a folder source'],
    ['github', 'GET', config.github_lesson, {}, 200, 'a lesson read from the fake GitHub'],
    ['github', 'POST', config.github_lesson, json_post({ answer: config.github_answer }), 200, 'verify of a GitHub lesson'],
    ['github', 'GET', '/webhook/github', {}, 405, 'webhook, wrong method'],
    ['github', 'POST', '/webhook/github', json_post(push('refs/heads/main', config.head_commit)), 401, 'webhook without a signature'],
    ['github', 'POST', '/webhook/github', { ...signed('wrong secret', 'push', push('refs/heads/main', config.head_commit)) }, 401, 'webhook with a wrong signature'],
    ['github', 'POST', '/webhook/github', signed(secret, 'ping', '{"zen": "Keep it logically awesome."}'), 200, 'webhook ping'],
    ['github', 'POST', '/webhook/github', signed(secret, 'issues', '{}'), 202, 'webhook of another event'],
    ['github', 'POST', '/webhook/github', signed(secret, 'push', push('refs/heads/other', config.head_commit)), 202, 'push to another branch'],
    ['github', 'POST', '/webhook/github', signed(secret, 'push', 'not json'), 400, 'push payload that is not JSON'],
    ['github', 'POST', '/webhook/github', signed(secret, 'push', push('refs/heads/main', config.head_commit)), 200, 'push to the served branch'],
    ['github_down', 'GET', '/stage', {}, 503, 'stage list, GitHub unreachable'],
    ['github_down', 'GET', '/stage/basics', {}, 503, 'lesson list, GitHub unreachable'],
    ['github_down', 'GET', lesson, {}, 503, 'lesson, GitHub unreachable'],
    ['github_down', 'POST', lesson, json_post(hello), 503, 'verify, GitHub unreachable'],
    ['github_down', 'POST', '/webhook/github', signed(secret, 'push', push('refs/heads/main', config.head_commit)), 503, 'push while GitHub is unreachable'],
  ];
}

async function send(base, method, path, request) {
  const response = await fetch(base + path, { method, headers: request.headers || {}, body: request.body, redirect: 'manual' });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

run(async (report) => {
  const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const doc = new OpenApiDoc('openapi.yaml');
  const seen = new Set();
  const verdicts = new Set();
  for (const [server, method, path, request, expected, what] of scenarios(config)) {
    const label = `${server}: ${method} ${path.length > 60 ? `${path.slice(0, 60)}...` : path} (${what})`;
    const answer = await send(config.servers[server], method, path, request);
    if (!report.check(answer.status === expected, `${label} answers ${expected}`, `got ${answer.status}: ${answer.body.slice(0, 200)}`))
      continue;
    const documented = doc.response_for(method, path, answer.status);
    if (!report.check(documented !== null, `${label}: ${answer.status} is documented`)) continue;
    seen.add(`${documented.template} ${documented.method} ${answer.status}`);
    const problems = doc.validate(documented.response, answer.headers.get('content-type'), answer.body);
    report.check(problems.length === 0, `${label}: the body matches the documented schema`, problems.join('; '));
    // The webhook is called by GitHub, not by browsers: no CORS there.
    if (!path.startsWith('/webhook/'))
      report.check(answer.headers.get('access-control-allow-origin') !== null, `${label}: carries Access-Control-Allow-Origin`);
    if (server === 'compat' && answer.status !== 413 && answer.body.length > 0)
      report.check(/^text\/plain/.test(answer.headers.get('content-type')), `${label}: compat mode sends base64 text`);
    if (server === 'plain' && method === 'POST' && answer.status === 200)
      verdicts.add(JSON.parse(answer.body).data.verdict);
  }
  report.check(['accepted', 'wrong_answer', 'runtime_error'].every((v) => verdicts.has(v)),
    'the verdicts accepted, wrong_answer and runtime_error were seen', [...verdicts].join(', '));
  for (const { template, method, status } of doc.documented())
    report.check(seen.has(`${template} ${method} ${status}`), `documented ${method.toUpperCase()} ${template} ${status} was seen in a real answer`);
});
