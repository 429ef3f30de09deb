"""What a question demands of its answer: an answer type and the specifics it pins.

"Hvor ofte møtes PSU?" demands a frequency; "Hva koster en parkeringsplass?" an amount;
"Hvem leder PSU?" a person's name; "Hvor mange deltakere var på det siste møtet?" pins a
moment the documents cannot know; "… i 2023?" pins a year. The engine checks the answer
it would give — the sentences it quotes and the passages they come from — against these
demands, and refuses, or answers in part and says what the documents do not say, when
the answer lacks them. Language patterns live here; facts about a corpus (bodies,
regions) never do.

Every pattern is bounded (no nested quantifiers); questions are length-checked before
they get here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.answering.followup import own_question
from indexer.analysis import MONTHS, NUMBERED, YEAR, canonical_spelling, normalize_text, one_edit, tokenize

# -- answer types, most specific first ---------------------------------------------------
_TYPES: list[tuple[str, re.Pattern[str]]] = [
    (
        # "Hvilke lovparagrafer viser retningslinjen til?", "etter hvilken lovbestemmelse?": the clause to cite
        "law",
        re.compile(
            r"\b(?:hvilke|hvilken|hvilket|kva for(?: nokre| ein| ei| eit)?|kva)\s+(?:\w+\s+)?"
            r"(?:lov|lova|loven|lover|lovene|lovar|lovparagraf\w{0,3}|paragraf\w{0,3}|lovbestemmelse\w{0,3}|"
            r"lovføresegn\w{0,3}|lovhjemmel\w{0,3}|hjemmel\w{0,3}|heimel\w{0,3})\b",
            re.IGNORECASE,
        ),
    ),
    (
        "person",
        re.compile(
            # "Hva heter (den nye / administrerende) direktøren …", "Hva heter personen som …": a name
            r"\b(?:hva|kva) (?:heter|heiter) (?:den |det |de )?(?:\w{2,20} ){0,2}?(?P<named>\w{0,20}?(?:leder|leiar|"
            r"nestleder|nestleiar|styreleder|møteleder|kontaktperson|koordinator|sekretær|direktør|ordfører|"
            r"ordførar|representant|tillitsvalgt|tillitsvald|personen|personane|personene|vedkommande|vedkommende)\w{0,6})\b|"
            r"\bnavn(?:et|a)? på (?:den |de )?(?P<named2>\w{3,20})\b|"
            r"\b(?:hvem|kven) (?P<role>leder|leiar|leiir|ledet|leia)\b|"
            r"\b(?:hvem|kven) (?:er|var|blir|vert|blei|ble) (?:den |det )?(?:nåværende |"
            # "Hvem er kommunenes samhandlingsleder?": a genitive before the role, a compound role
            r"noverande |sittende )?(?:\w{2,30}s )?(?P<role2>\w{0,20}?leder|\w{0,20}?leiar|nestleder|"
            r"nestleiar|styreleder|styreleiar|møteleder|møteleiar|kontaktperson|sekretær|ordfører|ordførar|"
            r"saksbehandler|sakshandsamar|prosjektleder|prosjektleiar|"
            # "Hvem er fastlegen som sitter i …?": the one doctor, nurse or head in that seat
            r"\w{0,20}?legen|\w{0,20}?sjefen|sykepleieren|sjukepleiaren|rådgiveren|rådgjevaren|"
            r"\w{0,20}?direktør|\w{0,20}?koordinator)\w{0,6}\b|"
            # "Hvem er kommuneoverlegerepresentanten?": the one person in that seat
            r"\b(?:hvem|kven) (?:er|var) (?:den |no |nå )?\w{0,30}?representanten\b|"
            # who was elected or appointed: a person, not what the documents say of the role
            r"\b(?:hvem|kven) (?:ble|blei|vart|er blitt|har blitt|har vorte) (?:valgt|vald|valt|utnevnt|oppnevnt|"
            r"ansatt|tilsatt|tilsett)\b|\b(?:hvem|kven) (?:vant|stemte|stemde|stemmer|røystar|røysta)\b|"
            # "Hvem fikk de to prosjektstillingene?": who was hired
            r"\b(?:hvem|kven) (?:fikk|fekk|har fått|har fenge) (?:\S+\s+){0,4}?[\w%-]{0,25}?"
            r"(?:stilling\w{0,4}|jobb\w{0,4}|verv\w{0,3})\b|"
            # "Hvilke ordførere møtte …?": people, by name
            r"\b(?:hvilke|hvilken|kva for(?: nokre| ein)?|kva) (?:\w+ )?(?:ordførere|ordførarar|ordfører|ordførar)\b",
            re.IGNORECASE,
        ),
    ),
    (
        # "Hva svarte departementet på innspillet?": another party's reply, after the documents
        "response",
        re.compile(
            r"\b(?:hva|kva|hvordan|korleis) (?:svarte|svara|svarde|responderte|reagerte)\b|\bsvaret (?:fra|frå)\b|"
            r"\btilbakemeldingen (?:fra|frå)\b",
            re.IGNORECASE,
        ),
    ),
    (
        # "Hvilke kommuner …?": the names of places, not a count or a description
        "names",
        re.compile(
            r"\b(?:hvilke|hvilken|kva for(?: nokre| ein| ei| eit)?) (?:\w+ )?(?:kommuner|kommunar|kommunene|kommunane|"
            r"kommune|fylker|fylke|byer|byar|helseforetak)\b|"
            r"\b(?:kva|hva) (?:kommunar|kommunane|kommune|fylke|byar)\b|"
            # "Hvilke prosjekter fikk tildelt midler?": who got the money, by name
            r"\b(?:hvilke|hvilken|hvilket|kva for(?: nokre| ein| ei| eit)?)\s+(?:\w+\s+){0,2}?(?:fikk|fekk|har fått|"
            r"har fatt|ble|vart|blei)\s+(?:\w+\s+)?(?:tildelt|innvilget|innvilga|tilsagn|støtte|midler|midlar)\b|"
            # "Kan du liste opp alle de 22 kommunene?", "nevn kommunene"
            r"\b(?:liste|list|lista|ramse|nevn|nemn)\w{0,2}\s+(?:opp\s+)?(?:alle\s+)?(?:de\s+|dei\s+)?(?:\d{1,3}\s+)?"
            r"(?:kommunene|kommunane|kommuner|kommunar|ordførerne|ordførarane)\b",
            re.IGNORECASE,
        ),
    ),
    (
        # "Hvilken app brukes …?", "Hvilket videoverktøy …?": a named product or standard;
        # "hvilke to oppfølgingsverktøy" asks for two things the documents may name in plain words
        "product",
        re.compile(
            r"\b(?:hvilke|hvilken|hvilket|kva for(?: nokre| ein| ei| eit)?|hva slags|kva slags)\s+"
            r"(?!(?:to|tre|fire|fem|seks|sju|syv|åtte|\d{1,2})\s)(?:\w+\s+)?"
            r"(?:app|appen|apper|appar|appene|appane|\w{0,12}plattform\w{0,4}|\w{0,12}verktøy\w{0,4}|"
            r"programvare\w{0,3}|\w{0,12}standard\w{0,3}|journalsystem\w{0,3}|fagsystem\w{0,3}|"
            # "Hvilken leverandør …?": a supplier is named as a product is
            r"\w{0,12}leverandør\w{0,4}|firma\w{0,3}|produsent\w{0,4})\b",
            re.IGNORECASE,
        ),
    ),
    (
        "amount",
        re.compile(
            r"\b(?:hva|kva) (?:koster|kostar|kostet|kosta|tjener|tener|tjente|tente)\b|"
            r"\b(?:hvor|kor) (?:mye|mykje) (?:koster|kostar|kostet|"
            r"betaler|betalar|betalte|tjener|tener|får|fikk|fekk|brukte|brukt|penger|pengar|kroner|budsjett)\b|"
            r"\b(?:hva|kva|hvor store?|kor store?) (?:er|var|blir|vert|blei|ble) (?:\w+ ){0,2}?kostnad\w{0,4}\b|"
            # "Kva døgnpris må kommunane betale?": a price, a compound too
            r"\b\w{0,12}pris(?:en|ar|er|ane|ene)?\b|"
            # "Hva får representanten betalt per møte, kr?": a sum paid, in kroner ("NOK", not "godt nok?")
            r"\b(?:hva|kva)\s+(?:får|fikk|fekk)\s+(?:\S+\s+){0,5}?betalt\b|\b(?:kr|(?-i:NOK)|kroner)\.?\s*\?|"
            r"\blønn\w{0,4}\b|\bhonorar\w{0,3}\b|\bi kroner\b|"
            r"\bbeløp\w{0,3}\b|\b(?:hvor|kor) mange (?:kroner|kronar|millioner|millionar)\b|"
            # "Hvor mye av tilskuddsmidlene …?": a share of the money
            r"\b(?:hvor|kor) (?:mye|mykje) av (?:de |dei |det )?(?:[\w,.]{1,20} )?(?:\w{0,20}midl\w{0,4}|penge\w{0,3}|"
            r"million\w{0,4}|\w{0,20}tilskudd\w{0,4}|budsjett\w{0,4})|"
            r"\b(?:hva|kva) er \w{0,20}?budsjett\w{0,4}\b|"
            # "Hvor stort årlig budsjett har …?", "Hvor stort er budsjettet?"
            r"\b(?:hvor|kor) stor[te]?\s+(?:er\s+|var\s+)?(?:\w+\s+){0,2}?\w{0,20}?budsjett\w{0,4}\b",
            re.IGNORECASE,
        ),
    ),
    (
        "number",
        re.compile(
            # "Kan en fastlege ringe …?" asks whether, not the number
            r"\btelefonnummer\w{0,3}\b|\btlf\.?[- ]?(?:nr|nummer)\w{0,3}\b|\bkontonummer\w{0,3}\b|"
            r"\borganisasjonsnummer\w{0,3}\b|\bnummeret\b|\b(?:hvilket|kva for eit) nummer\b|"
            r"\b(?:hva|kva) er (?:\w+ ){0,3}?(?:tlf|telefon|telefonen)\b|\b(?:tlf|telefon)\.? ?(?:til|nr)\b",
            re.IGNORECASE,
        ),
    ),
    ("email", re.compile(r"\be-?post\w{0,10}\b|\bmail\w{0,8}\b|\bepost\w{0,10}\b", re.IGNORECASE)),
    (
        "link",
        re.compile(
            r"\blenke\w{0,3}\b|\blink(?:en|er|ene|s)?\b|\bhjemmeside\w{0,3}\b|\bwebsite\w{0,2}\b|\bnettside\w{0,3}\b|\bnettadresse\w{0,3}\b|\burl\b|\badresse(?:n|r|ne|a)?\b|"
            r"\bkontaktinfo\w{0,8}\b|\bnettsted\w{0,3}\b|\bwebside\w{0,3}\b|"
            r"\b(?:hvor|kor) (?:finner|finn|finnes|fins)\b[^?]{0,80}?\b(?:på|paa) (?:nett|nettet|internett)\b|"
            # "… ligger de på nett nånstans?", "er de lagt ut på nettet?"
            r"\b(?:ligger|ligg|lagt ut|lagt)\b[^?]{0,40}?\b(?:på|paa) (?:nett|nettet|internett)\b|"
            # "Hvor blir protokollene publisert?": where on the web
            r"\b(?:hvor|kor)\s+(?!mange|mye|mykje|ofte|lenge|lang|stor)(?:\S+\s+){0,6}?"
            # "Hvor legger de ut protokollene?", "Hvor publiserer de …?"
            r"(?:publisert|publiseres|publiserast|publiserer|publiserar|lagt ut|legges ut|leggast ut|"
            r"legger(?:\s+\w+){0,2}\s+ut|legg(?:\s+\w+){0,2}\s+ut)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "place",
        re.compile(
            r"\b(?:hvilket|hvilke|kva for eit|kva for) (?:rom|lokale|lokaler|sted|stad|møterom)\b|\bmøterom\w{0,3}\b|"
            r"\b(?:hvor|kor) (?:ligger|ligg|holdes|haldast|holdast|foregår|arrangeres)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "date",
        re.compile(
            r"\b(?:hvilken|kva) dato\b|\bdatoen\b|\bklokka\b|\bklokken\b|\bkl\.|\btidspunkt\w{0,3}\b|"
            r"\b\w{0,14}frist\w{0,4}\b|\bdeadline\w{0,2}\b|\båpningstid\w{0,3}\b|\binnen hvor\b",
            re.IGNORECASE,
        ),
    ),
    (
        # "Når ble X innført?", "Kva tid vart det starta?": when something happened, a year or a date
        "time",
        re.compile(
            r"\b(?:når|hva tid|kva tid|hvilket år|hva år|kva år|hvilken måned|kva månad)\s+"
            r"(?:ble|vart|blei|var|kom|er)\s+"
            r"(?:\S+\s+){0,16}?(?:innført|innførd|etablert|starta|startet|oppretta|opprettet|slått|slegne|"
            r"laget|laga|vedtatt|vedteke|bestemt|avgjort|tatt i bruk|teke i bruk|gjennomført|avvikla|avviklet)\b|"
            # "Når utløper avtalen?", "Når tas Helseplattformen i bruk?": when it ends or starts
            r"\b(?:når|hva tid|kva tid|hvilket år|kva år)\s+(?:(?P<ends>utløper|utløp|går\s+(?:\S+\s+){0,4}?ut|"
            r"avsluttes|avsluttast|slutter|sluttar|opphører|opphøyrer)|"
            r"(?P<starts>trer|trår|(?:tas|tok|tek)\s+(?:\S+\s+){0,6}?i bruk|takast\s+(?:\S+\s+){0,6}?i bruk|"
            r"starter|startar|"
            r"begynner|byrjar|(?:blir|vert|vil\s+\S+\s+bli)\s+(?:\S+\s+){0,6}?(?:tatt|teke)\s+i\s+bruk|"
            # "Hvilket år skal Helseplattformen være innført?"
            r"(?:skal|vil|kommer)\s+(?:\S+\s+){0,6}?(?:være|vere|bli|verte)\s+(?:\S+\s+){0,2}?"
            r"(?:innført|innførd|tatt i bruk|teke i bruk|på plass|i drift))|"
            # "Når blir handlingsplanen ferdig?": when something is done
            r"(?P<done>(?:blir|er|vert|skal|vil|kommer)\s+(?:\S+\s+){0,6}?(?:ferdig\w{0,4}|fullført|klar)))\b",
            re.IGNORECASE,
        ),
    ),
    ("frequency", re.compile(r"\b(?:hvor|kor) (?:ofte|hyppig)\b|\bhvor mange ganger\b|\bkor mange gonger\b", re.I)),
    (
        "duration",
        # "Hvor lang oppsigelsestid …?", "Kor lang periode …?": how long, by the thing that lasts
        re.compile(
            r"\b(?:hvor|kor) (?:lenge|lang\w{0,2} (?:\w{0,25}tid\w{0,3}|periode\w{0,2}))\b|\bventetid\w{0,3}\b|"
            # "Hvor lang er funksjonsperioden …?"
            r"\b(?:hvor|kor) lang\w{0,2} (?:er|var|blir|vert) (?:\w+ )?\w{0,25}(?:tid|tida|tiden|periode\w{0,2})\b",
            re.IGNORECASE,
        ),
    ),
    # "Hvor stor stillingsprosent …?", "Hvor stor andel …?": a share, said in per cent
    (
        "percent",
        re.compile(
            r"\b(?:hvor|kor)\s+(?:stor|høy|høg|mange)\s+(?:\w+\s+){0,2}?(?:\w{0,12}prosent\w{0,3}|\w{0,12}andel\w{0,3})\b|"
            # "Hva var 30-dagers overlevelse …?", "Hva er reinnleggelsesraten?": a rate, said in per cent
            r"\b(?:hva|kva)\s+(?:er|var|blir|ble|vart)\s+(?:\S+\s+){0,2}?(?:overlevelse\w{0,3}|overleving\w{0,3}|"
            # "Hva var svarprosenten …?": a share named by a compound of "prosent"
            r"dødelighet\w{0,3}|\w{3,20}rate[n]?|\w{2,20}prosent(?:en|a)?)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "quantity",
        re.compile(
            # "Har de like mange fagråd?": a count of each
            r"\b(?:hvor|kor) (?:mange|mye|mykje|stor\w{0,2})\b|\blike mange\b|\bantall\w{0,2}\b|"
            # "Hva viser tallene?": figures
            r"\b(?:hva|kva)\s+(?:viser|sier|seier)\s+(?:tallene|tala)\b|"
            # "Hva er tallene?", "what are the actual numbers?": figures, asked in either language
            r"\b(?:hva|kva)\s+(?:er|var)\s+(?:de\s+|dei\s+)?(?:faktiske\s+)?(?:tallene|tala)\b|"
            r"\bhow (?:many|much)\b|\bwhat (?:are|were|is) the (?:\w+ )?(?:numbers|figures)\b",
            re.IGNORECASE,
        ),
    ),
]

# "Hvordan bør fastlegen følge opp en skrøpelig eldre pasient …?", "Hvilke tiltak anbefales for
# eldre med …?": what should be done for a patient, which governing documents do not advise
_MODAL = r"(?:bør|burde|skal|må|anbefales|anbefaler|anbefalt|tilrås|lurt)"
_CARE = (
    r"(?:følge opp|følgje opp|oppfølging|behandle|behandlast|behandles|handtere|håndtere|henvise|henvisning|"
    r"utrede|utgreie|vurdere|vurdera|kartlegge|kartleggje|medisiner\w*|overføre|overføringen|tiltak|gjøre|gjere|"
    r"på plass|tilrettelegge|leggje til rette|observere|observera|overvåke|overvake|legge inn|leggje inn)"
)
_PATIENT = (
    r"(?:\w{0,20}pasient\w*|beboer\w*|barn(?:et)? med|eldre med|skrøpelig\w* eldre|brukeren|"
    r"(?:en|ein|ei|min|mi|mitt) (?:ungdom|gutt|jente|mann|kvinne|eldre|bruker|brukar))\b"
)  # "akuttpasient"
# "Kan mamma få …?", "Har far min rett på …?": what one patient is entitled to, asked by a relative
_RELATIVE = (
    r"(?:mamma|pappa|mor|far|moren|faren|mora|bestemor|bestefar|mormor|morfar|farmor|farfar|svigermor|svigerfar|"
    r"(?:min|mi|mitt) (?:mor|far|mann|kone|sønn|datter|dotter|barn|samboer|sambuar|ektefelle)|"
    r"(?:sønnen|datteren|dattera|dottera|mannen|kona|barnet) (?:min|mi|mitt))(?: min| mi)?"
)
_CLINICAL_ADVICE = re.compile(
    rf"\b(?:kan|får|vil|skal)\s+{_RELATIVE}\s+(?:\w+\s+){{0,5}}?(?:få|ha rett)\b|"
    rf"\b(?:har|hadde)\s+{_RELATIVE}\s+rett\b|"
    rf"\b{_MODAL}\b(?:\W+\w+){{0,8}}?\W+{_CARE}\b(?:\W+\w+){{0,10}}?\W+{_PATIENT}|"
    rf"\b{_CARE}\b(?:\W+\w+){{0,6}}?\W+{_MODAL}\b(?:\W+\w+){{0,8}}?\W+{_PATIENT}|"
    # "Hvilken behandling anbefales for en pasient med …?": a treatment, asked for a patient
    rf"\b(?:hvilken|hvilke|hva slags|kva for(?: ein| nokre)?)\s+(?:\w+\s+)?(?:behandling\w{{0,3}}|medisin\w{{0,6}}|"
    rf"medikament\w{{0,3}}|handsaming\w{{0,3}})\s+(?:\w+\s+)?{_MODAL}\b(?:\W+\w+){{0,8}}?\W+{_PATIENT}|"
    # "Hvilke øvelser anbefaler FSU for å forebygge fall?": exercises, drugs, doses are care itself
    rf"\b(?:hvilke|hvilken|hvilket|hva slags|kva slags|kva for(?: ein| nokre| eit)?)\s+(?:\w+\s+)?"
    rf"(?:øvelse\w{{0,3}}|øving\w{{0,3}}|medisin\w{{0,6}}|medikament\w{{0,3}}|legemid\w{{0,5}}|terapi\w{{0,3}}|"
    rf"dose\w{{0,2}}|dosering\w{{0,3}}|antipsykotika)\b(?:\W+\w+){{0,8}}?\W+(?:{_MODAL}|brukes|bruker|gis|gir)\b",
    re.IGNORECASE,
)
# "Hva er visjonen for …?", "Kva er målet til …?": the thing asked for, a noun in its definite
# form, which the answer's passages must speak of
_ASKED_THING = re.compile(
    r"(?:^|[.!?]\s+)(?:og\s+)?(?:hva|kva)\s+(?:er|var)\s+(?:egentlig\s+|eigentleg\s+)?"
    # "Hva er visjonen og kjerneverdiene til …?": the first of the two things
    r"(?P<thing>[a-zæøå]{3,30}?(?:en|et|a|ene|ane|na))(?:\s+og\s+[a-zæøå]{3,30})?\s+(?:for|til|i|på|med|ved|om|hos|av|åt)\b",
    re.IGNORECASE,
)
# Words that ask what something is about, not for a thing of that name ("Hva er greia med …?",
# "Hva er planen for …?", "Hva er forskjellen på …?")
_VAGUE_THINGS = frozenset(
    {
        *("greia", "greiene", "greie", "saken", "sakene", "planen", "planane", "planene", "tanken", "ideen"),
        *("opplegget", "poenget", "statusen", "situasjonen", "historien", "bakgrunnen", "grunnen", "årsaken"),
        *("meningen", "forskjellen", "skilnaden", "hensikten", "tingen", "tinga"),
        *("fordelen", "fordelene", "ulempen", "ulempene", "nytten", "gevinsten", "gevinstene", "effekten"),
    }
)
_RELATIVE_BEFORE = re.compile(r"\bsom\s+\w{2,20}\s+$", re.IGNORECASE)  # "som viser ", "som sier "
# "Hvor kan kommunen se hvor mye …?": where to look, and what can be seen there; not the amount
_WHERE_TO_SEE = re.compile(r"^\s*(?:og\s+)?(?:hvor|kor)\s+(?:kan|finner|får|ser)\b", re.IGNORECASE)
_SEE_BEFORE = re.compile(r"\b(?:se|finne|sjekke|finne ut|få vite|få oversikt over|oversikt over)\s+$", re.IGNORECASE)
# "… trenger navn", "navnet på": a person's name, not what the documents say of the role
_ASKS_NAME = re.compile(r"\bnavn(?:et|a|ene)?\b|\bnamn(?:et|a)?\b", re.IGNORECASE)
_ALTERNATIVES = re.compile(r"\b\w{3,30} eller \w{3,30}\b", re.IGNORECASE)
# The present or the future: the documents are dated and cannot say what happens next.
_NOW_STRONG = re.compile(
    # "da den neste planen skulle lages": the next one as seen then, in the past; "de neste
    # årene" is a plan's horizon, which a strategy speaks of
    r"\bneste\b(?![^?.!]{0,60}\b(?:skulle|skulde)\b)(?!\s+(?:\w+\s+)?(?:årene|åra)\b)|"
    r"\b(?:førstkommende|kommende|forrige|siste|førre) (?:møte\w{0,4}|partnerskapsmøte\w{0,4}|samling\w{0,3}|"
    r"tildeling\w{0,3}|\w{0,12}runde\w{0,3}|"
    r"gang|frist\w{0,3}|\w{2,5}-møte\w{0,4})\b|\bi morgen\b|\bi fjor\b|\bdenne (?:uka|uken|veka|måneden|månaden|"
    r"høsten|hausten|våren)\b|\bi (?:neste|førre|forrige) (?:uke|veke|måned|månad|år)\b|\bi år\b|\bakkurat nå\b|"
    # "… til høsten", "i vinter": a season ahead of (or just behind) today
    r"\btil (?:høsten|hausten|våren|sommeren|vinteren)\b|\bi (?:høst|haust|sommer|vinter)\b|"
    r"\bsist gang\b|\bsist\s?[?.!]?\s?$|\bnylig\b|\bnyleg\b|"
    # "fjorårets tildelingsrunde", "årets budsjett": a year counted from today
    r"\b(?:fjorårets|fjorårs\w{0,6}|årets|neste års)\b|"
    # "Hva blir den nye strategien etter 2029?": what comes after the years the documents cover
    r"\b(?:blir|bli|kommer|skal)\b[^?.!]{0,60}\better\s+(?:19|20)\d{2}\b",
    re.IGNORECASE,
)
# "nå", "i dag": weak alone ("Gjelder retningslinjen nå?" is answered by its status), but a
# pin with what happened by now ("Har alle kommunene nå tatt i bruk …?", "Er det nå opprettet
# …?") or with a measured value ("Hva er 30-dagers overlevelse i dag?").
_NOW_WEAK = re.compile(r"\b(?:nå|i dag|per i dag|pr\.? i dag|for tiden|for tida|per dags dato)\b", re.IGNORECASE)
_DONE = (
    r"(?:tatt i bruk|teke i bruk|opprettet|oppretta|etablert|etablerte|innført|innførd|gjennomført|gjennomførd|"
    r"vedtatt|vedteke|godkjent|godkjend|iverksatt|iverksett|startet|starta|avviklet|avvikla|delt|slått sammen)\b"
)
_DONE_BY_NOW = re.compile(
    rf"\b(?:har|er|blitt|vorte)\s+(?:\S+\s+){{0,8}}?(?:nå|no|i dag)\s+(?:\S+\s+){{0,2}}?(?:blitt\s+|vorte\s+)?{_DONE}|"
    # "Har alle kommunene tatt i bruk Helseplattformen nå?": the pin closes the question
    rf"^\s*(?:og\s+)?(?:har|er)\s+(?:\S+\s+){{0,8}}?(?:blitt\s+|vorte\s+)?{_DONE}"
    r"(?:\s+\S+){0,6}?\s+(?:nå|no|i dag)\s*[?.!]?\s*$",
    re.IGNORECASE,
)
_MEASURED_NOW = frozenset({"amount", "percent"})
# What was finally decided: a proposal's text cannot say ("Hva ble til slutt vedtatt om …?").
_OUTCOME = re.compile(
    r"\b(?:ble|blei|vart|har blitt|er blitt)\s+(?:\w+\s+){0,3}?(?:vedtatt|vedteke|vedtekne|besluttet|bestemt|"
    r"godkjent|godkjend|resultatet|utfallet)\b|\btil slutt\b|\bendelig(?:e)? vedtak\b|\bhva ble utfallet\b|"
    # "Hva endte møtet med å vedta?", "Hva kom de fram til?": how a decision ended
    r"\b(?:endte|enda|endet)\s+(?:\S+\s+){0,6}?med\b|"
    r"\b(?:hva|kva)\s+(?:kom|har)\s+(?:\S+\s+){0,3}?(?:kommet\s+)?(?:fram|frem)\s+til\b|"
    # "Hva vedtok kommunestyret …?", "Hvilke tiltak besluttet de?": what a body decided
    r"\b(?:hva|kva|hvilke|hvilken|hvilket|kva for)\s+(?:\w+\s+){0,3}?(?:vedtok|besluttet|beslutta|bestemte|"
    r"godkjente|godkjende|konkluderte)\b|"
    # "Hvilke kommunestyrer har vedtatt avtalen?": which bodies decided
    r"\b(?:hvilke|hvilken|hvilket|kva for|hvor mange|kor mange)\s+(?:\w+\s+){0,3}?(?:har|hadde)\s+(?:\w+\s+){0,2}?"
    r"(?:vedtatt|vedteke|godkjent|godkjend|besluttet)\b|"
    # "Fikk de gjennomslag for kravet?", "Ble innspillet tatt til følge?": what came of a demand
    r"\b(?:fikk|fekk|har fått|har fenge)\s+(?:\S+\s+){0,6}?(?:gjennomslag|medhold)\b|"
    r"\btatt til følge\b|\bteke til følgje\b|"
    # "Tok planen med Telemarks forslag?", "Ble innspillene tatt inn?": whether a proposal was adopted
    r"\b(?:tok|tek|har tatt|har teke)\s+(?:\S+\s+){0,6}?(?:med|inn|hensyn til|omsyn til)\s+"
    r"(?:\S+\s+){0,3}?(?:forslag\w{0,4}|innspill\w{0,4}|innspel\w{0,4}|anbefaling\w{0,4}|tilråding\w{0,4})\b|"
    # "Ble SSU faktisk delt …?": what was in fact done, after the documents
    r"\b(?:ble|blei|vart|er blitt|har blitt)\s+(?:\S+\s+){0,4}?faktisk\b|"
    # "Hvordan stemte kommunestyret over avtalen?": how a vote went
    r"\b(?:hvordan|korleis|hva|kva)\s+(?:\w+\s+){0,3}?(?:stemte|røystet|røysta|voterte)\b",
    re.IGNORECASE,
)
# "Hvem skal vedta den til slutt?": who is to decide last, a step of the process, not its outcome
_ASKED_AHEAD = re.compile(r"\b(?:skal|skulle|må|bør|vil|kan|kommer til å)\b[^?.!]{0,60}$", re.IGNORECASE)


def _asks_outcome(text: str) -> bool:
    """Does the question ask what was finally decided or came of something? "til slutt"
    after a modal ("Hvem skal vedta avtalen til slutt?") asks the last step of a process."""
    return any(
        match.group(0).lower() != "til slutt"
        or not _ASKED_AHEAD.search(text[max(0, match.start() - 60) : match.start()])
        for match in _OUTCOME.finditer(text)
    )


# What should, will or may happen: no outcome ("… bør evalueres", "skal utarbeides").
_PLANNED = re.compile(
    r"\b(?:bør|skal|vil|planlegges|planlagt|foreslås|foreslår|under utprøving|ønskelig|vurderes|utredes)\b",
    re.IGNORECASE,
)
# "Ble det opprettet et felles brukerråd?": did something happen (after the documents were written)?
_HAPPENED = re.compile(
    # at the start, or of a second question after a dash ("Kva kom ut av X – vart det oppretta …?")
    r"(?:^|[–—?])\s*(?:og\s+)?(?:ble|blei|vart)\s+(?:\w+\s+){0,20}?(?:opprettet|oppretta|etablert|innført|gjennomført|vedtatt|"
    r"vedteke|vedtekne|godkjent|godkjend|besluttet|iverksatt|delt)\b|"
    # "Vedtok partnerskapsmøtet å dele SSU?"
    r"^\s*(?:og\s+)?(?:vedtok|besluttet|bestemte|godkjente|godkjende|iverksatte|opprettet|oppretta|etablerte|"
    r"innførte|gjennomførte)\b",
    re.IGNORECASE,
)
# "Hvilke resultater har … gitt så langt?": results up to now.
_RESULTS_SO_FAR = re.compile(
    r"\b(?:resultat\w{0,4}|effekt\w{0,3}|gevinst\w{0,3}|utbytte)\b(?:\W+\w+){0,12}?\W+"
    r"(?:så langt|hittil|til nå|foreløpig)\b|"
    # "Hvilke resultater har arbeidet gitt?", "Kva effekt har tiltaket hatt?"
    r"\b(?:hvilke|hvilken|kva for(?: nokre| ein)?|hva|kva)\s+(?:\w+\s+)?"
    r"(?:resultat\w{0,4}|effekt\w{0,3}|gevinst\w{0,3})\s+"
    r"(?:(?:har|hadde)\s+(?:\S+\s+){0,8}?(?:gitt|gjeve|hatt|ført til|oppnådd)|ga|gav|brakte|førte til)\b|"
    r"\b(?:så langt|hittil|til nå)\b(?:\W+\w+){0,6}?\W+(?:resultat\w{0,4}|effekt\w{0,3})\b|"
    # "Hva var hovedfunnene i … sin evaluering?": what it found
    r"\b(?:hoved)?funn(?:ene|a)\s+(?:i|fra|frå|av|som)\b|"
    # "Hvilken vurdering fikk Telemark i evalueringen?": the verdict something was given
    r"\b(?:hvilken|hvilke|hva slags|kva slags|kva for|hva|kva)\s+(?:\w+\s+){0,2}?(?:vurdering\w{0,2}|karakter\w{0,2}|"
    r"tilbakemelding\w{0,3}|konklusjon\w{0,3}|omtale|dom)\s+(?:fikk|fekk|har fått|har fenge)\b|"
    # "Hva viste evalueringen av stillingene?": what a review found
    r"\b(?:hva|kva)\s+(?:viste|viser|synte|syner|konkluderte|fant|fann)\s+(?:\S+\s+){0,2}?(?:evaluering\w{0,3}|"
    r"gjennomgang\w{0,3}|kartlegging\w{0,3}|undersøkels\w{0,3}|analyse\w{0,3})\b",
    re.IGNORECASE,
)
# A sentence that states a result ("har gitt", "førte til", "redusert").
_RESULT_SAID = re.compile(
    r"\b(?:resultat\w{0,4}|effekt\w{0,3}|redusert|reduksjon\w{0,2}|økt|økning\w{0,2}|færre|forbedr\w{0,4}|"
    r"førte til|ført til|har gitt|ga|gav|bidratt til|oppnådd|lyktes|(?:viste|viser|fant|fann|synte) at|funn\w{0,4})\b",
    re.IGNORECASE,
)
# Words for results and time so far, which tie no result to its subject
_RESULT_WORDS = re.compile(
    r"\b(?:resultat\w{0,4}|effekt\w{0,3}|gevinst\w{0,3}|utbytte|gitt|gjeve|hatt|oppnådd|så langt|hittil|til nå|"
    r"foreløpig|(?:hoved)?funn\w{0,4}|helsefellesskap\w{0,4}|helsefelleskap\w{0,4}|sykehus\w{0,4}|kommun\w{0,4})\b",
    re.IGNORECASE,
)
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])")
# "Hva ble resultatet …": what came of something, asked in the past tense.
_PAST_RESULT = re.compile(
    r"\b(?:ble|blei|vart|har blitt|er blitt)\s+(?:\w+\s+){0,3}?(?:resultat(?:et|ene|a)|utfall(?:et|a|ene))\b|"
    # "Hva viste evalueringen av …?": what an evaluation or survey found
    # "Kva kom ut av forprosjektet?": what came of it
    r"\b(?:hva|kva)\s+(?:kom|har kommet|har kome)\s+(?:det\s+)?ut\s+av\b|"
    r"\b(?:hva|kva) (?:viste|vistes|synte|fant|fann|avdekket|avdekte)\s+(?:\w+\s+){0,2}?(?:evaluering|undersøkels|"
    r"kartlegging|gjennomgang|analys|rapport)\w*",
    re.I,
)
COUNT_WINDOW = 4  # words between a number and what it counts
# "møtes minimum fire ganger", "i 2 år": a number before these says how often or how long, not how many
_NOT_A_COUNT = frozenset({"ganger", "gonger", "gang", "år", "måneder", "månader", "uker", "veker", "dager", "timer"})
# What is counted in times: "Hvor mange møter i året har FSU?" is answered by "møtes fire ganger i året".
_COUNTED_IN_TIMES = ("møte", "møta", "samling", "treff")
# "hvor mange X" counts X; "hvor mye penger" asks for an amount, not a count.
# "hvor mange fagråd", "hvor mye av tilskuddet": what the number counts
_COUNTED = re.compile(
    r"\b(?:(?:hvor|kor|like) mange\s+(?:av\s+(?:de\s+|dei\s+)?)?|(?:hvor|kor) (?:mye|mykje)\s+av\s+(?:det\s+|den\s+)?)"
    # "hvor mange faglige samarbeidsutvalg": the noun, not its adjective
    r"(?:[a-zæøå]{2,20}(?:ig|lig|isk|sk|al|ell)e\s+)?"
    r"([a-zæøå][\w-]{2,30})",
    re.IGNORECASE,
)
_NOT_COUNTED = frozenset(
    {"er", "var", "har", "skal", "kan", "av", "i", "ganger", "gonger", "gang", "prosent"}
    | {"dem", "disse", "desse", "oss"}  # "hvor mange av dem": counts what was named before
    # "hvor mange plasser/personer …": seats or people, which the documents count by role ("2 brukerrepresentanter")
    | {"plasser", "plassar", "seter", "sete", "personer", "folk", "stykker"}
)
# "Hvilket av fagrådene …?", "I hvilket fagråd …?": which one; "i ett av fagrådene" leaves it open.
_WHICH_OF = re.compile(
    r"\b(?:(?:hvilket|hvilken|hvilke|kva for(?: eit| ein| ei| nokre)?)\s+av\s+(?:de\s+|dei\s+)?|"
    r"(?:hvilket|hvilken)\s+)([a-zæøå][\w-]{3,30})",
    re.IGNORECASE,
)
_SOME_OF = r"\b(?:ett|en|ei|eitt|ein|noen|nokre|enkelte|flere|fleire)\s+av\s+(?:de\s+|dei\s+)?"
# A capitalised word inside the question (not its first word): a name the answer must hold.
_CAPITALISED = re.compile(r"(?<=\s)([A-ZÆØÅ][a-zæøåäöüé]{2,24}(?:-[A-ZÆØÅa-zæøå]{1,20})?)\b")

# -- what an answer holds ----------------------------------------------------------------
_MONTH = "(?:" + "|".join(MONTHS) + ")"
_HAS: dict[str, re.Pattern[str]] = {
    "amount": re.compile(
        r"\d[\d .\u00a0]{0,12},?-?\s?(?:kr\b|kroner|nok\b|mill\w{0,6}|milliard\w{0,3})|\bkr\.?\s?\d", re.IGNORECASE
    ),
    "number": re.compile(r"(?<!\d)\d{2} ?\d{2} ?\d{2} ?\d{2}(?!\d)|(?<!\d)\d{4}[ .]\d{2}[ .]\d{5}(?!\d)"),
    "response": re.compile(r"\b(?:svar\w{0,4}|svarte|tilbakemelding\w{0,3}|respons\w{0,3}|reagert\w{0,2})\b", re.I),
    "email": re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}"),
    "link": re.compile(r"https?://\S{1,200}|www\.\S{1,200}|[\w-]{2,63}\.(?:no|com|org|net)\b|@"),
    "place": re.compile(
        r"\b(?:rom|møterom|sal|auditorium|adresse)\s\w{0,20}\s?\d|\b\d{4}\s[A-ZÆØÅ][a-zæøå]+|"
        r"\b[A-ZÆØÅ]\w+(?:gata|gate|veien|vegen|vei|veg)\s\d",
    ),
    "time": re.compile(rf"(?<!\d)(?:19|20)\d{{2}}(?!\d)|\b\d{{1,2}}\.\s?{_MONTH}\b", re.IGNORECASE),
    "date": re.compile(
        rf"\b\d{{1,2}}\.\s?{_MONTH}\b|"
        r"\b\d{1,2}\.\d{1,2}\.(?:\d{2,4})?|\bkl\.?\s?\d|\b(?:innen|senest|før)\s\d",
        re.IGNORECASE,
    ),
    "percent": re.compile(r"\d+(?:[.,]\d+)?\s?(?:%|prosent\b)", re.IGNORECASE),
    "law": re.compile(r"§\s?\d|\b[\w-]{2,40}loven\b|\blov om\b", re.IGNORECASE),
    "frequency": re.compile(
        r"\b(?:årlig\w{0,2}|årleg\w{0,2}|ganger|gonger|gang i|hver\w{0,2}|kvar\w{0,2}|månedlig\w{0,2}|ukentlig\w{0,2}|"
        r"kvartalsvis|halvårlig\w{0,2}|jevnlig\w{0,2}|fast\w{0,2} møte\w{0,3}|møteplan\w{0,3}|"
        # "to partnerskapsmøter i året"
        r"i året|om året|per år|pr\.? år|i måneden|i månaden|per måned|i uka|i uken|i veka|per uke|i halvåret)\b",
        re.IGNORECASE,
    ),
    "duration": re.compile(
        # "2 år", "1 ½ time", "4-årsperiode"
        r"(?:\b\d{1,3}(?:\s?½)?|½|\b(?:en|ett|ei|to|tre|fire|fem|seks|ti))\s?(?:år|måned\w{0,3}|månad\w{0,3}|uke\w{0,2}|"
        r"dag\w{0,3}|time\w{0,2}|periode\w{0,2}|mnd\w{0,2}|md|mån|mndr)\b|\b\d{1,3}-års\w{0,9}|"
        r"\bperiode\w{0,2}\b|\bvarig\w{0,2}\b|\bvalgperiode\w{0,2}\b|"
        # "sendt ut 12. februar med innspills frist 23. februar": how long, as a deadline
        r"\b\w{0,15}frist(?:en|er|ene)?\s+(?:på\s+|til\s+|er\s+)?\d",
        re.IGNORECASE,
    ),
    "quantity": re.compile(
        r"(?<![\d.])(?!(?:19|20)\d{2}(?!\d))\d{1,6}(?:[.,]\d+)?(?![\d.])|\b(?:to|tre|fire|fem|seks|sju|syv|åtte|ni|ti|"
        r"elleve|tolv|tjue|hundre|tusen|begge|halvparten|flertall\w{0,3}|\w{1,10}dels)\b|%",
        re.IGNORECASE,
    ),
}
# "Lene Stene Salberg": two or three capitalised words in a row, inside a sentence.
_PERSON_NAME = re.compile(r"(?<=[\s(:,])[A-ZÆØÅ][a-zæøåé]{1,20}(?:[ -][A-ZÆØÅ][a-zæøåé]{1,20}){1,2}\b")


@dataclass(frozen=True)
class Demands:
    # person | response | names | product | amount | number | email | link | place | date | frequency |
    # duration | percent | quantity | any
    answer_type: str = "any"
    role: str = ""  # "hvem leder …": a role the answer may name instead of a person ("leder")
    counted: str = ""  # "hvor mange medlemmer …": the stem of what is counted, which the answer must name
    years: tuple[str, ...] = ()
    now: bool = False  # the next meeting, this year, today
    names: tuple[str, ...] = ()
    outcome: bool = False  # what was finally decided: not in a proposal
    listed: int = 0  # "Hva heter de fem fagrådene?": how many things the answer must name
    # "Hvor mange møter hadde FSU i 2024?", "Hvor mye brukte de i 2024?": a count or an amount
    # of what happened that year, which a rule in a document of that year ("møtes minimum
    # fire ganger i året") does not give
    counted_in_year: bool = False
    which_of: str = ""  # "Hvilket av fagrådene …?": the stem of what one is picked from
    event: str = ""  # "ends" | "starts" | "done": "Når utløper avtalen?" needs a date said of its end
    advice: bool = False  # "Hvordan bør jeg følge opp en pasient …?": clinical advice for a patient
    thing: str = ""  # "Hva er visjonen for …?": the thing asked for ("visjonen")
    phrase: str = ""  # the words that ask for the answer type ("hvor lang karantenetid")
    # "Er det nå opprettet et brukerråd?": what has happened by now (a proposal's text says what was proposed)
    done_by_now: bool = False
    # the documents' words for what is counted, as stems ("faglige grupper": "samarbeidsut"); see
    # ``answerability.with_counted_terms``
    counted_as: tuple[str, ...] = ()
    # years that date a document the question points at ("ifølge notatet frå 2024"): the
    # document's date, not a year the counted events fall in; see ``answerability.demands_in``
    dating: tuple[str, ...] = ()
    # "Hvilke kriterier bruker SSU …?", "Hvilken mal skal …?": a written specification the
    # answer's own passages must name; a rule about the same matter is not it
    spec: str = ""
    # "Hvilke ord kom oftest opp …?", "Hvilken kommune bruker mest …?": a ranking the answer's
    # passages must make; the superlative as asked ("oftest")
    ranking: str = ""
    # "Hvem betaler for følgetjenesten?": who pays; the answer's quotes must speak of paying
    paid: bool = False


def _counted_stem(word: str) -> str:
    """What a counted (or picked) word is matched by: its start, so that any inflection counts."""
    word = word.lower()
    return word[: max(4, len(word) - 3)]


def demands_of(question: str) -> Demands:
    text = canonical_spelling(normalize_text(question))
    answer_type, role, event, phrase = "any", "", "", ""
    # "… til SSU? deadline fredag": what the asker says around the question asks nothing
    asking = " ".join(asked_sentences(text))
    context = text[len(own_question(text)) :]
    if context and not any(pattern.search(asking) for _, pattern in _TYPES):
        # "og i Trøndelag (Hvor ofte møtes SSU)?": what the conversation asked is asked again
        asking = " ".join(asked_sentences(context.strip(" ()?") + "?"))
    for kind, pattern in _TYPES:
        if kind == "link" and _HOW_MANY.search(asking):  # "Hvor mange besøkende har nettsiden?": a count
            continue
        # "Tallene som viser hvor mye …": a relative clause says which thing, it does not ask
        match = next(
            (
                m
                for m in pattern.finditer(asking)
                if not _RELATIVE_BEFORE.search(asking[max(0, m.start() - 40) : m.start()])
                and not (m.start() > 0 and _WHERE_TO_SEE.match(asking) and _SEE_BEFORE.search(asking[: m.start()]))
            ),
            None,
        )
        if match:
            answer_type = kind
            phrase = match.group(0)
            groups = match.groupdict()
            event = next((name for name in ("ends", "starts", "done") if groups.get(name)), "")
            # "Hvem leder FSU?" may be answered by what the documents say of the role;
            # "Hvem er leder av FSU?" asks for a person.
            role = (groups.get("role") or "")[:3].lower()  # "led", "lei"
            if _ASKS_NAME.search(text):  # "hvem leder ASU? trenger navn": the role will not do
                role = ""
            elif groups.get("role2") and _ALTERNATIVES.search(text):
                # "hvem blir leder – kommunen eller sykehuset?": which side, so the rule will do
                role = groups["role2"][:3].lower()
            break
    if answer_type == "quantity" and phrase.lower().startswith("hvor mye") and _MONEY.search(asking):
        answer_type = "amount"  # "Får de godtgjørelse for møtetiden, og hvor mye?": a sum of money
    # a capital inside a sentence marks a name; one that starts a sentence ("… prosedyre. Hvem …") does not
    names = tuple(
        dict.fromkeys(
            m.group(1)
            for m in _CAPITALISED.finditer(text)
            if not text[: m.start()].rstrip().endswith((".", "!", "?", ":"))
        )
    )
    years = tuple(dict.fromkeys(YEAR.findall(text)))
    counted = ""
    if answer_type == "quantity":
        match = _COUNTED.search(text)
        if match and match.group(1).lower() not in _NOT_COUNTED:
            counted = _counted_stem(match.group(1))
    which = _WHICH_OF.search(text)
    which_of = _counted_stem(which.group(1)) if which else ""
    asks = _asking_text(text)  # the sentences that ask, without the asker's own procedure questions
    thing = _ASKED_THING.search(asks)
    listing = _LISTED.search(text)
    listed = _NUMBERS.get(listing.group(1).lower(), 0) if listing else 0
    if listing and listing.group(1).isdigit():
        listed = int(listing.group(1))
    return Demands(
        answer_type,
        role,
        counted,
        years,
        _pins_now(asks, answer_type),
        names,
        _asks_outcome(text),
        listed,
        bool(years)
        and bool(_PAST_EVENT.search(text))
        and (answer_type == "amount" or (answer_type == "quantity" and bool(_HOW_MANY_OR_BIG.search(text)))),
        which_of,
        event,
        bool(_CLINICAL_ADVICE.search(text)),
        thing.group("thing").lower() if thing and thing.group("thing").lower() not in _VAGUE_THINGS else "",
        phrase,
        bool(_DONE_BY_NOW.search(asks)),
        spec=spec.group("spec").lower() if (spec := _SPEC.search(asks)) else "",
        ranking=_ranking(asks),
        paid=bool(_WHO_PAYS.search(asks)),
    )


# "Hvem betaler …?", "kven finansierer …?", "hvilken part dekker kostnadene?"
_WHO_PAYS = re.compile(
    r"\b(?:hvem|kven|hvilken part|hvilke parter|kva for part\w{0,2})\s+(?:\w+\s+){0,3}?"
    r"(?:betal\w{0,4}|finansier\w{0,4}|dekk\w{0,4}|bekost\w{0,4}|spleis\w{0,4})\b",
    re.IGNORECASE,
)
# Words of paying, funding or money: what an answer to "Hvem betaler …?" speaks of
_PAYING_STARTS = (
    "betal",
    "finansi",
    "dekk",
    "bekost",
    "kost",
    "utgift",
    "tilskud",
    "bevilg",
    "midl",
    "budsjett",
    "kron",
    "refus",
    "spleis",
    "penge",
    "økonom",
    "lønn",
    "gratis",
    "egenandel",
    "avgift",
    "fond",
)
PAYER_GAP = "hvem som betaler (ingenting om betaling eller finansiering)"


def speaks_of_paying(text: str) -> bool:
    """Does ``text`` speak of paying, funding or money (see ``_PAYING_STARTS``)?"""
    return any(word.startswith(_PAYING_STARTS) for word in re.findall(r"\w+", text.lower()))


def _ranking(asking: str) -> str:
    """The superlative a question asks a ranking by (see ``_RANKING``), or "". "Hva savner de
    mest?" asks what they miss: "mest" after a verb of wanting only stresses it."""
    match = _RANKING.search(asking)
    if match is None or (match.group(1).lower() == "mest" and _WANTING.search(asking)):
        return ""
    return match.group(1).lower()


