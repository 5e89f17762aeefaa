// Drives `bootstrap` through @vercel/fun, a third-party implementation of the Lambda Runtime API: fun starts
// the task folder's bootstrap under its `provided` runtime, freezes it (SIGSTOP) between invocations and
// sends Lambda-Runtime-Deadline-Ms as the constant 5000. Prints one line per check; exits 1 if any failed.
// Usage: node vercel_fun_peer.js FUN_MODULE_DIR TASK_DIR EVENTS_DIR
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [funDir, taskDir, eventsDir] = process.argv.slice(2);
const fun = require(path.resolve(funDir));

let failures = 0;
function check(name, condition, detail) {
  if (condition) {
    console.error(`ok - ${name}`);
  } else {
    failures += 1;
    console.error(`not ok - ${name}${detail === undefined ? '' : `: ${detail}`}`);
  }
}

function fixture(name) {
  return JSON.parse(fs.readFileSync(path.join(eventsDir, `${name}.json`), 'utf8'));
}

function httpApiEvent(method, rawPath, body) {
  const event = fixture('http_api_v2');
  event.rawPath = rawPath;
  event.requestContext.http.method = method;
  event.requestContext.http.path = rawPath;
  if (body === undefined) delete event.body; else event.body = body;
  return event;
}

function restEvent(method, eventPath, pathParameters, body) {
  const event = fixture('rest_v1');
  event.httpMethod = method;
  event.path = eventPath;
  event.requestContext.httpMethod = method;
  event.pathParameters = pathParameters;
  event.body = body === undefined ? null : body;
  return event;
}

const helloAnswer = JSON.stringify({answer: {field_1: "'hello'"}});
const helloParameters = {stage_name: 'basics', lesson_name: 'hello'};

// Invokes with a raw payload; returns {error, payload, body, json} where `json` is the parsed response body.
async function invoke(fn, event) {
  const payload = typeof event === 'string' ? event : JSON.stringify(event);
  const result = await fn.invoke({InvocationType: 'RequestResponse', Payload: payload});
  const text = String(result.Payload);
  let reply = null;
  try { reply = JSON.parse(text); } catch (e) { /* checked by the caller */ }
  let json = null;
  if (reply && typeof reply.body === 'string') {
    const body = reply.isBase64Encoded ? Buffer.from(reply.body, 'base64').toString('utf8') : reply.body;
    try { json = JSON.parse(body); } catch (e) { /* not JSON */ }
  }
  return {error: result.FunctionError, text, reply, json};
}

async function withFunction(handler, variables, body) {
  const fn = await fun.createFunction({
    FunctionName: `pyfun-${handler.replace(/[^a-z_]/gi, '-')}`,
    Code: {Directory: taskDir},
    Handler: handler,
    Runtime: 'provided',
    Environment: {Variables: variables},
  });
  try {
    await body(fn);
  } finally {
    await fn.destroy();
  }
}

async function main() {
  await withFunction('router', {}, async (fn) => {
    const stages = await invoke(fn, httpApiEvent('GET', '/stage'));
    check('HTTP API GET /stage answers 200', stages.reply && stages.reply.statusCode === 200, stages.text);
    check('HTTP API GET /stage lists the stages', stages.json && stages.json.data.basics.index === 1, stages.text);

    const lesson = await invoke(fn, restEvent('GET', '/stage/basics/hello', helloParameters));
    check('REST GET lesson answers with multiValueHeaders',
          lesson.reply && lesson.reply.multiValueHeaders !== undefined && lesson.reply.headers === undefined,
          lesson.text);
    check('REST GET lesson has the lesson', lesson.json && lesson.json.data.title === 'Hello', lesson.text);

    const verify = await invoke(fn, httpApiEvent('POST', '/stage/basics/hello', helloAnswer));
    check('verify runs the learner program and accepts it',
          verify.json && verify.json.data.result === true && verify.json.data.stdout[0] === 'hello\n', verify.text);

    const alb = await invoke(fn, fixture('alb'));
    check('ALB event answers with statusDescription', alb.reply && alb.reply.statusDescription === '200 OK', alb.text);

    const malformed = await invoke(fn, '{"hello": "not an HTTP event"}');
    let error = null;
    try { error = JSON.parse(malformed.text); } catch (e) { /* checked below */ }
    check('a malformed event is a handled function error', malformed.error === 'Handled', malformed.text);
    check('the error names its type',
          error && error.errorType === 'Runtime.MalformedEvent' && Array.isArray(error.stackTrace), malformed.text);

    // fun freezes the process between invocations: the pending /next must survive that.
    let fine = 0;
    for (let i = 0; i < 10; i += 1) {
      const again = await invoke(fn, httpApiEvent('GET', '/stage/basics'));
      if (again.reply && again.reply.statusCode === 200 && again.json && again.json.data.hello) fine += 1;
    }
    check('ten more invocations of the frozen and thawed process all answer', fine === 10, `${fine} of 10`);
  });

  await withFunction('lambda_app.lesson_verify_handler', {}, async (fn) => {
    const verify = await invoke(fn, restEvent('POST', '/prod/stage/x/y', helloParameters, helloAnswer));
    check('the old lesson_verify handler name verifies from pathParameters',
          verify.json && verify.json.data.result === true, verify.text);
    const get = await invoke(fn, restEvent('GET', '/prod/stage/x/y', helloParameters));
    check('the lesson_verify function refuses GET with 405', get.reply && get.reply.statusCode === 405, get.text);
  });

  await withFunction('router', {PYFUN_COMPAT: 'pyfun-v2'}, async (fn) => {
    const stages = await invoke(fn, restEvent('GET', '/stage', null));
    const decoded = stages.reply && Buffer.from(stages.reply.body, 'base64').toString('utf8');
    let json = null;
    try { json = JSON.parse(decoded); } catch (e) { /* checked below */ }
    check('pyfun-v2 compat mode sends the base64 text of the JSON',
          stages.reply && stages.reply.isBase64Encoded === false && json && json.success === true, stages.text);
  });

  // fun kills a process that failed to start (SIGCONT, then SIGTERM) while it is exiting. In sanitizer builds
  // the leak check at exit stops the process through ptrace, and a signal arriving then can leave it hanging:
  // that check is off for this one function (the variable means nothing to other builds).
  await withFunction('no_such_handler', {ASAN_OPTIONS: 'detect_leaks=0'}, async (fn) => {
    const failed = await invoke(fn, httpApiEvent('GET', '/stage'));
    let error = null;
    try { error = JSON.parse(failed.text); } catch (e) { /* checked below */ }
    check('an unknown handler is an initialization error',
          failed.error === 'Unhandled' && error && error.errorType === 'Runtime.HandlerNotFound', failed.text);
  });
}

main().then(
  () => {
    console.error(failures === 0 ? 'all checks passed' : `${failures} check(s) failed`);
    process.exit(failures === 0 ? 0 : 1);
  },
  (err) => {
    console.error(`not ok - the peer script failed: ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  });
