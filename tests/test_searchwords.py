"""How Chinese text is spelt for the search index (searchwords.words): every run of Han
characters as the pairs of its neighbouring UTF-16 units, the last unit alone; the rest
of the text as it was. Checked against that definition, written out the slow way."""

import random

from newsroom import searchwords


def _unit(char: str) -> list[str]:
    data = char.encode("utf-16-be")
    return [data[i:i + 2].hex() for i in range(0, len(data), 2)]


def _by_definition(text: str) -> str:
    out, run = [], []

    def flush() -> None:
        if run:
            units = [u for char in run for u in _unit(char)]
            out.append(" z" + " z".join([a + b for a, b in zip(units[:-1], units[1:], strict=True)] + [units[-1]]) + " ")
            run.clear()
    for char in text:
        if searchwords.HAN.fullmatch(char):
            run.append(char)
        else:
            flush()
            out.append(char)
    flush()
    return "".join(out)


def test_a_street_name_is_spelt_as_pairs():
    assert searchwords.words("坂田街道") == " z57427530 z75308857 z88579053 z9053 "
    assert searchwords.words("在坂田，") == " z57285742 z57427530 z7530 ，"


def test_single_characters_rare_characters_and_the_rest_of_the_text():
    assert searchwords.words("田") == " z7530 "
    assert searchwords.words("𠀀") == " zd840dc00 zdc00 "   # Extension B: two UTF-16 units
    assert searchwords.words("abc 123") == "abc 123"
    assert searchwords.words("") == ""


def test_any_text_is_spelt_as_the_definition_says():
    rnd = random.Random(7)
    alphabet = "坂田街道核酸检测，。 aZ1<>&\x01\x02\U00020000\U0002a6d6\u3400\u4dbf\u9fff\uf900\ufaffz0001"
    for _ in range(5000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40)))
        assert searchwords.words(text) == _by_definition(text), repr(text)


def test_a_page_copy_spells_its_text_and_keeps_what_pagefind_ignores_as_written():
    ignored = '<div data-pagefind-ignore><div><img alt="坂田" src="a.jpg">坂田</div><br/><p/>坂田</div>'
    html = (f'<html lang="zh-CN"><head><title>坂田</title></head><body><nav>龙岗</nav>'
            f'<article data-pagefind-body><h1>坂田</h1>{ignored}<p>街道<img alt="龙岗" src="b.jpg"></p></article>'
            f'<footer>龙岗</footer></body></html>')
    copy = searchwords.page_for_index(html, {})
    assert ignored in copy
    assert "<p> z88579053 z9053 <img alt=\" z9f995c97 z5c97 \" src=\"b.jpg\"></p>" in copy
    assert "<h1> z57427530 z7530 </h1>" in copy
    assert "龙岗</nav>" not in copy and "<footer>" not in copy   # the rest of the page is left out
    assert copy.endswith('<p data-pagefind-weight="0.1">zzzz </p></article></body></html>')


def test_an_ignored_element_ends_at_its_own_closing_tag_not_a_namesakes_prefix():
    html = ('<html><body><article data-pagefind-body><div data-pagefind-ignore><div-x>坂田</div-x>'
            '<div>龙岗</div></div><p>街道</p></article></body></html>')
    copy = searchwords.page_for_index(html, {})
    assert '<div data-pagefind-ignore><div-x>坂田</div-x><div>龙岗</div></div><p> z88579053 z9053 </p>' in copy
