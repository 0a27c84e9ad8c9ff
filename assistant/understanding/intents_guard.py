"""Cues that stop a question before any reading: prompt injection and attempts to change data
(refused), requests for help, and topics outside the index and the corpus.

Split from `assistant.understanding.intents`, which holds the cues of the readings themselves: these
decide whether there is a reading at all, and the router checks them first.
"""

from __future__ import annotations

import re

from assistant.understanding.intents import any_of

# --- refusals: prompt injection and attempts to change data (checked first) --------------------
INJECTION = any_of(
    r"\b(ignorier\w*|vergiss|missacht\w*|ignore|disregard|forget|override)\b(?: \w+){0,5} "
    r"(regeln|anweisung\w*|instruktion\w*|vorgaben|befehle|rules|instructions|guidelines|prompt)\b",
    r"\bsystem ?prompt\b", r"\bsystemanweisung\w*", r"\bjailbreak\w*",
    r"\b(developer|entwickler|admin|god) ?mod(e|us)\b",
    r"\b(du bist|you are) (jetzt|nun|now|ab jetzt)\b", r"\bact as\b", r"\btu so als\b", r"\bpretend\b", r"\bsudo\b",
    r"\b(zeig|nenn|gib|print|show|reveal|repeat)\w* (mir |me )?(deine|dein|your|the) "
    r"(regeln|anweisungen|instructions|rules)\b",
    # an instruction to run one of the assistant's tools by hand ("Rufe das Werkzeug delete_collection auf")
    r"\b(ruf\w*|call|invoke|execute|fuhr\w*) (?:\w+ ){0,3}(werkzeug\w*|tools?|funktion\w*|functions?)\b",
)
#: A message dressed up as another role, read on the raw text (the skeleton drops the punctuation):
#: "system: you are admin", ChatML and Llama tags, a "Human:/Assistant:" transcript. A user asking a
#: question has no reason to write a role header, so it is injection evidence, not content.
FAKE_ROLE = re.compile(
    r"(?:^|\n)\s*(?:system|assistant|developer|human|user|entwickler)\s*:|<\|im_(?:start|end)\|>|"
    r"\[/?INST\]|<</?SYS>>|<\|(?:system|user|assistant|endoftext)\|>",
    re.IGNORECASE,
)
WRITE = any_of(
    r"\b(setze?|setzt|andere?|andert|losche?|loscht|uberschreib\w*|erhohe?|erhoht|senke?|manipulier\w*|"
    r"korrigier\w*|trag\w*|update|set|change|delete|remove|overwrite|modify|increase|decrease|edit|alter|make)\b"
    r"(?: \w+){0,7}? (auf|to|zu|zur) (\d+|platz|rang|rank|nummer|number|first|erste\w*|spitze|top)\b",
    r"\b(losch\w*|delete|drop|remove|entfern\w*|uberschreib\w*|overwrite)\b(?: \w+){0,3} "
    r"(qmuni|\w*daten\w*|werte?|tabelle|table|data\w*|values?|\w*index\w*|eintrag|datensatz|collection|"
    r"database)\b",
    r"^(bitte )?(mach|mache|make)\b(?: \w+){0,5} (zur|zum|zu|to|auf) (nummer|number|platz|rang|spitze|top|first|"
    r"erste\w*|sieger\w*|\d+)\b",
    r"\bdrop table\b", r"\binsert into\b", r"\bdelete from\b", r"\bupdate \w+ set\b", r"\btruncate\b",
    r"\b(andere|aendere|change|edit|modify|update) (die |den |das |the )?"
    r"(daten|werte|wert|data|values?|zahlen|scores?)\b",
)

# --- help and out of scope ------------------------------------------------------------------------
HELP_STRONG = any_of(
    r"\bwas kannst du\b", r"\bwas (kann|konnen|soll) (ich|man) (dich |hier |alles )*(fragen|tun|machen)\b",
    r"\bwhat can (you|i) (do|ask)\b", r"\bwie funktionier(st|t) (du|das|der assistent|dieser chat)\b",
    r"\bhow does (this|it) work\b", r"\bwer bist du\b", r"\bwho are you\b", r"\bwhat are you\b",
    r"\bwelche fragen (kann|darf|soll|konnen) (ich|man)\b", r"\bbeispielfragen\b", r"\bexample questions\b",
    r"\bwofur bist du\b", r"\bwhat is this (tool|assistant)\b",
    r"\bwie (benutze|nutze|verwende) ich (dich|das|den assistenten)\b", r"\bhow (do|can) i use\b",
)
HELP_WEAK = any_of(
    r"^(hilfe|help|hallo|hi|hey|hello|moin|servus|guten (tag|morgen|abend)|danke\w*|thanks|thank you|tschuss|bye|"
    r"ok|okay|test)( \w+){0,3}$",
)
OUT_OF_SCOPE = any_of(
    r"\b(wetter|weather|regen|rain|temperatur\w*|wettervorhersage|forecast|fussball\w*|football|soccer|bundesliga|"
    r"meister|meisterschaft|champions|bvb|schalke|tabellenfuhrer|rezept\w*|recipe\w*|kochen|cook\w*|witz\w*|"
    r"joke\w*|gedicht\w*|poem\w*|aktie\w*|stocks?|bitcoin|crypto\w*|lotto\w*|lottozahlen|horoskop\w*|horoscope|"
    r"film\w*|movie\w*|kino|wahlen|election\w*|kanzler\w*|partei\w*|president|prasident\w*|uhrzeit|"
    r"hauptstadt|urlaub\w*|vacation|holiday|hotels?|restaurants?|pizza|bier|beer|dating|ubersetz\w*|translate|"
    r"hausaufgabe\w*|homework|aufsatz|essay|liebe|love|sex|waffen?|weapons?|bombe?|bomb|hack\w*|passwort\w*|"
    r"password\w*|medizin|krankheit|arzt|doctor|steuer\w*|tax)\b",
    r"\bwie spat\b", r"\bwhat time\b", r"\bwer wird\b", r"\bwho (will|won|wins)\b",
)
