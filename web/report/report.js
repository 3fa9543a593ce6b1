/* weaklink report: turns the embedded report.json (schema weaklink-assessment/1) into tables,
   Vega-Lite charts and a body figure. Plain browser JS; vega, vegaLite and vegaEmbed are globals
   inlined before this script. Sets window.weaklinkReady once every chart has settled, and collects
   caught problems in window.weaklinkErrors (the headless test reads both). */
(function () {
  'use strict';

  window.weaklinkReady = false;
  window.weaklinkErrors = [];

  var COLORS = { baseline: '#6b7f99', client: '#c2410c', good: '#1b7f5b', bad: '#b42318', limit: '#b42318' };
  var SERIES = { baseline: 'Baseline (norm strength)', client: 'Client (measured strength)' };
  var FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var NBSP = '\u00a0';  // keeps numbers and their units on one line
  var chartPromises = [];

  function recordError(where, err) {
    var message = where + ': ' + (err && err.message ? err.message : String(err));
    window.weaklinkErrors.push(message);
    console.error('weaklink report: ' + message);
  }

  // ---------- small helpers ----------

  function isNum(x) { return typeof x === 'number' && isFinite(x); }
  function arr(x) { return Array.isArray(x) ? x : []; }
  function obj(x) { return x && typeof x === 'object' && !Array.isArray(x) ? x : {}; }
  function str(x) { return typeof x === 'string' ? x : (x == null ? '' : String(x)); }

  var formatters = {};
  function num(x, digits) {
    if (!isNum(x)) return '—';
    digits = digits || 0;
    if (!formatters[digits]) {
      formatters[digits] = new Intl.NumberFormat('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    }
    // Avoid "-0" for values that round to zero.
    var text = formatters[digits].format(x);
    return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text.replace('-', '−');
  }
  function newtons(x) { return isNum(x) ? num(x, 0) + NBSP + 'N' : '—'; }
  function bw(x) { return isNum(x) ? num(x, 2) + NBSP + '×' + NBSP + 'BW' : '—'; }
  function pct(f, digits) { return isNum(f) ? num(f * 100, digits || 0) + NBSP + '%' : '—'; }
  function signed(x, digits, unit) {
    if (!isNum(x)) return '—';
    var text = num(x, digits);
    return (x > 0 && text !== num(0, digits) ? '+' : '') + text + (unit || '').replace(/^ /, NBSP);
  }
  function relChange(a, b) {
    if (!isNum(a) || !isNum(b) || a === 0) return '—';
    return signed((b - a) / Math.abs(a) * 100, 0, ' %');
  }
  function sideName(side) {
    return { r: 'right', l: 'left', both: 'both' }[side] || str(side);
  }
  function humanize(name) {
    var text = str(name).replace(/_/g, ' ').trim();
    return text ? text.charAt(0).toUpperCase() + text.slice(1) : '(unnamed)';
  }
  function activityLabel(activity) { return humanize(activity && activity.name); }

  // h('tag', {class: 'x', text: 'y', attr: value}, child, [children], 'text')
  function h(tag, props) {
    var node = document.createElement(tag);
    setProps(node, props);
    appendChildren(node, Array.prototype.slice.call(arguments, 2));
    return node;
  }
  function svg(tag, props) {
    var node = document.createElementNS(SVG_NS, tag);
    setProps(node, props);
    appendChildren(node, Array.prototype.slice.call(arguments, 2));
    return node;
  }
  function setProps(node, props) {
    Object.keys(props || {}).forEach(function (key) {
      var value = props[key];
      if (value == null || value === false) return;
      if (key === 'text') node.textContent = value;
      else if (key === 'class') node.setAttribute('class', value);
      else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : value);
    });
  }
  function appendChildren(node, children) {
    children.forEach(function (child) {
      if (child == null || child === false) return;
      if (Array.isArray(child)) appendChildren(node, child);
      else node.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
    });
  }

  function table(headers, rows, options) {
    options = options || {};
    var numeric = options.numeric || [];
    return h('div', { class: 'table-wrap' },
      h('table', { class: options.class },
        options.caption ? h('caption', { class: 'muted small', text: options.caption }) : null,
        h('thead', null, h('tr', null, headers.map(function (head, i) {
          return h('th', { class: numeric.indexOf(i) >= 0 ? 'num' : null, scope: 'col' }, head);
        }))),
        h('tbody', null, rows.map(function (row) {
          var cells = row.cells || row;
          return h('tr', { class: row.class }, cells.map(function (cell, i) {
            var cls = numeric.indexOf(i) >= 0 ? 'num' : null;
            if (cell && typeof cell === 'object' && 'value' in cell && !(cell instanceof Node)) {
              return h('td', { class: [cls, cell.class].filter(Boolean).join(' ') || null }, cell.value);
            }
            return h('td', { class: cls }, cell);
          }));
        }))));
  }

  function section(id, title, intro) {
    var node = h('section', { id: id }, h('h2', { text: title }));
    if (intro) node.appendChild(h('p', { class: 'lead', text: intro }));
    return node;
  }

  function list(items, cls) {
    return h('ul', { class: cls || 'plain' }, items.map(function (item) { return h('li', null, str(item)); }));
  }

  // ---------- charts ----------

  var chartConfig = {
    font: FONT,
    view: { stroke: null },
    axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600, titleColor: '#1f2933', gridColor: '#e8ebee', domainColor: '#8a949e', tickColor: '#8a949e' },
    legend: { labelFontSize: 12, labelLimit: 320, symbolStrokeWidth: 3 },
  };

  function embed(container, spec, name) {
    if (typeof window.vegaEmbed !== 'function') {
      container.appendChild(h('p', { class: 'notice error', text: 'Chart unavailable: the charting library did not load.' }));
      recordError('chart ' + name, new Error('vegaEmbed is not loaded'));
      return;
    }
    spec.config = chartConfig;
    var promise = window.vegaEmbed(container, spec, { renderer: 'svg', actions: false, mode: 'vega-lite' })
      .catch(function (err) {
        recordError('chart ' + name, err);
        container.appendChild(h('p', { class: 'notice error', text: 'This chart could not be drawn: ' + (err && err.message) }));
      });
    chartPromises.push(promise);
  }

  function chartCard(title, name, caption) {
    var chart = h('div', { class: 'chart', 'data-chart': name });
    var card = h('figure', { class: 'chart-card' },
      title ? h('h3', { text: title }) : null,
      chart,
      caption ? h('figcaption', null, caption) : null);
    return { card: card, chart: chart };
  }

  // Layers that draw a single reference line or label get their own one-row data; with the
  // chart's data they would be drawn once per row.
  var ONE_ROW = { values: [{}] };

  var seriesColor = {
    field: 'series', type: 'nominal', title: null,
    scale: { domain: [SERIES.baseline, SERIES.client], range: [COLORS.baseline, COLORS.client] },
    legend: { orient: 'top', direction: 'horizontal', title: null },
  };

  function compressionChart(activity, limits, index) {
    var time = arr(activity.time);
    var rows = [];
    var dataMax = 0;
    ['baseline', 'client'].forEach(function (key) {
      var series = arr(obj(activity[key]).lumbar_compression);
      var n = Math.min(time.length, series.length);
      for (var i = 0; i < n; i++) {
        if (!isNum(time[i]) || !isNum(series[i])) continue;
        rows.push({ t: time[i], v: series[i], series: SERIES[key] });
        dataMax = Math.max(dataMax, series[i]);
      }
    });
    var base = obj(activity.baseline_summary), client = obj(activity.client_summary);
    var limit = limits.action_limit_N;
    var showLimit = isNum(limit) && limit > 0 && dataMax > 0 && limit <= 1.5 * dataMax;
    var caption = [
      'Peak: baseline ' + newtons(base.peak_compression_N) + ' (' + bw(base.peak_compression_bw) + '), client ' +
        newtons(client.peak_compression_N) + ' (' + bw(client.peak_compression_bw) + '), ' +
        relChange(base.peak_compression_N, client.peak_compression_N) + '.',
    ];
    if (isNum(limit) && !showLimit) {
      caption.push(' The NIOSH action limit (' + newtons(limit) + ') is far above this chart; the client\'s peak is ' +
        pct(isNum(client.fraction_of_action_limit) ? client.fraction_of_action_limit : (client.peak_compression_N / limit)) + ' of it.');
    } else if (showLimit) {
      caption.push(' Dashed line: NIOSH action limit (' + newtons(limit) + ').');
    }
    var name = 'activity:' + str(activity.name || index);
    var parts = chartCard(activityLabel(activity), name, caption.join(''));
    if (activity.description) parts.card.insertBefore(h('p', { class: 'muted small', text: activity.description }), parts.chart);
    if (!rows.length) {
      parts.chart.appendChild(h('p', { class: 'muted', text: 'No time series in the report for this activity.' }));
      return parts.card;
    }
    var x = { field: 't', type: 'quantitative', title: 'Time (s)', axis: { tickCount: 6 } };
    var y = { field: 'v', type: 'quantitative', title: 'Lower-back compression (N)', axis: { format: ',.0f' } };
    var layers = [
      { mark: { type: 'line', strokeWidth: 2.2, interpolate: 'monotone' }, encoding: { x: x, y: y, color: seriesColor } },
      {
        params: [{ name: 'hover', select: { type: 'point', fields: ['t'], nearest: true, on: 'pointerover', clear: 'pointerout' } }],
        mark: { type: 'point', filled: true, size: 50 },
        encoding: {
          x: x, y: y, color: seriesColor,
          opacity: { condition: { param: 'hover', empty: false, value: 1 }, value: 0 },
          tooltip: [
            { field: 'series', title: 'Case' },
            { field: 't', title: 'Time (s)', format: '.2f' },
            { field: 'v', title: 'Compression (N)', format: ',.0f' },
          ],
        },
      },
    ];
    if (showLimit) layers.push.apply(layers, limitLayers(limit));
    embed(parts.chart, {
      width: 'container', height: 220, autosize: { type: 'fit', contains: 'padding' },
      data: { values: rows }, layer: layers,
    }, name);
    return parts.card;
  }

  // The NIOSH action limit as a dashed rule with its label, layered over a chart.
  function limitLayers(limit) {
    return [
      { data: ONE_ROW, mark: { type: 'rule', color: COLORS.limit, strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { y: { datum: limit } } },
      {
        data: ONE_ROW,
        mark: { type: 'text', text: 'NIOSH action limit', align: 'right', baseline: 'bottom', dx: -4, dy: -3, color: COLORS.limit, fontSize: 11 },
        encoding: { x: { value: 'width' }, y: { datum: limit } },
      },
    ];
  }

  function peakChart(activities, limits, bodyWeight) {
    var rows = [];
    var dataMax = 0;
    activities.forEach(function (activity) {
      ['baseline', 'client'].forEach(function (key) {
        var summary = obj(activity[key + '_summary']);
        if (!isNum(summary.peak_compression_N)) return;
        var share = isNum(summary.fraction_of_action_limit) ? summary.fraction_of_action_limit
          : (isNum(limits.action_limit_N) ? summary.peak_compression_N / limits.action_limit_N : null);
        var times = isNum(summary.peak_compression_bw) ? summary.peak_compression_bw
          : (isNum(bodyWeight) && bodyWeight > 0 ? summary.peak_compression_N / bodyWeight : null);
        rows.push({ activity: activityLabel(activity), series: SERIES[key], peak: summary.peak_compression_N, bw: times, share: share });
        dataMax = Math.max(dataMax, summary.peak_compression_N);
      });
    });
    var limit = limits.action_limit_N;
    var showLimit = isNum(limit) && limit > 0 && dataMax > 0 && limit <= 1.5 * dataMax;
    var caption = 'Highest lower-back (L5/S1) compression reached during each activity. Hover a bar for the value in multiples of body weight.';
    if (isNum(limit)) {
      caption += showLimit ? ' Dashed line: NIOSH action limit (' + newtons(limit) + ').'
        : ' The NIOSH action limit (' + newtons(limit) + ') is well above every peak shown.';
    }
    var parts = chartCard(null, 'peaks', caption);
    if (!rows.length) {
      parts.chart.appendChild(h('p', { class: 'muted', text: 'No activity peaks in the report.' }));
      return parts.card;
    }
    var layers = [{
      mark: { type: 'bar', cornerRadiusTopLeft: 2, cornerRadiusTopRight: 2 },
      encoding: {
        x: { field: 'activity', type: 'nominal', title: null, sort: null, axis: { labelAngle: 0, labelFontSize: 12 } },
        xOffset: { field: 'series', type: 'nominal', sort: [SERIES.baseline, SERIES.client] },
        y: { field: 'peak', type: 'quantitative', title: 'Peak compression (N)', axis: { format: ',.0f' } },
        color: seriesColor,
        tooltip: [
          { field: 'activity', title: 'Activity' },
          { field: 'series', title: 'Case' },
          { field: 'peak', title: 'Peak compression (N)', format: ',.0f' },
          { field: 'bw', title: '× body weight', format: '.2f' },
          { field: 'share', title: 'Share of NIOSH action limit', format: '.0%' },
        ],
      },
    }];
    if (showLimit) layers.push.apply(layers, limitLayers(limit));
    embed(parts.chart, {
      width: 'container', height: 260, autosize: { type: 'fit', contains: 'padding' },
      data: { values: rows }, layer: layers,
    }, 'peaks');
    return parts.card;
  }

  function rankingChart(links) {
    var LOWER = 'Restoring lowers the load', RAISE = 'Restoring raises the load';
    var rows = links.filter(function (link) { return isNum(link.restore_change_N); }).map(function (link) {
      return {
        group: str(link.group) || '(unnamed)',
        rank: isNum(link.rank) ? link.rank : 999,
        change: link.restore_change_N,
        effect: link.restore_change_N <= 0 ? LOWER : RAISE,
        factor: isNum(link.client_factor) ? link.client_factor : null,
        sensitivity: isNum(link.sensitivity_N_per_10pct) ? link.sensitivity_N_per_10pct : null,
      };
    });
    var parts = chartCard(null, 'ranking',
      'Change in peak lower-back compression, summed over the activities, if only this muscle group were restored to norm strength. ' +
      'Bars to the left (negative) mean restoring the group takes load off the lower back. Hover a bar for details.');
    if (!rows.length) {
      parts.chart.appendChild(h('p', { class: 'muted', text: 'No weak links in the report.' }));
      return parts.card;
    }
    rows.sort(function (a, b) { return a.rank - b.rank; });
    // An explicit order: a field sort conflicts across layers.
    var y = { field: 'group', type: 'nominal', title: null, sort: rows.map(function (r) { return r.group; }), axis: { labelFontSize: 12, labelLimit: 220 } };
    // Scale padding leaves room for the value labels at the bar ends.
    var x = { field: 'change', type: 'quantitative', title: 'Change in peak compression when restored (N)', axis: { format: ',.0f', tickCount: 8 }, scale: { padding: 50, nice: false } };
    embed(parts.chart, {
      // A fixed height: a step height with a container width makes Vega-Lite warn.
      width: 'container', height: Math.max(60, rows.length * 30), autosize: { type: 'fit-x', contains: 'padding' },
      data: { values: rows },
      layer: [
        {
          mark: { type: 'bar', height: { band: 0.7 } },
          encoding: {
            y: y, x: x,
            color: { field: 'effect', type: 'nominal', title: null, scale: { domain: [LOWER, RAISE], range: [COLORS.good, COLORS.bad] }, legend: { orient: 'top', title: null } },
            tooltip: [
              { field: 'rank', title: 'Rank' },
              { field: 'group', title: 'Muscle group' },
              { field: 'factor', title: 'Client strength (of norm)', format: '.0%' },
              { field: 'change', title: 'Change when restored (N)', format: '+,.0f' },
              { field: 'sensitivity', title: 'Per 10 % more strength lost (N)', format: '+,.1f' },
            ],
          },
        },
        {
          mark: { type: 'text', fontSize: 11, color: '#1f2933', align: { expr: "datum.change < 0 ? 'right' : 'left'" }, dx: { expr: 'datum.change < 0 ? -4 : 4' } },
          encoding: { y: y, x: x, text: { field: 'change', type: 'quantitative', format: '+,.0f' } },
        },
        { data: ONE_ROW, mark: { type: 'rule', color: '#5f6b76' }, encoding: { x: { datum: 0 } } },
      ],
    }, 'ranking');
    return parts.card;
  }

  // ---------- body figure ----------

  // Outline and regions are drawn for the viewer's left half of a figure centred on x = 0 (feet
  // at y ~ 530) and mirrored for the other half. Points are joined by a smooth closed curve.
  function smoothPath(points) {
    var n = points.length;
    var d = 'M' + points[0][0] + ',' + points[0][1];
    for (var i = 0; i < n; i++) {
      var p0 = points[(i - 1 + n) % n], p1 = points[i], p2 = points[(i + 1) % n], p3 = points[(i + 2) % n];
      var c1 = [p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6];
      var c2 = [p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6];
      d += 'C' + [c1, c2, p2].map(function (p) { return p[0].toFixed(1) + ',' + p[1].toFixed(1); }).join(' ');
    }
    return d + 'Z';
  }
  function mirror(points) { return points.map(function (p) { return [-p[0], p[1]]; }); }
  // A half outline from the midline down to the midline, closed through its mirror image.
  function symmetric(half) {
    var other = mirror(half.filter(function (p) { return p[0] !== 0; })).reverse();
    return half.concat(other);
  }

  var OUTLINE = {
    torso: symmetric([[0, 64], [-18, 68], [-38, 76], [-49, 88], [-51, 108], [-46, 134], [-40, 162], [-35, 190],
      [-38, 214], [-45, 238], [-48, 260], [-30, 276], [0, 282]]),
    arm: [[-42, 78], [-54, 86], [-60, 104], [-62, 140], [-64, 176], [-68, 212], [-72, 246], [-77, 262], [-78, 284],
      [-71, 296], [-64, 290], [-62, 268], [-62, 250], [-58, 214], [-53, 178], [-51, 146], [-48, 118]],
    leg: [[-46, 244], [-50, 276], [-48, 322], [-42, 362], [-40, 386], [-43, 410], [-44, 436], [-39, 472], [-33, 502],
      [-33, 514], [-41, 524], [-38, 532], [-14, 532], [-12, 518], [-14, 502], [-15, 472], [-12, 436], [-14, 404],
      [-12, 382], [-8, 342], [-5, 304], [-2, 280], [-20, 270]],
  };

  // Regions as seen on the viewer's left half; 'view' says where the region is drawn, 'deep' marks
  // muscles that lie under others and get a dashed outline.
  var REGIONS = [
    { region: 'abdominals', view: 'front', points: [[-3, 128], [-22, 130], [-31, 160], [-31, 190], [-34, 214], [-27, 236], [-4, 248]] },
    { region: 'hip flexors', view: 'front', points: [[-30, 244], [-39, 250], [-29, 272], [-16, 286], [-10, 276], [-18, 258]] },
    { region: 'tensor fasciae latae', view: 'front', points: [[-42, 246], [-48, 260], [-49, 286], [-45, 300], [-40, 284], [-39, 260]] },
    { region: 'quadriceps (without vastus medialis)', view: 'front', points: [[-40, 294], [-33, 280], [-24, 292], [-20, 318], [-26, 344], [-31, 372], [-38, 378], [-43, 352], [-46, 320]] },
    { region: 'vastus medialis', view: 'front', points: [[-19, 328], [-12, 348], [-12, 370], [-19, 382], [-28, 378], [-26, 352]] },
    { region: 'adductors', view: 'front', points: [[-5, 290], [-12, 288], [-19, 300], [-18, 322], [-11, 334], [-7, 310]] },
    { region: 'shin', view: 'front', points: [[-39, 404], [-33, 398], [-29, 430], [-28, 468], [-31, 496], [-35, 470], [-39, 434]] },
    { region: 'back extensors', view: 'back', points: [[-3, 98], [-13, 102], [-17, 150], [-17, 196], [-13, 228], [-3, 238]] },
    { region: 'quadratus lumborum', view: 'back', deep: true, points: [[-19, 184], [-31, 188], [-34, 212], [-20, 222]] },
    { region: 'gluteus medius and minimus', view: 'back', points: [[-18, 232], [-36, 224], [-46, 238], [-45, 254], [-32, 248]] },
    { region: 'gluteus maximus', view: 'back', points: [[-4, 250], [-24, 248], [-44, 258], [-48, 280], [-40, 298], [-20, 302], [-4, 294]] },
    { region: 'deep hip rotators', view: 'back', deep: true, points: [[-8, 266], [-30, 264], [-42, 272], [-30, 280], [-8, 278]] },
    { region: 'hamstrings', view: 'back', points: [[-43, 308], [-24, 306], [-8, 312], [-9, 350], [-15, 378], [-26, 386], [-38, 378], [-45, 342]] },
    { region: 'calf', view: 'back', points: [[-40, 404], [-28, 396], [-14, 402], [-13, 440], [-19, 470], [-28, 478], [-38, 452], [-44, 422]] },
  ];
  var REGION_ORDER = REGIONS.map(function (r) { return r.region; });

  // Fallback ramps in case vega.scheme is unavailable; vega's own schemes are preferred.
  function ramp(stops) {
    return function (t) {
      t = Math.max(0, Math.min(1, t));
      var x = t * (stops.length - 1), i = Math.min(stops.length - 2, Math.floor(x)), f = x - i;
      var a = stops[i], b = stops[i + 1];
      return 'rgb(' + [0, 1, 2].map(function (k) { return Math.round(a[k] + (b[k] - a[k]) * f); }).join(',') + ')';
    };
  }
  function scheme(name, fallback) {
    try {
      var s = window.vega && window.vega.scheme && window.vega.scheme(name);
      if (typeof s === 'function') return s;
    } catch (e) { /* fall through */ }
    return ramp(fallback);
  }
  var activationColor = scheme('yelloworangered', [[255, 255, 204], [254, 204, 92], [253, 141, 60], [227, 26, 28], [128, 0, 38]]);
  var divergingRamp = scheme('redblue', [[103, 0, 31], [214, 96, 77], [247, 247, 247], [67, 147, 195], [5, 48, 97]]);

  function bodyFigure(demand) {
    var values = {};
    demand.forEach(function (entry) {
      if (!entry || (entry.side !== 'r' && entry.side !== 'l')) return;
      values[entry.region + '|' + entry.side] = entry;
    });
    var maxChange = 0.1;
    demand.forEach(function (e) {
      if (e && isNum(e.baseline) && isNum(e.client)) maxChange = Math.max(maxChange, Math.abs(e.client - e.baseline));
    });
    maxChange = Math.ceil(maxChange * 20) / 20;

    var modes = {
      baseline: {
        label: 'Baseline', value: function (e) { return e.baseline; }, color: activationColor, domain: [0, 1],
        note: 'Mean activation at norm strength (share of the muscle\'s maximum), peak over the activities.',
      },
      client: {
        label: 'Client', value: function (e) { return e.client; }, color: activationColor, domain: [0, 1],
        note: 'Mean activation with the client\'s strength (share of the now weaker maximum), peak over the activities.',
      },
      change: {
        label: 'Change', value: function (e) { return isNum(e.client) && isNum(e.baseline) ? e.client - e.baseline : NaN; },
        color: function (t) { return divergingRamp(1 - t); }, domain: [-maxChange, maxChange],
        note: 'Client minus baseline, in percentage points: red regions work harder in the client, blue regions less.',
      },
    };

    var W = 480, H = 660;
    var root = svg('svg', { id: 'body-figure', viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-labelledby': 'body-figure-title' },
      svg('title', { id: 'body-figure-title', text: 'Muscle demand on a body outline, front and back views' }));
    var defs = svg('defs', null,
      svg('pattern', { id: 'no-data-hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
        svg('rect', { width: 6, height: 6, fill: '#f4f5f6' }), svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#c5cbd1', 'stroke-width': 2 })));
    var gradient = svg('linearGradient', { id: 'legend-gradient', x1: 0, x2: 1, y1: 0, y2: 0 });
    defs.appendChild(gradient);
    root.appendChild(defs);

    var shapes = [];
    [{ view: 'front', cx: 125, title: 'Front' }, { view: 'back', cx: 355, title: 'Back' }].forEach(function (v) {
      var g = svg('g', { transform: 'translate(' + v.cx + ',40)', class: 'view-' + v.view });
      var parts = [OUTLINE.torso, OUTLINE.arm, mirror(OUTLINE.arm), OUTLINE.leg, mirror(OUTLINE.leg)];
      var neck = [[-10, 48], [-11, 74], [11, 74], [10, 48]];
      // Outline pass then fill pass, so the union of the parts reads as one silhouette.
      ['silhouette-outline', 'silhouette-fill'].forEach(function (cls) {
        var layer = svg('g', { class: cls });
        layer.appendChild(svg('ellipse', { cx: 0, cy: 30, rx: 21, ry: 27 }));
        layer.appendChild(svg('path', { d: 'M' + neck.join('L') + 'Z' }));
        parts.forEach(function (p) { layer.appendChild(svg('path', { d: smoothPath(p) })); });
        g.appendChild(layer);
      });
      if (v.view === 'back') {
        g.appendChild(svg('path', { d: 'M0,80 L0,246', stroke: '#b8c0c8', 'stroke-width': 1.2, 'stroke-dasharray': '2 3', fill: 'none' }));
      }
      // Front view: the client's right is on the viewer's left. Back view: on the viewer's right.
      REGIONS.filter(function (r) { return r.view === v.view; }).forEach(function (r) {
        ['r', 'l'].forEach(function (side) {
          var onViewerLeft = (v.view === 'front') === (side === 'r');
          var shape = svg('path', {
            d: smoothPath(onViewerLeft ? r.points : mirror(r.points)),
            class: 'region' + (r.deep ? ' deep' : ''), 'data-region': r.region, 'data-side': side,
          });
          shape.appendChild(svg('title'));
          shapes.push({ node: shape, cls: shape.getAttribute('class'), entry: values[r.region + '|' + side], region: r.region, side: side });
          g.appendChild(shape);
        });
      });
      g.appendChild(svg('text', { class: 'view-label', x: 0, y: -14, text: v.title }));
      var rightX = v.view === 'front' ? -62 : 62;
      g.appendChild(svg('text', { class: 'side-label', x: rightX, y: 556, text: 'Right' }));
      g.appendChild(svg('text', { class: 'side-label', x: -rightX, y: 556, text: 'Left' }));
      root.appendChild(g);
    });

    var legend = svg('g', { transform: 'translate(90,' + (H - 26) + ')' });
    legend.appendChild(svg('rect', { x: 0, y: -14, width: 300, height: 12, fill: 'url(#legend-gradient)', stroke: '#8a949e', 'stroke-width': 0.5 }));
    var legendLabels = [0, 0.5, 1].map(function (f, i) {
      return svg('text', { class: 'legend-label', x: 300 * f, y: 12, 'text-anchor': ['start', 'middle', 'end'][i] });
    });
    legendLabels.forEach(function (t) { legend.appendChild(t); });
    root.appendChild(legend);

    var note = h('p', { class: 'small muted' });
    var buttons = {};
    function apply(modeName) {
      var mode = modes[modeName];
      Object.keys(buttons).forEach(function (k) { buttons[k].setAttribute('aria-pressed', String(k === modeName)); });
      note.textContent = mode.note;
      while (gradient.firstChild) gradient.removeChild(gradient.firstChild);
      for (var i = 0; i <= 10; i++) gradient.appendChild(svg('stop', { offset: i / 10, 'stop-color': mode.color(i / 10) }));
      var texts = modeName === 'change'
        ? [signed(-maxChange * 100, 0, ' points') + ' (less work)', '0', signed(maxChange * 100, 0, ' points') + ' (more work)']
        : ['0 % (at rest)', '50 %', '100 % (maximal)'];
      legendLabels.forEach(function (t, i) { t.textContent = texts[i]; });
      shapes.forEach(function (s) {
        var where = humanize(sideName(s.side)) + ' ' + s.region;
        var value = s.entry ? mode.value(s.entry) : NaN;
        var title = s.node.firstChild;
        if (!isNum(value)) {
          s.node.setAttribute('class', s.cls + ' no-data');
          s.node.removeAttribute('fill');
          s.node.removeAttribute('data-value');
          title.textContent = where + ': no value in this report';
          return;
        }
        s.node.setAttribute('class', s.cls);
        var t = (value - mode.domain[0]) / (mode.domain[1] - mode.domain[0]);
        s.node.setAttribute('fill', mode.color(Math.max(0, Math.min(1, t))));
        s.node.setAttribute('data-value', String(value));
        title.textContent = where + ': baseline ' + pct(s.entry.baseline) + ', client ' + pct(s.entry.client) +
          ' (' + signed((s.entry.client - s.entry.baseline) * 100, 0, ' points') + ')';
      });
    }
    var toggle = h('div', { class: 'toggle', role: 'group', 'aria-label': 'Colour the figure by' },
      Object.keys(modes).map(function (k) {
        buttons[k] = h('button', { type: 'button', 'aria-pressed': 'false', onclick: function () { apply(k); } }, modes[k].label);
        return buttons[k];
      }));
    apply('client');

    // The same numbers as a table, for reading exact values and for print.
    var regions = REGION_ORDER.filter(function (name) { return values[name + '|r'] || values[name + '|l']; });
    var rows = regions.map(function (name) {
      var r = values[name + '|r'] || {}, l = values[name + '|l'] || {};
      var cell = function (e) {
        if (!isNum(e.baseline) && !isNum(e.client)) return '—';
        return pct(e.baseline) + ' → ' + pct(e.client);
      };
      return [humanize(name), { value: cell(r) }, { value: cell(l) }];
    });
    var tableBlock = rows.length
      ? h('details', null, h('summary', { text: 'Numbers behind the figure' }),
        table(['Region', 'Right: baseline → client', 'Left: baseline → client'], rows, { class: 'region-table', numeric: [1, 2] }))
      : h('p', { class: 'muted', text: 'The report has no muscle-demand values; the figure shows the regions only.' });

    return h('div', { class: 'body-figure-wrap' },
      h('div', { class: 'body-figure' }, root),
      h('div', { class: 'body-figure-side' },
        h('p', null, 'Colour shows how hard each muscle region works (mean activation; 100 % = all-out effort). Hover a region for its numbers.'),
        toggle, note,
        h('p', { class: 'small muted' }, 'Dashed outlines are deep muscles lying under others. Hatched regions have no value in this report.'),
        tableBlock));
  }

  // ---------- sections ----------

  function renderHeader(data, root) {
    var client = obj(data.client);
    var facts = [];
    function fact(label, value) { if (value != null && value !== '' && value !== '—') facts.push(h('li', null, h('b', { text: label }), value)); }
    fact('Age', isNum(client.age) ? num(client.age, 0) + ' years' : null);
    fact('Sex', client.sex ? str(client.sex) : null);
    fact('Height', isNum(client.height_m) ? num(client.height_m, 2) + ' m' : null);
    fact('Mass', isNum(client.mass_kg) ? num(client.mass_kg, 1) + ' kg' : null);
    fact('Body weight (BW)', isNum(client.body_weight_N) ? newtons(client.body_weight_N) : null);
    fact('Sitting', isNum(client.sitting_hours_per_day) ? num(client.sitting_hours_per_day, 1) + ' h/day' : null);
    fact('Model', client.model ? str(client.model) : null);

    var header = h('header', null,
      h('h1', null, 'Weak-link assessment: ' + (str(client.name) || 'unnamed client')),
      h('p', { class: 'lead' }, 'How this person\'s muscle strength changes the load on the lower back (the L5/S1 disc) in everyday ' +
        'activities. "Baseline" is the same person at normal (norm) strength; "client" uses the measured strength. ' +
        'Forces are in newtons (N); "× BW" means multiples of body weight.'),
      h('ul', { class: 'client-facts' }, facts));
    // A result that breaks physics (non-finite numbers, equilibrium not met) is shown as such
    // before anything else: its numbers must not be read as an assessment.
    if (data.valid === false) {
      header.insertBefore(h('div', { class: 'invalid-result', role: 'alert' },
        h('h2', { text: 'Invalid result: these numbers break physics' }),
        h('p', { text: 'weaklink could not produce a physically consistent result for this input (exit code 4). ' +
          'Do not use the loads below. Why:' }),
        list(arr(data.invalid_reasons), 'plain')), header.firstChild.nextSibling);
    }
    var summary = arr(data.summary);
    if (summary.length) {
      header.appendChild(h('h2', { text: 'Summary' }));
      header.appendChild(h('ul', { class: 'summary' }, summary.map(function (s) { return h('li', null, str(s)); })));
    }
    root.appendChild(header);
  }

  function renderStrength(data, root) {
    var rows = arr(data.strength).map(function (s) {
      s = obj(s);
      var factor = isNum(s.factor) ? s.factor : null;
      var bar = factor == null ? null : h('span', { class: 'pct-bar', 'aria-hidden': 'true' },
        h('span', { style: 'width:' + Math.min(100, Math.max(0, factor * 100)).toFixed(0) + '%' }));
      return {
        class: factor != null && factor < 0.9 ? 'low' : null,
        cells: [str(s.group), sideName(s.side), h('span', null, pct(factor), bar), str(s.basis),
          { value: arr(s.warnings).length ? list(s.warnings) : '', class: 'warn' }],
      };
    });
    var sec = section('strength', 'Strength', 'Each muscle group\'s strength as a percentage of the norm for this person, and where the number came from. Groups below 90 % are highlighted.');
    sec.appendChild(rows.length ? table(['Muscle group', 'Side', '% of norm', 'Basis', 'Warnings'], rows, { numeric: [2] })
      : h('p', { class: 'muted', text: 'No strength values in the report.' }));
    root.appendChild(sec);
  }

  function renderLoads(data, root) {
    var activities = arr(data.activities);
    var limits = obj(data.limits);
    var sec = section('loads', 'Lower-back load during each activity',
      'Compression of the lowest lumbar disc over time, at norm strength and with the client\'s strength.');
    if (!activities.length) {
      sec.appendChild(h('p', { class: 'muted', text: 'The report has no activities.' }));
      root.appendChild(sec);
      return;
    }
    var grid = h('div', { class: 'chart-grid' });
    activities.forEach(function (a, i) {
      try { grid.appendChild(compressionChart(obj(a), limits, i)); } catch (e) { recordError('activity chart ' + i, e); }
    });
    sec.appendChild(grid);
    sec.appendChild(h('h3', { text: 'Peak compression by activity' }));
    sec.appendChild(peakChart(activities.map(obj), limits, obj(data.client).body_weight_N));
    if (limits.citation || isNum(limits.maximum_permissible_N)) {
      sec.appendChild(h('p', { class: 'small muted' },
        'NIOSH limits: action limit ' + newtons(limits.action_limit_N) + ', maximum permissible ' + newtons(limits.maximum_permissible_N) + '. ' + str(limits.citation)));
    }
    root.appendChild(sec);
  }

  function renderWeakLinks(data, root) {
    var links = arr(data.weak_links).map(obj).slice().sort(function (a, b) {
      return (isNum(a.rank) ? a.rank : 1e9) - (isNum(b.rank) ? b.rank : 1e9);
    });
    var sec = section('weak-links', 'Weak links: which weak group matters most for the back',
      'Each group is restored to norm strength on its own, with everything else as measured; the ranking is by how much that lowers peak lower-back compression.');
    if (!links.length) {
      sec.appendChild(h('p', { class: 'muted', text: 'No weak links in the report.' }));
      root.appendChild(sec);
      return;
    }
    sec.appendChild(rankingChart(links));

    var names = arr(data.activities).map(function (a) { return str(obj(a).name); });
    links.forEach(function (l) {
      Object.keys(obj(l.infeasible_below)).concat(Object.keys(obj(l.restore_change_by_activity))).forEach(function (k) {
        if (names.indexOf(k) < 0) names.push(k);
      });
    });
    var labels = names.map(humanize);

    sec.appendChild(h('h3', { text: 'Change in peak compression per activity when restored' }));
    sec.appendChild(table(['Rank', 'Muscle group', 'Client strength'].concat(labels, ['Total', 'Per 10 % more lost']),
      links.map(function (l) {
        var by = obj(l.restore_change_by_activity);
        return [isNum(l.rank) ? String(l.rank) : '—', str(l.group), pct(l.client_factor)].concat(
          names.map(function (n) { return signed(by[n], 0, ' N'); }),
          [h('b', null, signed(l.restore_change_N, 0, ' N')), signed(l.sensitivity_N_per_10pct, 1, ' N')]);
      }), { numeric: [0, 2].concat(names.map(function (_, i) { return 3 + i; }), [3 + names.length, 4 + names.length]) }));
    sec.appendChild(h('p', { class: 'small muted', text: '"Per 10 % more lost": change in summed peak compression if the group lost a further 10 % of norm strength from the client\'s level.' }));

    sec.appendChild(h('h3', { text: 'How weak can each group get?' }));
    sec.appendChild(h('p', { class: 'small muted', text: 'Strength of the group (all other groups at norm) below which the model cannot perform the activity without extra help ("reserves"). Red: the client is already below that level.' }));
    sec.appendChild(table(['Muscle group', 'Client strength'].concat(labels),
      links.map(function (l) {
        var below = obj(l.infeasible_below);
        return [str(l.group), pct(l.client_factor)].concat(names.map(function (n) {
          if (!(n in below)) return '—';
          var v = below[n];
          if (v === null) return { value: 'feasible to the smallest tried', class: 'good' };
          if (!isNum(v)) return '—';
          return { value: 'below ' + pct(v), class: isNum(l.client_factor) && l.client_factor < v ? 'warn' : null };
        }));
      }), { numeric: [1] }));
    root.appendChild(sec);
  }

  function renderBody(data, root) {
    var sec = section('muscle-demand', 'Which muscles work harder',
      'Front and back views. Each region is coloured by the highest mean activation of its muscles over the activities.');
    sec.appendChild(bodyFigure(arr(data.muscle_demand).map(obj)));
    root.appendChild(sec);
  }

  function renderActivityDetails(data, root) {
    var activities = arr(data.activities).map(obj);
    if (!activities.length) return;
    var sec = section('activity-details', 'Activity details', 'Open an activity for its numbers: loads, which muscles compensate, how much of each group\'s capacity is used, and where the muscles fall short.');
    activities.forEach(function (a, index) {
      try {
        var base = obj(a.baseline_summary), client = obj(a.client_summary);
        var feas = obj(a.feasibility);
        var shortfalls = arr(feas.shortfalls).map(obj);
        var ok = feas.feasible !== false;
        var details = h('details', { class: 'activity' },
          h('summary', null, activityLabel(a), a.description ? h('span', { class: 'muted' }, ' — ' + str(a.description)) : null,
            'feasible' in feas ? h('span', { class: 'badge' + (ok ? '' : ' bad'), text: ok ? 'feasible' : 'muscles fall short' }) : null));

        var metrics = [
          ['Peak compression', 'peak_compression_N', 'peak_compression_bw'],
          ['Compression × time', 'integrated_compression_Ns', null, ' N·s'],
          ['Peak shear (front–back)', 'peak_shear_N', 'peak_shear_bw'],
          ['Shear × time', 'integrated_shear_Ns', null, ' N·s'],
          ['Peak hip contact force', 'peak_hip_contact_N', 'peak_hip_contact_bw'],
          ['Peak knee contact force', 'peak_knee_contact_N', 'peak_knee_contact_bw'],
          ['Largest reserve (what the muscles could not produce)', 'max_reserve', null, ''],
        ];
        var rows = metrics.map(function (m) {
          var fmt = function (s) {
            var v = s[m[1]];
            if (m[2]) return newtons(v) + (isNum(s[m[2]]) ? ' (' + bw(s[m[2]]) + ')' : '');
            return isNum(v) ? num(v, m[1] === 'max_reserve' ? 1 : 0) + m[3] : '—';
          };
          return [m[0], fmt(base), fmt(client), relChange(base[m[1]], client[m[1]])];
        });
        rows.push(['Share of NIOSH action limit', pct(base.fraction_of_action_limit), pct(client.fraction_of_action_limit), '']);
        details.appendChild(h('h4', { text: 'Loads' }));
        details.appendChild(table(['Measure', 'Baseline', 'Client', 'Change'], rows, { numeric: [1, 2, 3] }));

        var comps = arr(a.compensations).map(obj);
        details.appendChild(h('h4', { text: 'Compensations' }));
        if (comps.length) {
          var shown = comps.slice(0, 12);
          details.appendChild(table(['Muscle', 'Baseline activation', 'Client activation', 'Change'],
            shown.map(function (c) {
              return [h('code', null, str(c.muscle)), pct(c.baseline), pct(c.client),
                { value: signed(isNum(c.change) ? c.change * 100 : NaN, 0, ' points'), class: c.change > 0 ? 'warn' : null }];
            }), { numeric: [1, 2, 3], caption: 'Mean activation over the activity; positive change = works harder in the client.' }));
          if (comps.length > shown.length) details.appendChild(h('p', { class: 'small muted', text: (comps.length - shown.length) + ' more muscles changed less.' }));
        } else {
          details.appendChild(h('p', { class: 'muted', text: 'No compensations listed.' }));
        }

        var util = arr(a.utilisation).map(obj);
        details.appendChild(h('h4', { text: 'How much of each group\'s capacity is used' }));
        if (util.length) {
          details.appendChild(table(['Muscle group', 'Side', 'Baseline', 'Client'],
            util.map(function (u) {
              return [str(u.group), sideName(u.side), { value: pct(u.baseline), class: u.baseline >= 1 ? 'warn' : null },
                { value: pct(u.client), class: u.client >= 1 ? 'warn' : null }];
            }), { numeric: [2, 3], caption: 'Peak joint moment the group has to provide, as a share of what it can produce in that pose; 100 % or more (red) means the group alone is at or beyond its limit.' }));
        } else {
          details.appendChild(h('p', { class: 'muted', text: 'No utilisation values listed.' }));
        }

        details.appendChild(h('h4', { text: 'Where the muscles fall short' }));
        if (shortfalls.length) {
          details.appendChild(h('ul', { class: 'plain' }, shortfalls.map(function (s) {
            return h('li', null, h('b', null, humanize(s.coordinate)), ': ' + (isNum(s.frames) ? s.frames + ' frames, ' : '') +
              num(s.first_time, 2) + '–' + num(s.last_time, 2) + ' s; reserve needed ' + num(s.client_peak, 1) +
              ' (baseline ' + num(s.baseline_peak, 1) + ')');
          })));
          if (isNum(feas.threshold)) details.appendChild(h('p', { class: 'small muted', text: 'Listed where the client needs more reserve than the baseline by over ' + num(feas.threshold, 1) + ' (N·m or N).' }));
        } else {
          details.appendChild(h('p', { class: ok ? 'good' : 'muted', text: ok ? 'None: the muscles can perform this activity with the client\'s strength.' : 'No shortfall details listed.' }));
        }
        sec.appendChild(details);
      } catch (e) { recordError('activity details ' + index, e); }
    });
    root.appendChild(sec);
  }

  function renderEvidence(data, root) {
    var items = arr(data.evidence).map(obj);
    if (!items.length) return;
    var sec = section('evidence', 'What the model says and what studies found',
      'The model computes forces for this client; studies describe groups of people. Where they agree, the finding is more trustworthy.');
    items.forEach(function (e) {
      var cites = arr(e.citations);
      sec.appendChild(h('article', { class: 'evidence' },
        h('h3', { text: str(e.claim) || 'Claim' }),
        h('div', { class: 'evidence-cols' },
          h('div', null, h('h4', { text: 'What this model computes for this client' }), h('p', null, str(e.model_says))),
          h('div', null, h('h4', { text: 'What studies found' }), h('p', null, str(e.studies_say)))),
        cites.length ? h('ol', null, cites.map(function (c) { return h('li', null, str(c)); })) : h('p', { class: 'small muted', text: 'No citations given.' })));
    });
    root.appendChild(sec);
  }

  function renderSitting(data, root) {
    var s = data.sitting;
    if (!s || typeof s !== 'object') return;
    var sec = section('sitting', 'Sitting');
    var facts = [];
    if (isNum(s.hours_per_day)) facts.push('Sitting ' + num(s.hours_per_day, 1) + ' hours a day');
    if (isNum(s.longest_bout_min)) facts.push('longest uninterrupted bout ' + num(s.longest_bout_min, 0) + ' minutes');
    if (isNum(s.daily_compression_impulse_MNs)) facts.push('daily seated compression impulse ' + num(s.daily_compression_impulse_MNs, 1) + ' MN·s (hours × mean seated compression)');
    if (facts.length) sec.appendChild(h('p', null, facts.join('; ') + '.'));
    var comp = obj(s.compression_N);
    var keys = Object.keys(comp).filter(function (k) { return isNum(comp[k]); });
    if (keys.length) {
      var bodyWeight = obj(data.client).body_weight_N;
      var standing = comp.standing;
      sec.appendChild(table(['Posture', 'Mean L5/S1 compression', '× body weight', 'Compared with standing'],
        keys.map(function (k) {
          return [humanize(k), newtons(comp[k]), isNum(bodyWeight) && bodyWeight > 0 ? num(comp[k] / bodyWeight, 2) : '—',
            k === 'standing' ? '' : relChange(standing, comp[k])];
        }), { numeric: [1, 2, 3] }));
    }
    root.appendChild(sec);
  }

  function renderNotes(data, root) {
    var warnings = arr(data.warnings), limitations = arr(data.limitations);
    if (warnings.length) {
      var w = section('warnings', 'Warnings');
      w.appendChild(list(warnings, 'plain warn'));
      root.appendChild(w);
    }
    if (limitations.length) {
      var l = section('limitations', 'Limitations', 'What this model can and cannot tell you.');
      l.appendChild(list(limitations));
      root.appendChild(l);
    }
    var bits = [];
    if (data.generated_by) bits.push('Generated by ' + str(data.generated_by));
    if (data.schema) bits.push('schema ' + str(data.schema));
    if (data.kind) bits.push('kind ' + str(data.kind));
    bits.push('charts: Vega ' + str(window.vega && window.vega.version) + ', Vega-Lite ' + str(window.vegaLite && window.vegaLite.version));
    root.appendChild(h('footer', null, bits.join(' · ')));
  }

  // ---------- main ----------

  function main() {
    var root = document.getElementById('report');
    var loading = document.getElementById('loading');
    var data, text;
    try {
      text = document.getElementById('weaklink-report').textContent;
      // Split so this file never contains the placeholder itself.
      if (text.trim() === '@@WEAKLINK_' + 'REPORT_JSON@@') throw new Error('this is the report template; no report data was filled in');
      data = obj(JSON.parse(text));
    } catch (e) {
      // Text after the JSON means an HTML comment opener or "<script" in the data was not escaped.
      if (/<\/script/i.test(text || '')) e = new Error(e.message + ' (the embedded data runs past its script tag: escape "<" in it as \\u003c)');
      recordError('reading report data', e);
      if (loading) loading.remove();
      root.appendChild(h('p', { class: 'notice error', text: 'The report data could not be read: ' + (e && e.message) }));
      return;
    }
    if (loading) loading.remove();
    var client = obj(data.client);
    document.title = 'weaklink assessment' + (client.name ? ': ' + str(client.name) : '');

    [renderHeader, renderStrength, renderLoads, renderWeakLinks, renderBody, renderActivityDetails,
      renderEvidence, renderSitting, renderNotes].forEach(function (render) {
      try { render(data, root); } catch (e) { recordError(render.name, e); }
    });

    // Closed <details> do not print; open them all for paper.
    window.addEventListener('beforeprint', function () {
      Array.prototype.forEach.call(document.querySelectorAll('details'), function (d) { d.open = true; });
    });
  }

  // The data comes last in the page (so that badly escaped data cannot swallow the scripts), hence
  // wait for the whole document.
  function start() {
    try { main(); } catch (e) { recordError('main', e); }
    Promise.all(chartPromises).then(function () { window.weaklinkReady = true; });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
