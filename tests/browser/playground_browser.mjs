// Drives the playground page in headless Chromium (playwright-core, fresh profile) against the real
// pyfun-server started here with --watch on a copy of tests/browser/lessons. Prints "ok - ..." or
// "not ok - ..." per check, then "all checks passed" or "N check(s) failed"; exits 0 or 1.
// Usage: node playground_browser.mjs PLAYWRIGHT_CORE_DIR CHROMIUM SERVER LESSONS_DIR SCREENSHOT_DIR
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';

const [playwright_dir, chromium_path, server_path, lessons_dir, screenshot_dir] = process.argv.slice(2);
const { chromium } = createRequire(import.meta.url)(playwright_dir);

const wait_ms = 30000; // upper bound for every wait on the page: an ASan server judging in a sandbox is slow
let failures = 0;

function check(ok, what, detail) {
  console.error(`${ok ? 'ok' : 'not ok'} - ${what}${ok || detail === undefined ? '' : `: ${detail}`}`);
  if (!ok) failures += 1;
}

// Runs one named step; a thrown error (a wait that timed out) fails the step and the run goes on.
async function step(what, body) {
  try {
    await body();
  } catch (e) {
    check(false, what, e.message.split('\n')[0]);
  }
}

function start_server() {
  const server = spawn(
    server_path,
    ['--plain-http', '--listen', '127.0.0.1:0', '--lessons', `dir:${lessons_dir}`, '--watch'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const lines = readline.createInterface({ input: server.stderr });
  const banner = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('pyfun-server printed no banner within 120 s')), 120000);
    lines.on('line', (line) => {
      if (process.env.PYFUN_BROWSER_VERBOSE) console.error(`server: ${line}`);
      const match = /^pyfun-server: serving .* on (http:\/\/127\.0\.0\.1:\d+)\//.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    server.on('exit', (code) => reject(new Error(`pyfun-server exited with ${code} before serving`)));
  });
  return { server, banner };
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(screenshot_dir, `${name}.png`), fullPage: true });
}

