"""A seeded, realistic benchmark archive: Chinese articles, registries, camera-sized photos.

`make(root, articles=N, photos=P, seed=S)` writes an archive laid out like the sample one
(content/, photos/, site.yaml, streets.yaml, reporters.yaml, editions.yaml). The same arguments always give
the same bytes. The 4000×3000 JPEGs are slow to make, so they are made once and kept in
~/.cache/newsroom-bench (NEWSROOM_BENCH_CACHE overrides), outside git; each archive links them.
"""

from __future__ import annotations

import os
import random
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from bench import photo

STREETS = [
    ("坂田街道", "bantian"), ("南湾街道", "nanwan"), ("布吉街道", "buji"), ("吉华街道", "jihua"),
    ("龙城街道", "longcheng"), ("龙岗街道", "longgang"), ("横岗街道", "henggang"), ("园山街道", "yuanshan"),
    ("平湖街道", "pinghu"), ("宝龙街道", "baolong"), ("坪地街道", "pingdi"), ("南澳街道", "nanao"),
]
SURNAMES = "张王李赵陈刘杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华慧建国志红玲峰辉鹏丹萍晨晓雪宇浩睿萌婧韵诗"
ROLES = ["记者", "首席记者", "通讯员", "实习生", "摄影记者"]
TAGS = ["疫情防控", "党员干部", "志愿服务", "物资保障", "城市更新", "民生实事", "基层治理", "教育", "医疗",
        "交通", "文化活动", "体育", "环境保护", "安全生产", "营商环境", "科技创新", "社区服务", "养老",
        "就业", "住房", "防汛", "垃圾分类", "消防", "食品安全", "旧改", "公园", "图书馆", "非遗", "招商", "乡村振兴"]
SUBJECTS = ["区委组织部", "街道办事处", "社区工作站", "区卫健局", "区教育局", "区水务局", "区城管局", "志愿者队伍",
            "党员先锋队", "区应急管理局", "辖区企业", "社区居民", "区文广旅体局", "区交通局", "网格员"]
ACTIONS = ["连夜组织", "积极开展", "深入推进", "全面部署", "持续做好", "扎实推动", "认真落实", "主动对接",
           "统筹协调", "迅速响应"]
OBJECTS = ["核酸检测工作", "老旧小区改造", "社区环境整治", "便民服务活动", "安全隐患排查", "文明城市创建",
           "防汛备汛工作", "垃圾分类宣传", "关爱独居老人行动", "校园安全检查", "重点项目建设", "夜间巡查",
           "物资配送任务", "政策宣讲活动", "创业就业帮扶"]
DETAILS = ["累计服务群众超过{n}人次", "共出动工作人员{n}余名", "覆盖{n}个小区", "发放宣传资料{n}份",
           "处理群众诉求{n}件", "整改问题{n}处", "投入资金{n}万元", "新增停车位{n}个"]
QUOTES = ["“我们要把群众的事当成自己的事。”", "“只要居民需要，我们随时都在。”",
          "“这是我们应该做的。”", "“看到大家满意，再累也值得。”"]
CLOSERS = ["下一步，相关部门将继续跟进，确保各项措施落到实处。",
           "据悉，该项工作将持续到年底，并逐步推广到全区。",
           "居民们纷纷表示，这些变化实实在在，看得见、摸得着。",
           "记者了解到，相关经验做法已在多个社区复制推广。"]

PAGE_NAMES = ["要闻", "综合", "街道", "民生", "文体", "专题", "视点", "副刊"]   # 01版 … 08版


@dataclass
class Corpus:
    root: Path
    articles: list[Path] = field(default_factory=list)
    photos: list[str] = field(default_factory=list)        # files relative to photos/
    reporters: list[tuple[str, str, str]] = field(default_factory=list)   # name, slug, role


def reporters(rng: random.Random, count: int = 40) -> list[tuple[str, str, str]]:
    from newsroom.slugs import slugify

    seen: set[str] = set()
    people = []
    while len(people) < count:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        slug = slugify(name)
        if name in seen or slug in {p[1] for p in people}:
            continue
        seen.add(name)
        people.append((name, slug, rng.choice(ROLES)))
    return people


