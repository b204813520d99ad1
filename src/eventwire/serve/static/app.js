// eventwire's page: map, timeline, filters, list and event detail, over the JSON API under /api/.
// Every piece of data reaches the page through textContent or canvas drawing, never as markup.
"use strict";

const FILTERS = ["country", "type", "actor", "since", "until", "q"];
const COLOURS = ["#d7263d", "#1b998b", "#f46036", "#2e294e", "#c5d86d", "#3a86ff", "#8338ec", "#ff006e",
                 "#fb8500", "#6a994e", "#9c6644", "#5e548e"];
const PAGE = 50;

const state = { filters: {}, offset: 0, view: { x: 0, y: 0, k: 1 }, event: null, size: "sources" };
const data = { outlines: null, points: null, timeline: null, stats: null };
const el = (id) => document.getElementById(id);

function make(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

// --- URL state: the hash holds the filters, the view and the open event, so a view can be shared --------

function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  state.filters = {};
  for (const key of FILTERS) if (params.get(key)) state.filters[key] = params.get(key);
  const view = (params.get("view") || "").split(",").map(Number);
  if (view.length === 3 && view.every(Number.isFinite) && view[2] > 0) state.view = { x: view[0], y: view[1], k: view[2] };
  state.event = params.get("event");
  state.offset = Math.max(0, parseInt(params.get("offset") || "0", 10) || 0);
  state.size = params.get("size") === "fatalities" ? "fatalities" : "sources";
}

function writeHash() {
  const params = new URLSearchParams();
  for (const key of FILTERS) if (state.filters[key]) params.set(key, state.filters[key]);
  if (state.offset) params.set("offset", String(state.offset));
  const v = state.view;
  if (v.k !== 1 || v.x || v.y) params.set("view", [v.x.toFixed(1), v.y.toFixed(1), v.k.toFixed(3)].join(","));
  if (state.event) params.set("event", state.event);
  if (state.size !== "sources") params.set("size", state.size);
  const hash = params.toString();
  if (location.hash.slice(1) !== hash) history.replaceState(null, "", hash ? "#" + hash : location.pathname);
}

function query(extra) {
  const params = new URLSearchParams();
  for (const key of FILTERS) if (state.filters[key]) params.set(key, state.filters[key]);
  for (const [k, v] of Object.entries(extra || {})) params.set(k, v);
  const text = params.toString();
  return text ? "?" + text : "";
}

async function api(path) {
  const response = await fetch("/api/" + path);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function setStatus(text) { el("status").textContent = text; }

// --- the map: equirectangular world, outlines from /api/outlines, points clustered on a screen grid ----

const map = { canvas: null, ctx: null, w: 0, h: 0, drawn: [] };

function project(lon, lat) {  // world pixels at k = 1: the world is map.w wide
  const s = map.w / 360;
  return [(lon + 180) * s, (90 - lat) * s + (map.h - 180 * s) / 2];
}

function toScreen(lon, lat) {
  const [x, y] = project(lon, lat);
  const v = state.view;
  return [x * v.k + v.x, y * v.k + v.y];
}

function resizeCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const rect = canvas.getBoundingClientRect();
  canvas.width = Math.max(1, Math.round(rect.width * ratio));
  canvas.height = Math.max(1, Math.round(rect.height * ratio));
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return [ctx, rect.width, rect.height];
}

