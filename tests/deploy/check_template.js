// deploy/template.yaml and deploy/iam/*.json: every function's Command is a handler the real `pyfun invoke`
// (the same function_app bootstrap runs) accepts, every route reaches the function meant for it and that
// function serves it, Verify holds no secret and may write its own logs only, no policy has a wildcard
// action, and the IAM files hold placeholders only.
// Usage: node check_template.js BIN_DIR   (run from the source folder)
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { load_template } = require('./cfn_yaml.js');
const { OpenApiDoc } = require('./openapi_doc.js');
const { run } = require('./report.js');

const bin_dir = process.argv[2];
const lessons = 'dir:tests/fixtures/lambda/lessons';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pyfun-template-'));

// Which function each route must reach: learner code (the verify POST) only where no secret is.
const route_owner = {
  'POST /stage/{stage_name}/{lesson_name}': 'VerifyFunction',
  'POST /webhook/github': 'ApiFunction',
};
const get_owner = 'ApiFunction';

// An HTTP API payload 2.0 event for `route` with `raw_path`, as API Gateway sends it.
function http_api_event(method, route, raw_path, parameters, body) {
  return {
    version: '2.0', routeKey: `${method} ${route}`, rawPath: raw_path, rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'example.execute-api.eu-west-1.amazonaws.com' },
    requestContext: { http: { method, path: raw_path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'check' },
      requestId: 'check', routeKey: `${method} ${route}`, stage: '$default' },
    pathParameters: parameters, body, isBase64Encoded: false,
  };
}

// Runs the handler the way bootstrap would; returns {code, answer, output}.
function invoke(handler, event) {
  const file = path.join(work, 'event.json');
  fs.writeFileSync(file, JSON.stringify(event));
  const result = spawnSync(path.join(bin_dir, 'pyfun'), ['invoke', '--event', file, '--handler', handler, '--lessons', lessons],
    { encoding: 'utf8', timeout: 60000 });
  let answer = null;
  try {
    answer = JSON.parse(result.stdout.trim().split('\n').pop());
  } catch (error) {
    answer = null;
  }
  return { code: result.status, answer, output: `${result.stdout}${result.stderr}`.slice(0, 400) };
}

function walk(node, visit) {
  if (Array.isArray(node)) node.forEach((item) => walk(item, visit));
  else if (node && typeof node === 'object')
    for (const [key, value] of Object.entries(node)) {
      visit(key, value);
      walk(value, visit);
    }
}

function actions_of(document) {
  const found = [];
  walk(document, (key, value) => {
    if (key === 'Action' || key === 'NotAction') found.push({ key, actions: [].concat(value) });
  });
  return found;
}

function check_policies(report, name, document) {
  for (const { key, actions } of actions_of(document)) {
    report.check(key === 'Action', `${name}: no NotAction`);
    for (const action of actions)
      report.check(typeof action === 'string' && !action.includes('*'), `${name}: action ${JSON.stringify(action)} has no wildcard`);
  }
}

function sample_path(route) {
  return route.replace('{stage_name}', 'basics').replace('{lesson_name}', 'hello').replace('{proxy+}', 'basics/hello');
}

function check_functions(report, template, functions, accepted) {
  for (const [name, fn] of Object.entries(functions)) {
    const props = fn.Properties;
    const command = (props.ImageConfig || {}).Command;
    report.check(props.PackageType === 'Image' && props.ImageUri && props.ImageUri.Ref === 'ImageUri',
      `${name} runs the one image (ImageUri parameter)`);
    if (!report.check(Array.isArray(command) && command.length === 1, `${name} names one handler in ImageConfig.Command`)) continue;
    report.check(accepted(command[0]), `${name}: bootstrap accepts the handler ${command[0]}`);
    const group = (props.LoggingConfig || {}).LogGroup;
    const logs = group && group.Ref && template.Resources[group.Ref];
    report.check(logs && logs.Type === 'AWS::Logs::LogGroup' && logs.Properties.RetentionInDays,
      `${name} logs to its own log group with a retention`);
  }
}

