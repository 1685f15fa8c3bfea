/* The Guangxi map: 14 prefecture cities drawn as SVG from /api/v1/map/shapes (GeoJSON, lon/lat),
 * coloured by platforms per city (/api/v1/map/cities with the filters); with a key industry chosen,
 * its layout cities without a platform serving it are red. Clicking a city lists its platforms.
 * Everything comes from the same origin: no CDN, no tiles, works offline. */
(function () {
  "use strict";
  var API = "/api/v1";
  var NS = "http://www.w3.org/2000/svg";
  var RED = "#d73027";
  var SCALE = ["#f0f0f0", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c"];
  var TEXT = {
    zh: { title: "广西科技创新平台分布图", category: "类别", level: "级别", industry: "重点产业", all: "全部",
          back: "返回图谱浏览器", hint: "点击城市查看其平台与缺口。", science_engineering: "科学与工程研究",
          innovation_transfer: "技术创新与成果转化", basic_support: "基础支撑与条件保障", national: "国家级",
          regional: "自治区级", departmental: "厅级", municipal: "市级", platforms: "个平台",
          gap_legend: "布局城市无平台（缺口）", laid_legend: "布局城市（粗边）", none: "该市没有符合条件的平台。",
          gap: "缺口：{industry}的布局城市{city}没有服务该产业的平台。", more: "另有 {n} 个未列出",
          loading: "加载中…", lang: "English" },
    en: { title: "Innovation platforms across Guangxi", category: "Category", level: "Level", industry: "Key industry",
          all: "All", back: "Back to the explorer", hint: "Click a city to list its platforms and gaps.",
          science_engineering: "Science & engineering", innovation_transfer: "Innovation & transfer",
          basic_support: "Basic support", national: "National", regional: "Regional", departmental: "Departmental",
          municipal: "Municipal", platforms: "platforms", gap_legend: "Layout city without a platform (gap)",
          laid_legend: "Layout city (bold outline)", none: "No platform in this city matches.",
          gap: "Gap: {city} is a layout city of {industry} with no platform serving it.",
          more: "{n} more not listed", loading: "Loading…", lang: "中文" }
  };
  var state = { lang: "zh", shapes: null, cities: {}, industry: null, selected: null, ready: false };
  var svg = document.getElementById("map");

  function t(key) { return TEXT[state.lang][key] || key; }
  function getJSON(path, params) {
    var url = new URL(API + path, window.location.origin);
    Object.keys(params || {}).forEach(function (k) { if (params[k]) url.searchParams.set(k, params[k]); });
    url.searchParams.set("lang", state.lang);
    return fetch(url.toString(), { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(path + ": HTTP " + r.status); }
      return r.json();
    });
  }
  function filters() {
    return { category: document.getElementById("f-category").value, level: document.getElementById("f-level").value,
             industry: document.getElementById("f-industry").value };
  }

  // Equirectangular projection scaled by cos(latitude): right for a region the size of Guangxi.
  function projector(features, width, height) {
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    features.forEach(function (f) { eachPoint(f.geometry, function (p) {
      minX = Math.min(minX, p[0]); maxX = Math.max(maxX, p[0]); minY = Math.min(minY, p[1]); maxY = Math.max(maxY, p[1]);
    }); });
    var k = Math.cos(((minY + maxY) / 2) * Math.PI / 180);
    var s = Math.min((width - 40) / ((maxX - minX) * k), (height - 40) / (maxY - minY));
    var ox = (width - (maxX - minX) * k * s) / 2, oy = (height - (maxY - minY) * s) / 2;
    return function (p) { return [ox + (p[0] - minX) * k * s, oy + (maxY - p[1]) * s]; };
  }
  function eachPoint(geometry, fn) {
    var polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    polys.forEach(function (poly) { poly.forEach(function (ring) { ring.forEach(fn); }); });
  }
  function pathData(geometry, project) {
    var polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    return polys.map(function (poly) { return poly.map(function (ring) {
      return "M" + ring.map(function (p) { var q = project(p); return q[0].toFixed(1) + "," + q[1].toFixed(1); }).join("L") + "Z";
    }).join(""); }).join("");
  }

  function draw() {
    var width = svg.clientWidth || 900, height = svg.clientHeight || 700;
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var project = projector(state.shapes.features, width, height);
    var max = 1;
    Object.keys(state.cities).forEach(function (k) { max = Math.max(max, state.cities[k].platforms); });
    state.shapes.features.forEach(function (f) {
      var key = f.properties.key, city = state.cities[key] || { platforms: 0 };
      var path = document.createElementNS(NS, "path");
      path.setAttribute("d", pathData(f.geometry, project));
      path.setAttribute("class", "city" + (city.laid_out ? " laid-out" : "") + (state.selected === key ? " selected" : ""));
      path.setAttribute("data-city", key);
      path.setAttribute("data-gap", city.gap ? "true" : "false");
      var colour = city.gap ? RED : SCALE[city.platforms ? Math.min(SCALE.length - 1, 1 + Math.floor((SCALE.length - 2) * city.platforms / max)) : 0];
      path.setAttribute("fill", colour);
      var title = document.createElementNS(NS, "title");
      title.textContent = cityName(f) + "：" + city.platforms + " " + t("platforms");
      path.appendChild(title);
      path.addEventListener("click", function () { select(key); });
      svg.appendChild(path);
    });
    state.shapes.features.forEach(function (f) {
      var q = project(f.properties.label), city = state.cities[f.properties.key] || { platforms: 0 };
      var name = document.createElementNS(NS, "text");
      name.setAttribute("x", q[0]); name.setAttribute("y", q[1]); name.textContent = cityName(f);
      svg.appendChild(name);
      var count = document.createElementNS(NS, "text");
      count.setAttribute("x", q[0]); count.setAttribute("y", q[1] + 15); count.setAttribute("class", "count");
      count.textContent = String(city.platforms);
      svg.appendChild(count);
    });
    legend(max);
  }
  function cityName(f) { return state.lang === "zh" ? f.properties.key : f.properties.name_en; }
  function legend(max) {
    var html = "0 <span class='swatch' style='background:" + SCALE[0] + "'></span>" +
      "<span class='swatch' style='background:" + SCALE[SCALE.length - 1] + "'></span> " + max + " " + t("platforms");
    if (state.industry) {
      html += "<br><span class='swatch' style='background:" + RED + "'></span>" + t("gap_legend") + "<br>" + t("laid_legend");
    }
    document.getElementById("legend").innerHTML = html;
  }

  function refresh() {
    document.getElementById("status").textContent = t("loading");
    return getJSON("/map/cities", filters()).then(function (answer) {
      state.cities = {};
      answer.cities.forEach(function (c) { state.cities[c.key] = c; });
      state.industry = answer.industry;
      draw();
      document.getElementById("status").textContent = "";
      if (state.selected) { return select(state.selected); }
    });
  }

  function select(key) {
    state.selected = key;
    Array.prototype.forEach.call(svg.querySelectorAll("path.city"), function (p) {
      p.classList.toggle("selected", p.getAttribute("data-city") === key);
    });
    var f = filters(), city = state.cities[key] || {};
    var panel = document.getElementById("details");
    panel.innerHTML = "<h2></h2><p class='gap' hidden></p><ul id='city-platforms'></ul><p class='meta'></p>";
    panel.querySelector("h2").textContent = (state.lang === "zh" ? key : (city.name_en || key)) + " · " +
      (city.platforms || 0) + " " + t("platforms");
    if (city.gap && state.industry) {
      var gap = panel.querySelector(".gap");
      gap.hidden = false;
      gap.textContent = t("gap").replace("{industry}", state.industry.key).replace("{city}", key);
    }
    return getJSON("/platforms", { city: key, category: f.category, level: f.level, industry: f.industry,
                                   status: "", limit: "200" }).then(function (page) {
      var list = panel.querySelector("#city-platforms");
      var items = page.items.filter(function (p) { return !p.status || p.status === "active" || p.status === "building"; });
      items.forEach(function (p) {
        var li = document.createElement("li");
        li.textContent = p.name;
        var meta = document.createElement("span");
        meta.className = "meta";
        meta.textContent = " " + (p.type || "") + (p.host && p.host.name ? " · " + p.host.name : "");
        li.appendChild(meta);
        list.appendChild(li);
      });
      if (!items.length) { panel.querySelector(".meta").textContent = t("none"); }
      else if (page.total > page.items.length) {
        panel.querySelector(".meta").textContent = t("more").replace("{n}", page.total - page.items.length);
      }
      state.listed = items.map(function (p) { return p.name; });
    });
  }

  function translate() {
    document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (el) {
      el.textContent = t(el.getAttribute("data-i18n"));
    });
    document.getElementById("btn-lang").textContent = t("lang");
    document.title = t("title") + " · platgraph";
  }

  function init() {
    var params = new URLSearchParams(window.location.search);
    if (params.get("lang") === "en") { state.lang = "en"; }
    if (params.get("industry")) { state.pendingIndustry = params.get("industry"); }
    translate();
    ["f-category", "f-level", "f-industry"].forEach(function (id) {
      document.getElementById(id).addEventListener("change", function () { refresh(); });
    });
    document.getElementById("btn-lang").addEventListener("click", function () {
      state.lang = state.lang === "zh" ? "en" : "zh"; translate(); refresh();
    });
    window.addEventListener("resize", function () { if (state.shapes) { draw(); } });
    Promise.all([getJSON("/map/shapes"), getJSON("/industries", { level: "industry", key_industry: "true" })])
      .then(function (answers) {
        state.shapes = answers[0];
        var select = document.getElementById("f-industry");
        answers[1].items.forEach(function (i) {
          var opt = document.createElement("option");
          opt.value = i.id; opt.textContent = i.name;
          select.appendChild(opt);
        });
        if (state.pendingIndustry) { select.value = state.pendingIndustry; }
        return refresh();
      })
      .then(function () { state.ready = true; })
      .catch(function (err) { document.getElementById("status").textContent = String(err); });
  }

  window.platmap = { state: state, select: select, refresh: refresh };
  init();
}());
