// The playground: lists stages and lessons, shows a lesson with an input in place of each blank, runs the
// answer through the public lesson API and shows the verdict. Lesson content is untrusted: it only ever
// reaches the page as text (textContent, input values, attribute values), never as markup.
'use strict';

const blank_marker = '_____';
const answers_key = 'pyfun-play-answers';
const poll_ms = 1000;

const verdict_text = {
  accepted: 'Accepted',
  wrong_answer: 'Wrong answer',
  runtime_error: 'Runtime error',
  time_limit: 'Time limit exceeded',
  wall_limit: 'Wall-clock limit exceeded',
  memory_limit: 'Memory limit exceeded',
  output_limit: 'Output limit exceeded',
};

const $ = (id) => document.getElementById(id);

function element(tag, text, class_name) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (class_name) node.className = class_name;
  return node;
}

// --- learner input, kept per lesson for the whole browser tab -------------------------------------------

function load_answers() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(answers_key) || '{}');
    return saved && typeof saved === 'object' ? saved : {};
  } catch (e) {
    return {};
  }
}

const answers = load_answers();

function save_answer(lesson_key, index, value) {
  const values = Array.isArray(answers[lesson_key]) ? answers[lesson_key] : [];
  values[index] = value;
  answers[lesson_key] = values;
  try {
    sessionStorage.setItem(answers_key, JSON.stringify(answers));
  } catch (e) {
    // Storage full or disabled: the answers stay in memory for this page.
  }
}

function saved_answer(lesson_key, index) {
  const values = answers[lesson_key];
  return Array.isArray(values) && typeof values[index] === 'string' ? values[index] : '';
}

// --- the API -----------------------------------------------------------------------------------------------