// A function that may run learner code: no secret in its environment, a role that writes its logs only.
function check_secretless(report, template, name) {
  const props = template.Resources[name].Properties;
  const variables = (props.Environment || {}).Variables || {};
  const text = JSON.stringify(variables);
  report.check(!/resolve:|TOKEN|SECRET/i.test(text) && !Object.keys(variables).some((v) => /TOKEN|SECRET|KEY/i.test(v)),
    `${name} references no secret`, text);
  report.check(!props.Policies && props.Role && props.Role['Fn::GetAtt'], `${name} has its own role and no SAM policy templates`);
  const role = template.Resources[props.Role['Fn::GetAtt'][0]];
  report.check(role.Type === 'AWS::IAM::Role' && !role.Properties.ManagedPolicyArns && !role.Properties.PermissionsBoundary,
    `${name}'s role has no managed policies`);
  const statements = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
  const group = props.LoggingConfig.LogGroup.Ref;
  const logs_only = statements.every((s) => s.Effect === 'Allow'
    && [].concat(s.Action).every((a) => a === 'logs:CreateLogStream' || a === 'logs:PutLogEvents')
    && JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': [group, 'Arn'] }));
  report.check(statements.length > 0 && logs_only, `${name}'s role allows writing its own log group and nothing else`,
    JSON.stringify(statements));
  const trust = role.Properties.AssumeRolePolicyDocument.Statement;
  report.check(trust.length === 1 && trust[0].Principal.Service === 'lambda.amazonaws.com', `${name}'s role is for Lambda only`);
}

function check_routes(report, template, functions) {
  const routes = [];
  for (const [name, fn] of Object.entries(functions))
    for (const [event_name, event] of Object.entries(fn.Properties.Events || {})) {
      if (event.Type !== 'HttpApi') {
        report.check(false, `${name}.${event_name} is an HttpApi event`, event.Type);
        continue;
      }
      const p = event.Properties;
      report.check(p.ApiId && p.ApiId.Ref === 'HttpApi' && p.PayloadFormatVersion === '2.0',
        `${name}.${event_name} is a route of HttpApi with payload 2.0`);
      routes.push({ fn: name, handler: fn.Properties.ImageConfig.Command[0], method: p.Method.toUpperCase(), route: p.Path });
    }
  for (const r of routes) {
    const key = `${r.method} ${r.route}`;
    const owner = route_owner[key] || (r.method === 'GET' ? get_owner : undefined);
    report.check(owner === r.fn, `${key} reaches ${r.fn}`, `expected ${owner}`);
    // The function serves it: the handler answers as the API does, not "wrong method" or "missing parameter".
    const parameters = {};
    for (const match of r.route.matchAll(/\{([^}+]+)\+?\}/g)) parameters[match[1]] = match[1] === 'proxy' ? 'basics/hello' : sample_path(`{${match[1]}}`);
    const body = r.method === 'POST' ? JSON.stringify(r.route.startsWith('/stage') ? { answer: { field_1: "'hello'" } } : {}) : undefined;
    const result = invoke(r.handler, http_api_event(r.method, r.route, sample_path(r.route), parameters, body));
    const status = result.answer && result.answer.statusCode;
    // The webhook answers 404 until a secret is configured; the others answer 200.
    const expected = r.route === '/webhook/github' ? 404 : 200;
    report.check(result.code === 0 && status === expected, `${key} on ${r.handler} answers ${expected}`, `${status}: ${result.output}`);
    if (key === 'POST /stage/{stage_name}/{lesson_name}' && status === 200)
      report.check(JSON.parse(result.answer.body).data.result === true, `${key} on ${r.handler} runs and accepts the answer`);
  }
  return routes;
}

// Every documented route and method (preflights aside: the HTTP API's CORS answers them) has a template route.
function check_documented_routes(report, routes) {
  const doc = new OpenApiDoc('openapi.yaml');
  const pairs = new Set(doc.documented().filter((d) => d.method !== 'options').map((d) => `${d.method.toUpperCase()} ${d.template}`));
  for (const pair of pairs) {
    const [method, template] = pair.split(' ');
    const concrete = sample_path(template);
    const served = routes.some((r) => r.method === method
      && new RegExp(`^${r.route.replace('{proxy+}', '.+').replace(/\{[^}]+\}/g, '[^/]+')}$`).test(concrete));
    report.check(served, `the documented ${pair} has a route in the template`);
  }
}