_WANTING = re.compile(r"\b(?:savn|sakn|ønsk|treng|mangl|behøv|etterlys)\w{0,6}\b", re.IGNORECASE)


# A superlative said of what is asked, in its bare form: "kom oftest", "bruker mest", "var
# størst". Not one that describes ("det høyeste organet", "de mest sårbare"), not "mest mulig".
_RANKING = re.compile(
    r"(?<!\bde )(?<!\bdei )(?<!\bdet )(?<!\bden )"
    r"\b(mest|flest|oftest|størst|høyest|lavest|hyppigst|viktigst|tyngst|vanligst|sterkest|best|verst)\b"
    r"(?! mulig)",
    re.IGNORECASE,
)
# What makes a ranking in a passage: a superlative in any form ("viktigste", "størst"), a
# comparison ("flere enn"), or a priority ("særlig", "først", "hovedutfordring")
_SUPERLATIVE_ENDINGS = tuple(
    f"{stem}{ending}"
    for stem in (
        "mest",
        "flest",
        "størst",
        "høyest",
        "lavest",
        "minst",
        "hyppigst",
        "oftest",
        "viktigst",
        "best",
        "verst",
        "tyngst",
        "vanligst",
        "sterkest",
        "svakest",
        "fremst",
    )
    for ending in ("", "e")
)
_RANKING_WORDS = frozenset({"enn", "særlig", "spesielt", "særskilt", "aller", "fremst", "primært"})
_RANKING_STARTS = ("først", "hoved", "prioriter", "topp")
RANKING_GAP = "hva som er «{word}» (de rangerer ikke)"


