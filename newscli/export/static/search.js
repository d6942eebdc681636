// The search page: Pagefind's index of the public stories, read as a reader types.
// Everything shown is set as text (textContent), never as HTML; the words come from the
// page (data-* attributes in the site's language). Works from any folder the site is served
// from: every address is taken relative to this script.
const form = document.getElementById("sok");
const field = document.getElementById("sok-text");
const topic = document.getElementById("sok-amne");
const year = document.getElementById("sok-ar");
const order = document.getElementById("sok-ordning");
const status = document.getElementById("sok-status");
const list = document.getElementById("sok-traffar");
const words = form.dataset;
const SHOWN = 50;

const say = (template, values) =>
  template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));

function option(select, value, count) {
  const item = document.createElement("option");
  item.value = value;
  item.textContent = `${value} (${count})`;
  select.append(item);
}

function plain(html) {
  // Pagefind's excerpt marks the words found with <mark>; shown as text without them.
  return new DOMParser().parseFromString(html, "text/html").body.textContent || "";
}

function result(data) {
  const item = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  item.append(heading);
  const meta = document.createElement("p");
  meta.className = "meta";
  const parts = [data.meta.date, (data.filters.topic || []).join(", ")].filter(Boolean);
  meta.textContent = parts.join(" · ");
  if (meta.textContent) item.append(meta);
  const teaser = document.createElement("p");
  teaser.textContent = data.meta.teaser || plain(data.excerpt);
  item.append(teaser);
  return item;
}

// The index is two: the whole one (../pagefind/) and, after a re-publish, the stories changed
// since it was made (its own bundle, named in newscli-delta.json with the entries of the
// whole index it holds newer versions of: those are left out, and counted once).
let whole = null;
let newer = null;
let superseded = new Set();
let asked = 0;

async function bundle(folder) {
  // Each bundle is its own module (its own pagefind.js): two independent indexes.
  const index = await import(new URL(`${folder}pagefind.js`, import.meta.url).href);
  await index.options({ baseUrl: new URL("../", import.meta.url).pathname });
  await index.init();
  return index;
}

function counted(wholeFilters, newerFilters, left) {
  // The filters' counts of both indexes, less the entries left out of the whole one.
  const counts = {};
  const add = (name, value, count) => {
    counts[name] ??= {};
    counts[name][value] = (counts[name][value] || 0) + count;
  };
  for (const filters of [wholeFilters, newerFilters]) {
    for (const [name, values] of Object.entries(filters)) {
      for (const [value, count] of Object.entries(values)) add(name, value, count);
    }
  }
  for (const filters of left) {
    for (const [name, values] of Object.entries(filters)) {
      for (const value of values) add(name, value, -1);
    }
  }
  return counts;
}

async function found(query, options, newest) {
  // The results of both indexes as one list: how many, and the first SHOWN's data.
  const [old, changed] = await Promise.all([
    whole.search(query, options),
    newer ? newer.search(query, options) : { results: [] },
  ]);
  const kept = old.results.filter((hit) => !superseded.has(hit.id));
  const count = kept.length + changed.results.length;
  if (!changed.results.length) {
    return [count, await Promise.all(kept.slice(0, SHOWN).map((hit) => hit.data()))];
  }
  if (!newest) {
    // Best match first across both, by Pagefind's score (as its own mergeIndex does).
    const best = [...kept.slice(0, SHOWN), ...changed.results].sort((a, b) => b.score - a.score);
    return [count, await Promise.all(best.slice(0, SHOWN).map((hit) => hit.data()))];
  }
  // Newest first: each index gives its own in date order; the first SHOWN of both are
  // among the first SHOWN of each, ordered by their publication time.
  const data = await Promise.all(
    [...kept.slice(0, SHOWN), ...changed.results.slice(0, SHOWN)].map((hit) => hit.data()),
  );
  const time = (page) => Date.parse(page.meta.published) || 0;
  data.sort((a, b) => time(b) - time(a));
  return [count, data.slice(0, SHOWN)];
}

async function run() {
  const query = field.value.trim();
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  if (topic.value) params.set("topic", topic.value);
  if (year.value) params.set("year", year.value);
  if (order.value) params.set("order", order.value);
  history.replaceState(null, "", params.size ? `?${params}` : location.pathname);
  const turn = ++asked;
  if (!query && !topic.value && !year.value) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = words.searching;
  const filters = {};
  if (topic.value) filters.topic = topic.value;
  if (year.value) filters.year = year.value;
  const newest = order.value === "newest" || !query;
  const [count, shown] = await found(query || null, {
    filters,
    sort: newest ? { date: "desc" } : undefined,
  }, newest);
  if (turn !== asked) return; // a newer search has begun
  list.replaceChildren(...shown.map(result));
  const term = query || "…";
  let text = count === 0
    ? say(words.none, { query: term })
    : say(count === 1 ? words.hitsOne : words.hitsMany, { count, query: term });
  if (count > SHOWN) text += " " + say(words.hitsShown, { shown: SHOWN });
  status.textContent = text;
}

async function start() {
  const params = new URLSearchParams(location.search);
  field.value = params.get("q") || "";
  try {
    const since = new URL("../pagefind/newscli-delta.json", import.meta.url);
    const changes = await (await fetch(since, { cache: "no-cache" })).json();
    whole = await bundle("../pagefind/");
    if (changes.bundle) newer = await bundle(`../pagefind/${changes.bundle}`);
    superseded = new Set(Object.keys(changes.superseded));
    const filters = counted(
      await whole.filters(),
      newer ? await newer.filters() : {},
      Object.values(changes.superseded),
    );
    const byName = (a, b) => a.localeCompare(b, document.documentElement.lang);
    const any = (counts) => Object.keys(counts || {}).filter((name) => counts[name] > 0);
    for (const name of any(filters.topic).sort(byName)) {
      option(topic, name, filters.topic[name]);
    }
    for (const name of any(filters.year).sort().reverse()) {
      option(year, name, filters.year[name]);
    }
  } catch (error) {
    status.textContent = words.unavailable;
    return;
  }
  topic.value = params.get("topic") || "";
  year.value = params.get("year") || "";
  order.value = params.get("order") || "";
  form.querySelector(".search-filters").hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  for (const select of [topic, year, order]) select.addEventListener("change", run);
  let typing = 0;
  field.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(run, 300);
  });
  if (field.value || topic.value || year.value) run();
}

start();
