/*
 * platgraph explorer: search, draw a neighbourhood, expand on double-click, filter, inspect,
 * highlight overlap groups and collaboration gaps, aggregate by industry, export PNG / pyvis HTML.
 * Everything is served by the platgraph server itself (no CDN); data comes from /api/v1 on the
 * same origin. Text is set with textContent only: names come from users' spreadsheets.
 */
(function () {
  "use strict";

  var API = "/api/v1";
  // When the server's reads are closed (PLATGRAPH_OPEN_READS=false) every call needs a read key:
  // asked once on the first 401, kept for this tab only (sessionStorage), sent as X-API-Key.
  var KEY_STORE = "platgraph.apiKey";
  function authHeaders(extra) {
    var headers = extra || {};
    var key = null;
    try { key = window.sessionStorage.getItem(KEY_STORE); } catch (e) { key = null; }
    if (key) { headers["X-API-Key"] = key; }
    return headers;
  }
  function askKey() {
    var key = window.prompt(document.documentElement.lang === "en"
      ? "This server needs a read key (X-API-Key):" : "此服务需要读取密钥（X-API-Key）：");
    if (!key) { return false; }
    try { window.sessionStorage.setItem(KEY_STORE, key.trim()); } catch (e) { return false; }
    return true;
  }
  function fetchWithKey(url, options, retried) {
    var opts = options || {};
    opts.headers = authHeaders(opts.headers || {});
    return fetch(url, opts).then(function (r) {
      if (r.status === 401 && !retried && askKey()) {
        return fetchWithKey(url, { method: opts.method, body: opts.body,
                                   headers: authHeaders(Object.assign({}, opts.headers)) }, true);
      }
      return r;
    });
  }
  var NEIGHBOURHOOD_LIMIT = 300;

  var TEXT = {
    title: ["科技创新平台图谱浏览器", "Innovation platform graph explorer"],
    search_placeholder: ["搜索平台、单位、人员、产业…", "Search platforms, institutions, people, industries…"],
    overview: ["产业总览", "Industry overview"],
    map_link: ["广西地图", "Guangxi map"],
    heatmap: ["覆盖热力图", "Coverage heat map"],
    gap_industry: ["选择产业查看协同缺口…", "Choose an industry for its gaps…"],
    all_industries: ["全部产业", "All industries"],
    export_png: ["导出 PNG", "Export PNG"],
    export_html: ["导出网页", "Export HTML"],
    layers: ["图层", "Layers"],
    layer_overlap: ["交叉重复（重叠组）", "Overlaps (overlap groups)"],
    layer_gap: ["协同缺口（单一主体平台）", "Collaboration gaps (single-sector platforms)"],
    choose_group: ["选择重叠组…", "Choose an overlap group…"],
    choose_gap: ["单一主体平台…", "Single-sector platforms…"],
    filters: ["筛选（平台）", "Filters (platforms)"],
    f_type: ["类型", "Type"], f_category: ["类别", "Category"], f_level: ["级别", "Level"],
    f_city: ["城市", "City"], f_industry: ["产业", "Industry"], f_status: ["状态", "Status"],
    any: ["（全部）", "(any)"],
    legend: ["图例", "Legend"],
    details: ["详情", "Details"],
    details_empty: ["单击节点查看属性、评估与理由", "Click a node to see its properties, evaluation and reasons"],
    serves: ["服务产业", "Industries served"],
    inferred: ["推断", "inferred"],
    via_name: ["名称", "name"], via_fields: ["研究方向", "research fields"], via_host: ["依托单位", "host"],
    hint: ["双击节点展开其关系；单击查看详情", "Double-click a node to expand it; click for details"],
    loading: ["加载中…", "Loading…"],
    no_match: ["没有匹配项", "No match"],
    shown: ["{n} 个节点，{e} 条边", "{n} nodes, {e} edges"],
    hidden: ["（筛选隐藏 {h} 个）", " ({h} hidden by filters)"],
    truncated: ["（已按上限截断）", " (cut at the node limit)"],
    failed: ["请求失败：{m}", "Request failed: {m}"],
    overlap_reasons: ["交叉重复理由", "Overlap reasons"],
    overlaps_with: ["与之交叉重复", "Overlaps with"],
    group: ["重叠组", "Overlap group"],
    recommendation: ["建议", "Recommendation"],
    keep: ["保留", "Keep"],
    gap_flag: ["单一主体平台，缺少：{m}", "Single-sector platform; missing: {m}"],
    broker_flag: ["潜在中介单位（结构洞）", "Potential broker (structural hole)"],
    inferred_flag: ["由平台清单创建的单位：类型按名称中的“{w}”推断，待单位表核实",
                    "Created from a platform list: kind inferred from '{w}' in its name, to be confirmed"],
    reference_flag: ["参考单位（graph/data/institutions.toml）", "Reference institution (graph/data/institutions.toml)"],
    quality_flag: ["数据待完善：{f}", "Data to complete: {f}"],
    people: ["人员", "People"],
    host: ["依托单位", "Host"],
    platforms: ["平台数", "Platforms"],
    around: ["{n} 的关系网络", "Network around {n}"],
    current_view: ["平台关系网络（当前视图）", "Platform network (current view)"],
    rec_merge: ["整合", "merge"], rec_integrate: ["一体化管理", "integrate"], rec_refocus: ["调整方向", "refocus"], rec_review: ["复核", "review"]
  };
  var PROP_NAMES = {
    key: ["编号/键", "Key"], type: ["类型", "Type"], level: ["级别", "Level"], category: ["类别", "Category"],
    city: ["城市", "City"], status: ["状态", "Status"], evaluation: ["评估结果", "Evaluation"],
    established: ["认定年份", "Established"], department: ["主管部门", "Department"], director: ["负责人", "Director"],
    fields: ["研究方向", "Fields"], sector: ["产学研用", "Sector"], kind: ["单位类型", "Kind"],
    credit_code: ["信用代码", "Credit code"], aliases: ["别名", "Aliases"], title: ["职称", "Title"],
    institution: ["工作单位", "Institution"], talent_programs: ["人才计划", "Talent programmes"],
    priority: ["优先级", "Priority"], overlap_group: ["重叠组", "Overlap group"], size: ["规模", "Size"],
    sectors: ["涉及主体", "Sectors"], missing_sectors: ["缺少主体", "Missing sectors"],
    constraint: ["约束系数", "Constraint"], platforms: ["平台数", "Platforms"], name_en: ["英文名", "English name"]
  };
  var VALUE_NAMES = {
    host_missing: ["依托单位缺失", "host missing"], host_unresolved: ["依托单位无法识别", "host not recognised"],
    co_builder_unresolved: ["共建单位无法识别", "co-builder not recognised"],
    city_unknown: ["所在市无法识别", "city not recognised"],
    national: ["国家级", "National"], ministerial: ["部级", "Ministerial"], regional: ["自治区级", "Regional"],
    departmental: ["厅级", "Departmental"], municipal: ["市级", "Municipal"],
    active: ["运行", "Active"], building: ["建设中", "Building"], revoked: ["撤销", "Revoked"], merged: ["整合", "Merged"],
    industry: ["产", "Industry"], academia: ["学", "Academia"], research: ["研", "Research"], user: ["用", "User"],
    enterprise: ["企业", "Enterprise"], university: ["高校", "University"], institute: ["科研院所", "Institute"],
    hospital: ["医院", "Hospital"], government: ["政府部门", "Government"], other: ["其他", "Other"],
    segment: ["产业链环节", "Chain segment"], merge: ["整合", "merge"], integrate: ["一体化管理", "integrate"], refocus: ["调整方向", "refocus"],
    review: ["复核", "review"], director: ["负责人", "director"], chief_scientist: ["首席科学家", "chief scientist"],
    academic_committee: ["学术委员会", "academic committee"], core_member: ["核心成员", "core member"]
  };
  var FILTER_KEYS = ["type", "category", "level", "city", "industry", "status"];

  var params = new URLSearchParams(window.location.search);
  var state = {
    lang: params.get("lang") === "en" ? "en" : (localStorage.getItem("platgraph.lang") || "zh"),
    style: null,
    view: null,
    stable: false,
    settleMs: null,
    loadStarted: 0,
    truncated: false,
    filters: {},
    groups: [],
    gaps: [],
    overlapOn: false,
    gapOn: false,
    focusGroup: null,
    errors: []
  };
  if (state.lang !== "en") { state.lang = "zh"; }

  var nodes = new vis.DataSet([]);
  var edges = new vis.DataSet([]);
  var nodeView = new vis.DataView(nodes, { filter: passesFilters });
  var network = null;

  function t(key, fmt) {
    var pair = TEXT[key] || [key, key];
    var text = state.lang === "en" ? pair[1] : pair[0];
    Object.keys(fmt || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(fmt[k])); });
    return text;
  }
  function pick(pair) { return pair ? (state.lang === "en" ? pair[1] : pair[0]) : ""; }
  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function valueName(v) { return VALUE_NAMES[v] ? pick(VALUE_NAMES[v]) : String(v); }
  function status(text) { $("status").textContent = text || ""; }

  // ------------------------------------------------------------------------------- data access
  function getJSON(path, query) {
    var url = new URL(API + path, window.location.origin);
    Object.keys(query || {}).forEach(function (k) {
      if (query[k] !== undefined && query[k] !== null && query[k] !== "") { url.searchParams.set(k, query[k]); }
    });
    url.searchParams.set("lang", state.lang);
    return fetchWithKey(url.toString(), { headers: authHeaders({ Accept: "application/json" }) }).then(function (r) {
      if (!r.ok) {
        return r.json().catch(function () { return {}; }).then(function (body) {
          var detail = body && body.detail;
          if (Array.isArray(detail)) { detail = detail.map(function (d) { return d.msg || String(d); }).join("; "); }
          var err = new Error(detail || ("HTTP " + r.status));
          err.status = r.status;
          throw err;
        });
      }
      return r.json();
    });
  }
  function fail(err) {
    state.errors.push(String(err && err.message || err));
    status(t("failed", { m: err && err.message || err }));
  }

  // ------------------------------------------------------------------------------- drawing
  function nodeLook(n) {
    var ks = state.style.kinds[n.kind] || state.style["default"];
    var groups = state.style.groups[n.kind] || {};
    var g = groups[n.group || ""];
    return { shape: ks.shape, size: ks.size, color: g ? g.color : ks.color };
  }
  function nodeLabel(n) {
    var p = n.properties || {};
    if (n.kind === "OverlapGroup") {
      return t("group") + " " + String(n.id).split(":").pop() +
        (p.recommendation ? "（" + valueName(p.recommendation) + "）" : "");
    }
    if (state.lang === "en" && p.name_en) { return String(p.name_en); }
    return String(p.name || n.label || n.id);
  }
  function toVisNode(n) {
    var look = nodeLook(n);
    var p = n.properties || {};
    var v = {
      id: n.id, label: nodeLabel(n), kind: n.kind, group_: n.group, properties: p,
      shape: look.shape, size: look.size, baseColor: look.color,
      color: { background: look.color, border: look.color },
      font: { face: state.style.font, size: 13, color: "#222" },
      title: nodeLabel(n) + " [" + pick([kindName(n.kind, "zh"), kindName(n.kind, "en")]) + "]"
    };
    if (typeof p.platforms === "number" && (n.kind === "Industry" || n.kind === "Category" || n.kind === "City")) {
      v.value = p.platforms;
      v.scaling = { min: 10, max: 40 };
    }
    return v;
  }
  function kindName(kind, lang) {
    var ks = state.style.kinds[kind];
    return ks ? ks[lang] : kind;
  }
  function edgeId(e) {
    var p = e.properties || {};
    return [e.from, e.type, e.to, p.kind || "", p.year || "", p.industry || ""].join("|");
  }
  function toVisEdge(e) {
    var s = state.style.edges[e.type] || {};
    var p = e.properties || {};
    var v = {
      id: edgeId(e), from: e.from, to: e.to, type: e.type, properties: p,
      title: pick([s.zh || e.type, s.en || e.type]), baseColor: s.color || "#999",
      color: { color: s.color || "#999", highlight: s.color || "#999", hover: s.color || "#999", opacity: 0.8 }, arrows: { to: { enabled: true, scaleFactor: 0.4 } },
      width: 1
    };
    if (typeof p.platforms === "number") {
      v.value = p.platforms; v.arrows = { to: { enabled: false } };
      v.title = v.title + ": " + p.platforms; v.scaling = { min: 1, max: 12, label: { enabled: false } };
      v.label = String(p.platforms); v.font = { size: 11, align: "horizontal", background: "#ffffff" };
    }
    if (e.type === "SERVES" && p.inferred === true) {  // inferred from name / fields / host: dashed
      v.dashes = true; v.title = v.title + "（" + t("inferred") + "）";
    }
    if (e.type === "OVERLAPS" && p.score !== undefined && p.score !== null) {
      v.label = Number(p.score).toFixed(2); v.width = 2;
    }
    return v;
  }

  function networkOptions() {
    return {
      autoResize: true,
      // Kamada-Kawai seeding clusters anything over 100 nodes first: seconds for a 300-node view.
      layout: { improvedLayout: false },
      physics: {
        enabled: true, solver: "barnesHut",
        barnesHut: { gravitationalConstant: -6000, springLength: 120, springConstant: 0.04, avoidOverlap: 0.2 },
        stabilization: { enabled: true, iterations: 300, updateInterval: 50, fit: true },
        minVelocity: 1.0
      },
      interaction: { hover: true, tooltipDelay: 150, multiselect: false },
      edges: { smooth: false, font: { size: 11, face: state.style.font } },
      nodes: { borderWidth: 1, font: { face: state.style.font } }
    };
  }

  function initNetwork() {
    network = new vis.Network($("graph"), { nodes: nodeView, edges: edges }, networkOptions());
    network.on("stabilizationIterationsDone", settle);
    network.on("stabilized", function () { if (!state.stable) { settle(); } });
    network.on("doubleClick", function (ev) { if (ev.nodes.length) { expand(ev.nodes[0]); } });
    network.on("click", function (ev) { if (ev.nodes.length) { showDetails(ev.nodes[0]); } });
    network.on("beforeDrawing", function (ctx) {
      // A white backdrop so the PNG export is not transparent.
      var c = ctx.canvas; ctx.save(); ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, c.width, c.height); ctx.restore();
    });
  }

  function settle() {
    // The layout stops moving once stable: physics off until the next load or expansion.
    network.setOptions({ physics: { enabled: false } });
    state.stable = true;
    state.settleMs = Math.round(performance.now() - state.loadStarted);
    updateStatus();
  }

  // Physics on a few hundred nodes costs tens of milliseconds per iteration on a busy machine, so
  // new nodes start on rings around their anchor (grouped by distance, then kind) and the physics
  // only tidies up: fewer iterations for larger views, then it is switched off.
  var RING_GAP = 150, NODE_GAP = 48, RING_STEP = 70;
  function iterationsFor(count) { return count > 150 ? 60 : (count > 60 ? 120 : 250); }

  function seedPositions(visNodes, visEdges, anchorId, anchor) {
    var fresh = {};
    visNodes.forEach(function (n) { fresh[n.id] = n; });
    var adjacency = {};
    function link(a, b) { (adjacency[a] = adjacency[a] || []).push(b); }
    visEdges.forEach(function (e) { link(e.from, e.to); link(e.to, e.from); });
    if (!anchorId || !(anchorId in fresh || nodes.get(anchorId))) {
      anchorId = null;
      visNodes.forEach(function (n) {
        if (!anchorId || (adjacency[n.id] || []).length > (adjacency[anchorId] || []).length) { anchorId = n.id; }
      });
    }
    if (anchorId in fresh) { fresh[anchorId].x = anchor.x; fresh[anchorId].y = anchor.y; }
    var layer = {}, order = [anchorId], queue = [anchorId];
    layer[anchorId] = 0;
    while (queue.length) {
      var id = queue.shift();
      (adjacency[id] || []).forEach(function (m) {
        if (!(m in layer) && m in fresh) { layer[m] = layer[id] + 1; order.push(m); queue.push(m); }
      });
    }
    var rings = {};
    visNodes.forEach(function (n) {
      if (n.id === anchorId) { return; }
      var d = n.id in layer ? layer[n.id] : 99;
      (rings[d] = rings[d] || []).push(n);
    });
    var radius = 0;
    Object.keys(rings).map(Number).sort(function (a, b) { return a - b; }).forEach(function (d) {
      var ring = rings[d].sort(function (a, b) { return a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : (a.id < b.id ? -1 : 1); });
      radius += RING_GAP;
      var i = 0;
      while (i < ring.length) {
        var capacity = Math.max(6, Math.floor(2 * Math.PI * radius / NODE_GAP));
        var count = Math.min(capacity, ring.length - i);
        for (var k = 0; k < count; k++, i++) {
          var angle = 2 * Math.PI * k / count + d * 0.5;
          ring[i].x = anchor.x + radius * Math.cos(angle);
          ring[i].y = anchor.y + radius * Math.sin(angle);
        }
        if (i < ring.length) { radius += RING_STEP; }
      }
    });
  }

  // The overview is bipartite-like (industries in the middle, categories left, cities right), so
  // it is laid out in three columns ordered by platform count, with no physics; counts on the lines
  // only while they stay readable.
  var COLUMN = { Category: -520, Industry: 0, City: 520 };
  function isOverview(visEdges) {
    return visEdges.length > 0 && visEdges.every(function (e) { return /^PLATFORMS_IN_/.test(e.type); });
  }
  function columnPositions(visNodes, visEdges) {
    var columns = {};
    visNodes.forEach(function (n) { (columns[n.kind] = columns[n.kind] || []).push(n); });
    Object.keys(columns).forEach(function (kind) {
      var list = columns[kind].sort(function (a, b) {
        return ((b.properties || {}).platforms || 0) - ((a.properties || {}).platforms || 0) || (a.id < b.id ? -1 : 1);
      });
      var gap = kind === "Category" ? 160 : 56;
      list.forEach(function (n, i) {
        n.x = kind in COLUMN ? COLUMN[kind] : 900;
        n.y = (i - (list.length - 1) / 2) * gap;
      });
    });
    if (visEdges.length > 60) { visEdges.forEach(function (e) { e.label = undefined; }); }
    visEdges.forEach(function (e) { e.color.opacity = visEdges.length > 60 ? 0.35 : 0.8; });
  }

  function startLayout(count) {
    state.stable = false;
    network.setOptions({ physics: { enabled: true } });
    network.stabilize(iterationsFor(count));
  }

  function setGraph(data) {
    state.loadStarted = performance.now();
    state.truncated = !!data.truncated;
    state.focusGroup = null;
    nodes.clear(); edges.clear();
    addGraph(data, true);
  }
  function addGraph(data, replace) {
    var newNodes = (data.nodes || []).filter(function (n) { return replace || !nodes.get(n.id); }).map(toVisNode);
    var newEdges = (data.edges || []).map(toVisEdge).filter(function (e) { return !edges.get(e.id); });
    if (!replace && state.stable && newNodes.length === 0 && newEdges.length === 0) { updateStatus(); return; }
    if (!replace) { state.loadStarted = performance.now(); }
    var anchor = { x: 0, y: 0 };
    if (!replace && data.center && nodes.get(data.center)) {
      anchor = network.getPositions([data.center])[data.center] || anchor;
    }
    var overview = replace && isOverview(newEdges);
    if (overview) { columnPositions(newNodes, newEdges); } else { seedPositions(newNodes, newEdges, data.center, anchor); }
    nodes.update(newNodes);
    edges.update(newEdges);
    if (replace) { state.view = data; }
    refreshFilters();
    applyLayers();
    renderLegend();
    if (overview) {
      network.fit();
      settle();
    } else {
      startLayout(replace ? nodes.length : newNodes.length);
    }
    if (data.center && nodes.get(data.center)) { network.selectNodes([data.center]); showDetails(data.center); }
    updateStatus();
  }

  function updateStatus() {
    var visible = nodeView.length;
    var text = t("shown", { n: visible, e: edges.length });
    if (nodes.length > visible) { text += t("hidden", { h: nodes.length - visible }); }
    if (state.truncated) { text += t("truncated"); }
    status(state.stable ? text : t("loading") + " " + text);
  }

  // ------------------------------------------------------------------------------- loading
  // The coverage heat map (coverage.js) overlays the graph; any graph view hides it.
  function hideHeatmap() { if (window.coverageView) { window.coverageView.hide(); } }
  function loadNeighbourhood(id, limit) {
    hideHeatmap();
    status(t("loading"));
    return getJSON("/graph/neighbourhood/" + encodeURIComponent(id), { depth: 1, limit: limit || NEIGHBOURHOOD_LIMIT })
      .then(setGraph).catch(fail);
  }
  function expand(id) {
    status(t("loading"));
    return getJSON("/graph/neighbourhood/" + encodeURIComponent(id), { depth: 1, limit: NEIGHBOURHOOD_LIMIT })
      .then(function (data) { if (data.truncated) { state.truncated = true; } addGraph(data, false); })
      .catch(fail);
  }
  function loadOverview(industry) {
    hideHeatmap();
    status(t("loading"));
    return getJSON("/graph/overview", { industry: industry || null }).then(setGraph).catch(fail);
  }
  function loadGroup(id) {
    hideHeatmap();
    status(t("loading"));
    return getJSON("/graph/subgraph", { overlap_group: id }).then(function (data) {
      setGraph(data);
      state.focusGroup = id;
      $("layer-overlap").checked = true; state.overlapOn = true;
      applyLayers();
    }).catch(fail);
  }

  // ------------------------------------------------------------------------------- search
  var searchTimer = null;
  var suggestionItems = [];
  var activeSuggestion = -1;
  function onSearchInput() {
    clearTimeout(searchTimer);
    var q = $("search").value.trim();
    if (!q) { hideSuggestions(); return; }
    searchTimer = setTimeout(function () {
      getJSON("/graph/search", { q: q, limit: 12 }).then(function (res) {
        if ($("search").value.trim() !== q) { return; }
        showSuggestions(res.items || []);
      }).catch(fail);
    }, 180);
  }
  function showSuggestions(items) {
    var list = $("suggestions");
    list.textContent = "";
    suggestionItems = items;
    activeSuggestion = items.length ? 0 : -1;
    if (!items.length) {
      list.appendChild(el("li", t("no_match"), "muted"));
    }
    items.forEach(function (item, i) {
      var li = el("li");
      li.setAttribute("role", "option");
      li.dataset.id = item.id;
      li.dataset.kind = item.kind;
      var ks = state.style.kinds[item.kind] || state.style["default"];
      var badge = el("span", kindName(item.kind, state.lang), "kind");
      badge.style.background = ks.color;
      li.appendChild(badge);
      li.appendChild(el("span", state.lang === "en" && item.name_en ? item.name_en : (item.name || item.id), "name"));
      var level = item.level ? valueName(item.level) : null;
      if (item.kind === "Industry" && item.level) {
        var ig = (state.style.groups.Industry || {})[item.level];
        level = ig ? pick([ig.zh, ig.en]) : item.level;
      }
      var meta = [item.type, level, item.city].filter(Boolean).join(" · ");
      li.appendChild(el("span", meta, "meta"));
      if (i === 0) { li.className = "active"; }
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); chooseSuggestion(i); });
      list.appendChild(li);
    });
    list.hidden = false;
  }
  function hideSuggestions() { $("suggestions").hidden = true; suggestionItems = []; activeSuggestion = -1; }
  function chooseSuggestion(i) {
    var item = suggestionItems[i];
    if (!item) { return; }
    $("search").value = state.lang === "en" && item.name_en ? item.name_en : (item.name || item.id);
    hideSuggestions();
    loadNeighbourhood(item.id);
  }
  function onSearchKey(ev) {
    var lis = $("suggestions").querySelectorAll("li[role=option]");
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!lis.length) { return; }
      ev.preventDefault();
      activeSuggestion = (activeSuggestion + (ev.key === "ArrowDown" ? 1 : -1) + lis.length) % lis.length;
      lis.forEach(function (li, i) { li.className = i === activeSuggestion ? "active" : ""; });
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      if (activeSuggestion >= 0) { chooseSuggestion(activeSuggestion); }
    } else if (ev.key === "Escape") {
      hideSuggestions();
    }
  }

  // ------------------------------------------------------------------------------- filters
  function platformIndustries(id) {
    // The industries a platform serves, and the industries of the chain segments it serves.
    var served = edges.get({ filter: function (e) { return e.from === id && e.type === "SERVES"; } })
      .map(function (e) { return e.to; });
    var parents = edges.get({ filter: function (e) { return e.type === "PART_OF" && served.indexOf(e.from) >= 0; } })
      .map(function (e) { return e.to; });
    return served.concat(parents);
  }
  function passesFilters(n) {
    if (n.kind !== "Platform") { return true; }
    var p = n.properties || {};
    for (var i = 0; i < FILTER_KEYS.length; i++) {
      var k = FILTER_KEYS[i];
      var want = state.filters[k];
      if (!want) { continue; }
      if (k === "industry") {
        if (platformIndustries(n.id).indexOf(want) < 0) { return false; }
      } else if (String(p[k]) !== want) { return false; }
    }
    return true;
  }
  function filterLabel(key, value) {
    if (key === "category") {
      var g = (state.style.groups.Platform || {})[value];
      if (g) { return pick([g.zh, g.en]); }
    }
    if (key === "industry") {
      var n = nodes.get(value);
      if (n) { return n.label; }
    }
    return valueName(value);
  }
  function refreshFilters() {
    var values = {};
    FILTER_KEYS.forEach(function (k) { values[k] = {}; });
    nodes.forEach(function (n) {
      if (n.kind !== "Platform") { return; }
      var p = n.properties || {};
      ["type", "category", "level", "city", "status"].forEach(function (k) { if (p[k]) { values[k][p[k]] = true; } });
      platformIndustries(n.id).forEach(function (i) { values.industry[i] = true; });
    });
    document.querySelectorAll("#filters select").forEach(function (sel) {
      var key = sel.dataset.filter;
      var current = state.filters[key] || "";
      sel.textContent = "";
      var any = el("option", t("any")); any.value = ""; sel.appendChild(any);
      Object.keys(values[key]).sort().forEach(function (v) {
        var o = el("option", filterLabel(key, v)); o.value = v; sel.appendChild(o);
      });
      if (current && !values[key][current]) { delete state.filters[key]; }
      sel.value = state.filters[key] || "";
    });
  }
  function onFilterChange(ev) {
    var key = ev.target.dataset.filter;
    if (ev.target.value) { state.filters[key] = ev.target.value; } else { delete state.filters[key]; }
    nodeView.refresh();
    updateStatus();
  }

  // ------------------------------------------------------------------------------- layers
  function applyLayers() {
    var layers = state.style.layers;
    var updates = [];
    nodes.forEach(function (n) {
      var p = n.properties || {};
      var border = n.baseColor, width = 1, shadow = false;
      if (state.gapOn && n.kind === "Platform" && p.single_sector === true) {
        border = layers.gap.color; width = 5; shadow = { enabled: true, color: layers.gap.color, size: 12 };
      }
      if (state.gapOn && n.kind === "Institution" && p.broker === true) {
        border = layers.broker.color; width = 5; shadow = { enabled: true, color: layers.broker.color, size: 12 };
      }
      var inGroup = (n.kind === "Platform" && p.overlap_group && (!state.focusGroup || p.overlap_group === state.focusGroup)) ||
        (n.kind === "OverlapGroup" && (!state.focusGroup || n.id === state.focusGroup));
      if (state.overlapOn && inGroup) {
        border = layers.overlap.color; width = 5; shadow = { enabled: true, color: layers.overlap.color, size: 14 };
      }
      updates.push({ id: n.id, highlighted: width > 1,
                     color: { background: n.baseColor, border: border,
                              highlight: { background: n.baseColor, border: border } },
                     borderWidth: width, shadow: shadow });
    });
    nodes.update(updates);
    var edgeUpdates = [];
    edges.forEach(function (e) {
      var on = state.overlapOn && (e.type === "OVERLAPS" || e.type === "IN_GROUP");
      var c = on ? layers.overlap.color : e.baseColor;
      edgeUpdates.push({ id: e.id, width: on ? 4 : (e.type === "OVERLAPS" ? 2 : 1),
                         color: { color: c, highlight: c, hover: c, opacity: 0.8 } });
    });
    edges.update(edgeUpdates);
  }
  function highlighted(kind) {
    return nodes.get({ filter: function (n) { return n.highlighted && (!kind || n.kind === kind); } })
      .map(function (n) { return n.id; }).sort();
  }
  function loadGroupList() {
    return getJSON("/overlaps/groups", { limit: 200 }).then(function (res) {
      state.groups = res.groups || [];
      var sel = $("overlap-groups");
      sel.textContent = "";
      var first = el("option", t("choose_group")); first.value = ""; sel.appendChild(first);
      state.groups.forEach(function (g) {
        var names = (g.platforms || []).map(function (p) { return p.name || p.id; }).join("、");
        var o = el("option", (g.recommendation ? valueName(g.recommendation) + "：" : "") + names);
        o.value = g.id; sel.appendChild(o);
      });
    }).catch(function (err) { fail(err); });
  }
  // The collaboration-gap layer for one industry: its sector matrix with the pairs that never work
  // together and its single-sector platforms (coverage.js), and its platforms drawn with those marked.
  function loadGapIndustry(industry) {
    if (!industry) { return window.coverageView.collaboration(null); }
    state.gapOn = true; $("layer-gap").checked = true;
    hideHeatmap();
    return Promise.all([
      window.coverageView.collaboration(industry),
      getJSON("/graph/subgraph", { industry: industry }).then(function (data) {
        setGraph(data); applyLayers(); renderLegend();
      })
    ]).catch(fail);
  }
  function loadGapList() {
    return getJSON("/gaps", { limit: 200 }).then(function (res) {
      state.gaps = res.single_sector_platforms || [];
      var sel = $("gap-platforms");
      sel.textContent = "";
      var first = el("option", t("choose_gap")); first.value = ""; sel.appendChild(first);
      state.gaps.forEach(function (p) {
        var o = el("option", (p.name || p.id) + (p.sector ? "（" + valueName(p.sector) + "）" : ""));
        o.value = p.id; sel.appendChild(o);
      });
    }).catch(function (err) { fail(err); });
  }

  // ------------------------------------------------------------------------------- details
  function showDetails(id) {
    var n = nodes.get(id);
    if (!n) { return; }
    var body = $("details-body");
    body.textContent = "";
    body.appendChild(el("h3", n.label));
    body.appendChild(el("p", kindName(n.kind, state.lang), "muted"));
    var p = n.properties || {};
    if (n.kind === "Platform" && p.single_sector === true) {
      body.appendChild(el("p", t("gap_flag", { m: (p.missing_sectors || []).map(valueName).join("、") }), "flag"));
    }
    if (n.kind === "Institution" && p.broker === true) { body.appendChild(el("p", t("broker_flag"), "flag")); }
    if (n.kind === "Institution" && p.kind_inferred === true) {
      body.appendChild(el("p", t("inferred_flag", { w: p.inferred_from || "—" }), "flag"));
    }
    if (n.kind === "Institution" && p.reference === true) { body.appendChild(el("p", t("reference_flag"), "muted")); }
    if ((p.quality_flags || []).length) {
      body.appendChild(el("p", t("quality_flag", { f: p.quality_flags.map(valueName).join("、") }), "flag"));
    }
    var table = el("table");
    Object.keys(PROP_NAMES).forEach(function (k) {
      var v = p[k];
      if (v === undefined || v === null || v === "" || (Array.isArray(v) && !v.length)) { return; }
      if (k === "name_en" && state.lang === "en") { return; }
      var tr = el("tr");
      tr.appendChild(el("td", pick(PROP_NAMES[k])));
      var shown = Array.isArray(v) ? v.map(valueName).join("、") :
        (k === "category" ? filterLabel("category", v) : valueName(v));
      tr.appendChild(el("td", shown));
      table.appendChild(tr);
    });
    body.appendChild(table);
    if (n.kind === "OverlapGroup") {
      var reasons = state.lang === "en" ? p.reasons_en : p.reasons_zh;
      body.appendChild(el("h4", t("recommendation") + "：" + valueName(p.recommendation || "") +
        (p.keep ? "；" + t("keep") + " " + ((nodes.get(p.keep) || {}).label || p.keep) : "")));
      listInto(body, t("overlap_reasons"), reasons || []);
    }
    var overlaps = edges.get({ filter: function (e) { return e.type === "OVERLAPS" && (e.from === id || e.to === id); } });
    if (overlaps.length) {
      body.appendChild(el("h4", t("overlaps_with")));
      var ul = el("ul");
      overlaps.forEach(function (e) {
        var other = nodes.get(e.from === id ? e.to : e.from);
        var ep = e.properties || {};
        var reasons = (state.lang === "en" ? ep.reasons_en : ep.reasons_zh) || [];
        ul.appendChild(el("li", (other ? other.label : "") + "（" + Number(ep.score || 0).toFixed(2) + "）" +
          (reasons.length ? "：" + reasons.join("；") : "")));
      });
      body.appendChild(ul);
    }
    // served industries, an inferred one marked 推断 with what it was read from (ingest/infer_industries.py)
    var served = edges.get({ filter: function (e) { return e.type === "SERVES" && e.from === id; } });
    if (n.kind === "Platform" && served.length) {
      listInto(body, t("serves"), served.map(function (e) {
        var ind = nodes.get(e.to);
        var ep = e.properties || {};
        return (ind ? ind.label : e.to) + (ep.inferred === true ?
          "（" + t("inferred") + "：" + t("via_" + ep.via) + (ep.evidence ? " “" + ep.evidence + "”" : "") + "）" : "");
      }));
    }
    var people = edges.get({ filter: function (e) { return e.type === "MEMBER_OF" && e.to === id; } });
    if (people.length) {
      listInto(body, t("people"), people.map(function (e) {
        var r = nodes.get(e.from);
        return (r ? r.label : e.from) + (e.properties && e.properties.role ? "（" + valueName(e.properties.role) + "）" : "");
      }));
    }
  }
  function listInto(body, title, items) {
    if (!items.length) { return; }
    body.appendChild(el("h4", title));
    var ul = el("ul");
    items.forEach(function (s) { ul.appendChild(el("li", s)); });
    body.appendChild(ul);
  }

  // ------------------------------------------------------------------------------- legend & i18n
  var GLYPHS = { dot: "●", square: "■", triangle: "▲", triangleDown: "▼", diamond: "◆", hexagon: "⬢", star: "★" };
  function renderLegend() {
    var box = $("legend");
    box.textContent = "";
    var seen = {};
    var rows = [];
    nodes.forEach(function (n) {
      var groups = state.style.groups[n.kind] || {};
      var g = groups[n.group_ || ""];
      var marker = n.kind + "|" + (g ? n.group_ : "");
      if (seen[marker]) { return; }
      seen[marker] = true;
      var look = nodeLook({ kind: n.kind, group: n.group_ });
      rows.push({ glyph: GLYPHS[look.shape] || "●", color: look.color,
                  text: kindName(n.kind, state.lang) + (g ? pick(["：", ": "]) + pick([g.zh, g.en]) : "") });
    });
    if (state.overlapOn) { rows.push({ glyph: "◯", color: state.style.layers.overlap.color, text: pick([state.style.layers.overlap.zh, state.style.layers.overlap.en]) }); }
    if (state.gapOn) {
      rows.push({ glyph: "◯", color: state.style.layers.gap.color, text: pick([state.style.layers.gap.zh, state.style.layers.gap.en]) });
      rows.push({ glyph: "◯", color: state.style.layers.broker.color, text: pick([state.style.layers.broker.zh, state.style.layers.broker.en]) });
    }
    rows.sort(function (a, b) { return a.text < b.text ? -1 : 1; }).forEach(function (r) {
      var d = el("div");
      var g = el("span", r.glyph, "glyph"); g.style.color = r.color;
      d.appendChild(g); d.appendChild(document.createTextNode(r.text));
      box.appendChild(d);
    });
  }
  function applyLanguage() {
    document.documentElement.lang = state.lang === "en" ? "en" : "zh-CN";
    document.title = t("title") + " · platgraph";
    document.querySelectorAll("[data-i18n]").forEach(function (e) { e.textContent = t(e.dataset.i18n); });
    document.querySelectorAll("[data-i18n-placeholder]").forEach(function (e) { e.placeholder = t(e.dataset.i18nPlaceholder); });
    $("btn-lang").textContent = state.lang === "en" ? "中文" : "English";
    if (network) {
      nodes.update(nodes.get().map(function (n) {
        return { id: n.id, label: nodeLabel(n), title: nodeLabel(n) + " [" + kindName(n.kind, state.lang) + "]" };
      }));
      refreshFilters(); renderLegend(); updateStatus();
    }
  }
  function loadIndustryOptions() {
    return getJSON("/industries", { level: "industry" }).then(function (res) {
      var sel = $("overview-industry");
      var current = sel.value;
      sel.textContent = "";
      var all = el("option", t("all_industries")); all.value = ""; all.dataset.i18n = "all_industries";
      sel.appendChild(all);
      (res.items || []).forEach(function (i) {
        var id = i.id || i.key;
        var o = el("option", state.lang === "en" && i.name_en ? i.name_en : (i.name || id)); o.value = id;
        sel.appendChild(o);
      });
      sel.value = current;
      var gapSel = $("gap-industry");
      var gapCurrent = gapSel.value;
      gapSel.textContent = "";
      var none = el("option", t("gap_industry")); none.value = ""; gapSel.appendChild(none);
      (res.items || []).forEach(function (i) {
        var o = el("option", state.lang === "en" && i.name_en ? i.name_en : (i.name || i.id || i.key));
        o.value = i.id || i.key; gapSel.appendChild(o);
      });
      gapSel.value = gapCurrent;
    }).catch(fail);
  }

  // ------------------------------------------------------------------------------- exports
  function download(href, filename) {
    var a = document.createElement("a");
    a.href = href; a.download = filename; document.body.appendChild(a); a.click(); a.remove();
  }
  function exportPng() {
    var canvas = $("graph").querySelector("canvas");
    var data = canvas.toDataURL("image/png");
    download(data, "platgraph-view.png");
    return data;
  }
  function exportTitle() {
    var view = state.view || {};
    if (view.title) { return view.title; }
    var center = view.center && nodes.get(view.center);
    return center ? t("around", { n: center.label }) : t("current_view");
  }
  function exportHtml() {
    var refs = nodeView.get().map(function (n) { return { id: n.id, kind: n.kind }; });
    return fetchWithKey(API + "/graph/export", {
      method: "POST", headers: authHeaders({ "Content-Type": "application/json" }),
      body: JSON.stringify({ nodes: refs, lang: state.lang, title: exportTitle() })
    }).then(function (r) {
      if (!r.ok) { throw new Error(t("failed", { m: "HTTP " + r.status })); }
      return r.blob();
    }).then(function (blob) {
      var url = URL.createObjectURL(blob);
      download(url, "platgraph-view.html");
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
      return blob.size;
    }).catch(fail);
  }

  // ------------------------------------------------------------------------------- start
  function bind() {
    $("search").addEventListener("input", onSearchInput);
    $("search").addEventListener("keydown", onSearchKey);
    $("search").addEventListener("blur", function () { setTimeout(hideSuggestions, 150); });
    $("btn-overview").addEventListener("click", function () { loadOverview($("overview-industry").value); });
    $("overview-industry").addEventListener("change", function (ev) { loadOverview(ev.target.value); });
    $("btn-png").addEventListener("click", exportPng);
    $("btn-html").addEventListener("click", exportHtml);
    $("btn-lang").addEventListener("click", function () {
      state.lang = state.lang === "en" ? "zh" : "en";
      localStorage.setItem("platgraph.lang", state.lang);
      applyLanguage();
      loadIndustryOptions();
      if (!$("heatmap").hidden) { window.coverageView.show(); }
      if ($("gap-industry").value) { window.coverageView.collaboration($("gap-industry").value); }
    });
    $("btn-heatmap").addEventListener("click", function () { window.coverageView.show(); });
    $("gap-industry").addEventListener("change", function (ev) { loadGapIndustry(ev.target.value); });
    $("layer-overlap").addEventListener("change", function (ev) {
      state.overlapOn = ev.target.checked;
      if (state.overlapOn && !state.groups.length) { loadGroupList(); }
      applyLayers(); renderLegend();
    });
    $("layer-gap").addEventListener("change", function (ev) {
      state.gapOn = ev.target.checked;
      if (state.gapOn && !state.gaps.length) { loadGapList(); }
      applyLayers(); renderLegend();
    });
    $("overlap-groups").addEventListener("change", function (ev) { if (ev.target.value) { loadGroup(ev.target.value); } });
    $("gap-platforms").addEventListener("change", function (ev) {
      if (ev.target.value) {
        state.gapOn = true; $("layer-gap").checked = true;
        loadNeighbourhood(ev.target.value);
      }
    });
    document.querySelectorAll("#filters select").forEach(function (s) { s.addEventListener("change", onFilterChange); });
  }

  function start() {
    fetch("/explore/static/style.json").then(function (r) { return r.json(); }).then(function (style) {
      state.style = style;
      initNetwork();
      bind();
      applyLanguage();
      loadIndustryOptions();
      var around = params.get("around");
      var group = params.get("overlap_group");
      if (around) { return loadNeighbourhood(around); }
      if (group) { return loadGroup(group); }
      if (params.get("industry")) { return loadOverview(params.get("industry")); }
      // The default overview is the coverage heat map; the aggregated web is loaded under it
      // (the 产业总览 button shows it).
      return loadOverview(null).then(function () { return window.coverageView.show(); });
    }).catch(fail);
  }

  // For tests, benchmarks and the curious: the explorer's state and actions.
  window.explorer = {
    state: state, nodes: nodes, edges: edges,
    network: function () { return network; },
    visibleCount: function () { return nodeView.length; },
    highlighted: highlighted,
    loadNeighbourhood: loadNeighbourhood, expand: expand, loadOverview: loadOverview, loadGroup: loadGroup,
    exportPng: exportPng, exportHtml: exportHtml, loadGapIndustry: loadGapIndustry,
    getJSON: getJSON  // with the API key when reads are closed (coverage.js uses it)
  };
  start();
})();