def ranks(text: str) -> bool:
    """Does ``text`` rank or compare anything (see ``_SUPERLATIVE_ENDINGS``)?"""
    return any(
        word.endswith(_SUPERLATIVE_ENDINGS) or word in _RANKING_WORDS or word.startswith(_RANKING_STARTS)
        for word in re.findall(r"\w+", text.lower())
    )


# "Hvilke kriterier …", "Hvilken mal …", "Kva slags skjema …": a written specification
_SPEC = re.compile(
    r"\b(?:hvilke|hvilken|hvilket|kva for(?: nokre| ein| eit| ei)?|hva slags|kva slags)\s+(?:\w+\s+)?"
    r"(?P<spec>\w{0,12}kriteri\w{0,4}|mal|malen|maler|malar|malane|malene|\w{0,12}skjema\w{0,3}|sjekkliste\w{0,3})\b",
    re.IGNORECASE,
)
_HOW_MANY = re.compile(r"\b(?:hvor|kor) mange\b", re.IGNORECASE)
# "Hvor stort ble tilskuddet …?": how much it came to (not "hvor stor brøk var de på")
# "Hvor mye tilskudd fikk FSU i 2025?": that year's sum, too
_HOW_MANY_OR_BIG = re.compile(r"\b(?:hvor|kor) (?:mange|mye|mykje|stor\w{0,2} (?:ble|blei|vart|var)\b)", re.IGNORECASE)


