// The commands of docs/deploy.md, docs/api.md and docs/lessons.md: every ```sh block is marked "(AWS call)", "(GitHub call)"
// or "(runs in CI)", and the CI ones are run here from the source folder (build/asan, the README's build
// folder, replaced by this build folder).
// Usage: node check_docs.js BUILD_DIR
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const { run } = require('./report.js');

const build_dir = process.argv[2];
const marks = /\((AWS call|GitHub call|AWS and GitHub calls|runs in CI)\)/;

run(async (report) => {
  for (const file of ['docs/deploy.md', 'docs/api.md', 'docs/lessons.md']) {
    const text = fs.readFileSync(file, 'utf8');
    const blocks = [...text.matchAll(/```(?:sh|bash|shell|console)\n([\s\S]*?)```/g)].map((m) => m[1]);
    report.check(blocks.length > 0, `${file} has shell blocks`);
    blocks.forEach((block, i) => {
      const first = block.split('\n')[0];
      const mark = first.match(marks);
      if (!report.check(mark !== null, `${file} block ${i + 1} is marked`, first)) return;
      if (mark[1] !== 'runs in CI') return;
      const script = block.replaceAll('build/asan', build_dir);
      const result = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { encoding: 'utf8', timeout: 240000 });
      report.check(result.status === 0, `${file} block ${i + 1} runs: ${first}`,
        `exit ${result.status}: ${(result.stdout + result.stderr).slice(-600)}`);
    });
  }
});