function drawMap() {
  [map.ctx, map.w, map.h] = resizeCanvas(map.canvas);
  const ctx = map.ctx;
  ctx.fillStyle = "#cfe0ee";
  ctx.fillRect(0, 0, map.w, map.h);
  if (data.outlines) {
    ctx.beginPath();
    for (const country of data.outlines.countries) {
      for (const ring of country.rings) {
        ring.forEach(([lon, lat], i) => {
          const [x, y] = toScreen(lon, lat);
          if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
        });
        ctx.closePath();
      }
    }
    ctx.fillStyle = "#f3f1ea";
    ctx.fill();
    ctx.strokeStyle = "#9aa3ad";
    ctx.lineWidth = 0.6;
    ctx.stroke();
  }
  map.drawn = [];
  if (!data.points) return;
  const rows = data.points.rows;
  const cell = state.view.k < 6 ? 26 : 0;  // cluster nearby points until zoomed in
  const groups = new Map();
  for (const row of rows) {
    const [x, y] = toScreen(row[2], row[1]);
    if (x < -20 || y < -20 || x > map.w + 20 || y > map.h + 20) continue;
    const key = cell ? Math.floor(x / cell) + ":" + Math.floor(y / cell) : row[0];
    let g = groups.get(key);
    if (!g) { g = { x: 0, y: 0, n: 0, sources: 0, fatalities: 0, types: new Map(), rows: [] }; groups.set(key, g); }
    g.x += x; g.y += y; g.n += 1; g.sources += row[4] || 1; g.fatalities += row[5] || 0;
    g.types.set(row[3], (g.types.get(row[3]) || 0) + 1);
    g.rows.push(row);
  }
  for (const g of groups.values()) {
    const x = g.x / g.n, y = g.y / g.n;
    let type = 0, most = -1;
    for (const [t, n] of g.types) if (n > most) { most = n; type = t; }
    const r = state.size === "fatalities"  // area grows with the dead (a group: all of its happenings' dead)
      ? Math.min(g.n > 1 ? 26 : 20, (g.n > 1 ? 8 : 3) + 1.6 * Math.sqrt(g.fatalities))
      : g.n > 1 ? Math.min(22, 6 + 3 * Math.sqrt(g.n)) : Math.min(14, 3.5 + 2.5 * Math.sqrt(g.sources));
    ctx.beginPath();
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    ctx.fillStyle = COLOURS[type % COLOURS.length] + (g.n > 1 ? "bb" : "dd");
    ctx.fill();
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 1;
    ctx.stroke();
    if (g.n > 1) {
      ctx.fillStyle = "#fff";
      ctx.font = "bold 11px system-ui, sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText(g.n > 999 ? Math.round(g.n / 1000) + "k" : String(g.n), x, y);
    }
    map.drawn.push({ x, y, r, rows: g.rows });
  }
  document.body.dataset.points = String(rows.length);
  document.body.dataset.marks = String(map.drawn.length);
}

function drawLegend() {
  const legend = el("legend");
  legend.replaceChildren();
  if (!data.points) return;
  data.points.types.forEach((t, i) => {
    const sw = make("span", null, "sw");
    sw.style.background = COLOURS[i % COLOURS.length];
    legend.append(sw, document.createTextNode(t || "untyped"));
  });
  legend.append(make("div", state.size === "fatalities"
    ? "size: fatalities reported (a group: all of its happenings'); click a group to zoom"
    : "size: sources (single) or happenings (group); click a group to zoom"));
}

function zoomAt(factor, cx, cy) {
  const v = state.view;
  const k = Math.min(400, Math.max(1, v.k * factor));
  const f = k / v.k;
  state.view = { k, x: cx - (cx - v.x) * f, y: cy - (cy - v.y) * f };
  if (k === 1) state.view = { k: 1, x: 0, y: 0 };
  drawMap();
  writeHash();
}

function setupMap() {
  map.canvas = el("map");
  let drag = null;
  map.canvas.addEventListener("mousedown", (e) => { drag = { x: e.clientX, y: e.clientY, vx: state.view.x, vy: state.view.y, moved: false }; });
  window.addEventListener("mousemove", (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (drag.moved) { state.view = { ...state.view, x: drag.vx + dx, y: drag.vy + dy }; drawMap(); }
  });
  window.addEventListener("mouseup", (e) => {
    if (drag && !drag.moved) clickMap(e);
    if (drag && drag.moved) writeHash();
    drag = null;
  });
  map.canvas.addEventListener("wheel", (e) => {
    e.preventDefault();
    const rect = map.canvas.getBoundingClientRect();
    zoomAt(e.deltaY < 0 ? 1.4 : 1 / 1.4, e.clientX - rect.left, e.clientY - rect.top);
  }, { passive: false });
  el("zoom-in").addEventListener("click", () => zoomAt(1.6, map.w / 2, map.h / 2));
  el("zoom-out").addEventListener("click", () => zoomAt(1 / 1.6, map.w / 2, map.h / 2));
  el("zoom-reset").addEventListener("click", () => { state.view = { x: 0, y: 0, k: 1 }; drawMap(); writeHash(); });
  window.addEventListener("resize", () => { drawMap(); drawTimeline(); });
}