def _pins_now(asking: str, answer_type: str) -> bool:
    """Does the question pin today or what comes next ("neste møte", "i fjor"), or ask with
    "nå"/"i dag" what has happened by now or a value measured today?"""
    if _NOW_STRONG.search(asking):
        return True
    if not _NOW_WEAK.search(asking):
        return False
    return answer_type in _MEASURED_NOW


# "hadde", "ble holdt": what happened, not what the rules say
_PAST_EVENT = re.compile(
    r"\b(?:hadde|hadde de|holdt|haldt|ble|blei|vart|fikk|fekk|arrangerte|gjennomførte|gjennomførde|avholdt|"
    r"avvikla|avviklet|brukte|brukt|betalte|betalt|kostet|kosta)\b",
    re.IGNORECASE,
)


# "Må vi vente på neste møte, eller …?", "Kan jeg ta det opp på neste møte?": what the
# asker may or must do (the documents' rules answer it), not what happens next.
_OWN_PROCEDURE = re.compile(
    r"^\s*(?:og\s+)?(?:må|kan|skal|bør|får|trenger|burde|kunne|skulle)\s+(?:vi|jeg|man|me|eg|ein)\b", re.IGNORECASE
)
# after a full stop, not after an abbreviation that names a place or person ("St. Olavs",
# "J. Hansen") and only before a capital: "1. mars" and "pkt. 11" go on
NEXT_SENTENCE = re.compile(r"(?<=[!?])\s+|(?<=\.)(?<![A-ZÆØÅ][a-zæøå]\.)(?<!\b[A-ZÆØÅ]\.)\s+(?=[A-ZÆØÅ])")


