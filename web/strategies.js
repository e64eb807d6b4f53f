// The "Strategies" panel: the signed-in user's Lua strategies. A list (status, the current or last
// run's mode and P&L), and for the selected one: its params as a form generated from the file's
// declaration, start (sandbox, or live after a confirmation) / stop / close all, the source with
// Check and Save, and the run's log, orders and events, polled while the page is visible.
//
// Everything here is built with textContent: strategy names, log lines and error messages come
// from user scripts and are never parsed as HTML.
import { call, currentUser, onSessionChange } from './session.js';
import { sourceEditor } from './source-editor.js';

const LOG_POLL_MS = 2000;
const REFRESH_MS = 5000;
const MAX_LOG_LINES = 1000;
const CONFIRM_MS = 5000;
const SELECTED_ITEM = 'realalgo.strategy';
const LIVE_RUN = new Set(['starting', 'running', 'stopping']);

const pnlFormat = new Intl.NumberFormat('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' });
const priceFormat = new Intl.NumberFormat('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

const TEMPLATE = `-- A new strategy: name it, pick its symbols, then fill in the callbacks.
strategy = {
  name = "My strategy",
  description = "What it does, in one line.",
  symbols = { "NSE:SBIN" },
  timeframe = "1m",
  product = "MIS",
  params = {
    qty = { default = 1, min = 1, max = 1000, description = "order size (shares)" },
  },
  risk = { max_orders_per_minute = 10 },
}

function on_bar(ctx, bar)
  ctx.log("bar", bar.symbol, "close", bar.close)
end
`;

/** An element with text (never HTML), a class and attributes. */
function el(tag, { text, className, ...attributes } = {}, ...children) {
  const element = document.createElement(tag);
  if (text !== undefined && text !== null) element.textContent = String(text);
  if (className) element.className = className;
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children);
  return element;
}

const pnl = (value) => (typeof value === 'number' && Number.isFinite(value) ? pnlFormat.format(value) : '–');
const pnlClass = (value) => (typeof value === 'number' && value > 0 ? 'up' : typeof value === 'number' && value < 0 ? 'down' : '');
const clock = (stamp) => (stamp ? stamp.slice(11) || stamp : '–'); // "2026-11-21 10:15:02" (IST) → "10:15:02"
const runLabel = (run) => `#${run.id} · ${run.mode} · ${run.status} · ${run.started_at ?? ''}`;

/**
 * What a refused call says, for a person: the text, the script line and the field when the server
 * names them (strategy errors carry `line`, `field` and `error_kind` beside `message`).
 */
function problemOf(error) {
  const answer = error.answer ?? {};
  const line = Number.isInteger(answer.line) ? answer.line : null;
  let field = typeof answer.field === 'string' ? answer.field : null;
  if (!field && answer.message && typeof answer.message === 'object') field = Object.keys(answer.message)[0] ?? null;
  let text = error.message;
  if (line !== null) {
    // Lua prefixes "chunk:line:"; the line is shown on its own, so drop the prefix.
    text = text.replace(new RegExp(`^(?:\\[string "[^"]*"\\]|[^:\\n]*):${line}:\\s*`), '').replace(` (line ${line})`, '');
  }
  const kind = answer.error_kind;
  const where = line !== null ? `${kind === 'syntax' ? 'Syntax error' : 'Error'} on line ${line}` : null;
  return { text, line, field, where };
}