def sentence(rng: random.Random, street: str) -> str:
    detail = rng.choice(DETAILS).format(n=rng.randint(3, 3000))
    return f"{rng.choice(SUBJECTS)}{rng.choice(ACTIONS)}{street}{rng.choice(OBJECTS)}，{detail}。"


def body(rng: random.Random, street: str, reporter: str) -> str:
    """800–1,500 characters of news prose: paragraphs, a heading, sometimes a list."""
    target = rng.randint(800, 1500)
    parts: list[str] = []
    length = 0
    while length < target:
        kind = rng.random()
        if kind < 0.1 and parts:
            block = f"## {rng.choice(OBJECTS)}有序推进"
        elif kind < 0.18:
            block = "\n".join(f"- {sentence(rng, street)}" for _ in range(rng.randint(2, 4)))
        else:
            sentences = [sentence(rng, street) for _ in range(rng.randint(2, 5))]
            if rng.random() < 0.3:
                sentences.append(f"{reporter}在现场看到，{rng.choice(QUOTES)}")
            block = "".join(sentences)
        parts.append(block)
        length += len(block)
    parts.append(rng.choice(CLOSERS))
    return "\n\n".join(parts) + "\n"


def _settings(root: Path, corpus: Corpus) -> None:
    """site.yaml, the streets' and reporters' registries, the paper's editions.yaml."""
    (root / "site.yaml").write_text(
        "title: 龙岗新闻档案（基准）\nbase_url: https://news.example.org/\nlanguage: zh-CN\n"
        "timezone: Asia/Shanghai\norganization: 龙岗融媒\npage_size: 10\nphoto_page_size: 24\n"
        "images:\n  widths: [480, 960, 1600]\n  quality: {jpeg: 82, webp: 80}\n"
        "taxonomies:\n  - {key: street, title: 街道, path: streets, registry: streets.yaml}\n"
        "  - {key: reporter, title: 记者, path: reporters, registry: reporters.yaml}\n"
        "  - {key: tags, title: 标签, path: tags}\n", encoding="utf-8")
    (root / "streets.yaml").write_text("".join(
        f"- name: {name}\n  slug: {slug}\n  description: 龙岗区{name}。\n  aliases: [{name[:2]}]\n"
        for name, slug in STREETS), encoding="utf-8")
    (root / "reporters.yaml").write_text("".join(
        f"- {{name: {n}, slug: {s}, role: {r}, aliases: []}}\n" for n, s, r in corpus.reporters), encoding="utf-8")
    (root / "editions.yaml").write_text(
        "paper: 龙岗新闻\nfirst_issue: {date: 2015-01-01, number: 1}\npages:\n"
        + "".join(f"  - {{page: {n}, name: {name}}}\n" for n, name in enumerate(PAGE_NAMES, 1)), encoding="utf-8")


def _photos(root: Path, corpus: Corpus, photos: int, rng: random.Random) -> None:
    """`photos` camera-like JPEGs (linked from the cache) with their sidecars, credited at random."""
    corpus.photos = [f"{2015 + i % 10}/{(i % 12) + 1:02d}/photo-{i:06d}.jpg" for i in range(photos)]
    source = photo_cache(photos)
    for i, file in enumerate(corpus.photos):
        target = root / "photos" / file
        target.parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(source[i], target)
        name = rng.choice(corpus.reporters)[0]
        street = rng.choice(STREETS)[0]
        target.with_suffix(".yaml").write_text(
            f"caption: {street}{rng.choice(OBJECTS)}现场。\ncredit: {name}\n", encoding="utf-8")


