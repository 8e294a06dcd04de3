"""Moved stories keep their old addresses: moved.yaml, aliases, renamed streets, hosts' files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from living_archive import build, edit, make, page, refresh_target, write

from newsroom import redirects
from newsroom.pages import Page

OLD, NEW = "2022/02/21/checkpoint/", "2022/02/21/night-checkpoint/"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make(tmp_path / "archive")


def assert_redirects(site: Path, old: str, new: str, title: str) -> None:
    soup = page(site, old)
    assert soup is not None, f"nothing at /{old}"
    assert refresh_target(soup, old) == new
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert soup.find("link", rel="canonical")["href"] == f"https://example.test/news/{new}"
    link = soup.find("main").find("a")
    assert link.get_text() == title and refresh_target(soup, old) == new
    assert page(site, new).h1.get_text(strip=True) == title


def test_a_changed_slug_is_recorded_announced_and_redirected(root: Path, capsys) -> None:
    assert build(root) == 0
    assert "moved:" not in capsys.readouterr().out
    edit(root, "2022/02/checkpoint.md", "title:", "slug: night-checkpoint\ntitle:")
    assert build(root) == 0
    assert f"moved: /{OLD} -> /{NEW}" in capsys.readouterr().out.splitlines()
    record = yaml.safe_load((root / "moved.yaml").read_text(encoding="utf-8"))
    assert record["content/articles/2022/02/checkpoint.md"]["urls"] == [f"/{NEW}", f"/{OLD}"]
    site = root / "site"
    assert_redirects(site, OLD, NEW, "夜间卡口守护出行")
    assert f"/news/{OLD} /news/{NEW} 301" in (site / "_redirects").read_text(encoding="utf-8").splitlines()
    assert f'"/news/{OLD}" "/news/{NEW}";' in (site / "redirects.map").read_text(encoding="utf-8").splitlines()
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert NEW in sitemap and OLD not in sitemap
    # The record is the archive's own: a site and cache deleted lose nothing.
    shutil.rmtree(site)
    shutil.rmtree(root / ".cache")
    assert build(root) == 0
    assert "moved:" not in capsys.readouterr().out
    assert_redirects(site, OLD, NEW, "夜间卡口守护出行")


def test_a_second_build_after_a_move_writes_nothing(root: Path, capsys) -> None:
    assert build(root) == 0
    edit(root, "2022/02/checkpoint.md", "2022-02-21 21:30", "2022-02-22 21:30")
    assert build(root) == 0
    record = (root / "moved.yaml").read_bytes()
    capsys.readouterr()
    assert build(root) == 0
    assert " 0 files written" in capsys.readouterr().out
    assert (root / "moved.yaml").read_bytes() == record
    assert_redirects(root / "site", OLD, "2022/02/22/checkpoint/", "夜间卡口守护出行")


def test_a_moved_and_renamed_file_is_found_again_by_its_title(root: Path, capsys) -> None:
    assert build(root) == 0
    old_file = root / "content/articles/2022/02/checkpoint.md"
    text = old_file.read_text(encoding="utf-8").replace("2022-02-21", "2022-03-01")
    old_file.unlink()
    write(root, "2022/03/nanwan-checkpoint.md", "", "").write_text(text, encoding="utf-8")
    assert build(root) == 0
    out, err = capsys.readouterr()
    assert f"moved: /{OLD} -> /2022/03/01/nanwan-checkpoint/" in out.splitlines()
    assert "file is gone" not in err
    record = yaml.safe_load((root / "moved.yaml").read_text(encoding="utf-8"))
    assert "content/articles/2022/02/checkpoint.md" not in record
    assert record["content/articles/2022/03/nanwan-checkpoint.md"]["urls"][1] == f"/{OLD}"
    assert_redirects(root / "site", OLD, "2022/03/01/nanwan-checkpoint/", "夜间卡口守护出行")


def test_aliases_in_front_matter_redirect_and_work_from_disk(root: Path) -> None:
    edit(root, "2022/03/market.md", "title:", "aliases: [/2022/03/01/market/, old/market.html]\ntitle:")
    assert build(root, "--file-urls") == 0
    site = root / "site"
    for old in ("2022/03/01/market/", "old/market.html"):
        soup = page(site, old)
        link = soup.find("main").find("a")["href"]
        assert link.endswith("/index.html")
        file = (site / old).parent / link if old.endswith(".html") else site / old / link
        assert file.resolve().is_file() and "菜市场恢复营业" in file.read_text(encoding="utf-8")


def test_deleting_a_published_story_warns_and_suggests_withdrawing_it(root: Path, capsys) -> None:
    assert build(root) == 0
    (root / "content/articles/2022/03/market.md").unlink()
    assert build(root) == 0
    err = capsys.readouterr().err
    line = next(line for line in err.splitlines() if "market.md" in line)
    assert line.startswith("moved.yaml:") and ": warning: " in line
    assert "/2022/03/02/market/" in line and "withdrawn:" in line


@pytest.mark.parametrize("how", ["record", "alias"])
def test_an_old_address_taken_by_a_live_page_is_an_error_naming_both_files(root: Path, capsys, how) -> None:
    assert build(root) == 0
    if how == "record":
        edit(root, "2022/02/checkpoint.md", "title:", "slug: night-checkpoint\ntitle:")
        assert build(root) == 0
        # A new story takes the old address.
        write(root, "2022/02/other.md", "title: 另一篇\ndate: 2022-02-21\nslug: checkpoint\n")
        where = "moved.yaml:"
    else:
        edit(root, "2022/03/market.md", "title:", f"aliases: [/{OLD}]\ntitle:")
        where = "content/articles/2022/03/market.md:2:"
    capsys.readouterr()
    before = (root / "site/index.html").read_bytes()
    assert build(root) == 1
    err = capsys.readouterr().err
    line = next(line for line in err.splitlines() if ": error: " in line)
    assert line.startswith(where) and f"/{OLD}" in line
    assert ("content/articles/2022/02/other.md" if how == "record" else "content/articles/2022/02/checkpoint.md") in line
    assert (root / "site/index.html").read_bytes() == before


def test_one_old_address_claimed_by_two_stories_is_an_error_naming_both(root: Path, capsys) -> None:
    edit(root, "2022/03/market.md", "title:", "aliases: [/old/]\ntitle:")
    edit(root, "2022/02/testing.md", "title:", "aliases: [/old/]\ntitle:")
    assert build(root) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if ": error: " in line]
    assert len(errors) == 1
    assert "content/articles/2022/02/testing.md" in errors[0] and "content/articles/2022/03/market.md" in errors[0]


def test_an_alias_that_is_not_a_site_path_is_an_error_with_its_line(root: Path, capsys) -> None:
    edit(root, "2022/03/market.md", "title:", "aliases:\n  - https://other.example/x\ntitle:")
    assert build(root) == 1
    assert "content/articles/2022/03/market.md:3: error: alias 'https://other.example/x'" in capsys.readouterr().err
    # a list inside the list: said as such, not as Python spells it (alias '['/a/']')
    edit(root, "2022/03/market.md", "  - https://other.example/x", "  - [/2021/12/30/old/]")
    assert build(root) == 1
    err = capsys.readouterr().err
    assert ("content/articles/2022/03/market.md:3: error: each alias is one path on this site, such as "
            "/2022/02/21/old-slug/, not a list or a mapping") in err and "['" not in err


def test_chains_and_loops_are_errors_naming_both_files() -> None:
    def r(old: str, new: str, where: str) -> redirects.Redirect:
        return redirects.Redirect(old, new, where, 4, new, "标题")

    live = [Page("c/", "article.html", {})]
    _, problems = redirects.check([r("a/", "b/", "one.md"), r("b/", "c/", "two.md")], live)
    assert [str(p) for p in problems] == ["one.md:4: error: redirect chain: /a/ leads to /b/, which two.md:4 leads on to /c/"]
    _, problems = redirects.check([r("a/", "b/", "one.md"), r("b/", "a/", "two.md")], live)
    assert sorted(p.path for p in problems) == ["one.md", "two.md"] and all("redirect loop" in p.message for p in problems)


def test_a_renamed_street_keeps_its_old_page_feed_and_name(root: Path, capsys) -> None:
    assert build(root) == 0
    old_page = page(root / "site", "streets/nan-wan-jie-dao/")
    assert old_page is not None
    (root / "streets.yaml").write_text("- {name: 坂田街道, slug: bantian}\n- name: 南湾社区\n  old_names: [南湾街道]\n",
                                       encoding="utf-8")
    capsys.readouterr()
    assert build(root) == 0
    err = capsys.readouterr().err
    warning = next(line for line in err.splitlines() if "checkpoint.md" in line)
    assert ": warning: " in warning and "'南湾街道'" in warning and "'南湾社区'" in warning
    site = root / "site"
    assert_redirects(site, "streets/nan-wan-jie-dao/", "streets/nan-wan-she-qu/", "南湾社区")
    old_feed = (site / "streets/nan-wan-jie-dao/feed.xml").read_text(encoding="utf-8")
    assert old_feed == (site / "streets/nan-wan-she-qu/feed.xml").read_text(encoding="utf-8")
    hosts = (site / "_redirects").read_text(encoding="utf-8").splitlines()
    assert "/news/streets/nan-wan-jie-dao/feed.xml /news/streets/nan-wan-she-qu/feed.xml 301" in hosts
    assert "/news/streets/nan-wan-jie-dao/ /news/streets/nan-wan-she-qu/ 301" in hosts


def test_old_slugs_in_the_registry_redirect(root: Path) -> None:
    (root / "streets.yaml").write_text("- {name: 坂田街道, slug: bantian-street, old_slugs: [bantian]}\n"
                                       "- name: 南湾街道\n", encoding="utf-8")
    assert build(root) == 0
    assert_redirects(root / "site", "streets/bantian/", "streets/bantian-street/", "坂田街道")


def test_after_the_build_that_wrote_moved_yaml_nothing_is_done_until_an_editor_changes_it(root: Path) -> None:
    from newsroom import builder, config

    def run() -> builder.BuildResult:
        cfg, problems = config.load(root)
        result = builder.build(cfg, problems, builder.Options(jobs=1))
        assert result.ok
        return result

    run()                                     # the first build writes moved.yaml
    assert list(run().timings) == ["check"]   # and the next one sees that nothing changed
    record = root / "moved.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace(
        "urls: [/2022/03/02/market/]", "urls: [/2022/03/02/market/, /2022/03/01/market/]"), encoding="utf-8")
    assert run().written > 0                  # an old address added by hand is published
    assert_redirects(root / "site", "2022/03/01/market/", "2022/03/02/market/", "菜市场恢复营业")


def test_the_editor_reads_these_messages_in_chinese(root: Path, capsys) -> None:
    assert build(root) == 0
    (root / "content/articles/2022/03/market.md").unlink()
    edit(root, "2022/02/testing.md", "title:", f"aliases: [/{OLD}]\ntitle:")
    assert build(root, "--lang", "zh") == 1
    err = capsys.readouterr().err
    gone = next(line for line in err.splitlines() if line.startswith("moved.yaml:"))
    assert "/2022/03/02/market/" in gone and "404" in gone and "withdrawn:" in gone and "文件" in gone
    assert f"content/articles/2022/02/testing.md:2: error: 旧网址 /{OLD} 也是 content/articles/2022/02/checkpoint.md 的网址" in err


def test_an_old_name_that_is_another_entrys_name_is_an_error(root: Path, capsys) -> None:
    (root / "streets.yaml").write_text("- {name: 坂田街道, slug: bantian}\n- name: 南湾社区\n"
                                       "  old_names: [坂田街道]\n", encoding="utf-8")
    assert build(root) == 1
    assert "streets.yaml:2: error: old name '坂田街道' is the name of '坂田街道' too" in capsys.readouterr().err


def test_a_photo_caption_file_with_an_old_street_name_is_accepted_with_a_warning(root: Path, capsys) -> None:
    from PIL import Image

    (root / "photos").mkdir()
    Image.new("RGB", (64, 48), (90, 90, 90)).save(root / "photos/night.jpg")
    (root / "photos/night.yaml").write_text("caption: 夜间卡口。\ncredit: 张鹏\nstreet: 南湾街道\n", encoding="utf-8")
    (root / "streets.yaml").write_text("- {name: 坂田街道, slug: bantian}\n- name: 南湾社区\n"
                                       "  old_names: [南湾街道]\n", encoding="utf-8")
    assert build(root) == 0
    assert "photos/night.yaml:3: warning: street '南湾街道' is now called '南湾社区'" in capsys.readouterr().err


def test_a_photo_credit_with_an_old_name_is_accepted_with_a_warning(root: Path, capsys) -> None:
    """As a byline with the old name is: the photographer was renamed in reporters.yaml."""
    from PIL import Image

    (root / "photos").mkdir()
    Image.new("RGB", (64, 48), (90, 90, 90)).save(root / "photos/night.jpg")
    (root / "photos/night.yaml").write_text("caption: 夜间卡口。\ncredit: 张鹏\n", encoding="utf-8")
    registry = root / "reporters.yaml"
    registry.write_text(registry.read_text(encoding="utf-8").replace("name: 张鹏", "name: 张朋鹏, old_names: [张鹏]"),
                        encoding="utf-8")
    assert "张朋鹏" in registry.read_text(encoding="utf-8")
    assert build(root) == 0
    assert "photos/night.yaml:2: warning: reporter '张鹏' is now called '张朋鹏'" in capsys.readouterr().err


def test_the_later_pages_of_a_renamed_street_redirect_too(root: Path) -> None:
    site_yaml = root / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "page_size: 1\n", encoding="utf-8")
    (root / "streets.yaml").write_text("- {name: 坂田街道, slug: bantian-street, old_slugs: [bantian]}\n"
                                       "- name: 南湾街道\n", encoding="utf-8")
    assert build(root) == 0
    site = root / "site"
    assert page(site, "streets/bantian-street/page/1/") is not None, "坂田街道's list has a second page"
    soup = page(site, "streets/bantian/page/1/")
    assert soup is not None and refresh_target(soup, "streets/bantian/page/1/") == "streets/bantian-street/page/1/"
    assert page(site, "streets/bantian/page/2/") is None and page(site, "streets/bantian-street/page/2/") is None
    hosts = (site / "_redirects").read_text(encoding="utf-8")
    assert "/news/streets/bantian/page/1/ /news/streets/bantian-street/page/1/ 301" in hosts


def test_check_says_when_moved_yaml_would_change_and_leaves_it(root: Path, capsys) -> None:
    from newsroom.cli import main

    assert main(["check", "--root", str(root)]) == 0
    assert "moved.yaml would change" in capsys.readouterr().out and not (root / "moved.yaml").exists()
    assert build(root) == 0
    before = (root / "moved.yaml").read_bytes()
    capsys.readouterr()
    assert main(["check", "--root", str(root)]) == 0
    assert "moved.yaml" not in capsys.readouterr().out, "nothing to record: nothing said"
    edit(root, "2022/02/checkpoint.md", "title:", "slug: night-checkpoint\ntitle:")
    assert main(["check", "--root", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert f"moved: /{OLD} -> /{NEW}" in out
    assert any(line.startswith("moved.yaml would change") and "content/articles/2022/02/checkpoint.md" in line
               for line in out), out
    assert (root / "moved.yaml").read_bytes() == before
    # With an error in the archive nothing would be written: the note would only be noise
    edit(root, "2022/02/testing.md", "title:", "summary: [不是文字]\ntitle:")
    assert main(["check", "--root", str(root)]) == 1
    assert "moved.yaml" not in capsys.readouterr().out