export function mountStrategies(panel) {
  const $ = (name) => panel.querySelector(`#strategies-${name}`);
  const newEditor = sourceEditor($('new-source'), $('new-gutter'));
  const editor = sourceEditor($('source'), $('gutter'));

  let strategies = [];
  const rows = new Map(); // strategy id → <tr>
  const latestRuns = new Map(); // strategy id → { key, run }: the current or last run, for the list
  let selectedId = Number(sessionStorage.getItem(SELECTED_ITEM)) || null;
  let detail = null; // strategy/status's data for the selected strategy
  let currentRun = null; // its current run, else its last one
  let runs = [];
  let runsKey = null;
  let viewedRunId = null; // the run whose log, orders and events are shown
  let followLatest = true; // the view moves to a new run when one starts
  let viewEpoch = 0; // bumped when the viewed run changes, so late answers for the old one are dropped
  let lastLogId = null;
  let finalFetched = false; // a finished run's activity is fetched once more, then no longer polled
  let paramsShown = null; // what the params form was built from (declaration and saved values)
  let paramsDirty = false;
  let sourceLoaded = null; // "id:version" of the source in the editor
  let sourceDirty = false;
  let acting = false;
  let refreshTimer = null;
  let logTimer = null;
  let queue = Promise.resolve();
  let disabled = false; // the server has no strategies module

  const visible = () => document.visibilityState === 'visible' && currentUser() !== null && !disabled;
  const selected = () => strategies.find((strategy) => strategy.id === selectedId) ?? null;

  function setText(node, text, kind) {
    if (node.textContent !== text) node.textContent = text;
    if (kind !== undefined) node.dataset.kind = kind;
  }

  // A refused call shown in `region` (a role=alert element): the text, and a button that shows
  // the script line in `lineEditor` when the server named one.
  function showProblem(region, error, lineEditor) {
    if (error.sessionEnded) return null;
    const problem = problemOf(error);
    const children = [el('p', { text: problem.where ? `${problem.where}: ${problem.text}` : problem.text })];
    if (problem.line !== null && lineEditor) {
      lineEditor.mark(problem.line);
      const button = el('button', { type: 'button', className: 'secondary small', text: `Show line ${problem.line}` });
      button.addEventListener('click', () => lineEditor.showLine(problem.line));
      children.push(button);
    }
    region.replaceChildren(...children);
    return problem;
  }

  function clearProblem(region, lineEditor) {
    region.replaceChildren();
    lineEditor?.clear();
  }

  // Errors of the background refresh: shown once, cleared by the next refresh that works.
  function failRefresh(error) {
    if (error.sessionEnded) return;
    // The router's own 404 (it names the path) means no strategy routes at all; a strategy that
    // is gone answers 404 too, without `path`.
    if (error.status === 404 && error.answer?.path) {
      disabled = true;
      stopPolling();
      setText($('error'), 'This server does not run the strategies module (start it with --modules all, or include strategies and broker).');
      return;
    }
    setText($('error'), `Could not refresh: ${error.message}`);
  }

  // ---- Polling ----------------------------------------------------------------------------------

  function refresh() {
    const next = queue.then(refreshOnce);
    queue = next.catch(() => {});
    return next;
  }

  async function refreshOnce() {
    if (!currentUser()) return;
    await refreshList();
    if (selectedId !== null) await refreshDetail();
    setText($('error'), '');
    $('updated').textContent = `Updated ${new Date().toLocaleTimeString('en-IN', { hourCycle: 'h23' })}`;
  }

  function schedule() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(async () => {
      if (visible()) await refresh().catch(failRefresh);
      if (currentUser() && !disabled) schedule();
    }, REFRESH_MS);
  }

  function scheduleLogs() {
    clearTimeout(logTimer);
    logTimer = setTimeout(async () => {
      if (visible()) await pollLogs().catch(failRefresh);
      if (currentUser() && !disabled) scheduleLogs();
    }, LOG_POLL_MS);
  }

  function stopPolling() {
    clearTimeout(refreshTimer);
    clearTimeout(logTimer);
  }

  document.addEventListener('visibilitychange', () => {
    if (visible()) refresh().then(pollLogs).catch(failRefresh);
  });

  // ---- The list -----------------------------------------------------------------------------------

  async function refreshList() {
    const { data } = await call('POST', 'strategy/list', {});
    strategies = data;
    // The current or last run of each: fetched again only while it runs or when the strategy changed.
    await Promise.all(strategies.map(async (strategy) => {
      const key = `${strategy.status}|${strategy.current_run_id}|${strategy.updated_at}`;
      const known = latestRuns.get(strategy.id);
      if (known && known.key === key && strategy.status !== 'running') return;
      const { data: last } = await call('POST', 'strategy/runs', { strategy_id: strategy.id, limit: 1 });
      latestRuns.set(strategy.id, { key, run: last[0] ?? null });
    }));
    if (selectedId !== null && !selected()) select(null);
    renderList();
  }

  function renderList() {
    const ids = new Set(strategies.map((strategy) => strategy.id));
    for (const [id, row] of rows) {
      if (!ids.has(id)) {
        row.remove();
        rows.delete(id);
        latestRuns.delete(id);
      }
    }
    const body = $('rows');
    strategies.forEach((strategy, index) => {
      let row = rows.get(strategy.id);
      if (!row) {
        row = makeRow(strategy.id);
        rows.set(strategy.id, row);
      }
      if (body.children[index] !== row) body.insertBefore(row, body.children[index] ?? null);
      fillRow(row, strategy, latestRuns.get(strategy.id)?.run ?? null);
    });
    $('empty').hidden = strategies.length > 0;
    $('table').closest('.table-scroll').hidden = strategies.length === 0;
  }

  // Rows are kept and updated in place, so a focused name button keeps its focus across refreshes.
  function makeRow(id) {
    const row = el('tr', { 'data-id': id });
    const name = el('button', { type: 'button', className: 'link', id: `strategies-open-${id}` });
    name.addEventListener('click', () => select(id, { focus: true }));
    row.append(el('th', { scope: 'row', 'data-label': 'Name' }, name));
    for (const label of ['Status', 'Mode', 'Symbols', 'Timeframe', 'Realized P&L']) {
      row.append(el('td', { 'data-label': label, className: label === 'Realized P&L' ? 'number' : '' }));
    }
    return row;
  }

  function fillRow(row, strategy, run) {
    const [nameCell, statusCell, modeCell, symbolsCell, timeframeCell, pnlCell] = row.children;
    const name = nameCell.firstChild;
    setText(name, strategy.name);
    name.setAttribute('aria-current', strategy.id === selectedId ? 'true' : 'false');
    row.classList.toggle('selected', strategy.id === selectedId);
    const badge = statusCell.firstChild ?? statusCell.appendChild(el('span'));
    setText(badge, strategy.status);
    badge.className = `badge ${strategy.status}`;
    setText(modeCell, run ? run.mode : '–');
    setText(symbolsCell, strategy.symbols.join(', ') || '–');
    setText(timeframeCell, strategy.timeframe ?? 'ticks');
    setText(pnlCell, run ? pnl(run.pnl_realized) : '–');
    pnlCell.className = `number ${run ? pnlClass(run.pnl_realized) : ''}`;
    pnlCell.title = run ? `Realized P&L of run #${run.id} (${run.status})` : 'Never run';
  }

  // ---- The selected strategy ----------------------------------------------------------------------

  function select(id, { focus = false } = {}) {
    if (id === selectedId && detail) return;
    selectedId = id;
    if (id === null) sessionStorage.removeItem(SELECTED_ITEM);
    else sessionStorage.setItem(SELECTED_ITEM, String(id));
    detail = null;
    currentRun = null;
    runs = [];
    runsKey = null;
    paramsShown = null;
    paramsDirty = false;
    sourceLoaded = null;
    sourceDirty = false;
    followLatest = true;
    hideLiveConfirm();
    for (const region of ['run-problem', 'params-problem', 'source-problem']) clearProblem($(region));
    delete $('run-problem').dataset.fromAction;
    for (const state of ['action-state', 'params-state', 'source-state']) setText($(state), '');
    editor.clear();
    viewRun(null);
    $('detail').hidden = id === null;
    for (const strategy of strategies) {
      const row = rows.get(strategy.id);
      if (row) fillRow(row, strategy, latestRuns.get(strategy.id)?.run ?? null);
    }
    if (id !== null) {
      refresh().then(() => {
        pollLogs();
        if (focus) $('name').focus();
      }).catch(failRefresh);
    }
  }

  async function refreshDetail() {
    const id = selectedId;
    const answer = await call('POST', 'strategy/status', { strategy_id: id });
    if (id !== selectedId) return;
    detail = answer.data;
    const key = `${detail.status}|${detail.current_run_id}|${detail.updated_at}`;
    if (key !== runsKey) {
      const { data } = await call('POST', 'strategy/runs', { strategy_id: id, limit: 20 });
      if (id !== selectedId) return;
      runs = data;
      runsKey = key;
    }
    currentRun = answer.run ?? runs[0] ?? null;
    if (answer.run) runs = runs.map((run) => (run.id === answer.run.id ? answer.run : run));
    renderDetail();
    const latest = currentRun?.id ?? null;
    if (followLatest && latest !== viewedRunId) viewRun(latest);
    renderRunSelect();
    await loadSource();
    await refreshActivity();
  }

  function renderDetail() {
    const strategy = detail;
    $('name').textContent = strategy.name;
    $('name').tabIndex = -1;
    $('status').textContent = strategy.status;
    $('status').className = `badge ${strategy.status}`;
    $('description').textContent = strategy.description || '';
    $('symbols').textContent = strategy.symbols.join(', ') || '–';
    $('timeframe').textContent = strategy.timeframe ?? 'ticks only';
    const run = currentRun;
    $('run-id').textContent = run ? `#${run.id} (${run.status})` : 'never run';
    $('run-mode').textContent = run ? run.mode : '–';
    $('run-started').textContent = run?.started_at ? `${run.started_at} IST` : '–';
    $('run-ended').textContent = run?.stopped_at ? `${run.stopped_at} IST${run.stop_reason ? ` (${run.stop_reason})` : ''}` : '–';
    $('run-orders').textContent = run ? `${run.orders} orders, ${run.trades} trades` : '–';
    $('run-pnl').textContent = run ? pnl(run.pnl_realized) : '–';
    $('run-pnl').className = run ? pnlClass(run.pnl_realized) : '';
    if (run?.status === 'failed' && run.error_message && !$('run-problem').dataset.fromAction) {
      const where = run.error_line ? ` on line ${run.error_line}` : '';
      setText($('run-problem'), `Run #${run.id} failed${where}: ${run.error_message}`);
    } else if (!$('run-problem').dataset.fromAction) {
      setText($('run-problem'), '');
    }
    $('live-enabled').checked = strategy.live_enabled;
    renderControls();
    renderParams();
  }

  function renderControls() {
    const running = detail?.status === 'running';
    const runnable = detail !== null && detail.declaration !== undefined;
    $('start-sandbox').disabled = acting || running || !runnable;
    $('start-live').disabled = acting || running || !runnable || !detail?.live_enabled;
    $('stop').disabled = acting || !running;
    $('close-all').disabled = acting || !running;
    $('live-enabled').disabled = acting || detail === null;
    const stale = running && currentRun && currentRun.source_version !== detail.source_version;
    $('reload').hidden = !stale;
    $('reload').disabled = acting;
    setText($('live-note'), detail?.live_enabled
      ? 'Live runs are allowed: Start live sends real orders through your broker account (after a confirmation).'
      : 'Live runs send real orders through your broker account; they are off until you allow them.');
    if (!running) disarm($('close-all'));
  }

  // Runs `work` with the run controls and the buttons of `region`'s form disabled; failures land
  // in `region`.
  async function act(region, work, lineEditor) {
    acting = true;
    renderControls();
    const buttons = [...(region.closest('form')?.querySelectorAll('button:not(:disabled)') ?? [])];
    for (const button of buttons) button.disabled = true;
    clearProblem(region, lineEditor);
    delete region.dataset.fromAction;
    try {
      await work();
    } catch (error) {
      if (showProblem(region, error, lineEditor)) region.dataset.fromAction = 'true';
    } finally {
      acting = false;
      for (const button of buttons) button.disabled = false;
      renderControls();
    }
  }

  // ---- Run controls -------------------------------------------------------------------------------

  async function start(mode) {
    const id = selectedId;
    await act($('run-problem'), async () => {
      setText($('action-state'), `Starting ${mode} run…`);
      try {
        const answer = await call('POST', 'strategy/start', { strategy_id: id, mode });
        followLatest = true;
        const unsaved = paramsDirty ? ' It runs with the saved params: your unsaved changes are not used.' : '';
        setText($('action-state'), `Started run #${answer.run_id} (${mode}).${unsaved}`);
      } catch (error) {
        setText($('action-state'), '');
        throw error;
      } finally {
        await refresh().catch(failRefresh);
      }
    }, editor);
  }

  $('start-sandbox').addEventListener('click', () => start('sandbox'));

  $('start-live').addEventListener('click', () => {
    if (!detail?.live_enabled) return;
    // The run takes the saved params, so those are the ones to confirm.
    const params = (detail.declaration?.params ?? []).map((spec) => `${spec.name} = ${detail.params?.[spec.name] ?? spec.default}`).join(', ');
    const unsaved = paramsDirty ? ' Your unsaved param changes are not used.' : '';
    $('live-question').textContent = `Start “${detail.name}” live? It sends real orders for ${detail.symbols.join(', ') || 'its symbols'}`
      + ` through your broker account${params ? `, with ${params}` : ''}.${unsaved}`;
    $('live-confirm').hidden = false;
    $('live-cancel').focus();
  });

  function hideLiveConfirm() {
    $('live-confirm').hidden = true;
  }

  $('live-cancel').addEventListener('click', () => {
    hideLiveConfirm();
    $('start-live').focus();
  });

  $('live-go').addEventListener('click', () => {
    hideLiveConfirm();
    start('live');
  });

  $('stop').addEventListener('click', () => {
    const id = selectedId;
    act($('run-problem'), async () => {
      setText($('action-state'), 'Stopping…');
      try {
        const answer = await call('POST', 'strategy/stop', { strategy_id: id });
        setText($('action-state'), `Stopped run #${answer.run_id ?? '–'} (${answer.run_status}).`);
      } catch (error) {
        setText($('action-state'), '');
        throw error;
      } finally {
        await refresh().catch(failRefresh);
      }
    });
  });

  // Two clicks: the first arms the button, the second (within CONFIRM_MS) closes every position.
  let disarmTimer = null;
  function disarm(button) {
    clearTimeout(disarmTimer);
    if (button.dataset.armed !== 'true') return;
    button.dataset.armed = 'false';
    button.textContent = 'Close all';
    button.className = 'secondary';
  }

  $('close-all').addEventListener('click', () => {
    const button = $('close-all');
    if (button.dataset.armed !== 'true') {
      button.dataset.armed = 'true';
      button.textContent = 'Confirm close all';
      button.className = 'danger';
      setText($('action-state'), 'Click Confirm close all within 5 seconds to exit every position of this run.');
      disarmTimer = setTimeout(() => disarm(button), CONFIRM_MS);
      return;
    }
    disarm(button);
    const id = selectedId;
    act($('run-problem'), async () => {
      await call('POST', 'strategy/close_all', { strategy_id: id });
      setText($('action-state'), 'Closing every position: the exits show under Orders.');
      await refresh().catch(failRefresh);
    });
  });

  $('reload').addEventListener('click', () => {
    const id = selectedId;
    act($('run-problem'), async () => {
      const answer = await call('POST', 'strategy/reload', { strategy_id: id });
      followLatest = true;
      setText($('action-state'), `Restarted as run #${answer.run_id} on the saved source.`);
      await refresh().catch(failRefresh);
    }, editor);
  });

  $('live-enabled').addEventListener('change', () => {
    const box = $('live-enabled');
    const enabled = box.checked;
    const id = selectedId;
    act($('run-problem'), async () => {
      try {
        await call('POST', 'strategy/live', { strategy_id: id, enabled });
        detail.live_enabled = enabled;
        setText($('action-state'), enabled ? 'Live runs allowed for this strategy.' : 'Live runs turned off for this strategy.');
      } catch (error) {
        box.checked = !enabled;
        throw error;
      }
    });
  });

  // ---- Params -------------------------------------------------------------------------------------

  function paramInput(spec, value) {
    const id = `strategies-param-${spec.name}`;
    const errorId = `${id}-error`;
    const hintId = `${id}-hint`;
    const describedBy = `${hintId} ${errorId}`;
    let input;
    if (spec.type === 'boolean') {
      input = el('input', { id, type: 'checkbox', name: spec.name, 'aria-describedby': describedBy });
      input.checked = value === true;
    } else if (spec.type === 'string' && Array.isArray(spec.choices)) {
      input = el('select', { id, name: spec.name, 'aria-describedby': describedBy },
        ...spec.choices.map((choice) => el('option', { text: choice, value: choice })));
      input.value = String(value);
    } else if (spec.type === 'string') {
      input = el('input', { id, type: 'text', name: spec.name, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': describedBy });
      input.value = String(value ?? '');
    } else {
      input = el('input', {
        id, type: 'number', name: spec.name, step: spec.type === 'integer' ? '1' : 'any', min: spec.min, max: spec.max,
        inputmode: spec.type === 'integer' ? 'numeric' : 'decimal', 'aria-describedby': describedBy,
      });
      input.value = String(value ?? '');
    }
    input.dataset.type = spec.type;
    const bounds = spec.type === 'integer' || spec.type === 'number'
      ? [spec.min !== null ? `min ${spec.min}` : null, spec.max !== null ? `max ${spec.max}` : null].filter(Boolean).join(', ')
      : '';
    const hint = [spec.description, `${spec.type}${bounds ? ` (${bounds})` : ''}, default ${spec.default}`].filter(Boolean).join(' · ');
    const label = el('label', { for: id, text: spec.name });
    const field = el('div', { className: spec.type === 'boolean' ? 'field param check' : 'field param' });
    if (spec.type === 'boolean') field.append(el('div', { className: 'check-row' }, input, label));
    else field.append(label, input);
    field.append(el('p', { id: hintId, className: 'note', text: hint }), el('p', { id: errorId, className: 'field-error' }));
    return field;
  }

  function renderParams() {
    const specs = detail.declaration?.params ?? [];
    const shape = JSON.stringify([detail.id, specs, detail.params]);
    if (shape === paramsShown || (paramsDirty && paramsShown !== null && JSON.parse(paramsShown)[0] === detail.id)) return;
    paramsShown = shape;
    paramsDirty = false;
    $('param-fields').replaceChildren(...specs.map((spec) => paramInput(spec, detail.params?.[spec.name] ?? spec.default)));
    $('params-none').hidden = specs.length > 0;
    $('params-save').disabled = specs.length === 0;
    $('params-reset').disabled = specs.length === 0;
  }

  // The form's values as JSON: numbers when they parse, else the text as typed (the server names
  // the field it refuses; the form has `novalidate` so the server is the one judge).
  function collectParams() {
    const values = {};
    for (const input of $('param-fields').querySelectorAll('input, select')) {
      const { type } = input.dataset;
      if (type === 'boolean') values[input.name] = input.checked;
      else if (type === 'integer' || type === 'number') {
        const text = input.value.trim();
        const number = Number(text);
        values[input.name] = text !== '' && Number.isFinite(number) ? number : text;
      } else values[input.name] = input.value;
    }
    return values;
  }

  function clearFieldErrors() {
    for (const input of $('param-fields').querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
    for (const error of $('param-fields').querySelectorAll('.field-error')) error.textContent = '';
  }

  $('params').addEventListener('input', () => {
    paramsDirty = true;
    setText($('params-state'), 'Unsaved changes.');
  });

  $('params-reset').addEventListener('click', () => {
    for (const spec of detail?.declaration?.params ?? []) {
      const input = $(`param-${spec.name}`);
      if (!input) continue;
      if (spec.type === 'boolean') input.checked = spec.default === true;
      else input.value = String(spec.default);
    }
    paramsDirty = true;
    setText($('params-state'), 'Defaults filled in: Save params to keep them.');
  });

  $('params').addEventListener('submit', (event) => {
    event.preventDefault();
    const id = selectedId;
    const params = collectParams();
    clearFieldErrors();
    act($('params-problem'), async () => {
      setText($('params-state'), 'Saving…');
      try {
        const { data } = await call('POST', 'strategy/update', { strategy_id: id, params });
        paramsDirty = false;
        paramsShown = null;
        if (id === selectedId) {
          detail = { ...detail, ...data };
          renderParams();
        }
        const running = detail?.status === 'running';
        setText($('params-state'), running ? 'Saved. The running run keeps its params until it is restarted.' : 'Saved.');
      } catch (error) {
        setText($('params-state'), '');
        const problem = problemOf(error);
        const name = problem.field?.startsWith('params.') ? problem.field.slice('params.'.length) : null;
        const input = name ? $(`param-${name}`) : null;
        if (input) {
          input.setAttribute('aria-invalid', 'true');
          $(`param-${name}-error`).textContent = problem.text.replace(`${problem.field}: `, '');
          input.focus();
        }
        throw error;
      }
    });
  });

  // ---- Source -------------------------------------------------------------------------------------

  async function loadSource() {
    const key = `${detail.id}:${detail.source_version}`;
    if (key === sourceLoaded) return;
    if (sourceDirty) {
      setText($('source-state'), `The saved source changed (now version ${detail.source_version}) while you were editing; saving replaces it.`);
      return;
    }
    const id = detail.id;
    const { data } = await call('POST', 'strategy/versions', { strategy_id: id, include_source: true });
    if (id !== selectedId || sourceDirty) return;
    const version = data.find((entry) => entry.version === detail.source_version) ?? data[0];
    $('source').value = version?.source ?? '';
    editor.refresh();
    sourceLoaded = key;
    $('source-version').textContent = version ? `(version ${version.version}, ${version.origin})` : '(none saved)';
  }

  $('source').addEventListener('input', () => {
    sourceDirty = true;
    editor.clear();
    setText($('source-state'), 'Unsaved changes.');
  });

  function describeDeclaration(declaration) {
    const parts = [`declares “${declaration.name}”`, `symbols ${declaration.symbols.join(', ') || 'none'}`,
      declaration.timeframe ? `timeframe ${declaration.timeframe}` : 'ticks only',
      `${declaration.params.length} param${declaration.params.length === 1 ? '' : 's'}`,
      `callbacks ${declaration.callbacks.join(', ') || 'none'}`];
    return parts.join('; ');
  }

  $('source-check').addEventListener('click', () => {
    act($('source-problem'), async () => {
      setText($('source-state'), 'Checking…');
      try {
        const { declaration } = await call('POST', 'strategy/check', { source: $('source').value, name: `${detail?.name ?? 'check'}.lua` });
        const renamed = detail && declaration.name !== detail.name ? ` It must keep the name “${detail.name}” to be saved here.` : '';
        setText($('source-state'), `Compiles: ${describeDeclaration(declaration)}.${renamed}`);
      } catch (error) {
        setText($('source-state'), '');
        throw error;
      }
    }, editor);
  });

  $('edit').addEventListener('submit', (event) => {
    event.preventDefault();
    const id = selectedId;
    act($('source-problem'), async () => {
      setText($('source-state'), 'Saving…');
      try {
        const { data } = await call('POST', 'strategy/update', { strategy_id: id, source: $('source').value });
        sourceDirty = false;
        sourceLoaded = `${data.id}:${data.source_version}`;
        $('source-version').textContent = `(version ${data.source_version}, api)`;
        const running = detail?.status === 'running';
        setText($('source-state'), `Saved as version ${data.source_version}.${running ? ' The running run keeps its version until it is restarted.' : ''}`);
        paramsShown = null;
        await refresh().catch(failRefresh);
      } catch (error) {
        setText($('source-state'), '');
        throw error;
      }
    }, editor);
  });

  // ---- New strategy -------------------------------------------------------------------------------

  function openNew(open) {
    $('new').hidden = !open;
    $('new-button').setAttribute('aria-expanded', String(open));
    if (open) {
      $('new-source').focus();
    } else {
      clearProblem($('new-problem'), newEditor);
      setText($('new-state'), '');
      $('new-button').focus();
    }
  }

  $('new-button').addEventListener('click', () => openNew($('new').hidden));
  $('new-cancel').addEventListener('click', () => openNew(false));
  $('new-source').addEventListener('input', () => newEditor.clear());

  $('new-check').addEventListener('click', () => {
    act($('new-problem'), async () => {
      setText($('new-state'), 'Checking…');
      try {
        const { declaration } = await call('POST', 'strategy/check', { source: $('new-source').value, name: 'new.lua' });
        setText($('new-state'), `Compiles: ${describeDeclaration(declaration)}.`);
      } catch (error) {
        setText($('new-state'), '');
        throw error;
      }
    }, newEditor);
  });

  $('new').addEventListener('submit', (event) => {
    event.preventDefault();
    act($('new-problem'), async () => {
      setText($('new-state'), 'Creating…');
      try {
        const { data } = await call('POST', 'strategy/create', { source: $('new-source').value });
        $('new-source').value = '';
        newEditor.refresh();
        openNew(false);
        await refresh().catch(failRefresh);
        select(data.id, { focus: true });
        setText($('action-state'), `Created “${data.name}”. Check its params, then start it in the sandbox.`);
      } catch (error) {
        setText($('new-state'), '');
        throw error;
      }
    }, newEditor);
  });

  // An empty editor starts from a template, selected so that a paste replaces it.
  $('new-button').addEventListener('click', () => {
    if (!$('new').hidden && $('new-source').value === '') {
      $('new-source').value = TEMPLATE;
      newEditor.refresh();
      $('new-source').select();
    }
  });

  // ---- Run activity: log, orders, events ----------------------------------------------------------

  function renderRunSelect() {
    const picker = $('run-select');
    const options = runs.map((run) => el('option', { value: run.id, text: runLabel(run) }));
    if (!options.length) options.push(el('option', { value: '', text: 'No runs yet' }));
    const same = picker.options.length === options.length
      && [...picker.options].every((option, index) => option.value === options[index].value && option.text === options[index].textContent);
    if (!same) picker.replaceChildren(...options);
    picker.value = viewedRunId === null ? '' : String(viewedRunId);
    picker.disabled = runs.length === 0;
  }

  $('run-select').addEventListener('change', () => {
    const id = Number($('run-select').value) || null;
    followLatest = id === (runs[0]?.id ?? null);
    viewRun(id);
    refreshActivity().then(pollLogs).catch(failRefresh);
  });

  function viewRun(runId) {
    if (runId === viewedRunId && runId !== null) return;
    viewedRunId = runId;
    viewEpoch += 1;
    lastLogId = null;
    finalFetched = false;
    $('logs').replaceChildren();
    $('order-rows').replaceChildren();
    $('event-rows').replaceChildren();
    showEmpty();
  }

  const viewedRun = () => runs.find((run) => run.id === viewedRunId) ?? null;
  const viewedIsLive = () => LIVE_RUN.has(viewedRun()?.status);

  function showEmpty() {
    const logCount = $('logs').childElementCount;
    $('logs').hidden = logCount === 0;
    $('logs-empty').hidden = logCount > 0;
    for (const [rowsName, emptyName] of [['order-rows', 'orders-empty'], ['event-rows', 'events-empty']]) {
      const empty = $(rowsName).childElementCount === 0;
      $(rowsName).closest('.table-scroll').hidden = empty;
      $(emptyName).hidden = !empty;
    }
  }

  // Orders and events: every refresh while the viewed run is live, then once more after it ends.
  async function refreshActivity() {
    if (viewedRunId === null || selectedId === null) return;
    if (!viewedIsLive() && finalFetched) return;
    const epoch = viewEpoch;
    const scope = { strategy_id: selectedId, run_id: viewedRunId };
    const [orders, events] = await Promise.all([
      call('POST', 'strategy/orders', scope), call('POST', 'strategy/events', { ...scope, limit: 200 }),
    ]);
    if (epoch !== viewEpoch) return;
    renderOrders(orders.data);
    renderEvents(events.data);
    if (!viewedIsLive()) {
      await pollLogs();
      finalFetched = true;
    }
  }

  function renderOrders(orders) {
    $('order-rows').replaceChildren(...orders.slice().reverse().map((order) => {
      const price = order.avg_fill_price > 0 ? priceFormat.format(order.avg_fill_price) : '–';
      const limit = order.pricetype === 'MARKET' ? 'market' : priceFormat.format(order.price);
      const status = order.reject_reason ? `${order.status}: ${order.reject_reason}` : order.status;
      return el('tr', { className: order.action === 'BUY' ? 'buy' : 'sell' },
        el('td', { text: clock(order.placed_at), title: order.placed_at ? `${order.placed_at} IST` : null }),
        el('td', { text: `${order.exchange}:${order.symbol}` }), el('td', { text: order.action }),
        el('td', { className: 'number', text: order.qty }), el('td', { text: `${order.pricetype} ${order.product}` }),
        el('td', { className: 'number', text: limit }), el('td', { text: status, className: `status ${order.status}` }),
        el('td', { className: 'number', text: order.filled_qty }), el('td', { className: 'number', text: price }),
        el('td', { className: 'mono', text: order.orderid }));
    }));
    showEmpty();
  }

  function renderEvents(events) {
    $('event-rows').replaceChildren(...events.map((event) => el('tr', { 'data-severity': event.severity },
      el('td', { text: clock(event.ts), title: event.ts ? `${event.ts} IST` : null }), el('td', { text: event.kind.replaceAll('_', ' ') }),
      el('td', { text: event.severity }), el('td', { className: 'message', text: event.message }))));
    showEmpty();
  }

  // New log lines after the last one shown (the last 500 of the run the first time). Polls run one
  // after another, so two never fetch from the same `after_id`.
  let logQueue = Promise.resolve();
  function pollLogs() {
    const next = logQueue.then(pollLogsOnce);
    logQueue = next.catch(() => {});
    return next;
  }

  async function pollLogsOnce() {
    if (viewedRunId === null || selectedId === null) return;
    if (!viewedIsLive() && finalFetched) return;
    const epoch = viewEpoch;
    const body = { strategy_id: selectedId, run_id: viewedRunId, limit: 500 };
    if (lastLogId !== null) body.after_id = lastLogId;
    const { data } = await call('POST', 'strategy/logs', body);
    if (epoch !== viewEpoch || !data.length) {
      if (epoch === viewEpoch && lastLogId === null) lastLogId = 0;
      return;
    }
    const fresh = lastLogId === null ? data : data.filter((line) => line.id > lastLogId);
    lastLogId = data[data.length - 1].id;
    appendLogs(fresh);
  }

  function appendLogs(lines) {
    const log = $('logs');
    const atBottom = log.hidden || log.scrollHeight - log.scrollTop - log.clientHeight < 8;
    log.append(...lines.map((line) => el('div', { className: `log-line ${line.level}`, 'data-id': line.id },
      el('time', { text: clock(line.ts), title: line.ts ? `${line.ts} IST` : null }),
      el('span', { className: 'level', text: line.level }),
      el('span', { className: 'line', text: line.line ? `L${line.line}` : '' }),
      el('span', { className: 'message', text: line.message }))));
    while (log.childElementCount > MAX_LOG_LINES) log.firstElementChild.remove();
    showEmpty();
    if (atBottom) log.scrollTop = log.scrollHeight;
  }

  // ---- Session ------------------------------------------------------------------------------------

  onSessionChange(({ user }) => {
    $('account').hidden = user === null;
    $('signed-out').hidden = user !== null;
    if (user) {
      disabled = false;
      refresh().then(() => {
        if (selectedId !== null && selected()) {
          $('detail').hidden = false;
          return pollLogs();
        }
        return undefined;
      }).catch(failRefresh);
      schedule();
      scheduleLogs();
    } else {
      stopPolling();
      strategies = [];
      latestRuns.clear();
      for (const row of rows.values()) row.remove();
      rows.clear();
      detail = null;
      viewRun(null);
      $('detail').hidden = true;
      openNew(false);
      setText($('error'), '');
    }
  });
}