def make(root: Path, articles: int, photos: int = 0, seed: int = 1) -> Corpus:
    """Write a whole archive into `root` (created; must be empty or missing)."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(root)
    corpus.reporters = reporters(rng)
    _settings(root, corpus)
    _photos(root, corpus, photos, rng)
    # Where each story ran in print: one edition a day of 4–8 pages. A generator of its own,
    # so that the articles are the same as before print placements were added.
    placing = random.Random(seed * 7919 + 19)
    pages_of: dict[str, int] = {}

    start = datetime(2015, 1, 1, 8, 0)
    span = (datetime(2024, 12, 31) - start).total_seconds()
    step = span / max(1, articles)
    for i in range(articles):
        date = start + timedelta(seconds=int(i * step + rng.random() * step * 0.5))
        streets = rng.sample(STREETS, rng.choice((1, 1, 2)))
        people = rng.sample(corpus.reporters, rng.choice((1, 2, 2, 3)))
        tags = rng.sample(TAGS, rng.randint(1, 3))
        used = rng.sample(corpus.photos, min(len(corpus.photos), rng.randint(0, 3))) if corpus.photos else []
        slug = f"story-{i:06d}"
        title = f"{streets[0][0]}{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}"
        lines = ["---", f"title: {title}", f"date: {date:%Y-%m-%dT%H:%M:%S}+08:00", "reporter:"]
        lines += [f"  - {{name: {n}, role: {r}}}" for n, _, r in people]
        lines.append(f"street: [{', '.join(s for s, _ in streets)}]")
        lines.append(f"tags: [{', '.join(tags)}]")
        if used:
            lines.append("photos:")
            lines += [f"  - {{file: {f}}}" for f in used]
        pages = pages_of.setdefault(f"{date:%Y-%m-%d}", placing.randint(4, 8))
        lines.append(f"print: {{page: {placing.randint(1, pages)}}}")
        lines += [f"slug: {slug}", "---"]
        text = "\n".join(lines) + "\n" + body(rng, streets[0][0], people[0][0])
        path = root / "content" / "articles" / f"{date:%Y}" / f"{date:%m}" / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        corpus.articles.append(path)
    return corpus


def cache_dir() -> Path:
    return Path(os.environ.get("NEWSROOM_BENCH_CACHE") or Path.home() / ".cache" / "newsroom-bench")


def photo_cache(count: int, size: tuple[int, int] = (4000, 3000)) -> list[Path]:
    """`count` distinct camera-like JPEGs, made once (a few seconds each) and then reused."""
    folder = cache_dir() / f"photos-{size[0]}x{size[1]}"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{i:06d}.jpg" for i in range(count)]
    missing = [(i, path, size) for i, path in enumerate(paths) if not path.exists()]
    if missing:
        # In fresh worker processes, on every core: making a photo takes ~1 GB for a moment,
        # and the benchmark's own peak memory is inherited by every build it starts.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(os.cpu_count() or 1, mp_context=multiprocessing.get_context("spawn")) as pool:
            list(pool.map(_make_photo, missing))
    return paths


def _make_photo(job: tuple[int, Path, tuple[int, int]]) -> None:
    index, path, size = job
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(photo.camera_jpeg(index, size))
    os.replace(tmp, path)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def edit_article(path: Path) -> None:
    """Change one article's body (not its date, slug or terms): a typical correction."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n\n（本文有更正。）\n", encoding="utf-8")


def retitle_article(path: Path) -> None:
    """Change one article's title (its page, the lists that show it and its moved.yaml entry)."""
    text = path.read_text(encoding="utf-8")
    head, rule, body = text.partition("\ntitle: ")
    title, newline, rest = body.partition("\n")
    path.write_text(head + rule + title + "（修订）" + newline + rest, encoding="utf-8")


def move_article(path: Path) -> None:
    """File one article under another street (the desk corrects where it happened): it moves
    in the street lists, and its related stories change; not in print, as it ran there."""
    text = path.read_text(encoding="utf-8")
    head, rule, rest = text.partition("\nstreet: [")
    streets, bracket, tail = rest.partition("]")
    other = next(name for name, _ in STREETS if name not in streets)
    path.write_text(head + rule + other + bracket + tail, encoding="utf-8")


def correct_article(path: Path) -> None:
    """Add a correction to one article (更正: the corrections page, its feed, the sitemap's date)."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n---\n", "\ncorrections:\n  - {date: 2025-01-02T10:00:00+08:00, "
                                 "text: 原文数字有误，已更正。}\n---\n", 1), encoding="utf-8")


def add_front_matter_line(path: Path) -> None:
    """A comment line at the top of one article's front matter: every line below it moves."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("---\n", "---\n# 已校对\n", 1), encoding="utf-8")


def recaption_photo(corpus: Corpus, file: str) -> None:
    """Change one photo's caption in its sidecar (its credit as it was)."""
    sidecar = (corpus.root / "photos" / file).with_suffix(".yaml")
    text = sidecar.read_text(encoding="utf-8")
    head, rule, rest = text.partition("caption: ")
    caption, newline, tail = rest.partition("\n")
    sidecar.write_text(head + rule + caption + "（更正说明）" + newline + tail, encoding="utf-8")