# "Kva sa partnerskapet i Telemark i høyringssvaret sitt om …?", "Hva skrev det øverste organet
# i 2022 om …?": who speaks (a document's author), between a verb of saying and "om";
# "Mente partnerskapet i Telemark i 2022 at …?": and "at"
_SPEAKER = re.compile(
    r"\b(?:sa|sagt|sier|seier|skrev|skriver|skrive|skreiv|mente|meinte|mener|meiner|uttalte|svarte|svarer)\s+"
    r"(?P<who>(?:\S+\s+){1,7}?)(?:om|angående|at)\s+\S",
    re.IGNORECASE,
)


# "… da Partnerskapet svarte på høringen i 2022", "ifølge Telemark-partnerskapets svar til
# staten i 2022": the speaker before its verb, or in a genitive before its reply
_SPEAKER_BEFORE = re.compile(
    r"\b(?:da|når|etter at)\s+(?P<who>(?:[\w.-]+\s+){0,3}?[\w.-]+\s+(?:svarte|skrev|skreiv|uttalte|sa|mente|meinte|"
    r"sendte)(?:\s+[\w.-]+){0,5})|"
    r"\b(?:ifølge|ifølgje|etter)\s+(?P<of>(?:[\w.-]+\s+){0,2}?[\w.-]+s\s+(?:eget\s+|eige\s+)?(?:svar|høringssvar|"
    r"høyringssvar|innspill|uttalelse|uttale)\w{0,4}(?:\s+[\w.-]+){0,4})",
    re.IGNORECASE,
)


