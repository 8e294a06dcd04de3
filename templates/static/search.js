/* The search page: Pagefind's index (built by newsroom/search.py) queried in the browser.
 * Every link is resolved against the site root given by the page (data-root), so the
 * site works under any sub-path. State lives in the query string (?q=…&street=…), so
 * the header search box on every page and shared links land on the same results. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) return;
  var PAGE = 10;
  var FILTERS = [["street", "街道"], ["reporter", "记者"], ["year", "年份"], ["type", "类型"]];
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var filterBox = document.getElementById("search-filters");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var root = new URL(box.getAttribute("data-root"), location.href);
  root.pathname = root.pathname.replace(/index\.html$/, "");
  var pagefind = null;
  var results = [];
  var shown = 0;
  var generation = 0;

  function unavailable(reason) {
    document.getElementById("search-reason").textContent = reason;
    document.getElementById("search-unavailable").hidden = false;
    box.hidden = true;
  }

  if (location.protocol === "file:") {
    // Browsers do not let a page opened from disk load the index files.
    unavailable("直接从磁盘打开的页面无法加载搜索索引，请通过网站服务器访问。");
    return;
  }
  box.hidden = false;

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  var header = document.getElementById("q-header");
  if (header) header.value = input.value;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  // Pagefind's excerpt is HTML with <mark> around the matches: keep the text and the marks only.
  // An ellipsis shows where the excerpt was cut out of the page's text.
  function excerpt(html, content) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html;
    var p = el("p", "excerpt");
    var plain = tpl.content.textContent.trim();
    var whole = (content || "").trim();
    if (plain && whole.indexOf(plain.slice(0, 8)) !== 0) p.appendChild(document.createTextNode("…"));
    tpl.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") p.appendChild(el("mark", "", node.textContent));
      else p.appendChild(document.createTextNode(node.textContent));
    });
    if (plain && whole.slice(-8) !== plain.slice(-8)) p.appendChild(document.createTextNode("…"));
    return p;
  }

  // Result URLs are root-relative paths under the baseUrl given to Pagefind below.
  function link(url) {
    return new URL(url, location.href).href;
  }

  function selected() {
    var chosen = {};
    FILTERS.forEach(function (f) {
      var select = document.getElementById("filter-" + f[0]);
      if (select && select.value) chosen[f[0]] = [select.value];
    });
    return chosen;
  }

  function buildFilters(available) {
    FILTERS.forEach(function (f) {
      var values = Object.keys(available[f[0]] || {});
      if (!values.length) return;
      values.sort(f[0] === "year" ? function (a, b) { return b.localeCompare(a); } : undefined);
      var wrap = el("div", "filter");
      var label = el("label", "", f[1]);
      label.htmlFor = "filter-" + f[0];
      var select = el("select");
      select.id = "filter-" + f[0];
      select.name = f[0];
      select.appendChild(el("option", "", "全部"));
      select.firstChild.value = "";
      values.forEach(function (v) {
        var option = el("option", "", v + "（" + available[f[0]][v] + "）");
        option.value = v;
        select.appendChild(option);
      });
      select.value = params.get(f[0]) || "";
      select.addEventListener("change", run);
      wrap.appendChild(label);
      wrap.appendChild(select);
      filterBox.appendChild(wrap);
    });
    var sortWrap = el("div", "filter");
    var sortLabel = el("label", "", "排序");
    sortLabel.htmlFor = "filter-sort";
    var sort = el("select");
    sort.id = "filter-sort";
    sort.name = "sort";
    [["", "相关度"], ["new", "最新"]].forEach(function (o) {
      var option = el("option", "", o[1]);
      option.value = o[0];
      sort.appendChild(option);
    });
    sort.value = params.get("sort") || "";
    sort.addEventListener("change", run);
    sortWrap.appendChild(sortLabel);
    sortWrap.appendChild(sort);
    filterBox.appendChild(sortWrap);
    filterBox.hidden = false;
  }

  function remember(query, filters) {
    var next = new URLSearchParams();
    if (query) next.set("q", query);
    Object.keys(filters).forEach(function (k) { next.set(k, filters[k][0]); });
    var sort = document.getElementById("filter-sort");
    if (sort && sort.value) next.set("sort", sort.value);
    var search = next.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
  }

  function showMore() {
    var batch = results.slice(shown, shown + PAGE);
    var mine = generation;
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (items) {
      if (mine !== generation) return;
      items.forEach(function (data) {
        var meta = data.meta || {};
        var li = el("li", "search-result");
        var h = el("h2", "result-title");
        var a = el("a", "", meta.title || data.url);
        a.href = link(data.url);
        h.appendChild(a);
        li.appendChild(h);
        var facts = [meta.kind, meta.date, meta.street].filter(Boolean);
        if (facts.length) li.appendChild(el("p", "meta", facts.join(" · ")));
        li.appendChild(excerpt(data.excerpt || "", data.content));
        list.appendChild(li);
      });
      shown += batch.length;
      more.hidden = shown >= results.length;
    });
  }

  function run(event) {
    if (event && event.preventDefault) event.preventDefault();
    var query = input.value.trim();
    var filters = selected();
    remember(query, filters);
    if (header) header.value = query;
    var mine = ++generation;
    list.textContent = "";
    more.hidden = true;
    if (!query && !Object.keys(filters).length) {
      status.textContent = "请输入要搜索的词语，或选择街道、记者、年份。";
      return;
    }
    status.textContent = "正在搜索…";
    var sort = document.getElementById("filter-sort");
    var options = { filters: filters };
    if (sort && sort.value === "new") options.sort = { date: "desc" };
    pagefind.search(query || null, options).then(function (search) {
      if (mine !== generation) return;
      results = search.results;
      shown = 0;
      status.textContent = results.length
        ? "找到 " + results.length + " 条结果" + (query ? "（“" + query + "”）" : "")
        : "没有找到" + (query ? "与“" + query + "”" : "") + "相关的结果。";
      return showMore();
    });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 300);
  });
  form.addEventListener("submit", run);
  more.addEventListener("click", showMore);

  // One Pagefind index per year (newsroom/search.py), listed newest first in shards.json:
  // the newest is loaded, the other years are merged into it.
  var shards = new URL(box.getAttribute("data-shards"), location.href);
  fetch(shards).then(function (response) {
    if (!response.ok) throw new Error(response.status);
    return response.json();
  }).then(function (list) {
    var years = list.shards;
    function bundle(year) { return new URL(year + "/", shards).href; }
    return import(bundle(years[0]) + "pagefind.js").then(function (module) {
      pagefind = module;
      return pagefind.options({ baseUrl: root.pathname, excerptLength: 40 });
    }).then(function () {
      return Promise.all(years.slice(1).map(function (year) {
        return pagefind.mergeIndex(bundle(year), { baseUrl: root.pathname });
      }));
    });
  }).then(function () {
    return pagefind.filters();
  }).then(function (available) {
    buildFilters(available || {});
    run();
  }, function () {
    unavailable("本站尚未生成搜索索引。");
  });
})();
