// TAP-like lines for the Catch2 wrapper (tests/deploy/deploy_check.cpp): "ok - ...", "not ok - ...", and a
// closing "all checks passed" or "N check(s) failed" that also sets the exit code.
'use strict';

class Report {
  constructor() { this.failures = 0; }
  check(condition, what, detail) {
    if (condition) {
      console.log(`ok - ${what}`);
    } else {
      this.failures += 1;
      console.log(`not ok - ${what}${detail === undefined ? '' : `: ${detail}`}`);
    }
    return condition;
  }
  finish() {
    console.log(this.failures === 0 ? 'all checks passed' : `${this.failures} check(s) failed`);
    process.exitCode = this.failures === 0 ? 0 : 1;
  }
}

// Runs an async main and turns an exception into a failed check, so the summary line is always printed.
function run(main) {
  const report = new Report();
  main(report).catch((error) => report.check(false, 'the check script ran to its end', error.stack))
    .finally(() => report.finish());
}

module.exports = { run };