def speaker(question: str) -> str:
    """Who the question says is speaking ("partnerskapet i Telemark i høyringssvaret sitt"
    in "Kva sa partnerskapet … om rolla til statsforvaltaren?", "Partnerskapet svarte på
    høringen i 2022" in "… da Partnerskapet svarte …"), or "": the words that say whose
    text to read, not what to find in it."""
    match = _SPEAKER.search(question)
    if match:
        return match.group("who").strip()
    before = _SPEAKER_BEFORE.search(question)
    return (before.group("who") or before.group("of")).strip() if before else ""


def asked_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that ask: those ending in "?" (all when none does). "I
    mars 2024 ble det anbefalt å ikke behandle den. Er den vedtatt senere?" asks the second."""
    own = own_question(text)
    if own != text:  # a follow-up's context ("Hvor lenge (St. Olav hadde en gruppe. Hvem var med)?") asks nothing
        return asked_sentences(own + "?")
    sentences = [s for s in NEXT_SENTENCE.split(text) if s.strip()]
    return [s for s in sentences if s.rstrip().endswith("?")] or sentences


def _asking_text(text: str) -> str:
    """The sentences that ask, without the asker's own procedure questions. "Jeg kan ikke
    stille på neste møte. Hva sier …?" pins no moment; "Når er neste møte?" does."""
    return " ".join(s for s in asked_sentences(text) if not _OWN_PROCEDURE.match(s))


def has_answer_type(answer_type: str, text: str, known_words: frozenset[str] = frozenset(), role: str = "") -> bool:
    """Does ``text`` hold an answer of this type (an amount, a frequency, a name …)?
    "Hvem leder FSU?" is answered by a name or by what the documents say of the role."""
    if answer_type == "person":
        if role_named(role, text):
            return True
        return named_person(text, known_words)
    if answer_type == "names":  # a capitalised word inside a sentence that no body or region has
        return any(
            m.group(1).lower().split("-")[0] not in known_words
            and canonical_spelling(m.group(1)).lower().split("-")[0] not in known_words  # "Helefellesskapet"
            and not _starts_line_or_sentence(text, m.start())
            for m in _CAPITALISED.finditer(text)
        )
    if answer_type == "product":
        # a name ("Helseplattformen"), an acronym the corpus data lacks, or one that names a
        # method or a standard in a compound ("SWOT-analyse", "PLO-meldinger"; not "STHF" alone)
        return has_answer_type("names", text, known_words) or any(
            m.group(0).lower() not in known_words
            or (text.startswith("-", m.end()) and text[m.end() + 1 : m.end() + 2].isalpha())
            for m in _ACRONYM.finditer(text)
        )
    pattern = _HAS.get(answer_type)
    return pattern is None or bool(pattern.search(text))


_ACRONYM = re.compile(r"\b[A-ZÆØÅ]{2,12}\b")


def _starts_line_or_sentence(text: str, start: int) -> bool:
    """Does the word at ``start`` open a sentence, a line or a list item ("- Ordførere")?"""
    before = text[max(0, start - 80) : start]
    return before.rstrip(" \t").endswith(("\n", "-", "•")) or before.rstrip().endswith((".", "!", "?", ":"))


def role_named(role: str, text: str) -> bool:
    """Does ``text`` name the role a "Hvem leder …?" asks about ("leder", "leiar")?"""
    # "- Leder og nestleder i SSU", "Leder av brukerutvalget": a seat held by someone else's
    # leader, which says nothing of who leads ("ledes av", "ledet av" say who does)
    seat = r"(?!\s+(?:og\s+nest\w{3,6}\s+)?(?:i|av|for|ved|fra|frå)\s)"
    ending = rf"(?:(?:er|ere|eren|erne|ar|aren)\b{seat}|(?:es|et|ast)\b)"
    return bool(role) and re.search(rf"\b{re.escape(role)}{ending}", text, re.IGNORECASE) is not None


def named_person(text: str, known_words: frozenset[str]) -> bool:
    """Does ``text`` hold a person's name (capitalised words the documents do not use)?"""
    return any(
        not all(word.lower() in known_words for word in re.split(r"[ -]", match.group(0)))
        for match in _PERSON_NAME.finditer(text)
    )


def meets(demands: Demands, text: str, known_words: frozenset[str] = frozenset()) -> bool:
    """Does ``text`` hold what the question's answer type demands (and, for a count, a
    number next to what is counted)? True when it demands no type. ``known_words``: words
    that are no one's name (bodies, regions, the documents' lower-case words)."""
    if demands.answer_type != "any" and not has_answer_type(demands.answer_type, text, known_words, demands.role):
        return False
    return not demands.counted or _counted_near(demands, canonical_spelling(text).lower())


def gaps(demands: Demands, quotes: str, cited: str, evidence: str, known_words: frozenset[str]) -> list[str]:
    """What the question demands that the answer does not hold, as Norwegian phrases
    that complete "Dokumentene sier ikke …". ``quotes``: the sentences the answer
    quotes; ``cited``: the passages they come from; ``evidence``: all the passages the
    question found (a year may stand in a title or date), with titles and dates."""
    missing: list[str] = []
    if demands.answer_type != "any" and not has_answer_type(demands.answer_type, quotes, known_words, demands.role):
        missing.append(TYPE_GAPS[demands.answer_type])
    elif demands.event and not any(
        has_answer_type("time", sentence) and _EVENT_WORDS[demands.event].search(sentence)
        for sentence in SENTENCE_BREAK.split(quotes)
    ):  # "Når utløper avtalen?": a year said of something else ("ble i 2022 slått sammen") is no end
        missing.append(TYPE_GAPS["time"])
    elif demands.counted and not _counted_near(demands, canonical_spelling(quotes).lower()):
        missing.append(TYPE_GAPS["quantity"])
    # a year may stand in a quoted passage's title or date; a count of that year's events must be quoted
    missing.extend(
        f"noe om {year}"
        for year in demands.years
        if year not in (quotes if demands.counted_in_year and year not in demands.dating else cited)
    )
    if demands.listed and named_things(quotes) < demands.listed:
        missing.append(f"hvilke alle de {demands.listed} er (bare noen av dem, eller hvor mange de er)")
    if demands.advice:
        missing.append(ADVICE_GAP)
    if demands.paid and not speaks_of_paying(quotes):
        missing.append(PAYER_GAP)
    if demands.ranking and not ranks(cited):
        missing.append(RANKING_GAP.format(word=demands.ranking))
    if demands.now:
        missing.append(NOW_GAP)
    if demands.which_of and re.search(_SOME_OF + re.escape(demands.which_of), canonical_spelling(quotes).lower()):
        missing.append("hvilket det gjelder (bare at det er ett eller noen av dem)")
    folded = canonical_spelling(cited).lower()
    cited_stems: set[str] | None = None
    for name in demands.names:
        first = canonical_spelling(name).lower().split("-")[0]  # "Olav-helsefellesskapet": Olav
        if first.endswith("s") and first[:-1] in known_words:  # a genitive: "Trondheims-sykehuset"
            continue
        if first in known_words or first in folded or _one_edit_from(first, folded):
            continue
        if _compound_of_known(first, known_words):  # "Trondheimsområdet": Trondheim + området
            continue
        if cited_stems is None:
            cited_stems = set(tokenize(folded))
        stem = tokenize(first)[:1]  # the whole word's stem: "Helseplattforma" (nynorsk) is "Helseplattformen"
        if not stem or stem[0] not in cited_stems:
            missing.append(f"noe om {name}")
    return missing


