"""Stories deleted, taken out of the kept plan (removals.py) instead of a plan made afresh:
the plan, page by page, the site, file by file, and the problems (moved.yaml's warning
for the address that now answers 404, with its line) are what a clean build gives; what it
does not cover is planned afresh."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path

from test_additions import _generated, build, files, planned, story

from newsroom import builder, config, moved


def _same_as_clean(root: Path, result, problems: bool = True) -> None:
    clean = build(root, root / "clean", incremental=False)
    assert planned(result) == planned(clean)
    assert (result.pages, result.articles, result.photos) == (clean.pages, clean.articles, clean.photos)   # its summary
    if problems:
        assert sorted(map(str, result.problems)) == sorted(map(str, clean.problems))
    assert files(root / "site") == files(root / "clean")
    shutil.rmtree(root / "clean")


def test_deleted_stories_taken_out_of_the_kept_plan_give_a_clean_builds_plan_and_site(tmp_path: Path) -> None:
    root = _generated(tmp_path)
    stories = build(root).records["archive"].articles
    newest = stories[0].date
    made = {  # name -> (like, when)
        "newest": (stories[3], newest + timedelta(hours=1)),
        "between": (stories[40], stories[40].date + timedelta(minutes=1)),
        "two-a": (stories[5], newest + timedelta(hours=2)),
        "two-b": (stories[60], stories[60].date + timedelta(minutes=2)),
        "oldest": (stories[-1], stories[-1].date - timedelta(minutes=1)),
        "month-alone": (stories[1], newest.replace(day=1) + timedelta(days=40)),   # the only one of its month
        "year-alone": (stories[2], newest + timedelta(days=400)),   # the only one of its year
    }
    for name, (like, when) in made.items():
        story(root, name, like, when)
    build(root)
    file = {name: root / f"content/articles/{when:%Y}/{when:%m}/{name}.md" for name, (_, when) in made.items()}
    steps = [(("newest",), True), (("between",), True), (("two-a", "two-b"), True), (("oldest",), True),
             (("month-alone",), True), (("year-alone",), True)]
    texts = {name: path.read_text(encoding="utf-8") for name, path in file.items()}
    for names, taken_out in steps:
        for name in names:
            file[name].unlink()
        result = build(root)
        assert result.records["patched"] is taken_out, names
        warned = [p for p in result.problems if p.path == "moved.yaml" and "file is gone" in p.message]
        assert {p.params[0][1] for p in warned} >= {file[n].relative_to(root).as_posix() for n in names}
        assert all(p.line > 0 for p in warned)
        _same_as_clean(root, result)
    # While moved.yaml warns of them, new stories are still put in, and the warnings keep
    # the lines of moved.yaml as each build finds it (each new entry moves those after it).
    for name in ("0-first", "after"):
        story(root, name, stories[4], newest + timedelta(hours=5 + len(name)))
        record = moved.load(root)[0]   # as the build finds it (it then writes the new story's entry)
        result = build(root)
        assert result.records["patched"]
        warned = {dict(p.params)["source"]: p.line for p in result.problems if "file is gone" in p.message}
        assert len(warned) == 7 and warned == {source: record[source].line for source in warned}
        _same_as_clean(root, result, problems=False)
    # A story deleted and put back as it was is put in again; moved.yaml no longer warns of it.
    file["between"].write_text(texts["between"], encoding="utf-8")
    result = build(root)
    assert result.records["patched"]
    assert not [p for p in result.problems if "between.md" in str(p)]
    _same_as_clean(root, result)
    # The plan with them out is kept for the next edit in place.
    edited = root / stories[0].source
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    again = build(root)
    assert again.plan_kept
    _same_as_clean(root, again)


def test_a_story_in_print_is_taken_out_and_one_linked_to_is_planned_afresh(tmp_path: Path) -> None:
    root = _generated(tmp_path)
    stories = build(root).records["archive"].articles
    when = stories[0].date + timedelta(hours=1)
    story(root, "target", stories[2], when)
    story(root, "linking", stories[3], when + timedelta(minutes=5))
    linking = root / f"content/articles/{when:%Y}/{when:%m}/linking.md"
    linking.write_text(linking.read_text(encoding="utf-8") + "\n见[前文](target.md)。\n", encoding="utf-8")
    build(root)
    (root / stories[10].source).unlink()   # it ran in print (its edition's pages made again: reprinting.py)
    result = build(root)
    assert result.records["patched"] and result.records["reprinted"]
    _same_as_clean(root, result)
    (root / f"content/articles/{when:%Y}/{when:%m}/target.md").unlink()   # a story links to it
    cfg, cfg_problems = config.load(root)
    broken = builder.build(cfg, cfg_problems, builder.Options(jobs=1))
    assert not broken.ok and broken.records["patched"] is False
    assert any("linking.md" in p.path and "target.md" in p.message for p in broken.problems)


def test_a_deletion_that_changes_a_persons_role_is_planned_afresh(tmp_path: Path) -> None:
    """A person the registry gives no role takes the one most of their stories give: with two
    of three 记者 stories gone, 通讯员 is theirs now, on every page that names them."""
    root = _generated(tmp_path)
    stories = build(root).records["archive"].articles
    with (root / "reporters.yaml").open("a", encoding="utf-8") as f:
        f.write("- {name: 新来的人, slug: xin-lai-de-ren}\n")   # no role of their own
    when = stories[0].date
    for n, role in enumerate(["通讯员", "通讯员", "记者", "记者", "记者"]):
        story(root, f"role-{n}", stories[0], when + timedelta(hours=n + 1))
        file = root / f"content/articles/{when:%Y}/{when:%m}/role-{n}.md"
        text = file.read_text(encoding="utf-8")
        head, _, rest = text.partition("reporter: [")
        tail = rest.partition("]")[2]
        file.write_text(f"{head}reporter: [{{name: 新来的人, role: {role}}}]{tail}", encoding="utf-8")
    first = build(root)
    assert first.records["archive"].term("reporter", "新来的人").role == "记者"
    for n in (3, 4):
        (root / f"content/articles/{when:%Y}/{when:%m}/role-{n}.md").unlink()
    result = build(root)
    assert result.records["archive"].term("reporter", "新来的人").role == "通讯员"
    assert result.records["patched"] is False
    _same_as_clean(root, result)


def test_a_story_refiled_with_or_without_a_role_keeps_or_changes_the_persons_role(tmp_path: Path) -> None:
    """A person the registry gives no role takes the one most of their stories give. A story
    filed under them without a role leaves it as it is (refiled in the kept plan; their other
    stories are not even read); one that gives them a role can change it (planned afresh)."""
    root = _generated(tmp_path)
    stories = build(root).records["archive"].articles
    with (root / "reporters.yaml").open("a", encoding="utf-8") as f:
        f.write("- {name: 新来的人, slug: xin-lai-de-ren}\n")   # no role of their own
    when = stories[0].date
    files = []
    for n, role in enumerate(["通讯员", "记者", "记者", ""]):
        story(root, f"role-{n}", stories[0], when + timedelta(hours=n + 1))
        files.append(root / f"content/articles/{when:%Y}/{when:%m}/role-{n}.md")
        head, _, rest = files[-1].read_text(encoding="utf-8").partition("reporter: [")
        named = f"{{name: 新来的人, role: {role}}}" if role else "新来的人"
        files[-1].write_text(f"{head}reporter: [{named}]{rest.partition(']')[2]}", encoding="utf-8")
    assert build(root).records["archive"].term("reporter", "新来的人").role == "记者"

    def refiled(file: Path, named: str) -> None:
        head, _, rest = file.read_text(encoding="utf-8").partition("reporter: [")
        file.write_text(f"{head}reporter: [{named}]{rest.partition(']')[2]}", encoding="utf-8")
    refiled(files[3], f"新来的人, {stories[9].names('reporter')[0].name}")   # a second name, no role: the role stays
    result = build(root)
    assert result.records["patched"] and result.records["archive"].term("reporter", "新来的人").role == "记者"
    _same_as_clean(root, result)
    for file in files[1:3]:   # two 记者 stories now give 通讯员: 通讯员 is theirs
        refiled(file, "{name: 新来的人, role: 通讯员}")
    result = build(root)
    assert result.records["archive"].term("reporter", "新来的人").role == "通讯员"
    assert result.records["patched"] is False
    _same_as_clean(root, result)


def test_stories_filed_under_other_names_are_refiled_in_the_kept_plan(tmp_path: Path) -> None:
    """refiling.py: a story moved to another street (it ran in print: that stays), to other
    tags and people, retitled too, gives a clean build's plan and site; a name left with no
    story is planned afresh."""
    from bench import corpus

    root = _generated(tmp_path)
    stories = build(root).records["archive"].articles
    lonely = stories[0].date + timedelta(hours=1)
    story(root, "lonely", stories[1], lonely, tags="孤单的标签")
    build(root)
    tag, reporter = stories[7].names("tags")[0].name, stories[9].names("reporter")[0].name

    def refiled(source: str, old: str, new: str, title: str = "") -> None:
        """`old` (a regular expression) replaced by `new` on its line; `title` put before the title."""
        file = root / source
        text = re.sub(old, new, file.read_text(encoding="utf-8"), count=1)
        file.write_text(text.replace("\ntitle: ", f"\ntitle: {title}", 1), encoding="utf-8")

    lonely_file = f"content/articles/{lonely:%Y}/{lonely:%m}/lonely.md"
    steps = [  # (edit, refiled in the kept plan?)
        (lambda: corpus.move_article(root / stories[50].source), True),
        (lambda: corpus.move_article(root / stories[51].source), True),
        (lambda: refiled(stories[60].source, r"(?<=\ntags: \[)", f"{tag}, "), True),
        (lambda: refiled(stories[61].source, r"(?<=\nreporter:\n  - ).*", reporter, "改："), True),
        (lambda: refiled(lonely_file, "孤单的标签", tag), False),   # that tag left with no story
    ]
    for edit, kept in steps:
        edit()
        result = build(root)
        assert result.records["patched"] is kept, steps.index((edit, kept))
        _same_as_clean(root, result)


def test_a_deletion_warns_with_the_line_of_a_moved_yaml_written_by_hand(tmp_path: Path) -> None:
    """moved.yaml as an editor may write it (not as the build does) is read whole for the
    warning's line."""
    import yaml

    root = _generated(tmp_path)
    stories = build(root).records["archive"].articles
    story(root, "gone", stories[3], stories[0].date + timedelta(hours=1))
    build(root)
    record = yaml.safe_load((root / "moved.yaml").read_text(encoding="utf-8"))
    (root / "moved.yaml").write_text("# by hand\n\n" + "".join(
        f"{source}: {{title: '{entry['title']}', urls: {entry['urls']}}}\n" for source, entry in record.items()),
        encoding="utf-8")
    build(root)   # moved.yaml changed: planned afresh, and kept as it is
    gone = next((root / "content/articles").rglob("gone.md"))
    gone.unlink()
    result = build(root)
    assert result.records["patched"]
    warned = [p for p in result.problems if "file is gone" in p.message]
    assert [p.line for p in warned] == [moved.load(root)[0][gone.relative_to(root).as_posix()].line]
    _same_as_clean(root, result)


