"""Building the what-if plans: other weights for the index ("Was wäre, wenn Glasfaser doppelt zählt?")
or one town's own value changed ("if Boenen doubled its 5G coverage, where would it end up?").

Split from `assistant.understanding.planner`: both readings share the WHAT_IF cue and differ only in
whether a weight word is named; the planner's `Turn` inherits these builders.
"""

from __future__ import annotations

from assistant.index.names import fold_loose
from assistant.index.registry import AREA_IDS, INDICATOR_IDS, OVERALL
from assistant.tools.plan import Plan
from assistant.understanding.argument_words import UNPUBLISHED_LEFT_OUT, WEIGHT_WORDS
from assistant.understanding.intents import WHAT_IF, loose_re
from assistant.understanding.plan_args import call, value_change, weights
from assistant.understanding.turn import TurnBase

_EQUAL_WEIGHTS = loose_re(r"\b(gleich\w*|equal\w*|same)\b")


class ScenarioTurn(TurnBase):
    """The what-if builders of a turn."""

    def what_if_by_words(self) -> Plan | None:
        return self.what_if(by_words=True)

    def what_if(self, by_words: bool = False) -> Plan | None:
        if not (WHAT_IF.search(self.skeleton) or by_words):
            return None
        metric = self.named_metric
        if len(self.munis) == 1 and metric in INDICATOR_IDS and not WEIGHT_WORDS.search(fold_loose(self.text)):
            return self.what_if_value(metric)
        area_weights, indicator_weights, assumed = weights(self.text, self.metrics, self.registry)
        if not (area_weights or indicator_weights) and UNPUBLISHED_LEFT_OUT.search(fold_loose(self.text)):
            indicator_weights = {i.id: 0.0 for i in self.registry.indicators if i.status != "published"}
        if not (area_weights or indicator_weights) and _EQUAL_WEIGHTS.search(self.skeleton):
            area_weights = dict.fromkeys(AREA_IDS, 1.0)  # "all areas equal": every area at weight 1, said outright
        if not (area_weights or indicator_weights or self.munis or self.metrics):
            return None  # a bare "what if?" names nothing to weigh: the next reading answers (help, fallback)
        if assumed:
            self.notices.append(self.t("Kein Faktor genannt: doppelte Gewichtung angenommen.",
                                       "No factor given: double weight assumed."))
        municipality = self.name(self.munis[0]) if self.munis else None
        return self.make("what_if", [call("what_if_weights", area_weights=area_weights,
                                          indicator_weights=indicator_weights, municipality=municipality)],
                         self.munis[:1], self.named_metric or OVERALL)  # new weights change the overall index

    def what_if_value(self, metric: str) -> Plan:
        """"if Boenen doubled its 5G coverage, where would it end up?": one town's own value changes, the
        weights stay; no weight word is named, one town and one indicator are."""
        factor, value, assumed = value_change(self.text)
        if assumed:
            self.notices.append(self.t("Keine Änderung genannt: verdoppelter Wert angenommen.",
                                       "No change given: a doubled value assumed."))
        return self.make("what_if", [call("what_if_value", municipality=self.name(self.munis[0]), metric=metric,
                                          factor=factor, value=value)], self.munis[:1], metric)