function clickMap(e) {
  const rect = map.canvas.getBoundingClientRect();
  const x = e.clientX - rect.left, y = e.clientY - rect.top;
  let best = null, bestD = Infinity;
  for (const m of map.drawn) {
    const d = Math.hypot(m.x - x, m.y - y);
    if (d <= m.r + 3 && d < bestD) { best = m; bestD = d; }
  }
  if (!best) return;
  if (best.rows.length === 1) openEvent(best.rows[0][0]);
  else zoomAt(3, best.x, best.y);
}

// --- the timeline: bars per day (or week for long ranges); drag to set since/until ---------------------

const tl = { canvas: null, ctx: null, w: 0, h: 0, days: [], brush: null };
const DAY = 86400000;

function dayNumber(iso) { return Math.floor(Date.parse(iso + "T00:00:00Z") / DAY); }
function isoOf(day) { return new Date(day * DAY).toISOString().slice(0, 10); }

function drawTimeline() {
  [tl.ctx, tl.w, tl.h] = resizeCanvas(tl.canvas);
  const ctx = tl.ctx;
  ctx.clearRect(0, 0, tl.w, tl.h);
  const counts = data.timeline ? data.timeline.counts : [];
  if (!counts.length) { ctx.fillStyle = "#667"; ctx.fillText("no dated happenings", 10, 20); return; }
  const first = dayNumber(counts[0][0]), last = dayNumber(counts[counts.length - 1][0]) + (data.timeline.bin === "week" ? 7 : 1);
  tl.first = first; tl.last = Math.max(last, first + 1);
  const xOf = (day) => 30 + (day - tl.first) / (tl.last - tl.first) * (tl.w - 40);
  tl.dayAt = (x) => Math.round(tl.first + (x - 30) / (tl.w - 40) * (tl.last - tl.first));
  const max = Math.max(...counts.map((c) => c[1]));
  const width = data.timeline.bin === "week" ? 7 : 1;
  const since = state.filters.since ? dayNumber(state.filters.since) : -Infinity;
  const until = state.filters.until ? dayNumber(state.filters.until) : Infinity;
  for (const [iso, n] of counts) {
    const d = dayNumber(iso);
    const x0 = xOf(d), x1 = Math.max(x0 + 1, xOf(d + width) - 0.5);
    const hgt = (tl.h - 28) * n / max;
    ctx.fillStyle = d >= since && d <= until ? "#3a6ea5" : "#b8c2cc";
    ctx.fillRect(x0, tl.h - 18 - hgt, x1 - x0, hgt);
  }
  ctx.fillStyle = "#445";
  ctx.font = "11px system-ui, sans-serif";
  ctx.textBaseline = "alphabetic";
  ctx.textAlign = "left";
  ctx.fillText(isoOf(tl.first), 30, tl.h - 4);
  ctx.textAlign = "right";
  ctx.fillText(isoOf(tl.last - 1), tl.w - 10, tl.h - 4);
  ctx.fillText(String(max), 26, 14);
  ctx.textAlign = "center";
  ctx.fillText(`per ${data.timeline.bin}; drag to choose dates, click to clear`, tl.w / 2, tl.h - 4);
  if (tl.brush) {
    ctx.fillStyle = "rgba(58,110,165,.18)";
    ctx.fillRect(Math.min(tl.brush[0], tl.brush[1]), 0, Math.abs(tl.brush[1] - tl.brush[0]), tl.h - 18);
  }
}

function setupTimeline() {
  tl.canvas = el("timeline");
  const xOfEvent = (e) => e.clientX - tl.canvas.getBoundingClientRect().left;
  tl.canvas.addEventListener("mousedown", (e) => { tl.brush = [xOfEvent(e), xOfEvent(e)]; });
  window.addEventListener("mousemove", (e) => { if (tl.brush) { tl.brush[1] = xOfEvent(e); drawTimeline(); } });
  window.addEventListener("mouseup", () => {
    if (!tl.brush || !tl.dayAt) { tl.brush = null; return; }
    const [a, b] = [Math.min(...tl.brush), Math.max(...tl.brush)];
    tl.brush = null;
    if (b - a < 3) { delete state.filters.since; delete state.filters.until; }
    else { state.filters.since = isoOf(tl.dayAt(a)); state.filters.until = isoOf(tl.dayAt(b)); }
    state.offset = 0;
    fillForm();
    refresh();
  });
}

// --- filters, list, detail ------------------------------------------------------------------------

function fillForm() {
  for (const key of FILTERS) el("f-" + key).value = state.filters[key] || "";
  el("f-size").value = state.size;
}