def test_stories_showing_photos_deleted_or_refiled_in_the_kept_plan(tmp_path: Path) -> None:
    """A story showing photos, deleted or filed under another street: the photos lose it as a
    user (an undated one is dated by its other, later story now) or its names, as a plan made
    afresh finds; plan and site are a clean build's."""
    from PIL import Image

    root = _generated(tmp_path)
    first = build(root)
    stories = first.records["archive"].articles
    folder = root / "photos" / "2024" / "12"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("shared", "alone"):
        Image.new("RGB", (60, 40), "#8040a0").save(folder / f"{name}.jpg", "JPEG")
        (folder / f"{name}.yaml").write_text(f"caption: {name}。\n", encoding="utf-8")
    older, newer = stories[80], stories[20]
    story(root, "older-user", older, older.date + timedelta(minutes=1),
          "photos: [2024/12/shared.jpg, 2024/12/alone.jpg]\n")
    story(root, "newer-user", newer, newer.date + timedelta(minutes=1), "photos: [2024/12/shared.jpg]\n")
    build(root)
    files_of = {n: next((root / "content/articles").rglob(f"{n}.md")) for n in ("older-user", "newer-user")}
    text = files_of["newer-user"].read_text(encoding="utf-8")
    street = newer.names("street")[0].name
    moved_to = next(term.name for term in first.records["archive"].taxonomy("street").terms if term.name != street)
    files_of["newer-user"].write_text(text.replace(f"street: [{street}", f"street: [{moved_to}", 1), encoding="utf-8")
    result = build(root)
    assert result.records["patched"]
    _same_as_clean(root, result)
    files_of["older-user"].unlink()
    result = build(root)
    assert result.records["patched"]
    _same_as_clean(root, result)
