/* The dashboard page: reads the JSON API with the Mini App's init data and draws it.
 * Every figure comes from the server; this script only lays them out, sorts the
 * district table and follows taps. No external request, no library. */
(function () {
  "use strict";
  var tg = window.Telegram.WebApp;
  var ALL = JSON.parse(document.getElementById("strings").textContent);
  var lang = "vi";
  var me = null;
  var stack = [];  // views to go back to
  var current = null;
  var $ = function (id) { return document.getElementById(id); };

  function s(key, params) {
    var text = (ALL[lang] && ALL[lang][key]) || ALL.vi[key] || key;
    return text.replace(/\{(\w+)\}/g, function (m, name) {
      return params && params[name] !== undefined ? String(params[name]) : m;
    });
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "cls") node.className = attrs[k];
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), attrs[k]);
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  /* ---- theme ---------------------------------------------------------- */
  var THEME = {
    bg_color: "--tg-bg", text_color: "--tg-text", hint_color: "--tg-hint", link_color: "--tg-link",
    button_color: "--tg-button", button_text_color: "--tg-button-text",
    secondary_bg_color: "--tg-secondary-bg", section_bg_color: "--tg-section-bg",
    destructive_text_color: "--tg-destructive",
  };
  function applyTheme() {
    var root = document.documentElement;
    var p = tg.themeParams || {};
    Object.keys(THEME).forEach(function (k) {
      if (p[k]) root.style.setProperty(THEME[k], p[k]);
      else root.style.removeProperty(THEME[k]);
    });
    root.classList.toggle("dark", tg.colorScheme === "dark");
  }

  /* ---- API ------------------------------------------------------------ */
  function api(path) {
    return fetch(path, { headers: { Authorization: "tma " + tg.initData } }).then(function (r) {
      if (r.ok) return r;
      return r.json().catch(function () { return {}; }).then(function (body) {
        throw new Error(body.message || s("error.network"));
      });
    }, function () { throw new Error(s("error.network")); });
  }
  function getJSON(path) { return api(path).then(function (r) { return r.json(); }); }
  function fail(err) { clear($("main")).appendChild(el("p", { cls: "error", text: err.message })); }

  /* ---- navigation ----------------------------------------------------- */
  function show(view, push) {
    if (push && current) stack.push(current);
    current = view;
    view();
  }
  function back() { if (stack.length) { current = stack.pop(); current(); } }
  function backButton() { return stack.length ? el("button", { cls: "back", text: s("back"), onclick: back }) : null; }

  function tabs(items, selected) {
    var nav = clear($("tabs"));
    nav.hidden = items.length < 2;
    items.forEach(function (it) {
      nav.appendChild(el("button", {
        text: it.label, "aria-selected": String(it.key === selected), "data-tab": it.key,
        onclick: function () { stack = []; current = null; show(it.view); },
      }));
    });
  }
  function orgTabs(orgId, selected) {
    var items = [];
    if (me.home === "district") items.push({ key: "district", label: s("tab.district"), view: district });
    items.push({ key: "overview", label: s("tab.overview"), view: function () { overview(orgId, ""); } });
    items.push({ key: "overdue", label: s("tab.overdue"), view: function () { overdue(orgId); } });
    items.push({ key: "score", label: s("tab.score"), view: function () { scorecard(orgId); } });
    tabs(items, selected);
  }
  function orgQuery(orgId) { return orgId && me.home === "district" ? "org=" + orgId : ""; }

  /* ---- overview ------------------------------------------------------- */
  function legend(totals, items) {
    return el("div", { cls: "legend" }, items.map(function (it) {
      var n = totals[it.key];
      return el("span", { cls: "sw-" + it.key, "data-standing": it.key, text: it.label + (n === null || n === undefined ? "" : " " + n) });
    }));
  }
  function svgBlock(markup) {
    var box = el("div", { cls: "chart-box" });
    box.innerHTML = markup;  // server-drawn SVG; every text in it is escaped by the server
    return box;
  }
  function groupList(kind, lines, orgId) {
    return el("ul", { cls: "rows", "data-list": kind }, lines.filter(function (g) { return g.id !== null; }).map(function (g) {
      return el("li", { "data-kind": kind, "data-id": g.id, onclick: function () { tasks(kind, g.id); } }, [
        el("span", { text: g.label }), el("span", { cls: "n", text: g.done + "/" + g.total + " · " + g.mean_text }),
      ]);
    }));
  }
  function overview(orgId, period) {
    var q = [orgQuery(orgId), period ? "period=" + encodeURIComponent(period) : ""].filter(Boolean).join("&");
    getJSON("/api/overview" + (q ? "?" + q : "")).then(function (ov) {
      orgTabs(orgId || ov.org.id, "overview");
      $("org").textContent = ov.org.title;
      $("asof").textContent = (ov.period ? ov.period.label + " · " : "") + s("as_of", { date: ov.today_text });
      var sel = clear($("period"));
      sel.hidden = false;
      sel.appendChild(el("option", { value: "", text: s("period.now") }));
      ov.periods.forEach(function (p) { sel.appendChild(el("option", { value: p.code, text: p.label })); });
      sel.value = ov.period ? ov.period.code : "";
      sel.onchange = function () { var v = sel.value; show(function () { overview(orgId, v); }, false); };
      var main = clear($("main"));
      var b = backButton(); if (b) main.appendChild(b);
      if (!ov.totals.total) { main.appendChild(el("p", { cls: "hint", text: s("no_plan") })); return; }
      main.appendChild(el("div", { cls: "card", id: "totals" }, [
        el("div", { cls: "big", text: ov.totals.done + "/" + ov.totals.total }),
        el("div", { text: s("totals.done", { done: ov.totals.done, total: ov.totals.total, ratio: ov.totals.ratio_text }) }),
        el("div", { cls: "hint", text: s("totals.mean", { mean: ov.totals.mean_text }) }),
        legend(ov.totals, ov.legend),
      ]));
      main.appendChild(el("p", { cls: "hint", text: s("tap_hint") }));
      [["field", "by_field", ov.by_field], ["unit", "by_unit", ov.by_unit]].forEach(function (part) {
        main.appendChild(el("h2", { text: s(part[1]) }));
        var chart = svgBlock(ov.charts[part[0]]);
        chart.addEventListener("click", function (ev) {
          var g = ev.target.closest && ev.target.closest("g[data-id]");
          if (g) tasks(g.getAttribute("data-kind"), Number(g.getAttribute("data-id")));
        });
        main.appendChild(chart);
        main.appendChild(groupList(part[0], part[2], orgId));
      });
      reportPeriods(orgId, main);
    }).catch(fail);
  }

  function reportPeriods(orgId, main) {
    var q = orgQuery(orgId);
    getJSON("/api/reports" + (q ? "?" + q : "")).then(function (body) {
      if (!body.reports.length) return;
      main.appendChild(el("h2", { text: s("reports.title", { year: body.year }) }));
      main.appendChild(el("ul", { cls: "rows", id: "reports" }, body.reports.map(function (r) {
        var cls = r.status === "on_time" ? "ok" : r.status === "late" || r.status === "not_sent" ? "bad" : "n";
        return el("li", { "data-report": r.code, "data-status": r.status }, [
          el("span", { text: r.label + " · " + r.deadline_text }), el("span", { cls: cls, text: r.status_text.split(": ").pop() }),
        ]);
      })));
    }).catch(function () { /* the overview stands without it */ });
  }

  /* ---- task lists ----------------------------------------------------- */
  function taskCard(task, overdueList) {
    var rows = [
      [s("task.deadline"), (task.deadline_text || task.due_text) + (task.days_late ? "" : "")],
      [s("task.percent"), task.percent === null ? "—" : task.percent + "%"],
      [s("task.status"), task.standing_label === task.state_label ? task.state_label : task.standing_label + " · " + task.state_label],
    ];
    if (task.lead_units) rows.push([s("task.unit"), task.lead_units + (task.lead ? "" : " " + s("task.coordinating"))]);
    if (task.output) rows.push([s("task.output"), task.output]);
    rows.push([s("task.updated"), task.last_update_text + (task.updated_by ? " · " + task.updated_by : "")]);
    if (overdueList && task.responsible.length) rows.push([s("task.responsible"), task.responsible.join(", ")]);
    var dl = el("dl");
    rows.forEach(function (r) { dl.appendChild(el("dt", { text: r[0] })); dl.appendChild(el("dd", { text: r[1] })); });
    return el("div", { cls: "task st-" + task.standing, "data-task": task.number }, [
      el("div", { cls: "t", text: task.number + ". " + task.content }),
      task.days_late && task.state === "overdue" ? el("div", { cls: "late", text: s("task.days_late", { days: task.days_late }) }) : null,
      dl,
    ]);
  }
  function tasks(kind, id) {
    show(function () {
      getJSON("/api/tasks?" + kind + "=" + id).then(function (body) {
        $("period").hidden = true;  // a task list is as of today, whatever the overview's period
        $("asof").textContent = s("as_of", { date: body.today_text });
        var main = clear($("main"));
        var b = backButton(); if (b) main.appendChild(b);
        main.appendChild(el("h2", { id: "list-title", text: body.title }));
        if (!body.tasks.length) main.appendChild(el("p", { cls: "hint", text: s("no_tasks") }));
        var list = el("div", { id: "tasks" });
        body.tasks.forEach(function (task) { list.appendChild(taskCard(task, false)); });
        main.appendChild(list);
      }).catch(fail);
    }, true);
  }
  function overdue(orgId) {
    var q = orgQuery(orgId);
    getJSON("/api/overdue" + (q ? "?" + q : "")).then(function (body) {
      orgTabs(orgId || body.org_id, "overdue");
      $("period").hidden = true;
      var main = clear($("main"));
      main.appendChild(el("h2", { id: "list-title", text: body.tasks.length ? body.title : s("overdue.none") }));
      var list = el("div", { id: "tasks" });
      body.tasks.forEach(function (task) { list.appendChild(taskCard(task, true)); });
      main.appendChild(list);
    }).catch(fail);
  }

  /* ---- PAR INDEX ------------------------------------------------------ */
  function criterion(c) {
    var items = c.tasks.map(function (task) {
      return el("li", { cls: "st-" + task.standing, text: task.number + ". " + task.content + " — " + task.standing_label });
    });
    return el("div", { cls: "task crit", "data-code": c.code || "" }, [
      el("div", { cls: "t" }, [c.code ? el("span", { cls: "code", text: c.code + " " }) : null, c.title]),
      el("div", { text: c.score_text + "/" + c.max_text + " · " + s("score.lost", { lost: c.lost_text }) }),
      c.reason ? el("div", { cls: "hint", text: c.reason }) : null,
      c.has_task ? el("ul", {}, items) : el("div", { cls: "late", text: s("score.no_task") }),
      c.has_task ? el("div", { cls: "hint", text: s("score.evidence", { count: c.evidence }) }) : null,
    ]);
  }
  function scorecard(orgId) {
    var q = orgQuery(orgId);
    getJSON("/api/scorecard" + (q ? "?" + q : "")).then(function (body) {
      orgTabs(orgId || body.org_id, "score");
      $("period").hidden = true;
      var main = clear($("main"));
      var sc = body.scorecard;
      if (!sc) { main.appendChild(el("p", { cls: "hint", id: "score-none", text: body.message })); return; }
      var last = sc.last;
      main.appendChild(el("div", { cls: "card", id: "score" }, [
        el("div", { cls: "big", text: last.total_text || "—" }),
        el("div", { text: s("score.last", { year: last.year, total: last.total_text || "—", max: last.max_total_text || "—" }) }),
        last.rank ? el("div", { cls: "hint", text: s("score.rating", { rating: last.rating || "—", rank: last.rank, rank_of: last.rank_of || "—" }) }) : null,
        el("div", { id: "projection", text: s("score.projected", { year: sc.year, projected: sc.projection.projected_text, worst: sc.projection.worst_text, best: sc.projection.best_text }) }),
        el("div", { cls: "rule", text: sc.projection.rule }),
      ]));
      main.appendChild(el("h2", { text: s("score.fields") }));
      main.appendChild(svgBlock(sc.chart));
      main.appendChild(el("h2", { text: s("score.losses") }));
      var list = el("div", { id: "losses" });
      sc.losses.forEach(function (c) { list.appendChild(criterion(c)); });
      main.appendChild(list);
    }).catch(fail);
  }

  /* ---- district ------------------------------------------------------- */
  var COLUMNS = [
    { key: "name", label: "col.name", value: function (c) { return c.name; }, text: function (c) { return c.name; } },
    { key: "done", label: "col.done", value: function (c) { return c.done_ratio === null ? -1 : c.done_ratio; }, text: function (c) { return c.total ? c.done + "/" + c.total : "—"; } },
    { key: "on_track", label: "col.on_track", value: function (c) { return c.on_track === null ? -1 : c.on_track; }, text: function (c) { return c.on_track === null ? "—" : String(c.on_track); } },
    { key: "overdue", label: "col.overdue", value: function (c) { return c.overdue; }, text: function (c) { return String(c.overdue); } },
    { key: "report", label: "col.report", value: function (c) { return c.report.on_time === null ? -1 : c.report.on_time ? 1 : 0; },
      text: function (c) { return c.report.status_label || s("report.unknown"); },
      cls: function (c) { return c.report.on_time === null ? "" : c.report.on_time ? "ok" : "bad"; } },
  ];
  var SCORE_COLUMN = { key: "score", label: "col.score", value: function (c) { return c.projected_score === null ? -1 : c.projected_score; }, text: function (c) { return c.projected_text || "—"; } };
  var sortState = { key: "name", dir: 1 };
  function sortRows(rows) {
    var col = COLUMNS.filter(function (c) { return c.key === sortState.key; })[0];
    return rows.slice().sort(function (a, b) {
      var x = col.value(a), y = col.value(b);
      var d = typeof x === "string" ? x.localeCompare(y, lang) : x - y;
      return d * sortState.dir || a.name.localeCompare(b.name, lang);
    });
  }
  function district() {
    getJSON("/api/district").then(function (body) {
      tabs([], "district");
      var scored = body.communes.some(function (c) { return c.projected_score !== null; });
      if (scored && COLUMNS.indexOf(SCORE_COLUMN) < 0) COLUMNS.push(SCORE_COLUMN);
      $("org").textContent = s("district.title", { name: body.district.name });
      $("asof").textContent = s("as_of", { date: body.today_text });
      $("period").hidden = true;
      var main = clear($("main"));
      if (!body.communes.length) { main.appendChild(el("p", { cls: "hint", text: s("district.none") })); return; }
      main.appendChild(el("p", { cls: "hint", text: s("district.sort_hint") }));
      var table = el("table", { cls: "district", id: "district" });
      var head = el("tr");
      COLUMNS.forEach(function (col) {
        var th = el("th", { "data-col": col.key, scope: "col" }, [el("button", { text: s(col.label), onclick: function () {
          sortState = { key: col.key, dir: sortState.key === col.key ? -sortState.dir : (col.key === "name" ? 1 : -1) };
          fill();
        } })]);
        head.appendChild(th);
      });
      table.appendChild(el("thead", {}, [head]));
      var tbody = el("tbody");
      table.appendChild(tbody);
      function fill() {
        clear(tbody);
        Array.prototype.forEach.call(head.children, function (th) {
          var k = th.getAttribute("data-col");
          if (k === sortState.key) th.setAttribute("aria-sort", sortState.dir > 0 ? "ascending" : "descending");
          else th.removeAttribute("aria-sort");
        });
        sortRows(body.communes).forEach(function (c) {
          tbody.appendChild(el("tr", { "data-org": c.id, onclick: function () {
            show(function () { overview(c.id, ""); }, true);
          } }, COLUMNS.map(function (col) { return el("td", { cls: col.cls ? col.cls(c) : "", text: col.text(c) }); })));
        });
      }
      fill();
      main.appendChild(table);
      main.appendChild(el("button", { cls: "download", id: "download", text: s("district.download"), onclick: download }));
    }).catch(fail);
  }
  function download() {
    api("/api/district.xlsx").then(function (r) {
      var name = (/filename="([^"]+)"/.exec(r.headers.get("Content-Disposition") || "") || [])[1] || "district.xlsx";
      return r.blob().then(function (blob) {
        var a = el("a", { href: URL.createObjectURL(blob), download: name });
        document.body.appendChild(a); a.click(); a.remove();
      });
    }).catch(fail);
  }

  /* ---- start ---------------------------------------------------------- */
  function start() {
    applyTheme();
    tg.onEvent("themeChanged", applyTheme);
    if (tg.ready) tg.ready();
    if (tg.expand) tg.expand();
    if (!tg.initData) { fail(new Error(s("error.no_telegram"))); return; }
    getJSON("/api/me").then(function (who) {
      me = who;
      lang = who.lang in ALL ? who.lang : "vi";
      document.documentElement.lang = lang;
      document.title = s("title");
      $("org").textContent = who.org.title;
      show(who.home === "district" ? district : function () { overview(null, ""); });
    }).catch(fail);
  }
  start();
})();
