/* Linli dashboard charts (docs/dashboard-charts.md). Every chart is a table first:
   <figure class="chart" data-chart="line|bar|hbar|stack|pie|map" data-unit="件" data-title="…"><table>…</table></figure>
   This file reads each such table and draws it with Apache ECharts (vendored), keeps the table in the page for screen
   readers and print (visually hidden, with a 查看表格/查看图表 button), follows a cell's link when its point is
   clicked, redraws on resize, and runs the wall screen (<body data-wall data-refresh="N">): it fetches the page every
   N seconds, swaps <main> and redraws, and says when it last succeeded or that it failed.
   No inline script or style (the Content-Security-Policy forbids them): sizes are set through element.style, the
   tooltip is HTML with classes only, and every text taken from the page is escaped before it goes into HTML. */
(function () {
  "use strict";

  // Okabe–Ito: told apart by people with any common colour-vision deficiency; patterns (decals), symbols, dash
  // styles and labels carry the same information, so nothing depends on colour alone.
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#8C6D00", "#000000"];
  var PALETTE_DARK = ["#56B4E9", "#E69F00", "#3FD0A4", "#FF7F3F", "#E59ACB", "#9CCBFF", "#F0E442", "#FFFFFF"];
  var SYMBOLS = ["circle", "rect", "triangle", "diamond", "roundRect", "pin", "arrow", "emptyCircle"];
  var DASHES = ["solid", "dashed", "dotted"];
  // Viridis ends, for the map: dark = more, readable in grey too; the point size carries the value as well.
  var SEQUENTIAL = ["#FDE725", "#5EC962", "#21918C", "#3B528B", "#440154"];
  var SEQUENTIAL_DARK = SEQUENTIAL.slice().reverse();   // on the dark wall, more = brighter

  var charts = [];        // {fig, chart, data, kind}
  var outlineCount = 0;
  var words = {};

  function loadWords() {
    var el = document.getElementById("chart-words");
    try { words = el ? JSON.parse(el.textContent) : {}; } catch (e) { words = {}; }
  }
  function word(key, fallback) { return words[key] || fallback; }

  function lang() { return (document.documentElement.lang || "zh-CN").toLowerCase().indexOf("en") === 0 ? "en" : "zh-CN"; }

  function escapeHTML(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  var fullFmt, compactFmt;
  function formatNumber(v) {
    if (v == null || isNaN(v)) return word("noValue", "无数据");
    fullFmt = fullFmt || new Intl.NumberFormat(lang(), {maximumFractionDigits: 2});
    return fullFmt.format(v);
  }
  // Axis labels: 1.2万, 3亿 in Chinese (12K, 300M in English); small numbers as they are.
  function formatAxis(v) {
    if (Math.abs(v) < 10000) return formatNumber(v);
    compactFmt = compactFmt || new Intl.NumberFormat(lang(), {notation: "compact", maximumFractionDigits: 1});
    return compactFmt.format(v);
  }

  // Only ordinary links are followed: a cell's href is the server's, but never run a javascript: URL.
  function safeHref(a) {
    if (!a) return null;
    var href = a.href;
    return /^https?:/i.test(href) ? href : null;
  }

  function readTable(fig) {
    var table = fig.querySelector("table");
    var data = {categories: [], catUrls: [], series: []};
    if (!table) return data;
    var heads = table.querySelectorAll("thead th");
    for (var i = 1; i < heads.length; i++) {
      data.series.push({name: heads[i].textContent.trim(), values: [], texts: [], urls: []});
    }
    var rows = table.querySelectorAll("tbody tr");
    for (var r = 0; r < rows.length; r++) {
      var cells = rows[r].children;
      if (cells.length < 2 || !cells[0].matches("th")) continue;   // the "no data" row
      data.categories.push(cells[0].textContent.trim());
      data.catUrls.push(safeHref(cells[0].querySelector("a")));
      for (var c = 1; c < cells.length && c - 1 < data.series.length; c++) {
        var raw = cells[c].getAttribute("data-value");
        var num = raw === null || raw === "" ? null : Number(raw);
        var s = data.series[c - 1];
        s.values.push(num === null || isNaN(num) ? null : num);
        s.texts.push(num === null || isNaN(num) ? word("noValue", "无数据") : cells[c].textContent.trim());
        s.urls.push(safeHref(cells[c].querySelector("a")));
      }
    }
    var outline = fig.querySelector("script.chart-outline");
    if (outline) {
      try { data.outline = JSON.parse(outline.textContent); } catch (e) { data.outline = null; }
    }
    return data;
  }

  function context(fig) {
    var wall = document.body.hasAttribute("data-wall");
    var large = !!(fig.closest(".large") || document.documentElement.classList.contains("large"));
    var phone = fig.clientWidth < 500;
    var style = getComputedStyle(fig);
    return {
      wall: wall, phone: phone, width: fig.clientWidth,
      font: wall ? 22 : large ? 18 : 16,
      family: style.fontFamily,
      ink: wall ? "#E8EEF5" : "#1D1D1F",
      muted: wall ? "#A9B8C8" : "#555555",
      line: wall ? "#3A4A5C" : "#D8D8D8",
      palette: wall ? PALETTE_DARK : PALETTE,
      unit: fig.getAttribute("data-unit") || "",
    };
  }

  function tipRow(i, name, text, unit, url) {
    return '<div class="chart-tip-row"><span class="chart-tip-mark chart-c' + (i % 8) + '"></span>' +
      escapeHTML(name) + "：<b>" + escapeHTML(text) + "</b>" + (unit && text !== word("noValue", "无数据") ? escapeHTML(unit) : "") +
      (url ? '<span class="chart-tip-link">' + escapeHTML(word("open", "点击查看明细")) + "</span>" : "") + "</div>";
  }

  function axisTooltip(data, ctx, withTotal) {
    return function (params) {
      if (!params.length) return "";
      var idx = params[0].dataIndex;
      var html = '<div class="chart-tip-head">' + escapeHTML(data.categories[idx]) + "</div>";
      var total = 0, any = false;
      for (var i = 0; i < params.length; i++) {
        var s = data.series[params[i].seriesIndex];
        html += tipRow(params[i].seriesIndex, s.name, s.texts[idx], ctx.unit, s.urls[idx]);
        if (s.values[idx] != null) { total += s.values[idx]; any = true; }
      }
      if (withTotal && any && params.length > 1) {
        html += '<div class="chart-tip-row chart-tip-total">' + escapeHTML(word("total", "合计")) + "：<b>" +
          escapeHTML(formatNumber(total)) + "</b>" + escapeHTML(ctx.unit) + "</div>";
      }
      return html;
    };
  }

  function base(ctx) {
    return {
      animation: !ctx.refreshing,
      backgroundColor: "transparent",
      color: ctx.palette,
      textStyle: {fontSize: ctx.font, fontFamily: ctx.family, color: ctx.ink},
      aria: {enabled: true, decal: {show: true}},
      tooltip: {
        confine: true, className: "chart-tip" + (ctx.wall ? " chart-tip-dark" : ""),
        backgroundColor: ctx.wall ? "#0F2236" : "#FFFFFF", borderWidth: 1, padding: [8, 12],
        textStyle: {fontSize: ctx.font, color: ctx.ink},
      },
    };
  }

  function legend(ctx, names) {
    return {
      show: names.length > 1, type: "scroll", top: 0, left: 0, data: names,
      itemWidth: 30, itemHeight: 18, itemGap: 18,
      textStyle: {fontSize: ctx.font, color: ctx.ink}, pageTextStyle: {color: ctx.ink},
    };
  }

  function valueAxis(ctx, extra) {
    var axis = {
      type: "value",
      axisLabel: {fontSize: ctx.font, color: ctx.muted, formatter: formatAxis},
      splitLine: {lineStyle: {color: ctx.line}},
    };
    for (var k in extra) axis[k] = extra[k];
    return axis;
  }

  function categoryAxis(ctx, data, extra) {
    var axis = {
      type: "category", data: data.categories, triggerEvent: true,
      axisLabel: {fontSize: ctx.font, color: ctx.ink, hideOverlap: true},
      axisLine: {lineStyle: {color: ctx.muted}}, axisTick: {alignWithLabel: true},
    };
    for (var k in extra) axis[k] = extra[k];
    return axis;
  }

  function seriesCursor(s) {
    for (var i = 0; i < s.urls.length; i++) if (s.urls[i]) return "pointer";
    return "default";
  }

  function lineOption(data, ctx) {
    var opt = base(ctx);
    var many = data.series.length > 1;
    opt.legend = legend(ctx, data.series.map(function (s) { return s.name; }));
    opt.grid = {left: 8, right: 24, top: many ? 52 : 16, bottom: 8};
    opt.tooltip.trigger = "axis";
    opt.tooltip.formatter = axisTooltip(data, ctx, false);
    opt.xAxis = categoryAxis(ctx, data, {boundaryGap: false});
    opt.yAxis = valueAxis(ctx, {});
    opt.series = data.series.map(function (s, i) {
      return {
        type: "line", name: s.name, data: s.values.map(function (v) { return v == null ? "-" : v; }),
        symbol: SYMBOLS[i % SYMBOLS.length], symbolSize: 9, showSymbol: data.categories.length <= 62,
        // Each line has its own marker and dash (shown in the legend too): told apart without colour.
        lineStyle: {width: 3, type: DASHES[i % DASHES.length]}, connectNulls: false, cursor: seriesCursor(s),
        emphasis: {focus: "series"},
      };
    });
    return opt;
  }

  function barOption(data, ctx, kind) {
    var opt = base(ctx);
    var horizontal = kind === "hbar", stacked = kind === "stack";
    var names = data.series.map(function (s) { return s.name; });
    opt.legend = legend(ctx, names);
    opt.grid = {left: 8, right: horizontal ? 64 : 16, top: names.length > 1 ? 52 : 28, bottom: 8};
    opt.tooltip.trigger = "axis";
    opt.tooltip.axisPointer = {type: "shadow"};
    opt.tooltip.formatter = axisTooltip(data, ctx, stacked);
    var cat = categoryAxis(ctx, data, horizontal ? {inverse: true, axisLabel: {fontSize: ctx.font, color: ctx.ink,
      width: ctx.phone ? 110 : 200, overflow: "truncate"}} : {});
    if (!horizontal) {
      // Every category named: wrapped under its bar when there is room, slanted when there is not.
      var per = (ctx.width - 60) / Math.max(1, data.categories.length);
      if (per >= ctx.font * 2.5) {
        cat.axisLabel.interval = 0;
        cat.axisLabel.width = per - 6;
        cat.axisLabel.overflow = "break";
      } else {
        cat.axisLabel.rotate = 45;
      }
    }
    var val = valueAxis(ctx, horizontal ? {name: "", splitNumber: ctx.phone ? 3 : 5} : {});
    opt.xAxis = horizontal ? val : cat;
    opt.yAxis = horizontal ? cat : val;
    var labelled = horizontal || data.categories.length * data.series.length <= 24;
    opt.series = data.series.map(function (s, i) {
      return {
        type: "bar", name: s.name, stack: stacked ? "total" : undefined, cursor: seriesCursor(s),
        data: s.values.map(function (v) { return v == null ? "-" : v; }),
        barMaxWidth: 48,
        label: {
          show: labelled && !(stacked && data.series.length > 1 && ctx.phone),
          position: stacked ? "inside" : horizontal ? "right" : "top",
          fontSize: ctx.font, color: stacked ? "#FFFFFF" : ctx.ink,
          textBorderColor: stacked ? "#000000" : "transparent", textBorderWidth: stacked ? 2 : 0,
          formatter: function (p) { return s.values[p.dataIndex] == null ? "" : s.texts[p.dataIndex]; },
        },
        labelLayout: {hideOverlap: true},
        emphasis: {focus: "series"},
      };
    });
    return opt;
  }

  function pieOption(data, ctx) {
    var opt = base(ctx);
    var s = data.series[0] || {values: [], texts: [], urls: [], name: ""};
    opt.tooltip.trigger = "item";
    opt.tooltip.formatter = function (p) {
      return '<div class="chart-tip-head">' + escapeHTML(data.categories[p.dataIndex]) + "</div>" +
        tipRow(p.dataIndex, s.name, s.texts[p.dataIndex], ctx.unit, s.urls[p.dataIndex]) +
        '<div class="chart-tip-row">' + escapeHTML(formatNumber(p.percent)) + "%</div>";
    };
    opt.series = [{
      type: "pie", name: s.name, radius: ctx.phone ? ["28%", "52%"] : ["35%", "62%"], center: ["50%", "52%"],
      cursor: seriesCursor(s), avoidLabelOverlap: true, minShowLabelAngle: 3,
      itemStyle: {borderColor: ctx.wall ? "#0B1A2A" : "#FFFFFF", borderWidth: 2},
      // Each slice says its name and share: no legend to match by colour.
      label: {fontSize: ctx.font, color: ctx.ink, formatter: function (p) {
        return p.name + "\n" + formatNumber(p.percent) + "%";
      }},
      labelLine: {length: 10, length2: 8},
      data: data.categories.map(function (c, i) {
        return {name: c, value: s.values[i] == null ? "-" : s.values[i]};
      }),
    }];
    return opt;
  }

  // The map: columns 名称, 经度, 纬度, value. Points over the outline when the figure has one (ECharts' geo
  // component, no tiles), otherwise a scatter on lon/lat axes whose ranges keep one degree the same length on
  // both axes (corrected by cos(latitude)).
  function mapPoints(data) {
    var pts = [], lon = data.series[0], lat = data.series[1], val = data.series[2] || data.series[0];
    if (!lon || !lat) return pts;
    for (var i = 0; i < data.categories.length; i++) {
      if (lon.values[i] == null || lat.values[i] == null) continue;
      pts.push({name: data.categories[i], value: [lon.values[i], lat.values[i], val.values[i] == null ? 0 : val.values[i]],
        index: i, text: val.texts[i], url: val.urls[i] || data.catUrls[i]});
    }
    return pts;
  }

  function mapOption(data, ctx, fig) {
    var opt = base(ctx);
    var pts = mapPoints(data), valueName = data.series[2] ? data.series[2].name : "";
    var vals = pts.map(function (p) { return p.value[2]; });
    var min = vals.length ? Math.min.apply(null, vals) : 0, max = vals.length ? Math.max.apply(null, vals) : 1;
    if (max === min) max = min + 1;
    opt.tooltip.trigger = "item";
    opt.tooltip.formatter = function (p) {
      var pt = pts[p.dataIndex];
      return pt ? '<div class="chart-tip-head">' + escapeHTML(pt.name) + "</div>" +
        tipRow(0, valueName, pt.text, ctx.unit, pt.url) : "";
    };
    opt.visualMap = {
      type: "continuous", dimension: 2, min: min, max: max, calculable: false, orient: "horizontal",
      left: "center", bottom: 0, itemWidth: 14, itemHeight: ctx.phone ? 120 : 200,
      text: [formatAxis(max), formatAxis(min)], textStyle: {fontSize: ctx.font, color: ctx.ink},
      inRange: {color: ctx.wall ? SEQUENTIAL_DARK : SEQUENTIAL, symbolSize: [12, 40]},
    };
    var series = {
      type: "scatter", name: valueName, data: pts.map(function (p) { return {name: p.name, value: p.value, cursor: p.url ? "pointer" : "default"}; }),
      itemStyle: {borderColor: ctx.wall ? "#FFFFFF" : "#1D1D1F", borderWidth: 1, opacity: 0.9},
      label: {show: pts.length <= 20, formatter: "{b}", position: "right", fontSize: ctx.font, color: ctx.ink,
        textBorderColor: ctx.wall ? "#0B1A2A" : "#FFFFFF", textBorderWidth: 3},
      labelLayout: {hideOverlap: true},
      emphasis: {scale: 1.3},
    };
    if (data.outline) {
      var key = fig.getAttribute("data-outline-key");
      if (!key) {
        key = "linli-outline-" + (++outlineCount);
        fig.setAttribute("data-outline-key", key);
      }
      window.echarts.registerMap(key, data.outline);
      opt.geo = {
        map: key, roam: false, top: 16, bottom: 64, left: 8, right: 8,
        itemStyle: {areaColor: ctx.wall ? "#16283B" : "#EEF2F5", borderColor: ctx.wall ? "#8FA6BD" : "#6B7A88", borderWidth: 1.5},
        label: {show: true, fontSize: ctx.font, color: ctx.muted},
        emphasis: {disabled: true}, select: {disabled: true}, silent: true, tooltip: {show: false},
      };
      series.coordinateSystem = "geo";
    } else {
      opt.grid = {left: 104, right: 24, top: 24, bottom: 100, outerBoundsMode: "none"};
      var ranges = equalAspect(pts, fig, opt.grid);
      var axisName = {fontSize: ctx.font, color: ctx.muted};
      var digits = ranges.y.max - ranges.y.min < 0.1 ? 3 : 2;
      var lonLabel = {fontSize: ctx.font, color: ctx.muted, hideOverlap: true, showMinLabel: false, showMaxLabel: false,
        formatter: function (v) { return v.toFixed(digits) + "°"; }};
      opt.xAxis = {type: "value", scale: true, name: word("longitude", "经度"), nameLocation: "middle", nameGap: 32,
        nameTextStyle: axisName, axisLabel: lonLabel, splitLine: {lineStyle: {color: ctx.line}}};
      opt.yAxis = {type: "value", scale: true, name: word("latitude", "纬度"), nameLocation: "middle", nameGap: 80,
        nameTextStyle: axisName, axisLabel: lonLabel, splitLine: {lineStyle: {color: ctx.line}}};
      for (var k in ranges.x) opt.xAxis[k] = ranges.x[k];
      for (var j in ranges.y) opt.yAxis[j] = ranges.y[j];
    }
    opt.series = [series];
    return opt;
  }

  function equalAspect(pts, fig, grid) {
    if (!pts.length) return {x: {}, y: {}};
    var xs = pts.map(function (p) { return p.value[0]; }), ys = pts.map(function (p) { return p.value[1]; });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    var k = Math.cos((y0 + y1) / 2 * Math.PI / 180) || 1;     // a degree of longitude is shorter away from the equator
    var canvas = fig.querySelector(".chart-canvas");
    var w = Math.max(50, canvas.clientWidth - grid.left - grid.right);
    var h = Math.max(50, canvas.clientHeight - grid.top - grid.bottom);
    var dx = Math.max((x1 - x0) * k, 0.002), dy = Math.max(y1 - y0, 0.002);
    var perPx = Math.max(dx / w, dy / h) * 1.3;              // room around the points for their names
    var cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    var halfX = perPx * w / 2 / k, halfY = perPx * h / 2;
    return {x: {min: cx - halfX, max: cx + halfX}, y: {min: cy - halfY, max: cy + halfY}};
  }

  function optionFor(kind, data, ctx, fig) {
    if (kind === "line") return lineOption(data, ctx);
    if (kind === "bar" || kind === "hbar" || kind === "stack") return barOption(data, ctx, kind);
    if (kind === "pie") return pieOption(data, ctx);
    if (kind === "map") return mapOption(data, ctx, fig);
    return null;
  }

  function canvasHeight(kind, data, ctx, fig) {
    if (ctx.wall) return null;                                  // the wall's grid cell decides (dashboard.css)
    if (kind === "hbar") return Math.max(200, data.categories.length * (ctx.font * 2.3) + 80);
    if (kind === "map") return ctx.phone ? 380 : 460;
    if (kind === "pie") return ctx.phone ? 320 : 360;
    return ctx.phone ? 280 : 340;
  }

  function linkOf(entry, p) {
    var data = entry.data;
    if (p.componentType === "xAxis" || p.componentType === "yAxis") {
      var i = data.categories.indexOf(p.value);
      return i >= 0 ? data.catUrls[i] : null;
    }
    if (p.componentType !== "series") return null;
    if (entry.kind === "map") {
      var pts = mapPoints(data);
      return pts[p.dataIndex] ? pts[p.dataIndex].url : null;
    }
    if (entry.kind === "pie") {
      var s = data.series[0];
      return (s && s.urls[p.dataIndex]) || data.catUrls[p.dataIndex];
    }
    var series = data.series[p.seriesIndex];
    return (series && series.urls[p.dataIndex]) || data.catUrls[p.dataIndex];
  }

  function addToggle(fig) {
    if (fig.querySelector(".chart-toggle")) return;
    var bar = document.createElement("div");
    bar.className = "chart-tools";
    var btn = document.createElement("button");
    btn.type = "button";
    btn.className = "chart-toggle";
    btn.setAttribute("aria-pressed", "false");
    btn.textContent = word("showTable", "查看表格");
    bar.appendChild(btn);
    var cap = fig.querySelector("figcaption");
    if (cap) cap.after(bar); else fig.prepend(bar);
  }

  function draw(fig, refreshing) {
    var kind = fig.getAttribute("data-chart");
    if (!window.echarts || fig.classList.contains("chart-drawn")) return;
    var data = readTable(fig);
    if (!data.categories.length) return;                       // "暂无数据": the table says it
    var holder = document.createElement("div");
    holder.className = "chart-canvas";
    holder.setAttribute("aria-hidden", "true");                // the table is what assistive technology reads
    var table = fig.querySelector("table");
    fig.insertBefore(holder, table);
    // Hide the table and place the button first, so that the canvas gets its final size before ECharts measures it.
    fig.classList.add("chart-drawn");
    addToggle(fig);
    try {
      var ctx = context(fig);
      ctx.refreshing = !!refreshing;
      var h = canvasHeight(kind, data, ctx, fig);
      if (h) holder.style.height = Math.round(h) + "px";
      var option = optionFor(kind, data, ctx, fig);
      if (!option) throw new Error("unknown chart kind " + kind);
      var chart = window.echarts.init(holder, null, {renderer: "canvas", locale: lang() === "en" ? "EN" : "ZH"});
      chart.setOption(option);
    } catch (e) {
      undraw(fig, holder);
      throw e;
    }
    var entry = {fig: fig, chart: chart, data: data, kind: kind};
    chart.on("click", function (p) {
      var url = linkOf(entry, p);
      if (url) window.location.assign(url);
    });
    charts.push(entry);
  }

  // A chart that cannot be drawn leaves its table in view: nothing is lost.
  function undraw(fig, holder) {
    holder.remove();
    fig.classList.remove("chart-drawn");
    var tools = fig.querySelector(".chart-tools");
    if (tools) tools.remove();
  }

  function drawAll(root, refreshing) {
    var figs = (root || document).querySelectorAll("figure.chart[data-chart]");
    for (var i = 0; i < figs.length; i++) {
      try { draw(figs[i], refreshing); } catch (e) {
        if (window.console) console.error("chart", figs[i].getAttribute("data-title"), e);
      }
    }
  }

  function disposeIn(root) {
    charts = charts.filter(function (entry) {
      if (root.contains(entry.fig)) { entry.chart.dispose(); return false; }
      return true;
    });
  }

  // A map without outline recomputes its axis ranges for the new size so that it keeps its equal aspect.
  function resizeAll() {
    charts.forEach(function (entry) {
      if (entry.kind === "map" && !entry.data.outline) {
        entry.chart.resize();
        var ctx = context(entry.fig);
        entry.chart.setOption(mapOption(entry.data, ctx, entry.fig));
      } else {
        entry.chart.resize();
      }
    });
  }
  var resizeTimer = null;
  function scheduleResize() {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(resizeAll, 120);
  }

  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest(".chart-toggle");
    if (!btn) return;
    var fig = btn.closest("figure.chart");
    var showTable = !fig.classList.contains("chart-show-table");
    fig.classList.toggle("chart-show-table", showTable);
    btn.setAttribute("aria-pressed", showTable ? "true" : "false");
    btn.textContent = showTable ? word("showChart", "查看图表") : word("showTable", "查看表格");
    if (!showTable) scheduleResize();
  });

  // Full screen (Fullscreen API): <button data-fullscreen hidden> (whole page) or data-fullscreen="#id".
  function fullscreenButtons() {
    var buttons = document.querySelectorAll("[data-fullscreen]");
    for (var i = 0; i < buttons.length; i++) {
      if (document.fullscreenEnabled) buttons[i].hidden = false;
      buttons[i].textContent = document.fullscreenElement ? word("exitFullscreen", "退出全屏") : word("fullscreen", "全屏");
      buttons[i].setAttribute("aria-pressed", document.fullscreenElement ? "true" : "false");
    }
  }
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-fullscreen]");
    if (!btn) return;
    if (document.fullscreenElement) { document.exitFullscreen(); return; }
    var sel = btn.getAttribute("data-fullscreen");
    var target = sel ? document.querySelector(sel) : document.documentElement;
    (target || document.documentElement).requestFullscreen().catch(function () { /* refused: the page stays */ });
  });
  document.addEventListener("fullscreenchange", function () { fullscreenButtons(); scheduleResize(); });

  // The wall screen: <body data-wall data-refresh="300">. Status in [data-refresh-status] (outside <main>).
  function timeNow() {
    return new Date().toLocaleTimeString(lang(), {hour12: false});
  }
  function statusBox() {
    var box = document.querySelector("[data-refresh-status]");
    if (!box) {
      box = document.createElement("p");
      box.setAttribute("data-refresh-status", "");
      box.className = "chart-refresh-status";
      document.body.appendChild(box);
    }
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    return box;
  }
  var lastGood = null;
  function refreshed() {
    lastGood = timeNow();
    var box = statusBox();
    box.classList.remove("chart-refresh-failed");
    document.body.classList.remove("chart-stale");
    box.textContent = word("updated", "更新于") + " " + lastGood;
    box.setAttribute("data-refreshed-at", String(Date.now()));
  }
  function failed(reason) {
    var box = statusBox();
    box.classList.add("chart-refresh-failed");
    document.body.classList.add("chart-stale");
    box.textContent = word("failed", "刷新失败") + "（" + timeNow() + (reason ? "，" + reason : "") + "）。" +
      word("stale", "屏上仍是这一时刻的数据：") + lastGood + "。" + word("retry", "将自动重试");
  }
  var busy = false;   // a slow answer is not asked for twice
  function refresh() {
    var main = document.querySelector("main");
    if (!main || busy) return Promise.resolve();
    busy = true;
    return fetch(window.location.href, {credentials: "same-origin", cache: "no-store", headers: {"X-Linli-Refresh": "1"}})
      .then(function (res) {
        var path = new URL(res.url).pathname;
        if (path !== window.location.pathname) throw new Error(word("signedOut", "登录已失效，请重新登录"));
        if (!res.ok) throw new Error("HTTP " + res.status);
        return res.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("main");
        if (!fresh) throw new Error("HTTP 200");
        var y = window.scrollY;
        disposeIn(main);
        main.replaceChildren.apply(main, Array.prototype.map.call(fresh.childNodes, function (n) {
          return document.importNode(n, true);
        }));
        drawAll(main, true);
        window.scrollTo(0, y);
        refreshed();
      })
      .catch(function (err) { failed(err && err.message); })
      .then(function () { busy = false; });
  }
  function startWall() {
    var body = document.body;
    if (!body.hasAttribute("data-wall")) return;
    refreshed();
    var every = parseFloat(body.getAttribute("data-refresh"));
    if (every > 0) setInterval(refresh, every * 1000);
  }

  function start() {
    loadWords();
    drawAll(document);
    fullscreenButtons();
    startWall();
    window.addEventListener("resize", scheduleResize);
    if (window.ResizeObserver) {
      var ro = new ResizeObserver(scheduleResize);
      var main = document.querySelector("main");
      if (main) ro.observe(main);
    }
    window.addEventListener("beforeprint", function () { /* the tables print (dashboard.css); nothing to do */ });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  // Pages that swap content with htmx get their new charts drawn too.
  document.addEventListener("htmx:load", function (e) { drawAll(e.target); });

  window.linliCharts = {drawAll: drawAll, refresh: refresh, count: function () { return charts.length; }};
})();
