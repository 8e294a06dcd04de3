/* The search page: Pagefind's index (built by newsroom/search.py) queried in the browser.
 * Every link is resolved against the site root given by the page (data-root), so the
 * site works under any sub-path. State lives in the query string (?q=…&street=…), so
 * the header search box on every page and shared links land on the same results. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) return;
  var PAGE = 10;
  var EXCERPT = 80;   // characters of text shown with a result
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

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  var header = document.getElementById("q-header");
  if (header) header.value = input.value;

  // Without the index the query typed is kept (in the header's box, and said), and the
  // browse links beside it are the way on.
  function unavailable(reason) {
    var query = input.value.trim();
    document.getElementById("search-reason").textContent =
      reason + (query ? "要查找“" + query + "”，" : "");
    document.getElementById("search-unavailable").hidden = false;
    box.hidden = true;
  }

  if (location.protocol === "file:") {
    // Browsers do not let a page opened from disk load the index files.
    unavailable("直接从磁盘打开的页面无法加载搜索索引，请通过网站服务器访问。");
    return;
  }
  box.hidden = false;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  // Han text is indexed as ASCII words, one per pair of neighbouring characters
  // (newsroom/searchwords.py): a query is spelt the same way, so it matches the pages whose
  // text contains it, whatever a dictionary would call a word.
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]+/gu;
  var SPELT = /^z([0-9a-f]{4})(?:[0-9a-f]{4})?$/;

  // A run's pairs; and its last character alone when more follows in the typed word, as
  // the index spells the end of every run (the last run's end may be inside a longer one).
  function spell(run, last) {
    var hex = "";
    for (var i = 0; i < run.length; i++) hex += ("000" + run.charCodeAt(i).toString(16)).slice(-4);
    var words = [];
    for (var j = 0; j + 8 <= hex.length; j += 4) words.push("z" + hex.slice(j, j + 8));
    if (!last || !words.length) words.push("z" + hex.slice(-4));
    return words;
  }

  // {term, phrase, parts}: what Pagefind is asked, whether it must find the words next to
  // each other (one typed word: its pairs), and the typed words (to highlight).
  function spelt(query) {
    var parts = query.split(/\s+/).filter(Boolean);
    var words = [];
    parts.forEach(function (part) {
      var last = 0;
      part.replace(HAN, function (run, at) {
        if (at > last) words.push(part.slice(last, at));
        last = at + run.length;
        words = words.concat(spell(run, last === part.length));
        return run;
      });
      if (last < part.length) words.push(part.slice(last));
    });
    // (a lone character last: spell gave it alone, and a page has it alone only where its run ends)
    var lone = parts.length === 1 && words.length > 1 && /^z[0-9a-f]{4}$/.test(words[words.length - 1]);
    return { term: words.join(" "), exact: (lone ? words.slice(0, -1) : words).join(" "),
             phrase: parts.length === 1 && words.length > 1, parts: parts };
  }

  // The page's text as indexed, spelt back into characters, without the names it is
  // filed under (after the word FILED). A run of Han characters ends with a single one.
  var FILED = "zzzz";
  function unspell(content) {
    var text = "";
    var prev = "";
    var words = (content || "").replace(/\u200b/g, "").split(/\s+/);
    for (var i = 0; i < words.length && words[i] !== FILED; i++) {
      if (!words[i]) continue;
      var han = SPELT.exec(words[i]);
      var piece = han ? String.fromCharCode(parseInt(han[1], 16)) : words[i];
      if (prev === " " && han) text += " ";   // two runs of Han: a space or a block between
      else if (!han && /\w$/.test(prev) && /^\w/.test(piece)) text += " ";
      text += piece;
      prev = han ? (han[0].length === 5 ? " " : "") : piece;
    }
    return text;
  }

  // A stretch of the page's text around the first match, the matches marked; an ellipsis
  // shows where it was cut out of the text.
  function excerpt(content, parts) {
    var text = unspell(content);
    var lower = text.toLowerCase();
    var first = -1;
    parts.forEach(function (part) {
      var at = lower.indexOf(part.toLowerCase());
      if (at >= 0 && (first < 0 || at < first)) first = at;
    });
    var start = Math.max(0, first - 20);
    var end = Math.min(text.length, start + EXCERPT);
    var p = el("p", "excerpt");
    if (start > 0) p.appendChild(document.createTextNode("…"));
    var piece = text.slice(start, end);
    var lowPiece = piece.toLowerCase();
    var at = 0;
    while (at < piece.length) {
      var next = -1;
      var size = 0;
      parts.forEach(function (part) {
        var found = lowPiece.indexOf(part.toLowerCase(), at);
        if (found >= 0 && (next < 0 || found < next)) { next = found; size = part.length; }
      });
      if (next < 0) break;
      if (next > at) p.appendChild(document.createTextNode(piece.slice(at, next)));
      p.appendChild(el("mark", "", piece.slice(next, next + size)));
      at = next + size;
    }
    if (at < piece.length) p.appendChild(document.createTextNode(piece.slice(at)));
    if (end < text.length) p.appendChild(document.createTextNode("…"));
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
        var option = el("option", "", v);
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

  // The counts beside each filter's values are those of the current query's results.
  function count(found) {
    FILTERS.forEach(function (f) {
      var select = document.getElementById("filter-" + f[0]);
      if (!select) return;
      var counts = found[f[0]] || {};
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) return;
        var n = counts[option.value] || 0;
        option.textContent = option.value + "（" + n + "）";
        option.disabled = n === 0 && select.value !== option.value;
      });
    });
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
        li.appendChild(excerpt(data.content, asked.parts));
        list.appendChild(li);
      });
      shown += batch.length;
      more.hidden = shown >= results.length;
    });
  }

  // The phrase's pages (Pagefind's exact search, "…", finds the pairs next to each other
  // but gives every page the same score), ranked as by the plain search for all the pairs,
  // which finds them too (and a few more, with the pairs apart).
  // A query ending in a lone character (115名, 3月2日) is the phrase of the words before it
  // and, by the plain search's prefix match, that character beginning the next pair.
  function searchPhrase(asked, options) {
    if (!asked.phrase) return pagefind.search(asked.term || null, options).then(current);
    var exact = pagefind.search('"' + asked.exact + '"', options).then(current);
    var whole = asked.exact === asked.term;
    if (options.sort && whole) return exact;
    var plain = pagefind.search(asked.term, whole ? options : { filters: options.filters });
    return Promise.all([exact, plain]).then(function (both) {
      var keep = {};
      both[options.sort ? 1 : 0].results.forEach(function (r) { keep[r.id] = true; });
      var ranked = both[options.sort ? 0 : 1].results;   // sorted by date, or by the plain search's score
      return { results: ranked.filter(function (r) { return keep[r.id]; }), filters: both[0].filters };
    });
  }

  // The year bundles' entries of pages changed or gone since their bundle was made (listed in
  // shards.json: newsroom/searchplan.py) are left out, and the filter counts without them; so
  // is an entry found again (the recent bundle may hold one as its year's bundle has it).
  function current(found) {
    var seen = {};
    var stale = found.results.filter(function (r) {
      var drop = superseded[r.id] || seen[r.id];
      seen[r.id] = true;
      return drop;
    });
    if (!stale.length) return found;
    return Promise.all(stale.map(function (r) { return r.data(); })).then(function (items) {
      var filters = {};
      Object.keys(found.filters || {}).forEach(function (k) { filters[k] = Object.assign({}, found.filters[k]); });
      items.forEach(function (data) {
        Object.keys(data.filters || {}).forEach(function (k) {
          data.filters[k].forEach(function (v) { if (filters[k] && filters[k][v]) filters[k][v] -= 1; });
        });
      });
      return { results: found.results.filter(function (r) { return stale.indexOf(r) < 0; }), filters: filters };
    });
  }

  // Pagefind merges the bundles by score, also when asked to sort by date; so, newest first,
  // each bundle (the synthetic filter BUNDLE) is asked on its own: the years follow one
  // another as listed, newest first, and the recent changes are put among them by date.
  function searchAll(asked, options) {
    if (!options.sort) return searchPhrase(asked, options);
    function inBundle(name) {
      var mine = {};
      Object.keys(options.filters).forEach(function (k) { mine[k] = options.filters[k]; });
      mine[BUNDLE] = [name];
      return searchPhrase(asked, { filters: mine, sort: options.sort });
    }
    return Promise.all(years.concat(recent ? [recent] : []).map(inBundle)).then(function (found) {
      var inYears = [].concat.apply([], found.slice(0, years.length).map(function (f) { return f.results; }));
      var merged = recent ? byDate(inYears, found[years.length].results) : inYears;
      return Promise.all([merged, searchPhrase(asked, { filters: options.filters })]);
    }).then(function (both) {
      return { results: both[0], filters: both[1].filters };
    });
  }

  // The day a result is dated (its meta date, 2022年2月21日) as a number to compare.
  function day(result) {
    return result.data().then(function (data) {
      var m = /(\d+)年(\d+)月(\d+)日/.exec((data.meta || {}).date || "");
      return m ? Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]) : 0;
    });
  }

  // The recent changes' results (newest first) put among the years' (newest first), each by a
  // binary search that reads the dates of only a few of the years' results.
  function byDate(sorted, changes) {
    var out = sorted.slice();
    var lo = 0;
    var listed = {};
    out.forEach(function (r) { listed[r.id] = true; });
    return changes.filter(function (r) { return !listed[r.id]; }).reduce(function (done, r) {
      return done.then(function () { return day(r); }).then(function (d) {
        var hi = out.length;
        function step() {
          if (lo >= hi) { out.splice(lo, 0, r); lo += 1; return null; }
          var mid = (lo + hi) >> 1;
          return day(out[mid]).then(function (m) {
            if (m >= d) lo = mid + 1; else hi = mid;
            return step();
          });
        }
        return step();
      });
    }, Promise.resolve()).then(function () { return out; });
  }

  var asked = { term: "", parts: [] };

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
      count(totals);
      return;
    }
    status.textContent = "正在搜索…";
    var sort = document.getElementById("filter-sort");
    var options = { filters: filters };
    if (sort && sort.value === "new") options.sort = { date: "desc" };
    asked = spelt(query);
    searchAll(asked, options).then(function (search) {
      if (mine !== generation) return;
      results = search.results;
      shown = 0;
      count(search.filters);
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

  // One Pagefind bundle per year (newsroom/search.py), listed newest first in shards.json,
  // and one of the pages changed since their year's was made: that one is loaded first, the
  // others merged into it, every one with the same RANKING (else a merged bundle ranks with
  // Pagefind's defaults) and tagged with its name (BUNDLE).
  var RANKING = { termFrequency: 1.0, termSimilarity: 1.0, termSaturation: 1.4, pageLength: 0 };
  var BUNDLE = "bundle";
  var years = [];
  var recent = null;
  var superseded = {};
  var totals = {};
  var shards = new URL(box.getAttribute("data-shards"), location.href);
  // Never from the browser's cache: the list of bundles changes with every rebuild (the bundle
  // of recent changes, the entries it supersedes), and a heuristically "fresh" copy would show
  // an edited story by its old wording.
  fetch(shards, { cache: "no-store" }).then(function (response) {
    if (!response.ok) throw new Error(response.status);
    return response.json();
  }).then(function (listed) {
    years = listed.shards;
    recent = listed.recent || null;
    (listed.superseded || []).forEach(function (id) { superseded[id] = true; });
    var bundles = (recent ? [recent] : []).concat(years);
    function bundle(year) { return new URL(year + "/", shards).href; }
    return import(bundle(bundles[0]) + "pagefind.js").then(function (module) {
      pagefind = module;
      var first = {};
      first[BUNDLE] = bundles[0];
      return pagefind.options({ baseUrl: root.pathname, ranking: RANKING, mergeFilter: first });
    }).then(function () {
      return Promise.all(bundles.slice(1).map(function (year) {
        var tag = {};
        tag[BUNDLE] = year;
        return pagefind.mergeIndex(bundle(year), { baseUrl: root.pathname, ranking: RANKING, mergeFilter: tag });
      }));
    });
  }).then(function () {
    return pagefind.filters();
  }).then(function (available) {
    totals = available || {};
    buildFilters(totals);
    run();
  }, function (error) {
    console.warn("search index not loaded:", error);
    unavailable("本站尚未生成搜索索引。");
  });
})();