def choose_front(corpus: Corpus, path: Path) -> None:
    """The editor chooses the front page's lead in front.yaml."""
    (corpus.root / "front.yaml").write_text(f"- {path.relative_to(corpus.root).as_posix()}\n", encoding="utf-8")


def set_edition_banner(corpus: Corpus, path: Path) -> None:
    """The day's edition file gives the page one article ran on a banner and a headline (the
    file is new: the day's edition and its page were made from the stories' `print:`)."""
    text = path.read_text(encoding="utf-8")
    day = re.search(r"^date: (\d{4}-\d{2}-\d{2})", text, re.M)
    page = re.search(r"^print: \{page: (\d+)\}", text, re.M)
    assert day and page, f"{path} ran in no printed edition"
    file = corpus.root / "content" / "editions" / f"{day[1]}.yaml"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(f"pages:\n  - page: {page[1]}\n    banner: 年终特刊\n    headline: 回望这一年\n", encoding="utf-8")


def delete_article(corpus: Corpus, path: Path) -> None:
    """Delete one article's file (a story published in error; one that ran in print would be withdrawn)."""
    path.unlink()
    corpus.articles.remove(path)


def add_article(corpus: Corpus, when: str = "2025-01-01T09:00:00+08:00", name: str = "story-new",
                extra: str = "", seed: int = 0) -> Path:
    """A new story, newer than every other (as an editor's day begins), in a street, by a
    reporter and under a tag the archive has; no print placement yet (unless `extra` says).
    Its title and body are `seed`'s: a story with the words of one deleted before is that
    story back at another address (moved.yaml), not a new one."""
    reporter, _, role = corpus.reporters[0]
    street = STREETS[0][0]
    path = corpus.root / "content" / "articles" / when[:4] / when[5:7] / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    title = f"{street}新增报道" + (f"（{seed}）" if seed else "")
    path.write_text(f"---\ntitle: {title}\ndate: {when}\n"
                    f"reporter:\n  - {{name: {reporter}, role: {role}}}\nstreet: [{street}]\ntags: [{TAGS[0]}]\n"
                    f"{extra}---\n" + body(random.Random(seed), street, reporter), encoding="utf-8")
    corpus.articles.append(path)
    return path


def open_edition(corpus: Corpus) -> Path:
    """The first story of a new day's printed edition (the day after the newest, 2024-12-31,
    as the corpus ends), on its first page: the edition, its page and the calendar are new.
    In words of its own: with those of the story added and deleted before it (the benchmark's
    until stop 46), the build took it for that story moved and planned afresh."""
    return add_article(corpus, "2024-12-31T09:00:00+08:00", "story-new-edition", "print: {page: 1}\n", seed=1)


def redate_article(path: Path, days: int = 1) -> None:
    """Date one article `days` later, at the same time (the desk had its day wrong): its
    address, its lists, its month's and its print edition change; its old address redirects."""
    text = path.read_text(encoding="utf-8")
    line = re.search(r"^date: (.+)$", text, re.M)
    when = datetime.fromisoformat(line[1]) + timedelta(days=days)
    path.write_text(text.replace(line[0], f"date: {when.isoformat()}", 1), encoding="utf-8")


def withdraw_article(path: Path) -> None:
    """Take one article down in the open: its address keeps a notice, it leaves every list."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n---\n", "\nwithdrawn: {date: 2025-01-02, reason: 报道所涉事实有误。}\n---\n", 1),
                    encoding="utf-8")


def add_photo(corpus: Corpus, index: int = 999_999) -> str:
    """A new photo (with sidecar) that no article uses yet; its file relative to photos/."""
    file = f"2024/12/photo-new-{index}.jpg"
    target = corpus.root / "photos" / file
    target.parent.mkdir(parents=True, exist_ok=True)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(_make_photo, (index, target, (4000, 3000))).result()
    name = corpus.reporters[0][0]
    target.with_suffix(".yaml").write_text(f"caption: 新增图片。\ncredit: {name}\n", encoding="utf-8")
    return file