def numbered_gaps(question: str, context: str, numbered: frozenset[str]) -> list[str]:
    """The numbered things the question names ("retningslinje 2", "pkt. 13") whose kind
    the answer's passages name only with other numbers (a range counts: "retningslinje
    2-12" names 5). "Retningslinje 1" answers nothing about retningslinje 2, nor about
    retningslinje 2–12 (a range asked is answered by a passage naming any of it)."""
    said: dict[str, list[tuple[tuple[int, ...], tuple[int, ...]]]] = {}
    for match in NUMBERED.finditer(context):
        low = _number_key(match.group(2))
        high = _number_key(match.group(3)) if match.group(3) else low
        said.setdefault(match.group(1).lower(), []).append((low, high))
    missing: list[str] = []
    for match in NUMBERED.finditer(question):
        word = match.group(1).lower()
        if word not in numbered:
            continue
        first = _number_key(match.group(2))
        last = _number_key(match.group(3)) if match.group(3) else first  # "retningslinje 2–12": any of them
        named = said.get(word, [])  # passages silent on the kind are judged by the other checks
        if named and not any(low <= last and first <= high for low, high in named):
            span = f"{match.group(2)}–{match.group(3)}" if match.group(3) else match.group(2)
            missing.append(f"noe om {match.group(1)} {span}")
    return missing


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))  # "1.2" -> (1, 2), "11" -> (11,)


_ARTICLES = frozenset({"en", "ett", "ei", "ein", "eit"})
_AFTER_A_TOTAL = frozenset({"totalt", "samlet", "samla", "stykker", "personer", "medlemmer", "deltakere"})
_NUMBER_WORD = re.compile(
    r"^(?:\d[\d.,]*|en|ett|ei|to|tre|fire|fem|seks|sju|syv|åtte|ni|ti|elleve|tolv|tjue|hundre|tusen)$"
)


# "Hvilke tre egenskaper …", "Hva heter de fem fagrådene", "Hvilke 22 kommuner", "hele lista
# over de 17 kommunene": the answer names that many things.
_LISTED = re.compile(
    r"\b(?:hvilke|kva for|hva heter|kva heiter|nevn|list opp|ramse opp|navnene på|namna på|"
    r"(?:lista|listen|liste|oversikten|oversikt|oversyn)\s+(?:over|med|på))\s+(?:de\s+|dei\s+|alle\s+)?"
    r"(\d{1,3}|to|tre|fire|fem|seks|sju|syv|åtte|ni|ti|elleve|tolv)\s+[a-zæøå]",
    re.IGNORECASE,
)
_NUMBERS = {
    "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7, "syv": 7, "åtte": 8, "ni": 9, "ti": 10, "elleve": 11,
    "tolv": 12,
}  # fmt: skip
_SEPARATOR = re.compile(r",\s|;\s|\s(?:og|samt|eller)\s|\n\s*[-•·]\s")


_DIGIT_GAP = re.compile(r"(?<=\d)[ .\u00a0](?=\d{3}\b)")
# "100 000 kroner", "5,3 millioner", "kr 15.000": a sum, its number whole
_CLAIMED_AMOUNT = re.compile(
    r"(?<![\d,.])(?P<number>\d{1,3}(?:[ .\u00a0]\d{3}){0,3}(?:,\d{1,2})?|\d+(?:,\d{1,2})?),?-?\s?"
    r"(?:kr\b|kroner|nok\b|mill\w{0,6}|milliard\w{0,3})|\bkr\.?\s?(?P<after>\d{1,3}(?:[ .\u00a0]\d{3}){0,3})",
    re.IGNORECASE,
)


def unstated_amounts(question: str, text: str) -> list[str]:
    """The amounts a question names ("… tiltak som koster under 100 000 kroner") that
    ``text`` never states: a claim about a sum the documents do not give."""
    stated = _DIGIT_GAP.sub("", text)
    missing = []
    for match in _CLAIMED_AMOUNT.finditer(question):
        number = _DIGIT_GAP.sub("", match.group("number") or match.group("after"))
        if not re.search(rf"(?<![\d,]){re.escape(number)}(?![\d]|,\d)", stated):
            missing.append(match.group(0).strip())
    return missing


# "Stemmer det at …?", "Noen sa at …, er det riktig?": the question checks a claim, and the
# claim's words ("… ikke er med noe sted") are what is checked, not what is asked for
_CONFIRMS = re.compile(
    r"\b(?:stemmer|stemmar|stemme)\s+(?:det|dette|dét)\b|\b(?:er|var)\s+(?:det|dette)\s+(?:riktig|rett|sant|korrekt)\b|"
    r"\bhar\s+(?:jeg|eg)\s+(?:forstått|misforstått|skjønt)\b|\b(?:jeg|eg)\s+(?:har\s+)?(?:hørt|høyrt|lest|notert)\b|"
    r"\b(?:noen|nokon|kollega\w{0,3}|en kollega|ein kollega)\s+(?:sa|sier|seier|meiner|mener|påstår|hevder)\b",
    re.IGNORECASE,
)


def confirms_claim(question: str) -> bool:
    """Does the question ask to confirm or correct a claim ("Stemmer det at …")?"""
    return _CONFIRMS.search(question) is not None


# "seks ganger i året", "50 % stilling", "i tre år": a number with what it measures
_MEASURE_NUMBER = r"\d{1,3}(?:,\d{1,2})?|to|tre|fire|fem|seks|sju|syv|åtte|ni|ti|elleve|tolv"
_MEASURE_UNIT = r"%|prosent|ganger|gonger|møter|møte|timer|timar|dager|dagar|uker|veker|måneder|månader|år"
_CLAIMED_MEASURE = re.compile(
    rf"(?<![\w,.])(?P<number>{_MEASURE_NUMBER})\b\s?(?P<unit>{_MEASURE_UNIT})(?![\w%])", re.IGNORECASE
)
_ANY_MEASURE = re.compile(
    rf"(?<![\w,.])(?:{_MEASURE_NUMBER}|en|ei|ein|én|ett|eitt|annenhver)\b\s?(?:(?:\w+\s){{0,1}})?(?P<unit>{_MEASURE_UNIT})(?![\w%])",
    re.IGNORECASE,
)


def unstated_measures(question: str, text: str) -> list[str]:
    """The measures a question names ("møtes seks ganger i året", "i 50 % stilling") that
    ``text`` neither states nor corrects: neither the number nor any number of the same
    measure is in it. "Møtes partnerskapet fire ganger i året?" of "to ganger årlig" is
    answered (no); "Er koordinatoren ansatt i 50 % stilling?" of a text without any share
    is not."""
    missing = []
    units_said = {_unit_key(m.group("unit")) for m in _ANY_MEASURE.finditer(text)}
    for match in _CLAIMED_MEASURE.finditer(question):
        number = match.group("number").lower()
        digits = str(_NUMBERS[number]) if number in _NUMBERS else number
        words = [w for w, n in _NUMBERS.items() if str(n) == digits]
        said = re.search(
            rf"(?<![\w,]){'|'.join(re.escape(x) for x in [digits, *words])}(?![\w]|,\d)", text, re.IGNORECASE
        )
        if not said and _unit_key(match.group("unit")) not in units_said:
            missing.append(match.group(0).strip())
    return missing


# "partnerskapsmøtet 1. mars 2024", "18.mars 2022": a day the question names
_NAMED_DAY = re.compile(
    rf"(?<![\d.])(?P<day>\d{{1,2}})\.\s?(?P<month>{_MONTH})\b(?:\s(?P<year>\d{{4}}))?", re.IGNORECASE
)


def unstated_days(question: str, text: str) -> list[str]:
    """The days a question names ("Hvilket vedtak fattet partnerskapsmøtet 1. mars 2024 …?")
    that ``text`` (the answer's passages, their titles and dates) never names: what was
    said or done that day is not in them. "1.mars" and "01. mars" name the same day."""
    missing = []
    for match in _NAMED_DAY.finditer(question):
        day, month = int(match.group("day")), match.group("month").lower()
        if not re.search(rf"(?<![\d.])0?{day}\.\s?{month}\b", text, re.IGNORECASE):
            missing.append(match.group(0))
    return missing


# "per døgn", "i måneden", "kvar veke", "daglig": the period an amount is asked per. A
# year is left out: "i år" says which year, and a yearly sum is how these documents give sums.
_PER_PERIOD = re.compile(
    r"\b(?:per|pr\.?|hver|kvar)\s+(?P<unit>døgn|dag|time|uke|veke|måned|månad)\b|"
    r"\bi\s+(?P<the>døgnet|timen|uka|uken|veka|måneden|månaden)\b|"
    r"\b(?P<adj>daglig|dagleg|ukentlig|vekentleg|månedlig|månadleg)\b",
    re.IGNORECASE,
)
# How a sentence says each period (its stems, at a word's start).
_PERIOD_WORDS = {
    "døgn": r"døgn",
    "dag": r"dag(?:en|lig|leg|s)?\b|dagpris|dagsats",
    "time": r"time(?:n|pris|sats)?\b",
    "uke": r"uke(?:n|ntlig)?\b|veke|uka\b",
    "måned": r"måned|månad",
}
# The period each word of ``_PER_PERIOD`` names, by its first letters ("uka", "vekentleg": uke)
_PERIOD_OF = (("døgn", "døgn"), ("dag", "dag"), ("time", "time"), ("uk", "uke"), ("vek", "uke"), ("mån", "måned"))


def _period(match: re.Match[str]) -> str:
    word = (match.group("unit") or match.group("the") or match.group("adj")).lower()
    return next(period for start, period in _PERIOD_OF if word.startswith(start))