function fillChoices() {
  const country = el("f-country"), type = el("f-type");
  for (const c of data.stats.countries) {
    const option = make("option", `${c.country} (${c.count})`);
    option.value = c.country_code || c.country;
    country.append(option);
  }
  const seen = new Set();
  for (const t of data.stats.types) {
    if (!seen.has(t.event_type)) {
      seen.add(t.event_type);
      const option = make("option", t.event_type);
      option.value = t.event_type;
      type.append(option);
    }
    if (t.sub_event_type) {
      const option = make("option", "  – " + t.sub_event_type + ` (${t.count})`);
      option.value = t.sub_event_type;
      type.append(option);
    }
  }
}

function setupForm() {
  const form = el("filters");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    state.filters = {};
    for (const key of FILTERS) { const v = el("f-" + key).value.trim(); if (v) state.filters[key] = v; }
    state.offset = 0;
    refresh();
  });
  el("f-clear").addEventListener("click", () => { state.filters = {}; state.offset = 0; fillForm(); refresh(); });
  el("f-size").addEventListener("change", () => {  // a view choice, not a filter: redraw, no new query
    state.size = el("f-size").value === "fatalities" ? "fatalities" : "sources";
    drawMap(); drawLegend(); writeHash();
  });
  el("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); loadList(); });
  el("next").addEventListener("click", () => { state.offset += PAGE; loadList(); });
  window.addEventListener("hashchange", () => { readHash(); fillForm(); refresh(); });
}

async function loadList() {
  writeHash();
  const page = await api("events" + query({ limit: PAGE, offset: state.offset }));
  const list = el("list");
  list.replaceChildren();
  el("list-head").textContent = `${page.total} happenings` + (page.total > PAGE ? `, ${page.offset + 1}–${Math.min(page.total, page.offset + PAGE)} shown` : "");
  for (const ev of page.events) {
    const item = make("li");
    item.tabIndex = 0;
    item.dataset.id = ev.cluster_id;
    item.append(make("div", `${ev.date || "undated"} · ${ev.sub_event_type || ev.event_type || "event"}`));
    const who = [ev.actor1, ev.actor2].filter(Boolean).join(" v ");
    item.append(make("div", `${ev.location || ev.country || "unplaced"}${who ? " · " + who : ""} · ${ev.articles} source${ev.articles === 1 ? "" : "s"}`, "meta"));
    item.addEventListener("click", () => openEvent(ev.cluster_id));
    item.addEventListener("keydown", (e) => { if (e.key === "Enter") openEvent(ev.cluster_id); });
    list.append(item);
  }
  document.body.dataset.list = query({ offset: state.offset });
  el("prev").disabled = page.offset === 0;
  el("next").disabled = page.offset + PAGE >= page.total;
}

async function refresh() {
  writeHash();
  setStatus("loading…");
  try {
    const [points, timeline] = await Promise.all([
      api("points" + query()),
      api("timeline" + (() => { const f = { ...state.filters }; delete f.since; delete f.until;
        const p = new URLSearchParams(f); p.set("bin", "day"); return "?" + p.toString(); })()),
    ]);
    data.points = points;
    const tc = timeline.counts;
    data.timeline = tc.length && dayNumber(tc[tc.length - 1][0]) - dayNumber(tc[0][0]) > 400 ? await api("timeline" + (() => { const f = { ...state.filters };
      delete f.since; delete f.until; const p = new URLSearchParams(f); p.set("bin", "week"); return "?" + p.toString(); })()) : timeline;
    drawMap();
    drawLegend();
    drawTimeline();
    window.__ewPainted = performance.now();
    setStatus(`${points.rows.length} happenings on the map`);
    await loadList();
    if (state.event) await openEvent(state.event); else showDetail(false);
  } catch (err) {
    setStatus("error: " + err.message);
  }
}

function showDetail(visible) {
  el("detail").hidden = !visible;
  el("list").hidden = visible;
  el("pager").hidden = visible;
  el("list-head").hidden = visible;
}

function row(table, label, value) {
  if (value === null || value === undefined || value === "") return;
  const tr = make("tr");
  tr.append(make("th", label), make("td", value));
  table.append(tr);
}