// Tab from wherever the focus is until `selector` has it: keyboard only, at most `limit` presses.
async function tab_to(page, selector, limit = 40) {
  for (let i = 0; i < limit; i += 1) {
    if (await page.evaluate((s) => document.activeElement === document.querySelector(s), selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

function text_of(page, selector) {
  return page.locator(selector).textContent();
}

// Waits until `selector`'s text contains `text`.
function wait_text(page, selector, text) {
  return page.waitForFunction(
    ([s, t]) => (document.querySelector(s)?.textContent ?? '').includes(t),
    [selector, text],
    { timeout: wait_ms },
  );
}

function watch_page_errors(page, errors) {
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) errors.push(m.text());
  });
}

async function main() {
  const { server, banner } = start_server();
  let browser;
  try {
    const base = await banner;
    check(true, `pyfun-server serves ${base} with --watch`);
    browser = await chromium.launch({
      executablePath: chromium_path,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const errors = [];
    const desktop = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await desktop.newPage();
    page.setDefaultTimeout(wait_ms);
    watch_page_errors(page, errors);

    await step('the page lists the stages in index order', async () => {
      await page.goto(`${base}/play`);
      await page.waitForSelector('#stages a');
      const stages = await page.locator('#stages > li > a').allTextContents();
      check(JSON.stringify(stages) === '["Basics","Loops"]', 'the page lists the stages in index order', stages);
      await shot(page, '01-stages');
    });

    await step('a stage lists its lessons and its broken lesson with the error', async () => {
      await page.getByRole('link', { name: 'Basics' }).first().click();
      await wait_text(page, '#lesson-list', 'Hello playground');
      const lessons = await page.locator('#lesson-list a').allTextContents();
      check(lessons.length === 2 && lessons[0] === 'Hello playground', 'a stage lists its lessons', lessons);
      const broken = await text_of(page, '#stage-problems');
      check(broken.includes('basics/s3_broken.json') && broken.includes('solution'),
        'the broken lesson is listed with its error in its stage', broken);
      const all = await text_of(page, '#problem-list');
      check(all.includes('basics/s3_broken.json'), 'the broken lesson is listed in the navigation', all);
      await shot(page, '02-stage-with-broken-lesson');
    });

    await step('a lesson shows its text, image and one input per blank', async () => {
      await page.locator('#lesson-list a', { hasText: 'Hello playground' }).click();
      await wait_text(page, '#lesson-title', 'Hello playground');
      check((await text_of(page, '#lesson-author')) === 'by pyfun tests', 'the author is shown');
      check((await text_of(page, '#lesson-description')).includes('Fill in both blanks'), 'the description is shown');
      const image_width = await page.locator('#lesson-image').evaluate((img) => (img.hidden ? 0 : img.naturalWidth));
      check(image_width === 60, 'the lesson image is shown', image_width);
      const inputs = page.locator('#lesson-code input');
      check((await inputs.count()) === 2, 'one input per blank', await inputs.count());
      const code = await text_of(page, '#lesson-code');
      check(code.includes('greeting = "Hello"') && code.includes('(greeting, "'), 'the code around the blanks', code);
    });

    await step('a correct answer is accepted, with stdout and time', async () => {
      await page.locator('#lesson-code input[name=field_1]').fill('print');
      await page.locator('#lesson-code input[name=field_2]').fill('playground');
      await page.locator('#run').click();
      await page.waitForSelector('#verdict[data-verdict=accepted]');
      check((await text_of(page, '#verdict')) === 'Accepted', 'the verdict reads Accepted');
      check((await text_of(page, '#stdout')) === 'Hello playground\n', 'stdout is shown', await text_of(page, '#stdout'));
      check(/^time: \d+ ms$/.test(await text_of(page, '#time')), 'the time is shown', await text_of(page, '#time'));
      await shot(page, '03-accepted');
    });

    await step('a wrong answer says so', async () => {
      await page.locator('#lesson-code input[name=field_2]').fill('world');
      const width = await page.locator('#lesson-code input[name=field_2]').evaluate((i) => i.style.width);
      check(width === '6ch', 'an input is sized to its text', width);
      await page.locator('#run').click();
      await page.waitForSelector('#verdict[data-verdict=wrong_answer]');
      check((await text_of(page, '#verdict')) === 'Wrong answer', 'the verdict reads Wrong answer');
      check((await text_of(page, '#stdout')) === 'Hello world\n', 'the wrong stdout is shown');
      await shot(page, '04-wrong-answer');
    });

    await step('learner input survives switching lessons and back', async () => {
      await page.getByRole('link', { name: 'Loops' }).first().click();
      await page.locator('#lesson-list a', { hasText: 'Count to three' }).click();
      await wait_text(page, '#lesson-title', 'Count to three');
      await page.locator('#lesson-code input[name=field_1]').fill('range');
      await page.goBack();
      await page.goBack();
      await wait_text(page, '#lesson-title', 'Hello playground');
      const values = await page.locator('#lesson-code input').evaluateAll((all) => all.map((i) => i.value));
      check(JSON.stringify(values) === '["print","world"]', 'the answers are back', values);
      await page.goForward();
      await page.goForward();
      await wait_text(page, '#lesson-title', 'Count to three');
      const value = await page.locator('#lesson-code input[name=field_1]').inputValue();
      check(value === 'range', 'the other lesson kept its answer too', value);
    });

    await step('lesson text that looks like markup stays text', async () => {
      await page.goto(`${base}/play#/basics/markup`);
      await wait_text(page, '#lesson-title', 'is text');
      const title = await text_of(page, '#lesson-title');
      check(title === '<img src=x onerror="document.title=\'pwned\'"> is text', 'the title is shown verbatim', title);
      const injected = await page.locator('#lesson-view img:not(#lesson-image), #lesson-view script, #lesson-view b').count();
      check(injected === 0, 'no element was made from lesson text', injected);
      check((await page.title()) !== 'pwned', 'no lesson text ran as script');
    });

    await step('--watch: an edited lesson shows up without a restart', async () => {
      await page.goto(`${base}/play#/basics/hello`);
      await wait_text(page, '#lesson-title', 'Hello playground');
      const file = path.join(lessons_dir, 'basics', 's1_hello.json');
      const lesson = JSON.parse(readFileSync(file, 'utf8'));
      lesson.title = 'Hello, edited on disk';
      lesson.code.push('# _____');
      lesson.solution.field_3 = 'a third blank';
      writeFileSync(file, JSON.stringify(lesson, null, 2));
      await wait_text(page, '#lesson-title', 'Hello, edited on disk');
      check((await page.locator('#lesson-code input').count()) === 3, 'the edited code has its new blank');
      await shot(page, '05-watch-edited');
    });

    await step('--watch: a lesson that breaks is listed with its error', async () => {
      writeFileSync(path.join(lessons_dir, 'loops', 's1_count.json'), '{"title": "half written');
      await wait_text(page, '#problem-list', 'loops/s1_count.json');
      const listed = await text_of(page, '#problem-list');
      check(listed.includes('invalid JSON'), 'the new problem names its error', listed);
      await shot(page, '06-watch-broken');
    });

    await step('keyboard only: Tab between blanks, Enter submits', async () => {
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
      const keys = await context.newPage();
      keys.setDefaultTimeout(wait_ms);
      watch_page_errors(keys, errors);
      await keys.goto(`${base}/play#/basics/markup`);
      await wait_text(keys, '#lesson-title', 'is text');
      await tab_to(keys, '#lesson-code input[name=field_1]');
      await keys.keyboard.type('+');
      await keys.keyboard.press('Enter');
      await keys.waitForSelector('#verdict[data-verdict=accepted]');
      check((await text_of(keys, '#stdout')) === '5\n', 'Enter ran the answer', await text_of(keys, '#stdout'));
      await keys.goto(`${base}/play#/basics/hello`);
      await wait_text(keys, '#lesson-title', 'Hello, edited on disk');
      await tab_to(keys, '#lesson-code input[name=field_1]');
      await keys.keyboard.type('print');
      await keys.keyboard.press('Tab');
      const second = await keys.evaluate(() => document.activeElement?.getAttribute('name'));
      check(second === 'field_2', 'Tab moves to the next blank', second);
      await shot(keys, '07-keyboard');
      await context.close();
    });

    await step('a 390 px wide screen reads without sideways scrolling', async () => {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      const phone = await context.newPage();
      phone.setDefaultTimeout(wait_ms);
      watch_page_errors(phone, errors);
      await phone.goto(`${base}/play#/basics/markup`);
      await wait_text(phone, '#lesson-title', 'is text');
      const page_width = await phone.evaluate(() => document.documentElement.scrollWidth);
      check(page_width <= 390, 'the page fits 390 px', page_width);
      const run = await phone.locator('#run').boundingBox();
      check(run !== null && run.x >= 0 && run.x + run.width <= 390, 'the Run button is on screen', JSON.stringify(run));
      await phone.locator('#lesson-code input[name=field_1]').fill('-');
      await phone.locator('#run').tap();
      await phone.waitForSelector('#verdict[data-verdict=wrong_answer]');
      check(true, 'an answer runs on a phone-width screen');
      await shot(phone, '08-phone');
      await context.close();
    });

    check(errors.length === 0, 'no script errors and no Content-Security-Policy violations', errors.join(' | '));
  } catch (e) {
    check(false, 'the browser run', e.message.split('\n')[0]);
  } finally {
    if (browser) await browser.close();
    server.kill('SIGTERM');
  }
  console.error(failures === 0 ? 'all checks passed' : `${failures} check(s) failed`);
  process.exitCode = failures === 0 ? 0 : 1;
}

main();
