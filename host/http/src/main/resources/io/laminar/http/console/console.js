/*
 * laminar web console. Hand-written, no dependencies: it polls this server's /health, /ready,
 * /metrics and /api/v1/* once a second and renders with textContent only (never innerHTML with
 * data). Rates are computed here from counter deltas between polls. The bearer token, when the
 * server wants one, lives in sessionStorage and goes out as an Authorization header only.
 */
(function () {
  'use strict';

  var POLL_MS = 1000;
  var HISTORY_MS = 5 * 60 * 1000;
  var TOKEN_KEY = 'laminar.token';
  var SVG_NS = document.getElementById('plan-graph').namespaceURI;

  var state = {
    token: sessionStorage.getItem(TOKEN_KEY),
    authNeeded: false,
    history: {},
    selected: null,
    server: null,
    metrics: {}
  };

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    });
    return e;
  }

  function svg(tag, attrs) {
    var e = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }

  function headers() {
    var h = {};
    if (state.token) { h.Authorization = 'Bearer ' + state.token; }
    return h;
  }

  /* One request; resolves to {status, body} and marks the token as needed on a 401 under /api. */
  function request(method, path, asText) {
    return fetch(path, { method: method, headers: headers(), cache: 'no-store', credentials: 'omit' })
      .then(function (r) {
        return (asText ? r.text() : r.json().catch(function () { return null; })).then(function (body) {
          if (r.status === 401 && path.indexOf('/api/') === 0) { needToken(body && body.message); }
          return { status: r.status, body: body };
        });
      });
  }

  function needToken(message) {
    state.authNeeded = true;
    $('auth').hidden = false;
    $('auth-error').textContent = state.token ? 'The server refused the token: ' + (message || 'no reason given') : '';
  }

  /* ---- formatting ---- */
  function fmtRate(v) { return v == null || !isFinite(v) ? '–' : (v >= 100 ? Math.round(v).toString() : v.toFixed(1)); }
  function fmtInt(v) { return v == null ? '–' : Number(v).toLocaleString('en'); }
  function fmtDuration(ms) {
    if (ms == null || !isFinite(ms)) { return '–'; }
    var neg = ms < 0; ms = Math.abs(ms);
    var s = Math.floor(ms / 1000), d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60;
    var out = d ? d + 'd ' + h + 'h' : h ? h + 'h ' + m + 'm' : m ? m + 'm ' + (s % 60) + 's' : ms < 1000 ? Math.round(ms) + ' ms' : (ms / 1000).toFixed(1) + ' s';
    return neg ? '-' + out : out;
  }
  function fmtMetric(v) { return Number.isInteger(v) ? v.toLocaleString('en') : v.toFixed(3); }
  function fmtBytes(b) {
    if (b == null || !isFinite(b)) { return '–'; }
    var u = ['B', 'KiB', 'MiB', 'GiB'], i = 0;
    while (b >= 1024 && i < u.length - 1) { b /= 1024; i++; }
    return (i ? b.toFixed(1) : b) + ' ' + u[i];
  }

  /* ---- Prometheus text: name{labels} value -> metrics[name] = [{labels, value}] ---- */
  function parseMetrics(text) {
    var out = {};
    text.split('\n').forEach(function (line) {
      if (!line || line.charAt(0) === '#') { return; }
      var m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
      if (!m) { return; }
      var labels = {};
      (m[3] || '').replace(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g, function (_, k, v) { labels[k] = v; return ''; });
      (out[m[1]] = out[m[1]] || []).push({ labels: labels, value: parseFloat(m[4]) });
    });
    return out;
  }
  function metric(name, labels) {
    var list = state.metrics[name] || [];
    for (var i = 0; i < list.length; i++) {
      var ok = Object.keys(labels || {}).every(function (k) { return list[i].labels[k] === labels[k]; });
      if (ok) { return list[i].value; }
    }
    return null;
  }

  /* ---- overview ---- */
  function renderHealth(h) {
    if (!h) { return; }
    $('server-version').textContent = h.version ? 'v' + h.version : '';
    $('ov-uptime').textContent = fmtDuration(h.uptime_ms);
    $('ov-state').textContent = h.state + (h.status ? ' (' + h.status + ')' : '');
  }

  function renderReady(r) {
    var badge = $('ready-badge'), dd = clear($('ov-ready'));
    if (!r || !r.body) { badge.textContent = 'unreachable'; badge.className = 'badge bad'; return; }
    var b = r.body;
    badge.textContent = b.ready ? 'ready' : 'not ready';
    badge.className = 'badge ' + (b.ready ? 'ok' : 'bad');
    dd.appendChild(document.createTextNode(b.ready ? 'ready' : 'not ready'));
    if (!b.ready) {
      var reasons = [];
      if (b.reason) { reasons.push(String(b.reason)); }
      (b.components || []).forEach(function (c) {
        if (!/^(RUNNING|READY|UP|STARTED)$/.test(c.state)) { reasons.push(c.kind + ' ' + c.name + ' is ' + c.state); }
      });
      dd.appendChild(el('span', { 'class': 'error' }, [': ' + (reasons.join('; ') || 'the engine is not running')]));
    }
  }

  function renderServer(s) {
    if (!s) { return; }
    state.server = s;
    $('server-name').textContent = s.name;
    document.title = s.name + ' · laminar console';
    $('ov-workers').textContent = String(s.workers);
    $('checkpoint-button').disabled = !s.checkpoints_enabled;
    if (!s.checkpoints_enabled) { $('checkpoint-button').title = 'checkpointing is not configured on this server'; }
  }

  function finite(v) { return v != null && isFinite(v); }

  function renderCheckpoints() {
    var taken = metric('laminar_checkpoints_total'), failed = metric('laminar_checkpoint_failures_total');
    var at = metric('laminar_checkpoint_last_success_timestamp_seconds'), id = metric('laminar_checkpoint_last_id');
    var dur = metric('laminar_checkpoint_duration_milliseconds'), size = metric('laminar_checkpoint_size_bytes');
    var next = metric('laminar_checkpoint_next_due_timestamp_seconds');
    $('ov-checkpoints').textContent = taken == null ? '–' : fmtInt(taken) + ' taken, ' + fmtInt(failed || 0) + ' failed';
    var cp = $('ov-checkpoint');
    if (!finite(at)) {
      cp.textContent = 'none yet';
    } else {
      cp.textContent = (finite(id) ? '#' + id + ', ' : '')
        + fmtDuration(Date.now() - at * 1000) + ' ago, took ' + fmtDuration(dur) + ', ' + fmtBytes(size);
    }
    var interval = state.server && state.server.checkpoint_interval_ms;
    var every = interval == null ? '' : ' (every ' + fmtDuration(interval) + ')';
    $('ov-next').textContent = interval == null ? 'no periodic checkpoints'
      : metric('laminar_checkpoint_in_progress') === 1 ? 'one is being taken now' + every
        : finite(next) ? 'in ' + fmtDuration(Math.max(0, next * 1000 - Date.now())) + every
          : 'none scheduled' + every;
  }

  /* ---- pipelines ---- */
  function record(p, now) {
    var h = state.history[p.name] = state.history[p.name] || { samples: [], rates: [] };
    var last = h.samples[h.samples.length - 1];
    h.samples.push({ t: now, rowsIn: p.rows_in, rowsOut: p.rows_out });
    if (last && now > last.t) {
      var dt = (now - last.t) / 1000;
      h.rates.push({ t: now, rowsIn: Math.max(0, (p.rows_in - last.rowsIn) / dt), rowsOut: Math.max(0, (p.rows_out - last.rowsOut) / dt) });
    }
    while (h.samples.length > 2) { h.samples.shift(); }
    while (h.rates.length && now - h.rates[0].t > HISTORY_MS) { h.rates.shift(); }
    return h;
  }

  function sparkline(rates) {
    var w = 160, hgt = 28, s = svg('svg', { 'class': 'spark', viewBox: '0 0 ' + w + ' ' + hgt, preserveAspectRatio: 'none' });
    if (rates.length < 2) { return s; }
    var max = Math.max.apply(null, rates.map(function (r) { return r.rowsIn; })) || 1;
    /* The x axis spans what has been seen, up to HISTORY_MS: a fresh page fills the whole width. */
    var t0 = rates[0].t, span = Math.max(1, rates[rates.length - 1].t - t0);
    var pts = rates.map(function (r) {
      return ((r.t - t0) / span * w).toFixed(1) + ',' + (hgt - 1 - r.rowsIn / max * (hgt - 2)).toFixed(1);
    });
    s.appendChild(svg('polyline', { points: pts.join(' ') }));
    s.appendChild(el('title', {}, ['max ' + fmtRate(max) + ' rows/s over the last ' + fmtDuration(Date.now() - rates[0].t)]));
    return s;
  }

  function renderPipelines(list, now) {
    var body = clear($('pipelines-body'));
    list.forEach(function (p) {
      var h = record(p, now), r = h.rates[h.rates.length - 1];
      var wm = p.watermark ? Date.parse(p.watermark) : null;
      var workers = metric('laminar_pipeline_workers', { pipeline: p.name });
      var stateCell = el('td', { 'class': 'state' }, [p.state || '–']);
      if (p.restarts) {
        stateCell.appendChild(document.createTextNode(' (' + fmtInt(p.restarts) + (p.restarts === 1 ? ' restart)' : ' restarts)')));
      }
      if (p.last_error) { stateCell.appendChild(el('div', { 'class': 'error' }, [String(p.last_error)])); }
      var row = el('tr', { 'class': 'clickable' + (state.selected === p.name ? ' selected' : ''), 'data-pipeline': p.name, title: 'show the plan' }, [
        el('td', {}, [p.name]), stateCell,
        el('td', { 'class': 'num rows-in' }, [fmtRate(r && r.rowsIn)]),
        el('td', { 'class': 'num rows-out' }, [fmtRate(r && r.rowsOut)]),
        el('td', {}, [sparkline(h.rates)]),
        el('td', { 'class': 'num' }, [fmtInt(p.late_rows_dropped)]),
        el('td', {}, [p.watermark || '–']),
        el('td', { 'class': 'num' }, [wm == null ? '–' : fmtDuration(Date.now() - wm)]),
        el('td', { 'class': 'num' }, [workers == null ? '–' : fmtInt(workers)])
      ]);
      row.addEventListener('click', function () { showPlan(p); });
      body.appendChild(row);
      if (state.selected === p.name) { $('plan-sql').textContent = p.sql; }
    });
  }

  /*
   * The explain text: a header line, then the step tree root first, two spaces per level, each step
   * ending in its [append-only] or [updating …] mark; notes after the tree (two-phase) are not steps.
   */
  function parsePlan(text) {
    var lines = text.split('\n').filter(function (l, i) { return i === 0 || /\]\s*$/.test(l); });
    var nodes = [], stack = [];
    lines.slice(1).forEach(function (line) {
      var depth = (line.length - line.replace(/^ +/, '').length) / 2;
      var label = line.trim().replace(/\s+\[(append-only|updating[^\]]*)\]$/, '');
      var node = { label: label, depth: depth, inputs: [], parent: stack[depth - 1] || null };
      if (node.parent) { node.parent.inputs.push(node); }
      stack[depth] = node; stack.length = depth + 1;
      nodes.push(node);
    });
    return nodes;
  }

  function drawPlan(nodes, sinks) {
    var g = clear($('plan-graph'));
    var defs = svg('defs'), marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '10', refY: '5', markerWidth: '8', markerHeight: '8', orient: 'auto' });
    marker.appendChild(svg('path', { d: 'M0,0 L10,5 L0,10 z' })); defs.appendChild(marker); g.appendChild(defs);
    var maxDepth = nodes.reduce(function (m, n) { return Math.max(m, n.depth); }, 0);
    var colW = 230, rowH = 44, boxW = 210, boxH = 30, pad = 10;
    var rows = {};
    var all = nodes.slice();
    /* A lookup join reads its lookup table: shown as one more input of that step. */
    nodes.forEach(function (n) {
      var m = /lookup=([A-Za-z0-9_]+)/.exec(n.label);
      if (m) {
        var l = { label: 'lookup ' + m[1], depth: n.depth + 1, inputs: [], lookup: true };
        n.inputs.push(l); all.push(l);
        maxDepth = Math.max(maxDepth, l.depth);
      }
    });
    sinks.forEach(function (s) { all.push({ label: 'sink ' + s, depth: -1, inputs: nodes.length ? [nodes[0]] : [], sink: true }); });
    all.forEach(function (n) {
      n.col = maxDepth - n.depth;
      rows[n.col] = (rows[n.col] || 0);
      n.row = rows[n.col]++;
      n.x = pad + n.col * colW; n.y = pad + n.row * rowH;
    });
    var height = pad * 2 + Math.max.apply(null, Object.keys(rows).map(function (k) { return rows[k]; }).concat([1])) * rowH;
    g.setAttribute('viewBox', '0 0 ' + (pad * 2 + (maxDepth + 2) * colW) + ' ' + height);
    g.style.height = height + 'px';
    all.forEach(function (n) {
      n.inputs.forEach(function (i) {
        g.appendChild(svg('line', { x1: i.x + boxW, y1: i.y + boxH / 2, x2: n.x, y2: n.y + boxH / 2 }));
      });
    });
    all.forEach(function (n) {
      var kind = n.sink ? 'sink' : n.lookup ? 'lookup' : n.inputs.length === 0 ? 'source' : 'step';
      var grp = svg('g', { 'class': 'plan-node ' + kind });
      grp.appendChild(svg('rect', { x: n.x, y: n.y, width: boxW, height: boxH, rx: 4, 'class': kind }));
      var t = svg('text', { x: n.x + 6, y: n.y + 19 });
      t.textContent = n.label.length > 30 ? n.label.slice(0, 29) + '…' : n.label;
      var title = svg('title'); title.textContent = n.label;
      grp.appendChild(title); grp.appendChild(t); g.appendChild(grp);
    });
  }

  function showPlan(p) {
    state.selected = p.name;
    $('plan').hidden = false;
    $('plan-name').textContent = p.name;
    $('plan-sql').textContent = p.sql;
    var where = state.server && state.server.pipelines && state.server.pipelines[p.name];
    $('plan-position').textContent = where ? where.sql_position : '(position unknown)';
    Array.prototype.forEach.call(document.querySelectorAll('#pipelines-body tr'), function (tr) {
      tr.classList.toggle('selected', tr.dataset.pipeline === p.name);
    });
    request('GET', '/api/v1/pipelines/' + encodeURIComponent(p.name) + '/explain', true).then(function (r) {
      if (state.selected !== p.name) { return; }
      if (r.status !== 200) { $('plan-explain').textContent = 'explain failed: HTTP ' + r.status; return; }
      $('plan-explain').textContent = r.body;
      drawPlan(parsePlan(r.body), p.sinks || []);
    }).catch(reportError);
  }

  /* ---- connectors and plugins ---- */
  function fmtGauge(k, v) {
    if (/_duration_seconds$/.test(k)) { return fmtDuration(v * 1000); }
    if (/_(ms|millis|milliseconds)$/.test(k) && !/timestamp/.test(k)) { return fmtDuration(v); }
    return fmtMetric(v);
  }

  function kvList(obj, progress, skip) {
    var ul = el('ul', { 'class': 'kv' });
    Object.keys(obj || {}).sort().forEach(function (k) {
      if (skip && skip.indexOf(k) >= 0) { return; }
      var v = obj[k], shown = progress && typeof v === 'number' ? fmtGauge(k, v) : String(v);
      var li = el('li', { 'data-key': k }, [k + ' = ' + shown]);
      if (progress && /(^|_)(progress|ratio)(_|$)/.test(k) && typeof v === 'number' && v >= 0 && v <= 1) {
        var bar = el('span', { 'class': 'progress', title: (v * 100).toFixed(1) + '%' }, [el('span', {})]);
        bar.firstChild.style.width = (v * 100).toFixed(1) + '%';
        li.appendChild(document.createTextNode(' ')); li.appendChild(bar);
      }
      ul.appendChild(li);
    });
    return ul;
  }

  function bar(ratio, cls) {
    var pct = (Math.max(0, Math.min(1, ratio)) * 100).toFixed(1);
    var b = el('span', { 'class': 'progress ' + cls, role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100',
      'aria-valuenow': pct, title: pct + '%' }, [el('span', {})]);
    b.firstChild.style.width = pct + '%';
    return b;
  }

  /* A CDC snapshot: snapshot_progress (0..1) as a bar, with rows so far and the estimate when known. */
  function snapshotProgress(m) {
    var p = m.snapshot_progress, text = 'snapshot ' + (Math.max(0, Math.min(1, p)) * 100).toFixed(1) + '%';
    if (m.snapshot_rows != null) {
      text += ' (' + fmtInt(m.snapshot_rows) + (m.snapshot_rows_estimated != null ? ' of ~' + fmtInt(m.snapshot_rows_estimated) : '') + ' rows)';
    }
    return el('div', { 'class': 'snapshot', 'data-progress': String(p) }, [bar(p, 'snapshot-bar'), ' ', el('span', { 'class': 'snapshot-text' }, [text])]);
  }

  /* A lookup's host-side cache: hit ratio as a bar, counts and settings. */
  function cacheSummary(c) {
    var text = c.hit_ratio == null ? 'cache: no keys yet' : 'cache hit ratio ' + (c.hit_ratio * 100).toFixed(1) + '%';
    text += ' (' + fmtInt(c.hits) + ' hits, ' + fmtInt(c.misses) + ' misses, ' + fmtInt(c.evictions) + ' evictions; size '
      + fmtInt(c.size) + ', ttl ' + fmtDuration(c.ttl_ms) + ')';
    var div = el('div', { 'class': 'cache', 'data-hit-ratio': c.hit_ratio == null ? '' : String(c.hit_ratio) });
    if (c.hit_ratio != null) { div.appendChild(bar(c.hit_ratio, 'cache-bar')); div.appendChild(document.createTextNode(' ')); }
    div.appendChild(el('span', { 'class': 'cache-text' }, [text]));
    if ((c.pipelines || []).length > 1) {
      div.appendChild(kvList(c.pipelines.reduce(function (o, p) {
        o['pipeline ' + p.pipeline] = (p.hit_ratio == null ? '–' : (p.hit_ratio * 100).toFixed(1) + '%') + ' of ' + fmtInt(p.hits + p.misses);
        return o;
      }, {}), false));
    }
    return div;
  }

  function tagText(tags) {
    return Object.keys(tags || {}).sort().map(function (k) { return k + '=' + tags[k]; }).join(', ');
  }

  /* A gauge with one series per tag set (Kafka lag per partition): one row each, in natural order. */
  function seriesTable(name, list) {
    var rows = (list || []).slice().sort(function (a, b) {
      return tagText(a.tags).localeCompare(tagText(b.tags), 'en', { numeric: true });
    });
    var keys = {};
    rows.forEach(function (r) { Object.keys(r.tags || {}).forEach(function (k) { keys[k] = true; }); });
    var t = el('table', { 'class': 'series', 'data-metric': name }, [el('caption', {}, [name + ' per ' + Object.keys(keys).sort().join(', ')])]);
    rows.forEach(function (r) {
      var tags = Object.keys(r.tags || {}).sort().map(function (k) { return r.tags[k]; }).join(', ');
      t.appendChild(el('tr', { 'data-tags': tagText(r.tags) }, [el('td', {}, [tags]),
        el('td', { 'class': 'num' }, [r.value == null ? '–' : fmtGauge(name, r.value)])]));
    });
    return t;
  }

  function metricsCell(i) {
    var m = i.metrics || {}, td = el('td', { 'class': 'metrics' }), skip = [];
    if (typeof m.snapshot_progress === 'number') { td.appendChild(snapshotProgress(m)); skip.push('snapshot_progress'); }
    if (i.cache) { td.appendChild(cacheSummary(i.cache)); }
    td.appendChild(kvList(m, true, skip));
    var tagged = i.tagged_metrics || {};
    Object.keys(tagged).sort().forEach(function (name) { td.appendChild(seriesTable(name, tagged[name])); });
    return td;
  }

  function renderInstances(id, list, withPipeline) {
    var body = clear($(id));
    (list || []).forEach(function (i) {
      var cells = [el('td', {}, [i.name]), el('td', {}, [i.connector]), el('td', {}, [i.provider]), el('td', {}, [i.state])];
      if (withPipeline) { cells.push(el('td', {}, [i.pipeline || ''])); }
      cells.push(metricsCell(i), el('td', {}, [kvList(i.properties, false)]));
      body.appendChild(el('tr', { 'data-name': i.name }, cells));
    });
  }

  function renderPlugins(list) {
    var body = clear($('plugins-body'));
    (list || []).forEach(function (p) {
      var err = el('td', { 'class': 'error' }, [p.error || '']);
      (p.warnings || []).forEach(function (w) { err.appendChild(el('div', { 'class': 'muted' }, [String(w)])); });
      body.appendChild(el('tr', { 'data-plugin': p.id }, [el('td', {}, [p.id]), el('td', {}, [p.version || '']),
        el('td', {}, [p.state]), el('td', {}, [(p.provides || []).join(', ')]), el('td', {}, [p.location || '']), err]));
    });
  }

  /* ---- polling ---- */
  function reportError(e) { $('poll-status').textContent = 'update failed: ' + (e && e.message ? e.message : e); }

  function poll() {
    var now = Date.now();
    var open = Promise.all([request('GET', '/health'), request('GET', '/ready'), request('GET', '/metrics', true)])
      .then(function (r) {
        renderHealth(r[0].body); renderReady(r[1]);
        state.metrics = r[2].status === 200 ? parseMetrics(r[2].body) : {};
        renderCheckpoints();
      });
    var api = Promise.all(['/api/v1/server', '/api/v1/pipelines', '/api/v1/sources', '/api/v1/lookups',
      '/api/v1/sinks', '/api/v1/plugins'].map(function (p) { return request('GET', p); }))
      .then(function (r) {
        if (r.some(function (x) { return x.status === 401; })) { return; }
        state.authNeeded = false;
        $('auth').hidden = true;
        $('forget-token').hidden = !state.token;
        renderServer(r[0].body);
        renderPipelines(r[1].body || [], now);
        renderInstances('sources-body', r[2].body); renderInstances('lookups-body', r[3].body);
        renderInstances('sinks-body', r[4].body, true); renderPlugins(r[5].body);
      });
    return Promise.all([open, api]).then(function () {
      $('poll-status').textContent = 'updated ' + new Date(now).toLocaleTimeString('en-GB');
    }, reportError).then(function () { setTimeout(poll, POLL_MS); });
  }

  /* ---- actions ---- */
  $('auth-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var t = $('auth-token').value.trim();
    if (!t) { return; }
    state.token = t;
    sessionStorage.setItem(TOKEN_KEY, t);
    $('auth-token').value = '';
    $('auth').hidden = true;
  });

  $('forget-token').addEventListener('click', function () {
    state.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    $('forget-token').hidden = true;
  });

  $('checkpoint-button').addEventListener('click', function () {
    var out = $('checkpoint-result'), button = $('checkpoint-button');
    out.className = ''; out.textContent = 'checkpoint in progress…'; button.disabled = true;
    delete out.dataset.outcome;
    request('POST', '/api/v1/checkpoint').then(function (r) {
      if (r.status === 200 && r.body) {
        out.textContent = 'checkpoint ' + r.body.checkpoint_id + ' taken in ' + fmtDuration(r.body.duration_ms)
          + ', ' + fmtBytes(r.body.size_bytes);
        out.dataset.outcome = 'ok';
      } else {
        out.className = 'error';
        out.textContent = 'checkpoint refused (HTTP ' + r.status + '): ' + (r.body && r.body.message ? r.body.message : 'no reason given');
        out.dataset.outcome = 'failed';
      }
    }).catch(function (e) {
      out.className = 'error'; out.textContent = 'checkpoint failed: ' + e.message; out.dataset.outcome = 'failed';
    }).then(function () { button.disabled = false; });
  });

  $('plan-close').addEventListener('click', function () {
    state.selected = null; $('plan').hidden = true;
    Array.prototype.forEach.call(document.querySelectorAll('#pipelines-body tr.selected'), function (tr) { tr.classList.remove('selected'); });
  });

  poll();
}());