function highlighted(text, spans) {
  // Cut the text at every span boundary; each piece is marked with the innermost-priority kind covering it.
  const order = ["trigger", "quote", "actor", "place", "time", "sentence"];
  const cuts = new Set([0, text.length]);
  for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const box = make("div", null, "text");
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    const piece = text.slice(a, b);
    const covering = spans.filter((s) => s.start <= a && s.end >= b);
    if (!covering.length) { box.append(document.createTextNode(piece)); continue; }
    covering.sort((x, y) => order.indexOf(x.kind) - order.indexOf(y.kind));
    const mark = make("mark", piece, "ev-" + covering[0].kind);
    mark.title = covering.filter((s) => s.kind !== "sentence").map((s) => s.label).join("; ") || covering[0].label;
    box.append(mark);
  }
  return box;
}

async function openEvent(id) {
  state.event = id;
  writeHash();
  const detail = el("detail");
  detail.replaceChildren(make("p", "loading…"));
  showDetail(true);
  let ev;
  try { ev = await api("events/" + encodeURIComponent(id)); } catch (err) { detail.replaceChildren(make("p", "error: " + err.message)); return; }
  const back = make("button", "‹ back to the list", "back");
  back.type = "button";
  back.addEventListener("click", () => { state.event = null; writeHash(); showDetail(false); });
  const table = make("table");
  row(table, "type", [ev.event_type, ev.sub_event_type].filter(Boolean).join(" / "));
  row(table, "date", ev.date);
  row(table, "actor 1", ev.actor1);
  row(table, "actor 2", ev.actor2);
  row(table, "place", [...new Set([ev.location, ev.admin1, ev.country].filter(Boolean))].join(", "));
  if (ev.lat !== null) row(table, "coordinates", `${ev.lat}, ${ev.lon} (precision ${ev.geo_precision})`);
  row(table, "fatalities", ev.fatalities);
  row(table, "sources", `${ev.articles} article(s), ${ev.publishers} publisher(s); first report ${ev.earliest_report || "unknown"}`);
  row(table, "id", ev.cluster_id);
  detail.replaceChildren(back, make("h2", `${ev.sub_event_type || ev.event_type || "Event"}${ev.location ? " in " + ev.location : ""}`), table);
  const disagreements = Object.entries(ev.disagreements || {});
  if (disagreements.length) {
    detail.append(make("h3", "Disagreements between sources"));
    const ul = make("ul", null, "disagree");
    for (const [field, values] of disagreements) ul.append(make("li", `${field}: ${typeof values === "string" ? values : JSON.stringify(values)}`));
    detail.append(ul);
  }
  const keys = make("p", null, "keys");
  for (const kind of ["trigger", "actor", "place", "time", "quote", "sentence"]) keys.append(make("mark", kind === "sentence" ? "evidence sentence" : kind, "ev-" + kind));
  detail.append(make("h3", `Sources (${ev.members.length})`), keys);
  const articles = [...new Set(ev.members.map((m) => m.article_id))];
  for (const articleId of articles) {
    const member = ev.members.find((m) => m.article_id === articleId);
    const section = make("section", null, "article");
    section.append(make("h4", member.title || member.source_path || articleId));
    section.append(make("div", [member.publisher, member.published].filter(Boolean).join(" · "), "meta"));
    if (member.url && /^https?:\/\//i.test(member.url)) {
      const link = make("a", member.url);
      link.href = member.url;
      link.rel = "noopener noreferrer";
      link.target = "_blank";
      section.append(link);
    }
    detail.append(section);
    try {
      const article = await api("articles/" + encodeURIComponent(articleId));
      const events = new Set(ev.members.filter((m) => m.article_id === articleId).map((m) => m.event_id));
      const spans = article.spans.filter((s) => !s.event_id || events.has(s.event_id));
      const box = highlighted(article.text, spans);
      section.append(box);
      const trigger = box.querySelector("mark.ev-trigger");
      if (trigger) box.scrollTop = Math.max(0, trigger.offsetTop - box.offsetTop - 60);
    } catch (err) {
      section.append(make("p", "error: " + err.message));
    }
  }
}

async function main() {
  readHash();
  setupMap();
  setupTimeline();
  setupForm();
  setStatus("loading…");
  try {
    [data.outlines, data.stats] = await Promise.all([api("outlines"), api("stats")]);
    fillChoices();
  } catch (err) {
    setStatus("error: " + err.message);
    return;
  }
  fillForm();
  await refresh();
}

main();