function decode_base64_utf8(text) {
  const bytes = Uint8Array.from(atob(text.trim()), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

// The parsed answer; throws an Error carrying the API's message. Servers in the pyfun-v2 compatibility
// mode send every body as base64 text of the JSON, which is recognised by its content type.
async function call(path, init) {
  const res = await fetch(path, Object.assign({ cache: 'no-store' }, init));
  const text = await res.text();
  const type = res.headers.get('content-type') || '';
  let body;
  try {
    body = JSON.parse(type.startsWith('application/json') ? text : decode_base64_utf8(text));
  } catch (e) {
    throw new Error(`${path} answered ${res.status} without JSON`);
  }
  if (!res.ok || body.fail) {
    const error = new Error(body.error || `${path} answered ${res.status}`);
    error.status = res.status;
    throw error;
  }
  return body;
}

const api = {
  stages: () => call('/stage').then((b) => b.data),
  lessons: (stage) => call(`/stage/${encodeURIComponent(stage)}`).then((b) => b.data),
  lesson: (stage, name) => call(`/stage/${encodeURIComponent(stage)}/${encodeURIComponent(name)}`).then((b) => b.data),
  verify: (stage, name, answer) =>
    call(`/stage/${encodeURIComponent(stage)}/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ answer }),
    }).then((b) => b.data),
  problems: () => call('/play/problems'),
};

// {"name": {"index": 1, ...}} -> [{name, index, title}] ordered by index (numbers or numeric strings).
function ordered(map) {
  return Object.keys(map || {})
    .map((name) => Object.assign({ name }, map[name]))
    .sort((a, b) => Number(a.index) - Number(b.index) || a.name.localeCompare(b.name));
}

// --- state and routing -------------------------------------------------------------------------------------

const state = {
  route: { stage: null, lesson: null },
  stages: [],
  lessons: {}, // stage name -> ordered lessons
  problems: [],
  watch: false,
  shown: { stages: '', lesson: '', problems: '' }, // JSON last rendered, to re-render on change
  run: 0, // increases with every submission and navigation: late answers of older runs are dropped
};

function parse_route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter((p) => p.length > 0);
  const decode = (p) => {
    try {
      return decodeURIComponent(p);
    } catch (e) {
      return p;
    }
  };
  return { stage: parts[0] ? decode(parts[0]) : null, lesson: parts[1] ? decode(parts[1]) : null };
}

function stage_href(stage) {
  return `#/${encodeURIComponent(stage)}`;
}

function lesson_href(stage, lesson) {
  return `#/${encodeURIComponent(stage)}/${encodeURIComponent(lesson)}`;
}

function set_status(text, is_error) {
  const status = $('status');
  status.textContent = text || '';
  status.classList.toggle('error', Boolean(is_error));
}

// --- rendering ---------------------------------------------------------------------------------------------

function problems_of_stage(stage) {
  return state.problems.filter((p) => typeof p.file === 'string' && p.file.startsWith(`${stage}/`));
}

function problem_text(problem) {
  return problem.key ? `${problem.key}: ${problem.message}` : String(problem.message);
}

function problem_item(problem) {
  const item = element('li', undefined, 'broken');
  item.append(element('span', problem.file, 'problem-file'), document.createTextNode(` — ${problem_text(problem)}`));
  return item;
}

function lesson_link(stage, lesson) {
  const link = element('a', lesson.title || lesson.name);
  link.href = lesson_href(stage, lesson.name);
  if (state.route.stage === stage && state.route.lesson === lesson.name) link.setAttribute('aria-current', 'page');
  return link;
}

function render_nav() {
  const list = $('stages');
  list.replaceChildren();
  for (const stage of state.stages) {
    const item = element('li');
    const link = element('a', stage.title || stage.name);
    link.href = stage_href(stage.name);
    if (state.route.stage === stage.name && !state.route.lesson) link.setAttribute('aria-current', 'page');
    item.append(link);
    if (state.route.stage === stage.name && state.lessons[stage.name]) {
      const lessons = element('ol');
      for (const lesson of state.lessons[stage.name]) {
        const lesson_item = element('li');
        lesson_item.append(lesson_link(stage.name, lesson));
        lessons.append(lesson_item);
      }
      item.append(lessons);
    }
    list.append(item);
  }
  const problem_list = $('problem-list');
  problem_list.replaceChildren(...state.problems.map(problem_item));
  $('problems').hidden = state.problems.length === 0;
}

function render_stage_view() {
  const stage = state.stages.find((s) => s.name === state.route.stage);
  $('stage-title').textContent = stage ? stage.title || stage.name : state.route.stage;
  const list = $('lesson-list');
  list.replaceChildren();
  for (const lesson of state.lessons[state.route.stage] || []) {
    const item = element('li');
    item.append(lesson_link(state.route.stage, lesson));
    list.append(item);
  }
  $('stage-problems').replaceChildren(...problems_of_stage(state.route.stage).map(problem_item));
}

function size_input(input) {
  input.style.width = `${Math.max(blank_marker.length, input.value.length) + 1}ch`;
}

// The code with an <input> in place of each blank, numbered left to right, top to bottom (field_1..n).
function render_code(lesson, lesson_key) {
  const code = $('lesson-code');
  code.replaceChildren();
  let number = 0;
  (lesson.code || []).forEach((raw_line, line_index) => {
    const line = String(raw_line).replace(/\n$/, '');
    const pieces = line.split(blank_marker);
    pieces.forEach((piece, i) => {
      if (piece) code.append(document.createTextNode(piece));
      if (i === pieces.length - 1) return;
      const index = number++;
      const input = element('input');
      input.type = 'text';
      input.name = `field_${index + 1}`;
      input.setAttribute('aria-label', `blank ${index + 1}`);
      input.autocapitalize = 'off';
      input.spellcheck = false;
      input.setAttribute('autocorrect', 'off');
      input.value = saved_answer(lesson_key, index);
      size_input(input);
      input.addEventListener('input', () => {
        size_input(input);
        save_answer(lesson_key, index, input.value);
      });
      code.append(input);
    });
    if (line_index < lesson.code.length - 1) code.append(document.createTextNode('\n'));
  });
}

function render_lesson(lesson) {
  const lesson_key = `${state.route.stage}/${state.route.lesson}`;
  $('lesson-title').textContent = lesson.title || state.route.lesson;
  $('lesson-author').textContent = lesson.author ? `by ${lesson.author}` : '';
  $('lesson-description').replaceChildren(...(lesson.description || []).map((line) => element('p', String(line))));
  const image = $('lesson-image');
  if (typeof lesson.image === 'string' && /^(https?:|data:image\/)/i.test(lesson.image)) {
    image.src = lesson.image;
    image.hidden = false;
  } else {
    image.removeAttribute('src');
    image.hidden = true;
  }
  render_code(lesson, lesson_key);
}

function show_result(result) {
  const verdict = typeof result.verdict === 'string' ? result.verdict : result.result ? 'accepted' : 'wrong_answer';
  const shown = $('verdict');
  shown.textContent = verdict_text[verdict] || verdict.replace(/_/g, ' ');
  shown.dataset.verdict = verdict;
  $('time').textContent = typeof result.time_ms === 'number' ? `time: ${result.time_ms} ms` : '';
  $('stdout').textContent = (result.stdout || []).join('');
  $('stderr').textContent = (result.stderr || []).join('');
  $('result').hidden = false;
}

function show_run_error(message) {
  const shown = $('verdict');
  shown.textContent = message;
  shown.dataset.verdict = 'error';
  $('time').textContent = '';
  $('stdout').textContent = '';
  $('stderr').textContent = '';
  $('result').hidden = false;
}

function show_view(which) {
  $('stage-view').hidden = which !== 'stage';
  $('lesson-view').hidden = which !== 'lesson';
}

// --- loading -------------------------------------------------------------------------------------------------

async function load_problems() {
  try {
    const status = await api.problems();
    state.problems = Array.isArray(status.problems) ? status.problems : [];
    state.watch = status.watch === true;
    $('source').textContent = typeof status.lessons === 'string' ? `lessons: ${status.lessons}` : '';
  } catch (e) {
    state.problems = [];
  }
}

async function load_stages() {
  state.stages = ordered(await api.stages());
}

async function load_lessons(stage) {
  state.lessons[stage] = ordered(await api.lessons(stage));
}

// Shows what the route names. With `refresh` (the watch poll) it re-renders only what changed, so the
// learner's focus and input survive a reload of another file.
async function show_route(refresh) {
  const route = state.route;
  const run = refresh ? state.run : ++state.run;
  const current = () => run === state.run && route === state.route;
  try {
    await Promise.all([load_stages(), load_problems()]);
    if (route.stage) await load_lessons(route.stage);
    let lesson = null;
    if (route.stage && route.lesson) lesson = await api.lesson(route.stage, route.lesson);
    if (!current()) return;

    const shown = {
      stages: JSON.stringify([state.stages, state.lessons[route.stage] || null, route]),
      problems: JSON.stringify(state.problems),
      lesson: JSON.stringify(lesson),
    };
    if (!refresh || shown.stages !== state.shown.stages || shown.problems !== state.shown.problems) {
      render_nav();
      if (route.stage && !route.lesson) render_stage_view();
    }
    if (lesson && (!refresh || shown.lesson !== state.shown.lesson)) {
      render_lesson(lesson);
      if (!refresh) $('result').hidden = true;
    }
    state.shown = shown;
    set_status(route.stage ? '' : 'Pick a stage, then a lesson.');
    show_view(lesson ? 'lesson' : route.stage ? 'stage' : 'none');
  } catch (e) {
    if (!current()) return;
    state.shown = { stages: '', lesson: '', problems: '' };
    render_nav();
    show_view('none');
    set_status(e.status === 404 ? `Not found: ${e.message}` : `Could not load: ${e.message}`, true);
  }
}

async function submit(event) {
  event.preventDefault();
  const route = state.route;
  const run = ++state.run;
  const answer = {};
  for (const input of $('lesson-code').querySelectorAll('input')) answer[input.name] = input.value;
  const button = $('run');
  button.disabled = true;
  $('verdict').textContent = 'Running…';
  $('verdict').dataset.verdict = 'running';
  $('result').hidden = false;
  try {
    const result = await api.verify(route.stage, route.lesson, answer);
    if (run === state.run) show_result(result);
  } catch (e) {
    if (run === state.run) show_run_error(`Could not run: ${e.message}`);
  } finally {
    if (run === state.run) button.disabled = false;
  }
}

function navigate() {
  state.route = parse_route();
  $('run').disabled = false;
  show_route(false);
}

// With --watch the server reloads lesson files as they change; follow along without losing input.
function poll() {
  setTimeout(async () => {
    if (state.watch && !document.hidden && $('run').disabled === false) await show_route(true);
    poll();
  }, poll_ms);
}

window.addEventListener('hashchange', navigate);
document.addEventListener('DOMContentLoaded', () => {
  $('answer-form').addEventListener('submit', submit);
  navigate();
  poll();
});
