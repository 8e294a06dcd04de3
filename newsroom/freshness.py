"""Whether the output folder is what `python build.py` would make now: publish sends it only then.

A build remembers, for its output folder, the signature of everything it was made from (every
input's size and mtime, the templates, the settings: drafts, scheduled stories and file://
links among them) and of the site it wrote (inputscan.py). Publishing compares the archive now
with it, as the next build's check stage would: a site built with --drafts (drafts on the
front page of the host), one from before an edit (the edit never published, silently), or
one changed by hand would otherwise be sent as if it were the archive. A site built where no
build is remembered (another machine's, handed on without the cache) is not compared.
"""

from __future__ import annotations

from datetime import datetime, time

from . import cache, moved, signatures, versions
from .config import Config, template_dirs
from .i18n import Explained
from .sitecheck import MARKER


def stale(config: Config, now: datetime) -> Explained | None:
    """Why `config.output` is not the site a build of the archive makes now (None: it is).
    `config`: as a plain build reads it (no drafts, no scheduled stories, http links)."""
    if not (config.output / MARKER).is_file():
        return None   # no built site at all: deploy says so, and to build it first
    head = cache.Store(cache.state_folder(config)).load_head()
    if not head.get("signature"):
        return None   # built elsewhere (a CI job that hands site/ on without the cache): nothing to compare
    settings = versions.settings_hash(config)
    signed = {signatures.site_signature(signatures.inputs_signature(config, template_dirs(config),
                                                                    f"{settings}|False|{strict}")[0], config)
              for strict in (False, True)}   # a --strict build makes the same site
    if head["signature"] not in signed:
        return Explained("the archive or its settings changed since {output} was built, or it was built "
                         "with --drafts, --future or --file-urls, or changed by hand", output=config.output)
    if head.get("moved") != signatures.stat_key(config.root / moved.RECORD):
        return Explained("moved.yaml changed since {output} was built", output=config.output)
    until = head.get("valid_until", 0)
    if now.timestamp() >= until:
        if datetime.fromtimestamp(until, config.tz).time() == time(0):   # (memory._valid_until)
            return Explained("a new day began since {output} was built (its home page's 历史上的今天 is the day "
                             "before's)", output=config.output)
        return Explained("a scheduled story is due since {output} was built", output=config.output)
    return None