# "Hvor mye må kommunene betale …?" asks a sum of money, though "hvor mye" may ask any quantity
_MONEY = re.compile(
    r"\b(?:betal\w{0,4}|kost\w{0,4}|pris\w{0,3}|kroner|kr|gebyr\w{0,3}|godtgj\w{0,8}|honorar\w{0,3}|"
    r"lønn\w{0,3}|løn|tilskot\w{0,3}|tilskudd\w{0,3}|penger|pengar|egenandel\w{0,3}|eigendel\w{0,3})\b|"
    # a compound that ends in a sum paid to or by someone: "kilometergodtgjørelse", "møtehonorar"
    # (not a grant: "hvor mye av samhandlingstilskuddet" asks a share of it)
    r"\b\w{2,20}(?:godtgj\w{0,8}|honorar\w{0,3}|gebyr\w{0,3}|egenandel\w{0,3})\b",
    re.IGNORECASE,
)


def unstated_rates(question: str, answer_type: str, quotes: str) -> list[str]:
    """The period a question asks an amount per ("Hvor mye betaler kommunen per døgn …?")
    that no sentence of ``quotes`` holding an amount is said per: "en årlig sum av
    15 000,- kroner" is no price per day."""
    money = answer_type == "amount" or (answer_type == "quantity" and _MONEY.search(question) is not None)
    # "Hvor mange timer i uka …?": a count per period, as a sum is ("1 ½ time" of travel is not it)
    count = answer_type == "quantity" and _HOW_MANY.search(question) is not None
    match = _PER_PERIOD.search(question) if money or count else None
    if match is None:
        return []
    period = _period(match)
    said = re.compile(rf"(?<!\w)(?:{_PERIOD_WORDS[period]})", re.IGNORECASE)
    valued = _HAS["amount"] if money else _HAS["quantity"]
    sentences = [s for s in SENTENCE_BREAK.split(quotes) if valued.search(s)]
    if any(said.search(sentence) for sentence in sentences):
        return []
    return [f"beløp per {period}" if money else f"hvor mange per {period}"]


_UNIT_KEYS = {
    "prosent": "%",
    "gonger": "ganger",
    "møter": "ganger",  # "to årlige møter" says how often, as "to ganger årlig" does
    "møte": "ganger",
    "timar": "timer",
    "dagar": "dager",
    "veker": "uker",
    "månader": "måneder",
}


def _unit_key(unit: str) -> str:
    """One name for a measure however it is written (Nynorsk, "prosent" for "%")."""
    return _UNIT_KEYS.get(unit.lower(), unit.lower())


def named_things(quotes: str) -> int:
    """How many things one sentence or list of the quotes names, at most: list items and
    the parts a sentence separates with commas and "og" ("engasjert, løsningsorientert og
    ambisiøs": 3). Things named in different sentences are not one list of them."""
    return max((len(_SEPARATOR.findall(part)) + 1 for part in SENTENCE_BREAK.split(quotes) if part.strip()), default=0)


def _counted_near(demands: Demands, text: str) -> bool:
    """Does a number stand within a few words of what is counted ("17 kommuner", "Det
    er 2 brukerrepresentanter", "seks FSU"), by the question's word or the documents' word
    for it? Within one line: a list item's number ("… vedlegg 1.2 og 1.3") counts nothing in
    the next item ("Bidra til søknader om tilskudd")."""
    return any(
        _counted_in_line(counted, line)
        for counted in (demands.counted, *demands.counted_as)
        for line in text.split("\n")
    )


def _counted_in_line(counted: str, text: str) -> bool:
    tokens = re.findall(r"[\w.,]+", text)
    for index, token in enumerate(tokens):
        # "faglige utvalg" counted in "seks FSU (faglig samarbeidsutvalg)": the end of a compound counts
        if token.startswith(counted) or (len(counted) >= 4 and counted in token[3:]):
            start = max(0, index - COUNT_WINDOW)
            for at in range(start, min(len(tokens), index + COUNT_WINDOW + 1)):
                # "møtes minimum fire ganger", "i 2 år": how often or how long, not how many
                unit = tokens[at + 1].lower() if at + 1 < len(tokens) else ""
                # "en arbeidsgruppe" near "utskrivningsklare" is an article; "en fastlege" counts one
                if tokens[at].lower() in _ARTICLES and at != index - 1:
                    continue
                # "representantene i de 5 ulike fagrådene": a number after the word counts what
                # follows it ("representanter er 3 totalt" still counts them)
                # "møtes minimum fire ganger i året" counts the meetings asked for
                times = unit in ("ganger", "gonger") and counted.startswith(_COUNTED_IN_TIMES)
                follows = unit.isalpha() and len(unit) >= 4 and not unit.startswith(counted) and not times
                if at > index and follows and unit not in _AFTER_A_TOTAL:
                    continue
                if _NUMBER_WORD.match(tokens[at]) and (unit not in _NOT_A_COUNT or times):
                    return True
    return False


def _compound_of_known(word: str, known_words: frozenset[str]) -> bool:
    """Is ``word`` a known word (with a linking "s") before a known common word, maybe in
    its definite form ("Trondheimsområdet": trondheim + område + t)? A place the
    documents name, not another one."""
    for cut in range(4, len(word) - 3):
        head, tail = word[:cut], word[cut:]
        if head not in known_words and not (head.endswith("s") and head[:-1] in known_words):
            continue
        if any(len(tail) - end >= 4 and tail[: len(tail) - end] in known_words for end in range(4)):
            return True
        # "Trondheimsregionen": a form of a word the documents use ("regionens"), by its stem
        if len(tail) >= 5 and set(tokenize(tail)[:1]) & _stems_of(known_words):
            return True
    return False


@lru_cache(maxsize=4)
def _stems_of(known_words: frozenset[str]) -> frozenset[str]:
    """The stems of a set of known words (made once per set)."""
    return frozenset(stem for word in known_words for stem in tokenize(word)[:1])


def _one_edit_from(word: str, text: str) -> bool:
    """Is a word of ``text`` one typing error (or spelling variant) away from ``word``?
    ("Partnarskapet" names "Partnerskapet")."""
    if len(word) < 6:
        return False
    return any(abs(len(other) - len(word)) <= 1 and one_edit(word, other) for other in set(re.findall(r"\w{5,}", text)))


# Words that say something ends or starts, for "Når utløper …?" and "Når tas … i bruk?".
_EVENT_WORDS = {
    "ends": re.compile(
        r"\b(?:utløp\w{0,4}|går ut|opphør\w{0,4}|avslutt\w{0,4}|slutt\w{0,4}|oppsi\w{0,6}|"
        r"gjelder (?:til|fram til|frem til)|varighet\w{0,2}|gyldig\w{0,2} til)\b",
        re.IGNORECASE,
    ),
    "starts": re.compile(
        r"\b(?:i kraft|tas i bruk|tatt i bruk|teke i bruk|start\w{0,4}|begynn\w{0,4}|innfør\w{0,4}|iverksett\w{0,4}|"
        r"oppstart\w{0,3}|implementer\w{0,4}|gjelder fra|fra og med)\b",
        re.IGNORECASE,
    ),
    "done": re.compile(r"\b(?:ferdig\w{0,4}|fullført\w{0,2}|klar|levert|innen)\b", re.IGNORECASE),
}

# Answer types that name a value (a person, an amount, a date …): a passage that matches
# the question's topic in other words does not vouch for the value.
VALUE_TYPES = frozenset(
    {"person", "response", "names", "product", "amount", "number", "email", "link", "place", "date", "time", "percent"}
)

NOW_GAP = "hva som gjelder akkurat nå eller skal skje fremover (dokumentene er datert)"
ADVICE_GAP = "hva som bør gjøres for den enkelte pasienten (de gir ikke kliniske råd, de beskriver samarbeidet)"
TYPE_GAPS = {
    "person": "hvem som har vervet (navn på personer)",
    "names": "hvilke det gjelder (navnene deres)",
    "product": "hvilket verktøy, system, leverandør eller hvilken standard det er (noe navn)",
    "response": "hva som ble svart (dokumentene har bare det som ble sendt)",
    "amount": "noe beløp i kroner for dette",
    "number": "noe telefon- eller kontonummer for dette",
    "email": "noen e-postadresse for dette",
    "link": "noen lenke eller adresse for dette",
    "place": "noe sted eller lokale",
    "date": "noen dato, frist eller klokkeslett for dette",
    "percent": "noen prosent eller andel for dette",
    "law": "noen lov eller paragraf for dette",
    "time": "når dette skjedde (noe årstall eller dato)",
    "frequency": "hvor ofte",
    "duration": "hvor lenge",
    "quantity": "noe antall eller tall for dette",
}


def asks_happened(question: str) -> bool:
    """Does a yes/no question ask whether something was done ("Ble forslaget vedtatt?")?"""
    return bool(_HAPPENED.search(question))


def _shares_head(stems: set[str], others: list[str]) -> bool:
    """Do two sets of stems share one, or a compound and its head ("læringsnettverk" and
    "nettverk")?"""
    return any(a == b or (min(len(a), len(b)) >= 5 and (a.endswith(b) or b.endswith(a))) for a in stems for b in others)


def plans_only(quotes: list[str]) -> bool:
    """Do all these quotes say only what should, will or may happen ("… bør evalueres")?"""
    return bool(quotes) and all(_PLANNED.search(q) for q in quotes)


def result_not_said(question: str, quotes: list[str]) -> bool:
    """Does the question ask what came of something ("Hva ble resultatet av …?", "Ble det
    opprettet …?") while every quote says only what should, will or may happen ("… bør
    evalueres", "vurderes det også")? Or ask for results so far ("Hvilke resultater har
    … gitt så langt?") while no quoted sentence states one ("det vil være aktuelt å dele
    resultater" is a plan, not a result)?"""
    if quotes and _RESULTS_SO_FAR.search(question):
        sentences = [part for quote in quotes for part in SENTENCE_BREAK.split(quote)]
        # a result of what the question asks about: "Resultater fra analysen …" is not one of
        # "brobyggerstillingene"; the result words themselves and the place do not tie them
        subject = set(tokenize(_RESULT_WORDS.sub(" ", question)))
        return not any(
            _RESULT_SAID.search(s)
            and not _PLANNED.search(s)
            and _shares_head(subject, tokenize(_RESULT_WORDS.sub(" ", s)))
            for s in sentences
        )
    asked = bool(_PAST_RESULT.search(question)) or asks_happened(question)
    return asked and plans_only(quotes)
