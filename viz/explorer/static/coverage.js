/* platgraph explorer: the coverage heat map (the default overview) and the collaboration-gap panel.
 *
 * Why a table rather than a network: the overview exists to show where platforms are missing, and a
 * grid of key industries (segments indented) × category × level shows a gap as a red cell at a
 * glance, which a web of several hundred lines cannot. Clicking a cell lists its platforms or, for a
 * gap, the build proposal and its candidate hosts from the plan (/api/v1/plan). The collaboration
 * panel shows, for one industry, which 产学研用 pairs never work together and its single-sector
 * platforms (/api/v1/gaps). Everything is served by the same origin; no CDN.
 */
(function () {
  "use strict";

  var TEXT = {
    heat_title: ["重点产业覆盖热力图：产业（环节）× 平台类别 × 级别", "Coverage: key industry (segment) × category × level"],
    heat_hint: ["红色为覆盖缺口，单击单元格查看平台或建设建议", "Red cells are gaps; click a cell for its platforms or the build proposal"],
    gap: ["覆盖缺口", "Coverage gap"], none: ["无平台（不计为缺口）", "No platform (not a gap)"],
    count: ["平台数", "Platforms"],
    proposal: ["建设建议", "Build proposal"], hosts: ["候选依托单位", "Candidate hosts"],
    no_proposal: ["三批清单中没有针对此缺口的新建项（可能低于清单的优先级）", "The plan has no build item for this gap (it may be below the plan's cut)"],
    platforms_in: ["{i} · {c} · {l}：{n} 个平台", "{i} · {c} · {l}: {n} platforms"],
    empty_cell: ["该单元格没有平台", "No platform in this cell"],
    loading: ["加载中…", "Loading…"],
    collab_title: ["{i}：产学研用协同", "{i}: sector collaboration"],
    collab_missing: ["从未合作的组合", "Pairs that never collaborate"],
    collab_none: ["各方两两之间都有合作", "Every pair of sectors collaborates"],
    singles: ["单一主体平台（{n} 个）", "Single-sector platforms ({n})"],
    ties: ["合作关系数（红色为从未合作）", "Collaboration ties (red: never)"]
  };
  var SECTORS = ["industry", "academia", "research", "user"];
  var SECTOR_NAMES = { industry: ["产", "Industry"], academia: ["学", "Academia"], research: ["研", "Research"], user: ["用", "User"] };

  var cache = { grid: null, gridLang: null, plan: null, planLang: null };

  function lang() { return (window.explorer && window.explorer.state.lang) || "zh"; }
  function t(key, fmt) {
    var text = TEXT[key][lang() === "en" ? 1 : 0];
    Object.keys(fmt || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(fmt[k])); });
    return text;
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  // The explorer's own request helper: same origin, the API key when reads are closed, errors in words.
  function getJSON(path, query) { return window.explorer.getJSON(path, query); }
  function details() { return document.getElementById("details-body"); }
  function sectorName(s) { return (SECTOR_NAMES[s] || [s, s])[lang() === "en" ? 1 : 0]; }

  // ----------------------------------------------------------------------------- heat map
  function loadGrid() {
    if (cache.grid && cache.gridLang === lang()) { return Promise.resolve(cache.grid); }
    return getJSON("/graph/heatmap", { lang: lang() }).then(function (g) { cache.grid = g; cache.gridLang = lang(); return g; });
  }
  function loadPlan() {
    if (cache.plan && cache.planLang === lang()) { return Promise.resolve(cache.plan); }
    // /plan is paged: ask for the whole build batch (its items are what a gap cell proposes).
    return getJSON("/plan", { lang: lang(), batch: "build", limit: 500 }).then(function (p) {
      cache.plan = { build: p.items || [] }; cache.planLang = lang(); return cache.plan;
    });
  }

  function show() {
    var box = document.getElementById("heatmap");
    box.hidden = false;
    box.textContent = t("loading");
    return loadGrid().then(function (grid) { render(box, grid); }).catch(function (err) {
      box.textContent = String(err.message || err);
    });
  }
  function hide() { document.getElementById("heatmap").hidden = true; }

  function render(box, grid) {
    box.textContent = "";
    box.appendChild(el("h2", t("heat_title")));
    box.appendChild(el("p", t("heat_hint"), "muted"));
    var table = el("table", null, "heat");
    var head1 = el("tr"), head2 = el("tr");
    head1.appendChild(el("th", ""));
    head2.appendChild(el("th", ""));
    grid.categories.forEach(function (c) {
      var th = el("th", grid.names.category[c] || c, "cat");
      th.colSpan = grid.levels.length;
      head1.appendChild(th);
      grid.levels.forEach(function (lv, i) { head2.appendChild(el("th", grid.names.level[lv] || lv, i === 0 ? "lv first" : "lv")); });
    });
    var thead = el("thead"); thead.appendChild(head1); thead.appendChild(head2); table.appendChild(thead);
    var tbody = el("tbody");
    grid.rows.forEach(function (row) {
      var tr = el("tr", null, row.level === "segment" ? "segment" : "industry");
      tr.appendChild(el("th", grid.names.industry[row.industry] || row.industry, "name"));
      grid.categories.forEach(function (c) {
        grid.levels.forEach(function (lv, i) {
          var key = c + "|" + lv;
          var n = row.counts[key] || 0;
          var gap = row.gaps[key];
          var td = el("td", n || gap ? String(n) : "", (gap ? "gap" : (n ? "has" : "none")) + (i === 0 ? " first" : ""));
          if (!gap && n) { td.style.background = shade(n, grid); }
          td.dataset.industry = row.industry; td.dataset.category = c; td.dataset.level = lv;
          td.title = (grid.names.industry[row.industry] || row.industry) + " · " + grid.names.category[c] + " · " +
            grid.names.level[lv] + "：" + n + (gap ? " — " + t("gap") : "");
          td.addEventListener("click", function () { choose(grid, row, c, lv, td); });
          tr.appendChild(td);
        });
      });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    box.appendChild(table);
    var legend = el("p", null, "heat-legend");
    [["gap", t("gap")], ["has", t("count")], ["none", t("none")]].forEach(function (item) {
      var sw = el("span", "", "swatch " + item[0]); legend.appendChild(sw); legend.appendChild(document.createTextNode(item[1]));
    });
    box.appendChild(legend);
  }
  function shade(n, grid) {
    if (!grid.peak) {
      grid.peak = 1;
      grid.rows.forEach(function (r) { Object.keys(r.counts).forEach(function (k) { grid.peak = Math.max(grid.peak, r.counts[k]); }); });
    }
    var x = Math.sqrt(n / grid.peak);
    var from = [219, 232, 246], to = [31, 78, 140];
    var c = from.map(function (f, i) { return Math.round(f + (to[i] - f) * x); });
    return "rgb(" + c.join(",") + ")";
  }
  function choose(grid, row, category, level, td) {
    document.querySelectorAll("#heatmap td.chosen").forEach(function (e) { e.classList.remove("chosen"); });
    td.classList.add("chosen");
    var body = details();
    body.textContent = "";
    var title = t("platforms_in", { i: grid.names.industry[row.industry] || row.industry, c: grid.names.category[category],
      l: grid.names.level[level], n: row.counts[category + "|" + level] || 0 });
    body.appendChild(el("h3", title));
    var gap = row.gaps[category + "|" + level];
    if (gap) { return showGap(body, gap); }
    if (!row.counts[category + "|" + level]) { body.appendChild(el("p", t("empty_cell"), "muted")); return Promise.resolve(); }
    var list = el("ul", null, "cell-platforms");
    body.appendChild(list);
    // Coverage counts running and building platforms: list exactly those.
    return Promise.all(["active", "building"].map(function (status) {
      return getJSON("/platforms", { industry: row.industry, category: category, level: level, status: status, limit: 200, lang: lang() });
    })).then(function (pages) {
      pages.forEach(function (page) {
        (page.items || []).forEach(function (p) {
          var li = el("li");
          var a = el("a", p.name || p.id); a.href = "#";
          a.addEventListener("click", function (ev) { ev.preventDefault(); hide(); window.explorer.loadNeighbourhood(p.id); });
          li.appendChild(a);
          if (p.city) { li.appendChild(document.createTextNode("（" + p.city + "）")); }
          list.appendChild(li);
        });
      });
    });
  }
  function showGap(body, gap) {
    body.appendChild(el("p", t("gap") + "：" + (gap.missing || ""), "flag"));
    if (gap.reason) { body.appendChild(el("p", gap.reason)); }
    var holder = el("div", t("loading"), "proposal");
    body.appendChild(holder);
    return loadPlan().then(function (plan) {
      holder.textContent = "";
      var item = (plan.build || []).filter(function (b) {
        return b.industry === gap.industry && b.kind === gap.kind && b.value === gap.value;
      })[0];
      holder.appendChild(el("h4", t("proposal")));
      if (!item) { holder.appendChild(el("p", t("no_proposal"), "muted")); return; }
      var parts = [item.suggested_type, item.level_name || item.level, item.city].filter(Boolean);
      holder.appendChild(el("p", parts.join(lang() === "en" ? ", " : "，"), "proposal-text"));
      (item.reasons || []).forEach(function (r) { if (r.text) { holder.appendChild(el("p", r.text, "muted")); } });
      holder.appendChild(el("h4", t("hosts")));
      var ul = el("ul", null, "hosts");
      (item.candidate_hosts || []).forEach(function (h) {
        ul.appendChild(el("li", h.name + (h.why ? "：" + h.why : "")));
      });
      holder.appendChild(ul);
    }).catch(function (err) { holder.textContent = String(err.message || err); });
  }

  // ----------------------------------------------------------------------------- collaboration gaps
  function collaboration(industry) {
    var box = document.getElementById("collab");
    box.textContent = "";
    if (!industry) { box.hidden = true; return Promise.resolve(null); }
    box.hidden = false;
    box.textContent = t("loading");
    return getJSON("/gaps", { industry: industry, limit: 100, lang: lang() }).then(function (res) {
      box.textContent = "";
      var entry = (res.industries || [])[0] || { pairs: [], missing_pairs: [] };
      box.appendChild(el("h3", t("collab_title", { i: entry.name || industry })));
      var ties = {};
      (entry.pairs || []).forEach(function (p) { ties[p.sectors[0] + "|" + p.sectors[1]] = p.ties; ties[p.sectors[1] + "|" + p.sectors[0]] = p.ties; });
      var missing = {};
      (entry.missing_pairs || []).forEach(function (m) {
        if (m.sectors) { missing[m.sectors[0] + "|" + m.sectors[1]] = true; missing[m.sectors[1] + "|" + m.sectors[0]] = true; }
      });
      var table = el("table", null, "sector-matrix");
      var head = el("tr"); head.appendChild(el("th", ""));
      SECTORS.forEach(function (s) { head.appendChild(el("th", sectorName(s))); });
      table.appendChild(head);
      SECTORS.forEach(function (a) {
        var tr = el("tr"); tr.appendChild(el("th", sectorName(a)));
        SECTORS.forEach(function (b) {
          var n = ties[a + "|" + b] || 0;
          var never = a !== b && (missing[a + "|" + b] || !n);
          tr.appendChild(el("td", String(n), never ? "never" : ""));
        });
        table.appendChild(tr);
      });
      box.appendChild(el("p", t("ties"), "muted"));
      box.appendChild(table);
      var never = [];
      SECTORS.forEach(function (a, i) {
        SECTORS.slice(i + 1).forEach(function (b) {
          if (missing[a + "|" + b] || !ties[a + "|" + b]) { never.push(sectorName(a) + "–" + sectorName(b)); }
        });
      });
      box.appendChild(el("h4", t("collab_missing")));
      box.appendChild(el("p", never.length ? never.join("、") : t("collab_none"), never.length ? "flag" : "muted"));
      var singles = res.single_sector_platforms || [];
      box.appendChild(el("h4", t("singles", { n: res.single_sector_total || singles.length })));
      var ul = el("ul", null, "singles");
      singles.forEach(function (p) {
        var li = el("li");
        var a = el("a", p.name || p.id); a.href = "#";
        a.addEventListener("click", function (ev) { ev.preventDefault(); hide(); window.explorer.loadNeighbourhood(p.id); });
        li.appendChild(a);
        li.appendChild(document.createTextNode("（" + sectorName(p.sector) + "）"));
        ul.appendChild(li);
      });
      box.appendChild(ul);
      return res;
    }).catch(function (err) { box.textContent = String(err.message || err); });
  }

  window.coverageView = { show: show, hide: hide, collaboration: collaboration, cache: cache };
})();
