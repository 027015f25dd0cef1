/**
 * The page's script, inlined after the page's data (interactive.ts): it enables the filter
 * controls, applies them and the parameters and drill-down actions to the visuals they reach by
 * merging the visuals' cubes and evaluating their measure trees, and draws the visuals again
 * (tables and KPIs as HTML, charts as plain SVG). With nothing picked a visual shows the page's
 * own (server-drawn) content again. No network, no library.
 */
export const PAGE_SCRIPT = String.raw`(function () {
'use strict';
var D = JSON.parse(document.getElementById('qs-data').textContent);
var sel = {}; var params = {}; var acts = {}; var original = {};
Object.keys(D.filters).forEach(function (id) { var f = D.filters[id]; sel[id] = f.param ? null : (f.initial.length ? f.initial.slice() : null); });
Object.keys(D.params).forEach(function (p) { params[p] = D.params[p]; });
function esc(s) { return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'); }
function fig(id) { return document.querySelector('figure[data-visual-id="' + CSS.escape(id) + '"]'); }
function digits(x, st) {
  var a = Math.abs(x);
  var fixed = st.decimals !== undefined ? a.toFixed(st.decimals) : (Number.isInteger(a) ? a.toFixed(0) : String(Number(a.toFixed(2))));
  var p = fixed.split('.'); var g = st.thousands ? p[0].replace(/\B(?=(\d{3})+(?!\d))/g, st.thousands) : p[0];
  return p[1] ? g + st.decimal + p[1] : g;
}
var SCALES = { THOUSANDS: [1e3, 'K'], MILLIONS: [1e6, 'M'], BILLIONS: [1e9, 'B'], TRILLIONS: [1e12, 'T'], LAKHS: [1e5, 'L'], CRORES: [1e7, 'Cr'] };
function fmt(v, m) {
  if (v === null || v === undefined || Number.isNaN(v)) return m.nullText;
  var st = Object.assign({}, m.style || { thousands: ',', decimal: '.', prefix: '', suffix: '', parentheses: false, percent: false });
  var x = st.percent ? v * 100 : v; var unit = ''; var sc = st.scale;
  if (sc === 'AUTO') { var a = Math.abs(x); sc = a >= 1e12 ? 'TRILLIONS' : a >= 1e9 ? 'BILLIONS' : a >= 1e6 ? 'MILLIONS' : a >= 1e3 ? 'THOUSANDS' : 'NONE'; }
  var s = SCALES[sc];
  if (s) { x /= s[0]; unit = s[1]; if (st.decimals === undefined) st.decimals = Math.abs(x) < 10 ? 1 : 0; }
  var body = st.prefix + digits(x, st) + unit + (st.percent ? '%' : '') + st.suffix;
  if (x < 0 && Number(digits(x, Object.assign({}, st, { thousands: '', decimal: '.' }))) !== 0) return st.parentheses ? '(' + body + ')' : '-' + body;
  return body;
}
function match(op, v, values) {
  var s = String(v);
  switch (op) {
    case 'DOES_NOT_EQUAL': return values.indexOf(s) < 0;
    case 'CONTAINS': return values.some(function (x) { return s.indexOf(x) >= 0; });
    case 'DOES_NOT_CONTAIN': return !values.some(function (x) { return s.indexOf(x) >= 0; });
    case 'STARTS_WITH': return values.some(function (x) { return s.indexOf(x) === 0; });
    case 'ENDS_WITH': return values.some(function (x) { return s.slice(-x.length) === x; });
    default: return values.indexOf(s) >= 0;
  }
}
function valuesOf(id) { var f = D.filters[id]; return f.param ? params[f.param] : sel[id]; }
/** Per key of the visual: a test of its dictionary codes, from the filters and actions that reach it. */
function tests(V, id) {
  var out = [];
  Object.keys(V.filters).forEach(function (fid) {
    var values = valuesOf(fid); if (!values) return;
    var f = D.filters[fid]; var k = V.filters[fid]; var dict = V.keys[k].dict;
    var ok = dict.map(function (v) {
      if (v === null || v === '') return f.nulls === 'ALL_VALUES' || f.nulls === 'NULLS_ONLY';
      return f.nulls !== 'NULLS_ONLY' && match(f.op, v, values);
    });
    out.push([k, ok]);
  });
  var a = acts[id];
  if (a) a.pairs.forEach(function (p) {
    var k = V.actionKeys[p[0]]; if (k === undefined) return;
    out.push([k, V.keys[k].dict.map(function (v) { return v !== null && String(v) === p[1]; })]);
  });
  return out;
}
function active(V, id) { return tests(V, id).length > 0; }
function mergePart(fn, a, b) {
  if (fn === 'CNT') return (a || 0) + (b || 0);
  if (b === null) return a; if (a === null) return b;
  return fn === 'SUM' ? a + b : fn === 'MIN' ? Math.min(a, b) : Math.max(a, b);
}
function evalTree(t, g, V) {
  switch (t[0]) {
    case 'n': return t[1];
    case 'z': return null;
    case 'c': return g.parts[t[1]];
    case 'd': { var seen = {}; var n = 0; g.lines.forEach(function (r) { var c = V.codes[t[1]][r]; if (V.keys[t[1]].dict[c] !== null && !seen[c]) { seen[c] = 1; n++; } }); return n; }
    case 'neg': { var x = evalTree(t[1], g, V); return x === null ? null : -x; }
    default: {
      var a = evalTree(t[1], g, V); var b = evalTree(t[2], g, V);
      if (a === null || b === null) return null;
      if (t[0] === '+') return a + b; if (t[0] === '-') return a - b; if (t[0] === '*') return a * b;
      return b === 0 ? null : a / b;
    }
  }
}
function newGroup(V, dims) { return { dims: dims, lines: [], parts: V.comps.map(function (c) { return c.fn === 'CNT' ? 0 : null; }) }; }
function add(V, g, r) { g.lines.push(r); V.comps.forEach(function (c, i) { g.parts[i] = mergePart(c.fn, g.parts[i], V.parts[i][r]); }); }
function group(V, id, dimKeys) {
  var t = tests(V, id); var n = V.codes.length ? V.codes[0].length : 0; var groups = []; var at = {};
  for (var r = 0; r < n; r++) {
    var pass = true;
    for (var i = 0; i < t.length; i++) if (!t[i][1][V.codes[t[i][0]][r]]) { pass = false; break; }
    if (!pass) continue;
    var codes = dimKeys.map(function (k) { return V.codes[k][r]; }); var key = codes.join(',');
    var g = at[key]; if (!g) { g = newGroup(V, codes); at[key] = g; groups.push(g); }
    add(V, g, r);
  }
  if (!dimKeys.length && !groups.length) groups.push(newGroup(V, []));
  groups.forEach(function (g) { g.values = V.measures.map(function (m) { return evalTree(m.tree, g, V); }); });
  return groups;
}
function cmp(a, b, desc) {
  var an = a === null || a === undefined; var bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  var c = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), 'en');
  return desc ? -c : c;
}
function sortGroups(V, groups) {
  return groups.slice().sort(function (x, y) {
    for (var i = 0; i < V.sort.length; i++) {
      var s = V.sort[i];
      var a = s.d !== undefined ? V.keys[V.dims[s.d]].dict[x.dims[s.d]] : x.values[s.m];
      var b = s.d !== undefined ? V.keys[V.dims[s.d]].dict[y.dims[s.d]] : y.values[s.m];
      var c = cmp(a, b, s.desc); if (c) return c;
    }
    return 0;
  });
}
function limit(V, groups) {
  if (!V.limit || groups.length <= V.limit.n) return groups;
  var kept = groups.slice(0, V.limit.n);
  if (V.limit.other) {
    var o = newGroup(V, null); o.other = true;
    groups.slice(V.limit.n).forEach(function (g) { g.lines.forEach(function (r) { add(V, o, r); }); });
    o.values = V.measures.map(function (m) { return evalTree(m.tree, o, V); });
    kept.push(o);
  }
  return kept;
}
function keyText(k, c) { var t = k.text ? k.text[c] : 0; if (t !== 0) return t; var v = k.dict[c]; return v === null ? '' : String(v); }
function dimText(V, i, g) { if (g.other) return 'Other'; return keyText(V.keys[V.dims[i]], g.dims[i]); }
function dimRaw(V, i, g) { var v = V.keys[V.dims[i]].dict[g.dims[i]]; return v === null ? '' : String(v); }
function drawTable(V, id, body) {
  var groups = sortGroups(V, group(V, id, V.dims.slice(0, V.dims.length)));
  var cols = V.draw.columns; var uc = V.draw.unaggregated; var counts = uc && groups.some(function (g) { return g.parts[V.comps.length - 1] > 1; });
  var rows = groups.slice(0, 1000).map(function (g) {
    return '<tr>' + cols.map(function (c) {
      var raw = c.d !== undefined ? dimRaw(V, c.d, g) : g.values[c.m];
      var text = c.d !== undefined ? dimText(V, c.d, g) : fmt(g.values[c.m], V.measures[c.m]);
      return '<td' + (c.num ? ' class="num"' : '') + ' data-field-id="' + esc(c.fid) + '" data-value="' + esc(raw === null ? '' : raw) + '">' + esc(text) + '</td>';
    }).join('') + (counts ? '<td class="num" data-field-id="__rows" data-value="' + g.parts[V.comps.length - 1] + '">' + g.parts[V.comps.length - 1].toLocaleString('en-US') + '</td>' : '') + '</tr>';
  });
  if (V.draw.totals && !uc) {
    var all = group(V, id, []);
    rows.push('<tr class="total">' + cols.map(function (c, i) {
      if (c.m === undefined) return i === 0 ? '<td>' + esc(V.draw.totalLabel) + '</td>' : '<td></td>';
      return '<td class="num" data-field-id="' + esc(c.fid) + '">' + esc(fmt(all[0].values[c.m], V.measures[c.m])) + '</td>';
    }).join('') + '</tr>');
  }
  var head = '<thead><tr>' + cols.map(function (c) {
    var th = body.querySelector('thead th[data-field-id="' + CSS.escape(c.fid) + '"]');
    return '<th class="' + (c.num ? 'num' : '') + '" data-field-id="' + esc(c.fid) + '">' + esc(th ? th.textContent : c.fid) + '</th>';
  }).join('') + (counts ? '<th class="num" data-field-id="__rows">Rows</th>' : '') + '</tr></thead>';
  return '<div class="table-wrap"><table class="qs-table" data-rows="' + groups.length + '">' + head + '<tbody>' + rows.join('') + '</tbody></table></div>';
}
var PALETTE = ['#2f6fb3', '#e07b39', '#2a9d8f', '#c8414b', '#7b5ea7', '#8c8c8c', '#b5a642', '#3fa7c9', '#d1689c', '#5b8c3a'];
function series(V, id) {
  var colorDim = V.draw.colorBy === 'series' ? 1 : -1;
  var cats = limit(V, sortGroups(V, group(V, id, V.dims.slice(0, 1))));
  var names = []; var list = [];
  if (colorDim > 0) {
    var full = group(V, id, V.dims.slice(0, 2)); var values = {};
    full.forEach(function (g) { values[g.dims[1]] = true; });
    var codes = Object.keys(values).map(Number).sort(function (a, b) { return cmp(V.keys[V.dims[1]].dict[a], V.keys[V.dims[1]].dict[b], false); });
    codes.forEach(function (c) {
      var name = keyText(V.keys[V.dims[1]], c); var raw = V.keys[V.dims[1]].dict[c];
      list.push({ name: name, color: V.draw.colors[String(raw)], values: cats.map(function (cg) {
        var g = full.find(function (f) { return f.dims[0] === (cg.dims ? cg.dims[0] : -1) && f.dims[1] === c; });
        return g ? g.values[0] : null;
      }) });
    });
  } else V.measures.forEach(function (m, i) { list.push({ name: V.draw.labels[i], values: cats.map(function (g) { return g.values[i]; }) }); });
  names = cats.map(function (g) { return V.dims.length ? dimText(V, 0, g) : ''; });
  return { cats: cats, names: names, series: list };
}
function svg(w, h, inner) { return '<svg xmlns="http://www.w3.org/2000/svg" width="' + w + '" height="' + h + '" viewBox="0 0 ' + w + ' ' + h + '" font-family="Arial, Helvetica, sans-serif" font-size="11">' + inner + '</svg>'; }
function barColor(V, s, g, si) {
  if (s.color) return s.color;
  if (V.draw.colorBy === 'category' && !g.other) { var c = V.draw.colors[dimRaw(V, 0, g)]; if (c) return c; }
  return PALETTE[si % PALETTE.length];
}
function point(V, g) { var o = {}; if (!g.other && V.dims.length) o[0] = dimRaw(V, 0, g); return esc(JSON.stringify(o)); }
function drawBar(V, id, box) {
  var d = series(V, id); var W = Math.max(240, box.clientWidth || 600); var H = Math.max(160, box.clientHeight || 320);
  var n = d.cats.length; var ns = d.series.length; var parts = [];
  var max = 0; d.cats.forEach(function (_, i) { var t = 0; d.series.forEach(function (s) { var v = s.values[i] || 0; if (V.draw.stacked) t += Math.max(0, v); else t = Math.max(t, v); }); max = Math.max(max, t); });
  if (!max) max = 1;
  var m = V.measures[0];
  if (V.draw.horizontal) {
    var left = Math.min(W * 0.38, 8 + 7 * Math.max(4, Math.max.apply(null, d.names.map(function (x) { return x.length; }).concat([4])))); var right = 60; var top = ns > 1 ? 24 : 8;
    var band = (H - top - 8) / Math.max(1, n);
    d.cats.forEach(function (g, i) {
      var y = top + i * band; var x = left; var bh = Math.min(28, band * 0.7) / (V.draw.stacked ? 1 : ns);
      parts.push('<text x="' + (left - 6) + '" y="' + (y + band / 2 + 4) + '" text-anchor="end" fill="#1f2328">' + esc(d.names[i].length > 40 ? d.names[i].slice(0, 39) + '…' : d.names[i]) + '</text>');
      d.series.forEach(function (s, si) {
        var v = s.values[i]; if (v === null) return; var w = (Math.max(0, v) / max) * (W - left - right);
        var yy = V.draw.stacked ? y + (band - bh) / 2 : y + (band - bh * ns) / 2 + si * bh;
        parts.push('<rect class="qs-bar" data-point="' + point(V, g) + '" x="' + x + '" y="' + yy + '" width="' + Math.max(0.5, w) + '" height="' + bh + '" fill="' + barColor(V, s, g, si) + '"><title>' + esc(d.names[i] + ' · ' + s.name + ': ' + fmt(v, m)) + '</title></rect>');
        if (!V.draw.stacked) parts.push('<text x="' + (x + w + 4) + '" y="' + (yy + bh / 2 + 4) + '" fill="#1f2328">' + esc(fmt(v, m)) + '</text>');
        if (V.draw.stacked) x += w;
      });
    });
  } else {
    var bottom = 40; var lft = 12; var bw = (W - lft - 12) / Math.max(1, n);
    d.cats.forEach(function (g, i) {
      var x0 = lft + i * bw; var y = H - bottom; var cw = Math.min(36, bw * 0.7) / (V.draw.stacked ? 1 : ns);
      parts.push('<text x="' + (x0 + bw / 2) + '" y="' + (H - bottom + 14) + '" text-anchor="middle" fill="#1f2328">' + esc(d.names[i].slice(0, 16)) + '</text>');
      d.series.forEach(function (s, si) {
        var v = s.values[i]; if (v === null) return; var h = (Math.max(0, v) / max) * (H - bottom - 24);
        var xx = V.draw.stacked ? x0 + (bw - cw) / 2 : x0 + (bw - cw * ns) / 2 + si * cw;
        parts.push('<rect class="qs-bar" data-point="' + point(V, g) + '" x="' + xx + '" y="' + (y - h) + '" width="' + cw + '" height="' + Math.max(0.5, h) + '" fill="' + barColor(V, s, g, si) + '"><title>' + esc(d.names[i] + ' · ' + s.name + ': ' + fmt(v, m)) + '</title></rect>');
        if (!V.draw.stacked) parts.push('<text x="' + (xx + cw / 2) + '" y="' + (y - h - 4) + '" text-anchor="middle" fill="#1f2328">' + esc(fmt(v, m)) + '</text>');
        if (V.draw.stacked) y -= h;
      });
    });
  }
  if (ns > 1) parts.push(d.series.map(function (s, si) { return '<rect x="' + (8 + si * 110) + '" y="4" width="10" height="10" fill="' + (s.color || PALETTE[si % PALETTE.length]) + '"/><text x="' + (22 + si * 110) + '" y="13" fill="#57606a">' + esc(s.name.slice(0, 16)) + '</text>'; }).join(''));
  return '<div class="chart">' + svg(W, H, parts.join('')) + '</div>';
}
function drawLine(V, id, box) {
  var d = series(V, id); var W = Math.max(240, box.clientWidth || 600); var H = Math.max(160, box.clientHeight || 320);
  var all = []; d.series.forEach(function (s) { s.values.forEach(function (v) { if (v !== null) all.push(v); }); });
  var lo = Math.min.apply(null, all.concat([0])); var hi = Math.max.apply(null, all.concat([1])); if (hi === lo) hi = lo + 1;
  var n = d.cats.length; var L = 56; var T = 24; var B = 28; var m = V.measures[0];
  var X = function (i) { return L + (n > 1 ? (i * (W - L - 12)) / (n - 1) : (W - L) / 2); };
  var Y = function (v) { return T + (1 - (v - lo) / (hi - lo)) * (H - T - B); };
  var parts = ['<text x="4" y="' + (T + 4) + '" fill="#57606a">' + esc(fmt(hi, m)) + '</text><text x="4" y="' + (H - B) + '" fill="#57606a">' + esc(fmt(lo, m)) + '</text>'];
  d.series.forEach(function (s, si) {
    var pts = []; s.values.forEach(function (v, i) { if (v !== null) pts.push(X(i).toFixed(1) + ',' + Y(v).toFixed(1)); });
    parts.push('<polyline fill="none" stroke-width="2" stroke="' + (s.color || PALETTE[si % PALETTE.length]) + '" points="' + pts.join(' ') + '"><title>' + esc(s.name) + '</title></polyline>');
  });
  if (n) parts.push('<text x="' + X(0) + '" y="' + (H - 8) + '" fill="#1f2328">' + esc(d.names[0]) + '</text><text x="' + X(n - 1) + '" y="' + (H - 8) + '" text-anchor="end" fill="#1f2328">' + esc(d.names[n - 1]) + '</text>');
  if (d.series.length > 1) parts.push(d.series.map(function (s, si) { return '<rect x="' + (L + si * 110) + '" y="4" width="10" height="10" fill="' + (s.color || PALETTE[si % PALETTE.length]) + '"/><text x="' + (L + 14 + si * 110) + '" y="13" fill="#57606a">' + esc(s.name.slice(0, 16)) + '</text>'; }).join(''));
  return '<div class="chart">' + svg(W, H, parts.join('')) + '</div>';
}
function drawPie(V, id, box) {
  var d = series(V, id); var W = Math.max(200, box.clientWidth || 400); var H = Math.max(160, box.clientHeight || 300);
  var vals = d.series[0] ? d.series[0].values : []; var total = vals.reduce(function (a, v) { return a + (v > 0 ? v : 0); }, 0);
  var cx = W / 2; var cy = H / 2 - 10; var R = Math.min(W, H) * 0.32; var a0 = -Math.PI / 2; var parts = []; var m = V.measures[0];
  d.cats.forEach(function (g, i) {
    var v = vals[i]; if (!(v > 0) || !total) return;
    var a1 = a0 + (v / total) * Math.PI * 2; var large = a1 - a0 > Math.PI ? 1 : 0; var color = barColor(V, {}, g, i);
    var path = v === total ? '<circle cx="' + cx + '" cy="' + cy + '" r="' + R + '" fill="' + color + '"' : '<path d="M' + cx + ',' + cy + 'L' + (cx + R * Math.cos(a0)) + ',' + (cy + R * Math.sin(a0)) + 'A' + R + ',' + R + ' 0 ' + large + ' 1 ' + (cx + R * Math.cos(a1)) + ',' + (cy + R * Math.sin(a1)) + 'Z" fill="' + color + '"';
    parts.push(path + ' class="qs-bar" data-point="' + point(V, g) + '"><title>' + esc(d.names[i] + ': ' + fmt(v, m) + ' (' + ((v / total) * 100).toFixed(1) + '%)') + '</title>' + (v === total ? '</circle>' : '</path>'));
    var mid = (a0 + a1) / 2;
    parts.push('<text x="' + (cx + (R + 14) * Math.cos(mid)) + '" y="' + (cy + (R + 14) * Math.sin(mid)) + '" text-anchor="' + (Math.cos(mid) >= 0 ? 'start' : 'end') + '" fill="#1f2328">' + esc(d.names[i] + ': ' + ((v / total) * 100).toFixed(1) + '%') + '</text>');
    a0 = a1;
  });
  return '<div class="chart">' + svg(W, H, parts.join('')) + '</div>';
}
function drawKpi(V, id) {
  var g = group(V, id, [])[0]; var v = g.values[0];
  return '<div class="kpi"><div class="kpi-value" data-value="' + esc(v === null ? '' : String(v)) + '">' + esc(fmt(v, V.measures[0])) + '</div></div>';
}
function chips(id, el) {
  var old = el.querySelector('.qs-drill'); if (old) old.remove();
  var a = acts[id]; if (!a) return;
  var c = document.createElement('p'); c.className = 'qs-drill';
  c.innerHTML = 'Filtered by ' + esc(a.name) + ': ' + a.pairs.map(function (p) { return esc(p[0] + ' = ' + p[1]); }).join(', ') + ' <button type="button">Clear</button>';
  c.querySelector('button').addEventListener('click', function () { delete acts[id]; redraw(); });
  el.querySelector('figcaption').appendChild(c);
}
function redraw() {
  Object.keys(D.visuals).forEach(function (id) {
    var V = D.visuals[id]; var el = fig(id); if (!el) return; var body = el.querySelector('.visual-body');
    if (original[id] === undefined) original[id] = body.innerHTML;
    var on = active(V, id) || (V.type !== 'table' && V.type !== 'kpi' && D.actions[id]);
    body.innerHTML = !on ? original[id] : V.type === 'table' ? drawTable(V, id, el) : V.type === 'kpi' ? drawKpi(V, id) : V.type === 'bar' ? drawBar(V, id, body) : V.type === 'line' ? drawLine(V, id, body) : drawPie(V, id, body);
    el.setAttribute('data-filtered', String(!!active(V, id)));
    chips(id, el);
  });
  Object.keys(D.fixed).forEach(function (id) {
    var el = fig(id); if (!el) return; var note = el.querySelector('.qs-fixed');
    var on = D.fixed[id].some(function (fid) { return valuesOf(fid); });
    if (note) note.hidden = !on;
  });
}
function click(source, values) {
  (D.actions[source] || []).forEach(function (a) {
    var pairs = a.fields.map(function (f) { return [f.column, values[f.fieldId]]; }).filter(function (p) { return p[1] !== undefined; });
    a.targets.forEach(function (t) {
      var same = acts[t] && acts[t].source === source && JSON.stringify(acts[t].pairs) === JSON.stringify(pairs);
      if (same) delete acts[t]; else if (pairs.length) acts[t] = { source: source, name: a.name, pairs: pairs };
    });
    a.params.forEach(function (p) {
      if (p.values) params[p.name] = p.values.length ? p.values : null;
      else if (values[p.fieldId] !== undefined) params[p.name] = [values[p.fieldId]];
    });
    syncParams();
    if (a.sheet) { var tab = document.querySelector('label[data-sheet-tab="' + CSS.escape(a.sheet) + '"]'); if (tab) document.getElementById(tab.getAttribute('for')).checked = true; }
  });
  redraw();
}
document.addEventListener('click', function (e) {
  var t = e.target; if (!(t instanceof Element)) return;
  var el = t.closest('figure[data-visual-id]'); if (!el) return; var id = el.getAttribute('data-visual-id');
  if (!D.actions[id]) return;
  var tr = t.closest('tbody tr:not(.total)'); var values = {};
  if (tr) { tr.querySelectorAll('[data-field-id]').forEach(function (td) { values[td.getAttribute('data-field-id')] = td.getAttribute('data-value'); }); }
  else {
    var bar = t.closest('.qs-bar'); if (!bar) return; var V = D.visuals[id]; var p = JSON.parse(bar.getAttribute('data-point'));
    if (V && p[0] !== undefined && V.draw.fields) values[V.draw.fields[0]] = p[0];
  }
  click(id, values);
});
function syncParams() {
  document.querySelectorAll('.qs-control[data-param]').forEach(function (c) {
    var v = params[c.getAttribute('data-param')] || []; var summary = c.querySelector('summary');
    c.querySelectorAll('input').forEach(function (i) { i.checked = i.value === '' ? !v.length : v.indexOf(i.value) >= 0; });
    if (summary) summary.textContent = v.length ? v.join(', ') : 'All';
  });
}
document.querySelectorAll('.qs-control').forEach(function (c) {
  var id = c.getAttribute('data-filter-id'); var param = c.getAttribute('data-param'); var summary = c.querySelector('summary');
  c.querySelectorAll('input').forEach(function (i) {
    i.disabled = false;
    i.addEventListener('change', function () {
      var picked = Array.prototype.filter.call(c.querySelectorAll('input'), function (x) { return x.checked && x.value !== ''; }).map(function (x) { return x.value; });
      if (param) params[param] = picked.length ? picked : null; else sel[id] = picked.length ? picked : null;
      if (summary) summary.textContent = picked.length ? picked.join(', ') : 'All';
      redraw();
    });
  });
});
Object.keys(D.actions).forEach(function (id) { var el = fig(id); if (el) el.classList.add('qs-clickable'); });
document.documentElement.classList.add('qs-live');
redraw();
})();`;
