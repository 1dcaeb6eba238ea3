"""Deterministic French-language news text: article bodies and RSS feeds for the benchmarks.

Words are drawn with a Zipf-like law from a vocabulary of real French news words followed by
a long tail of made-up words (so the full-text index has a realistic number of distinct terms).
Nothing here touches the network or the app.
"""

from __future__ import annotations

import bisect
import html
import itertools
import random
from email.utils import formatdate

COMMON = """
le la les de des du un une et à au aux en dans pour sur par avec sans sous entre vers chez
est sont a ont été être avoir fait faire dit selon après avant depuis pendant lors contre
qui que dont où ce cette ces son sa ses leur leurs il elle ils elles nous vous on
plus moins très aussi encore déjà toujours jamais ainsi alors mais ou donc car ni
""".split()

NEWS = """
Mali Bamako Burkina Faso Ouagadougou Niger Niamey Sahel gouvernement ministre président
transition armée sécurité attaque terroriste élection scrutin référendum constitution
assemblée nationale conseil décret communiqué conférence presse journalistes radio
télévision économie budget finances coton or mine agriculture campagne agricole pluies
hivernage sécheresse inondations santé hôpital paludisme vaccination école enseignants
grève syndicat étudiants université examens baccalauréat football Aigles Étalons Mena
championnat coupe match sélection entraîneur culture festival musique griot Tombouctou
Gao Mopti Kidal Ségou Sikasso Kayes Koulikoro Bobo-Dioulasso Koudougou Zinder Maradi
Agadez Tahoua Dosso Tillabéri CEDEAO AES Confédération alliance partenaires coopération
Russie France Chine ONU MINUSMA frontière réfugiés déplacés humanitaire aide alimentaire
prix marché carburant électricité énergie délestages barrage route pont infrastructures
jeunesse femmes emploi entrepreneuriat commerce douane impôts recettes dette croissance
justice tribunal procès détention libération dialogue paix réconciliation accord
chefferie traditionnelle religieux imam mosquée église tabaski ramadan fête célébration
bétail éleveurs transhumance pêche fleuve Niger eau potable assainissement forage
téléphone internet réseau opérateur Orange Moov Telecel numérique innovation
""".split()

SYLLABLES = (
    "ba be bi bo bou da de di do dou fa fe fi ka ke ki ko kou la le li lo lou ma me mi mo mou "
    "na ne ni no nou sa se si so sou ta te ti to tou ya yé za zo dia dio kan ken kon man men "
    "mon san sen son tan ten ton gan gen gou tri tra pré pro con dé ré in ex ment tion eur age"
).split()


class Vocabulary:
    def __init__(self, seed: int = 1, tail: int = 20000, s: float = 1.07) -> None:
        rnd = random.Random(seed)
        words = list(dict.fromkeys(COMMON + NEWS))
        seen = set(w.lower() for w in words)
        while len(words) < len(COMMON) + len(NEWS) + tail:
            w = "".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(2, 4)))
            if w not in seen:
                seen.add(w)
                words.append(w)
        # function words first (most frequent), then news words, then the tail
        self.words = words
        weights = [1.0 / (i + 1) ** s for i in range(len(words))]
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def sample(self, rnd: random.Random, n: int) -> list[str]:
        cum, total, words = self.cum, self.total, self.words
        return [words[bisect.bisect_left(cum, rnd.random() * total)] for _ in range(n)]


_VOCAB: Vocabulary | None = None


def vocab() -> Vocabulary:
    global _VOCAB
    if _VOCAB is None:
        _VOCAB = Vocabulary()
    return _VOCAB


def sentence(rnd: random.Random, lo: int = 8, hi: int = 22) -> str:
    words = vocab().sample(rnd, rnd.randint(lo, hi))
    s = " ".join(words)
    return s[:1].upper() + s[1:] + "."


def title(rnd: random.Random) -> str:
    # titles lean on the news words: pick from that band plus a few common ones
    v = vocab()
    news = [rnd.choice(NEWS) for _ in range(rnd.randint(2, 4))]
    words = news + v.sample(rnd, rnd.randint(3, 7))
    rnd.shuffle(words)
    t = " ".join(words)
    return t[:1].upper() + t[1:]


def article_html(rnd: random.Random, paragraphs: tuple[int, int] = (4, 8)) -> str:
    """A typical WordPress article body: paragraphs, sometimes a subtitle, a share line."""
    parts = []
    for i in range(rnd.randint(*paragraphs)):
        if i == 2 and rnd.random() < 0.4:
            parts.append(f"<h3>{html.escape(title(rnd))}</h3>")
        body = " ".join(sentence(rnd) for _ in range(rnd.randint(2, 4)))
        if rnd.random() < 0.3:
            w = body.split()
            k = rnd.randrange(len(w))
            w[k] = f'<a href="https://example.org/tag/{rnd.randint(1, 999)}">{w[k]}</a>'
            body = " ".join(w)
        parts.append(f"<p>{body}</p>")
    parts.append("<p>Suivez-nous sur nos réseaux sociaux pour ne rien manquer de l'actualité.</p>")
    return "\n".join(parts)


def rss_feed(
    index: int,
    base_url: str,
    items: int = 30,
    seed: int | None = None,
    now: float = 1_764_000_000.0,
) -> bytes:
    """An RSS 2.0 feed as WordPress writes it: content:encoded with the full article,
    description with an excerpt, dc:creator, categories, guid, pubDate."""
    rnd = random.Random(seed if seed is not None else 1000 + index)
    site = f"{base_url.rstrip('/')}"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"'
        ' xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">',
        "<channel>",
        f"<title>Journal test {index}</title>",
        f'<atom:link href="{site}/feed/" rel="self" type="application/rss+xml" />',
        f"<link>{site}/</link>",
        "<description>L'actualité du Sahel en continu</description>",
        f"<lastBuildDate>{formatdate(now, usegmt=True)}</lastBuildDate>",
        "<language>fr-FR</language>",
        "<sy:updatePeriod>hourly</sy:updatePeriod>",
        "<generator>https://wordpress.org/?v=6.4.2</generator>",
    ]
    for i in range(items):
        t = title(rnd)
        slug = f"article-{index}-{i}"
        body = article_html(rnd)
        excerpt = html.escape(sentence(rnd, 20, 35))
        out += [
            "<item>",
            f"<title>{html.escape(t)}</title>",
            f"<link>{site}/{slug}/</link>",
            f"<dc:creator><![CDATA[Rédaction {rnd.randint(1, 9)}]]></dc:creator>",
            f"<pubDate>{formatdate(now - i * 1800 - index * 60, usegmt=True)}</pubDate>",
            f"<category><![CDATA[{rnd.choice(NEWS)}]]></category>",
            f"<category><![CDATA[{rnd.choice(NEWS)}]]></category>",
            f'<guid isPermaLink="false">{site}/?p={index * 10000 + i}</guid>',
            f"<description><![CDATA[{excerpt} [&#8230;]]]></description>",
            f"<content:encoded><![CDATA[{body}]]></content:encoded>",
            "</item>",
        ]
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out).encode("utf-8")
