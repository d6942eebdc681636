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

let pagefind = null;
let asked = 0;

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
  const search = await pagefind.search(query || null, {
    filters,
    sort: order.value === "newest" || !query ? { date: "desc" } : undefined,
  });
  const found = await Promise.all(search.results.slice(0, SHOWN).map((hit) => hit.data()));
  if (turn !== asked) return; // a newer search has begun
  list.replaceChildren(...found.map(result));
  const count = search.results.length;
  const shown = query || "…";
  let text = count === 0
    ? say(words.none, { query: shown })
    : say(count === 1 ? words.hitsOne : words.hitsMany, { count, query: shown });
  if (count > SHOWN) text += " " + say(words.hitsShown, { shown: SHOWN });
  status.textContent = text;
}

async function start() {
  const params = new URLSearchParams(location.search);
  field.value = params.get("q") || "";
  try {
    pagefind = await import(new URL("../pagefind/pagefind.js", import.meta.url).href);
    await pagefind.options({ baseUrl: new URL("../", import.meta.url).pathname });
    await pagefind.init();
    const filters = await pagefind.filters();
    const byName = (a, b) => a.localeCompare(b, document.documentElement.lang);
    for (const name of Object.keys(filters.topic || {}).sort(byName)) {
      option(topic, name, filters.topic[name]);
    }
    for (const name of Object.keys(filters.year || {}).sort().reverse()) {
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