function check_iam_files(report) {
  const folder = 'deploy/iam';
  const files = fs.readdirSync(folder).filter((f) => f.endsWith('.json'));
  report.check(['trust-policy.json', 'deploy-policy.json'].every((f) => files.includes(f)), 'deploy/iam has the trust and permission policies');
  for (const file of files) {
    const text = fs.readFileSync(path.join(folder, file), 'utf8');
    let document = null;
    try {
      document = JSON.parse(text);
    } catch (error) {
      report.check(false, `${file} is JSON`, error.message);
      continue;
    }
    report.check(!/\b\d{12}\b/.test(text) && !/AKIA[0-9A-Z]{16}/.test(text), `${file} holds placeholders, no account id or key`);
    check_policies(report, file, document);
  }
  const trust = JSON.parse(fs.readFileSync(path.join(folder, 'trust-policy.json'), 'utf8')).Statement;
  const subjects = trust.flatMap((s) => [].concat(((s.Condition || {}).StringLike || {})['token.actions.githubusercontent.com:sub'] || [],
    ((s.Condition || {}).StringEquals || {})['token.actions.githubusercontent.com:sub'] || []));
  report.check(subjects.length > 0 && subjects.every((s) => /^repo:OWNER\/REPO:ref:refs\/(heads\/main|tags\/v\*)$/.test(s)),
    'the GitHub trust policy admits this repository\'s main branch and release tags only', subjects.join(', '));
  report.check(trust.every((s) => s.Condition.StringEquals['token.actions.githubusercontent.com:aud'] === 'sts.amazonaws.com'),
    'the GitHub trust policy checks the audience');

  // The fill-in command of docs/deploy.md.
  const out = path.join(work, 'iam');
  execFileSync('deploy/iam/render.sh', ['111122223333', 'eu-west-1', 'example-org/pyfun', 'pyfun', 'pyfun', out]);
  for (const file of files) {
    const text = fs.readFileSync(path.join(out, file), 'utf8');
    report.check(!/ACCOUNT_ID|REGION|OWNER|ECR_REPO|STACK_NAME/.test(text) && JSON.parse(text),
      `render.sh fills every placeholder of ${file}`);
  }
  const bad = spawnSync('deploy/iam/render.sh', ['12345', 'eu-west-1', 'a/b', 'r', 's', out]);
  report.check(bad.status === 2, 'render.sh refuses a malformed account id');
}

run(async (report) => {
  const template = load_template('deploy/template.yaml');
  report.check(template.Transform === 'AWS::Serverless-2016-10-31', 'the template is an AWS SAM template');
  const functions = Object.fromEntries(Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Serverless::Function'));
  report.check(['ApiFunction', 'VerifyFunction'].every((f) => functions[f]), 'the template has the Api and Verify functions');

  // The accepted handlers, from the real binary: a known one starts, an unknown one is refused by name.
  const stages_event = http_api_event('GET', '/stage', '/stage', null, undefined);
  const accepted = (handler) => invoke(handler, stages_event).code === 0;
  const unknown = invoke('lambda_app.no_such_handler', stages_event);
  report.check(unknown.code === 1 && unknown.answer && unknown.answer.errorType === 'Runtime.HandlerNotFound',
    'pyfun invoke refuses an unknown handler (so the handler checks can fail)', unknown.output);
  for (const old of ['stages_info', 'stage_info', 'lesson_info', 'lesson_verify'])
    report.check(accepted(`lambda_app.${old}_handler`) && accepted(old), `bootstrap accepts the old image's ${old} under both names`);

  check_functions(report, template, functions, accepted);
  check_secretless(report, template, 'VerifyFunction');
  if (functions.UrlFunction) check_secretless(report, template, 'UrlFunction');
  const api_env = JSON.stringify(functions.ApiFunction.Properties.Environment.Variables);
  report.check(/\{\{resolve:secretsmanager:/.test(api_env), 'the GitHub token and webhook secret are Secrets Manager dynamic references');
  report.check(!Object.values(template.Parameters).some((p) => p.NoEcho), 'no secret is passed as a template parameter');

  // Every PYFUN_ variable set here is one pyfun-server --help (the same settings as Lambda) names.
  const help = execFileSync(path.join(bin_dir, 'pyfun-server'), ['--help'], { encoding: 'utf8' });
  const variables = new Set();
  walk(template.Resources, (key) => { if (/^PYFUN_/.test(key)) variables.add(key); });
  for (const variable of variables) report.check(help.includes(variable), `${variable} is a setting pyfun knows`);

  const routes = check_routes(report, template, functions);
  check_documented_routes(report, routes);

  const api = template.Resources.HttpApi.Properties;
  report.check(JSON.stringify(api.CorsConfiguration.AllowOrigins) === JSON.stringify([{ Ref: 'AllowedOrigin' }]), 'CORS origin comes from a parameter');
  report.check(api.DefaultRouteSettings.ThrottlingRateLimit && api.DefaultRouteSettings.ThrottlingBurstLimit, 'the HTTP API is throttled');
  for (const p of ['LessonSource', 'CompatMode', 'AllowedOrigin', 'Architecture', 'ApiMemorySize', 'VerifyMemorySize'])
    report.check(template.Parameters[p], `parameter ${p}`);
  report.check(template.Outputs.ApiUrl, 'the API URL is an output');

  walk(template.Resources, (key, value) => {
    if (key === 'PolicyDocument' || key === 'AssumeRolePolicyDocument') check_policies(report, 'deploy/template.yaml', value);
  });
  check_iam_files(report);
  fs.rmSync(work, { recursive: true, force: true });
});
