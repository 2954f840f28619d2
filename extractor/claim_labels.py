"""Rules that label each number `candidates` found: its kind, direction, metric and baseline.

The rules-alone labels (`extract --no-model`) and the features and fallback of the learned claims
model. SCHEMA's conventions for kinds are written here (levels are scores, ranks and budgets are
`other`, time cuts are speed-ups, ...). Pure functions over clean text: no model, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.candidates import Quantity
from extractor.claim_metric import METRIC_STOP, claim_baseline, claim_metric
from extractor.number_words import ORDINALS

# Time as a clock measures, not a compound naming something else ("test-time scaling", "real-time
# deployment", "time-lapse videos", "time series", "time-of-day prediction").
_CLOCK = r"(?<!of the )(?<![\w-])time\b(?![- ](?:series|lapse|of-\w+)\b)"
# Words that say faster (a speed-up); `_SPEED` adds the words of time and speed that may also say slower.
_FAST_WORDS = r"faster|\bas fast\b|\bQPS\b|queries per second|speed[- ]?ups?|\bspeeds\s+up\b|\bsped\s+up\b|throughput|accelerat\w*|quicker|tokens?/s"
_FAST = re.compile(_FAST_WORDS, re.I)
_SPEED = re.compile(rf"{_FAST_WORDS}|speeding|\bspeed\b|latency|inference time|wall-?clock|slowdown|{_CLOCK}|\brun-?time\b|per second", re.I)
_TIME = re.compile(rf"latency|{_CLOCK}|\brun-?time\b|wall-?clock|slowdown|seconds|hours|minutes", re.I)
# "a 50% reduction in system latency": a time cut is a speed-up (SCHEMA), though the phrase ends at "in".
_TIME_CUT = re.compile(r"^\s*(?:reductions?|decreases?|cuts?|savings?|less|lower|shorter)\s+(?:in|of)\s+(?:the\s+)?(?:[\w\-]+\s+){0,2}?(?:latency|run-?time|time|wall-?clock)\b", re.I)
# "an 82% cut in inference latency", "saving nearly 50% of the training and inference time": the cut is of time.
_IN_TIME = re.compile(r"^\s*(?:in|of)\s+(?:the\s+|its\s+|their\s+)?(?:[\w\-]+\s+){0,3}?(?:latency|run-?time|wall-?clock|(?:inference|training|decoding|"
                      r"computation|computing|running|execution|processing|generation|search|response|encoding|wall)\s+time)\b", re.I)
_IN_SPEED = re.compile(r"^\s*in\s+(?:the\s+|its\s+)?(?:[\w\-]+\s+){0,2}?(?:speed|throughput|QPS|FPS|tokens?/s)\b", re.I)
# A number a gap names: "accuracy deviations of up to 15%", "median score gap: 82.9%", "a minimal accuracy difference of 0.4mm";
# a gap won over a baseline ("outperforms X with a gap of 5 points") stays a gain.
_GAP_NAMED = re.compile(r"\b(?:(?:minimal|minimum|maximum|small|slight|negligible|marginal)\s+(?:[\w\-]+\s+)?differences?|gaps?|deviations?|discrepanc(?:y|ies)|"
                        r"disparit(?:y|ies))\b(?:\s+[\w\-]+){0,4}?\s*(?:is|was|were|are|of|:|=)\s+(?:only\s+|just\s+|about\s+|up\s+to\s+|around\s+|over\s+|~)?$", re.I)
_GAP_WON = re.compile(r"\b(?:outperform|surpass|exceed|beat|improv|widen|enlarg)\w*", re.I)
# A cost that grows is a cost added (SCHEMA `other`), not a gain: "increasing computation costs about fivefold".
_COST_WORD = re.compile(r"\b(?:computation(?:al)?\s+costs?|compute\s+costs?|costs?|function\s+evaluations|NFEs?|FLOPs|overheads?|energy\s+consumption)\b", re.I)
# How much likelier something is, is a finding of an analysis, not the method's gain: "1.29x more susceptible to persuasive attacks".
_LIKELIER = re.compile(r"^\s*(?:times\s+)?(?:more|less)\s+(?:likely|susceptible|prone|vulnerable)\b", re.I)
_CLAUSE_CUT = re.compile(r"[,;]|\.\s")
_COST_UP = re.compile(r"\b(?:increas\w*|higher|more|additional|extra|grows?|inflat\w*)\b", re.I)
_RATE_GAIN = re.compile(r"^\s*(?:increases?|improvements?|gains?|boosts?|higher|more)\s+(?:in|of)\s+(?:the\s+)?(?:[\w\-]+\s+){0,2}?"
                        r"(?:throughput|QPS|speed|tokens?/s|tokens?\s+per\s+second|requests?\s+per\s+second|FPS)\b", re.I)
_REDUCE = re.compile(
    r"reduc\w*|fewer|(?<![\w-])less(?:er)?\b|cheaper|lower|smaller|sav(?:e|es|ed|ing|ings)\b|compress\w*|\bcut(?:s|ting)?\b|shrink\w*|(?<![\w-])only\s+(?:a\s+|an\s+|about\s+|around\s+|~)?$|decreas\w*|decrement\w*|"
    r"memory|storage|footprint|parameters|sequence length|cache|communication|FLOPs|compute\b",
    re.I,
)
_IMPROVE = re.compile(r"improv\w*|gains?\b|\blift\w*|\brais(?:e|es|ed|ing)\b|outperform\w*|increas\w*|higher|better|boost\w*|surpass\w*|enhanc\w*|\+\s*$|exceed\w*|\befficien\w*", re.I)
# "more" says a gain only right after the number ("34.5% more accurate than", "60% more PSMs"), not as a bound
# ("more than 50x") or further back ("remains more challenging with correlations up to r=0.70").
_MORE_NEXT = re.compile(r"^\s*(?:[\w\-]+\s+)?more\b(?!\s+than\b)", re.I)
_SCORE = re.compile(r"achiev\w*|reach\w*|attain\w*|obtain\w*|record|scores?\b|accurac(?:y|ies)|top-1|BLEU|CIDEr|SARI|F1|EM\b", re.I)
# Metrics whose level a number states when no other wording says what it is.
_LEVEL_METRIC = re.compile(r"(?i:precision|recall|correlation|agreement)|\brates?\b|"
                           r"(?<![A-Za-z])(?:WER|CER|EER|m?AP\w*|mIoU|m?AUR?OC|m?AUC|Dice|DSC|PSNR|SSIM|ASR|R?MSE|MAE|MAPE|FID|FVD|R\^?2|R²)(?![A-Za-z])|(?<!of )\berrors?\b|perplexity")
# What a cost is measured in: "memory usage from 24.5GB to 13.8GB", "its size from 12B to 2B" stay reductions.
_COST_NOUN = re.compile(r"memory|storage|footprint|param\w*|size|tokens|FLOPs|compute|cost|energy|work\b|VRAM|[GMKT]B\b|bits|emission", re.I)
# A quality falling is a loss: "reduces OpenVLA success from 57% to 17%".
_QUALITY = re.compile(r"success|accuracy|performance|quality|correctness|recall|precision|F1\b|PSNR|SSIM|fidelity", re.I)
# "reducing counting errors to 23%", "decreases the MAE to 0.353": a cut to a level, no baseline given.
_CUT_TO = re.compile(r"\b(?:reduc(?:e|es|ed|ing)|lower(?:s|ed|ing)?|decreas(?:e|es|ed|ing)|cut(?:s|ting)?|drop(?:s|ped|ping)?)\b([^.;\d]{0,50}?)(?<!\bup )\bto\s+"
                     r"(?:only\s+|just\s+|about\s+|approximately\s+|around\s+|~|under\s+|below\s+|less\s+than\s+)?$", re.I)
# "achieves a score of 85.15, surpassing the model it replaces (83.55)": a level with the baseline's own number.
_VERSUS = re.compile(r"^(?:[^.;\d]|(?<=[A-Za-z])\d+){0,80}?\b(?:versus|vs\.?|compared\s+(?:to|with)|against|surpass\w*|outperform\w*)"
                     r"(?!(?:[^.;\d]|(?<=[A-Za-z])\d+)*\b(?:by|while|reduc\w*|lower\w*|achiev\w*)\b)(?:[^.;\d=)]|(?<=[A-Za-z])\d+|\([A-Za-z][\w\-^@]*\s*=){0,50}\s*$", re.I)
_VERSUS_NUMBER = re.compile(r"((?:[^.;\d]|(?<=\bvs)\.|(?<=[A-Za-z])\d+){0,140}?)(?<![\w.\-])(\d+(?:\.\d+)?)(?![\w.\-]*\d)(?!\s+[A-Z][a-z])\s*(\\?%)?")  # not a version ("Gemini 2.5 Flash")
# Memory, storage, energy, compute and GPU time as amounts: "consuming merely 5.6 mJ", "a frame size of 43 KB",
# "in just 0.1 GPU days" (SCHEMA: budgets).
_BUDGET_UNIT = re.compile(r"^\s*(?:[KMGT]i?B|kJ|MJ|mJ|J|k?Wh|[mk]W|[GTP]FLOPs?|g\s+(?:of\s+)?CO2|GPU[- ]?(?:hours?|days?))\b(?![&/]|\s*/)(?!\s+(?:less|fewer|lower|smaller|reductions?|savings?|decrease|cut)\b)")
# "F1 scores exceeding 96%", "IoU surpassed 85 percent": a level passed, not a margin; "gains exceeding 35%" stay gains.
_ABOVE = re.compile(r"\b(?:exceed\w*|surpass\w*|above|beyond)\s+(?:over\s+|about\s+|~)?$", re.I)
_GAIN_NOUN = re.compile(r"enhanc|gain|improv|increas|boost|reduc|sav(?:e|es|ed|ing)\b|speed|efficien|lower|higher|faster|fewer|outperform|\bby\b", re.I)
_CHANGE_WORD = re.compile(r"\b(?:gaps?|drops?|loss|differences?|shifts?|deviations?|variance|changes?)\b", re.I)
_COST = re.compile(r"budget|\$|dollars", re.I)
_ERROR = re.compile(r"error|(?<![A-Za-z])(?:[gr]?FID|WER|CER|R?MSE|MAE|EER)|perplexity|\bloss", re.I)  # not the "wer" of "answer"
# The phrase a number modifies ends at the first of these: "75% accuracy with only 5M parameters".
_PHRASE_END = re.compile(r",|;|\.\s|\b(?:and|but|with|while|compared|than|over|on|in|across|for|against|when|at|without)\b", re.I)
_DEGRADE = re.compile(
    r"\b(?:loss|drop|degradation|decline)\s+(?:in|of)\s+(?:\w+\s+)?(?:quality|accuracy|performance)\b"
    r"|\b(?:quality|accuracy|performance|(?-i:m?AP(?:@?[\d.:]+)?|F1|BLEU|mIoU|PSNR|SSIM)|top-[15])\s+(?:loss|drops?|degradation|declines?|decreas\w*|falls?|fell)\b|\bdegrad\w*"
    r"|^\s*(?:[\w\-@.:]+\s+){0,2}?(?:drops?|declines?)\b|\b(?:drops?|declines?|decreases?)\s+of\b|\bdrops?\s+(?:\w+\s+)?(?:accuracy|performance)\b"
    r"|\b(?:lower|reduced|decreased|worse)\s+(?:\w+\s+)?(?:accuracy|performance|quality)\b",
    re.I,
)
# A quality that falls by the number is a loss the paper reports (SCHEMA: "a merely ~0.6 point decrease in
# performance" is `other`): "a 0.99% decrease in accuracy", "performance is lowered by 7.12%".
_QUALITY_NOUN = r"(?:quality|accuracy|performance|F1(?:[- ]score)?|success\s+rate|fidelity)"
_FALL_AFTER = re.compile(rf"^\s*(?:[\w\-]+\s+){{0,2}}?(?:decreases?|reductions?|declines?|drops?|falls?)\s+(?:in|of)\s+(?:the\s+|its\s+)?(?:[\w\-]+\s+)?{_QUALITY_NOUN}\b", re.I)
_FALL_BEFORE = re.compile(rf"\b{_QUALITY_NOUN}\s+(?:is|was|are|were|gets?|got)\s+(?:\w+\s+)?(?:lowered|reduced|decreased|degraded)\s+by\s+(?:up\s+to\s+|about\s+|~|over\s+)?$", re.I)
# "reducing quantization degradation by 24%": a loss cut is a reduction, not a loss.
_CUT_LOSS = re.compile(r"\b(?:reduc|mitigat|lower|cut|minimi|decreas|alleviat|halv)\w*\s+(?:[\w\-]+\s+){0,3}?(?:degradation|loss|drop)s?\s+by\b", re.I)
# "only 13% computational overhead", "4.2x overhead": a cost the method adds, not one it cuts.
_OVERHEAD = re.compile(r"^\W*(?:[\w\-]+\s+){0,2}overheads?\b|\boverheads?\s+(?:of\s+)?(?:only\s+|about\s+|~)?$", re.I)
# A share of time the method adds is a cost, not a speed-up: "adding negligible inference time (under 5%)",
# "increases mean latency by only 2.34%", "only 4% more encoding time" (an amount added stays a level: "adds 25 ms").
_TIME_ADDED = re.compile(r"^\s*(?:more|additional|extra)\s+(?:[\w\-]+\s+)?(?:time|latency|run-?time)\b|\b(?:add(?:s|ed|ing)?|incur(?:s|red|ring)?|"
                         r"increas(?:e|es|ed|ing))\s+(?:(?:the|an?|its|negligible|minimal|marginal|small|slight|mean|average|extra|additional|"
                         r"inference|encoding|decoding|training|computation|computational|end-to-end|wall-clock)\s+)*(?:latency|time|run-?time)\b", re.I)
_CUTS = re.compile(r"reduc|\bcut|lower|sav(?:e|es|ed|ing)\b|decreas|fewer|\bless\b|minimi", re.I)
# A share of a reference kept, not a gain: "retains 99.5% of the baseline accuracy", "reaches 95.79% of that".
_RETAIN_BEFORE = re.compile(r"\b(?:preserv|retain|maintain|keep|recover|reach|match|achiev)\w*\s+(?:over\s+|more\s+than\s+|about\s+|~|up\s+to\s+|approximately\s+|nearly\s+)?$", re.I)
_RETAIN_AFTER = re.compile(r"^\s*of\s+(?:the|its|their|that|full|original|baseline)\b"
                           r"|^\s*(?:of\s+(?:the\s+|its\s+|their\s+)?(?:[\w\-]+(?:'s)?\s+)?(?:performance|capabilit\w*)|performance\s+of)\b", re.I)
_KEPT_PERFORMANCE = re.compile(r"^\s*performance\b", re.I)  # "while maintaining 99.9% performance on unrelated tasks"
# A leaderboard rank: "2nd place", "ranks first".
# "90% of the original performance", "99% of the performance of the fully-trained models": a share kept, whatever the verb.
_SHARE_OF = re.compile(r"^\s*of\s+(?:the\s+|its\s+|their\s+)?(?:[\w\-]+\s+){0,3}?(?:full|original|baseline|teacher|fully[- ]trained|"
                       r"uncompressed|unpruned|dense|full-parameter|target\s+model's)\b|^\s*(?:performance|accuracy|quality)\s+retention\b", re.I)
# A share of a cost the method uses or removes (SCHEMA: "matches X with 10% of the data" is a reduction).
_COST_SHARE = re.compile(r"^\s*(?:of\s+(?:the\s+|its\s+|their\s+)?(?:[\w\-]+(?:'s)?\s+){0,3}?"
                         r"(?:tokens|data|dataset|parameters|params|labels|annotations|FLOPs|compute|memory|VRAM|operations|size|"
                         r"training\s+cost|storage|energy)|the\s+size)\b(?!\s+(?:performance|accuracy|quality|capabilit))", re.I)
_COST_USE = re.compile(r"\b(?:only|just|merely|using|uses?|requir\w*|prun\w*|remov\w*|discard\w*|skip\w*|evict\w*|activat\w*)\s+"
                       r"(?:up\s+to\s+|about\s+|approximately\s+|around\s+|over\s+|less\s+than\s+|~)?$", re.I)
# An effect size is a statistic of a finding, not a level the method reaches: "(p = 0.011, Cohen's d = 0.504)".
_EFFECT_SIZE = re.compile(r"(?:\b(?:Cohen|Hedges|Cliff|Glass)'?s?\s*(?:d|g|delta|δ|Δ)|\beffect\s+sizes?(?:\s+(?:of|r|d|g))?|"
                          r"\b(?:epsilon|eta|omega|ε|η|ω)[- ]?(?:squared|\^?2|²)(?:\s+\w+)?)\s*(?:=|:|of)?\s*(?:about\s+|~)?$", re.I)
# "stays within 1.5% of the better of FFT and LoRA", "within 2 points of the teacher": a gap to a reference, not a level.
_WITHIN = re.compile(r"\bwithin\s+(?:about\s+|only\s+|just\s+|roughly\s+|~)?$", re.I)
_WITHIN_AFTER = re.compile(r"^\s*(?:(?:percentage\s+|accuracy\s+|absolute\s+|F1\s+)?points?|pp|pts)?\s*(?:of|for|on|across|in)\b|^\s*(?:[,;)]|$)", re.I)
# "still lags financial experts by over 35 percentage points", "trails humans by 28.4 points": a shortfall, not a gain.
_LAG_BY = re.compile(r"\b(?:lag(?:s|ged|ging)?|trail(?:s|ed|ing)?|underperform\w*|behind|fall(?:s|ing)?\s+short\s+of|fell\s+short\s+of)\b[^.;\d]{0,60}"
                     r"\bby\s+(?:over\s+|about\s+|around\s+|up\s+to\s+|nearly\s+|only\s+|~|more\s+than\s+|an?\s+(?:average\s+)?(?:of\s+)?)?$", re.I)
# "answers correctly 97.14% of the time", "preferred in 62% of the cases": how often the method succeeds is a level.
_OF_CASES = re.compile(r"^\s*of\s+(?:the\s+|all\s+)?(?:time|cases|trials|runs|episodes|attempts|prompts|problems|queries|questions|instances)\b", re.I)
_SUCCEEDS = re.compile(r"\b(?:correct\w*|accurate\w*|usable|preferred|successful\w*|succeed\w*|solv\w*|sound|valid|fix(?:es|ed)?|wins?)\b", re.I)
# Agreement among the annotators describes the data, not the method: "inter-annotator agreement of 0.78-0.83", "Fleiss' kappa = 0.13".
_ANNOTATOR_AGREEMENT = re.compile(r"\b(?:inter-?annotator|inter-?rater|Fleiss'?s?)\b[^.;\d]{0,40}$", re.I)
# A correlation between two quantities an analysis relates is a finding, not a level the method reaches:
# "strong correlations between attention heads and experts (r=0.68)"; one with human or reference judgments stays a level.
_CORRELATION = re.compile(r"(?:(?<![\w^])(?:r|ρ\w*|rho|tau|τ)\s*[=~≈]\s*-?\s*|correlat\w*[^.;\d]{0,30}|correspondence[^.;\d]{0,30})$", re.I)
_REFERENCE_WITH = re.compile(r"\bwith\s+(?:the\s+)?(?:human|expert|ground|gold|true|actual|real|reference|clinician|manual|annotat|LMSYS|LMArena|leaderboard)", re.I)
# "successfully simplify 70% of the complex sentences", "our model identified 95.8% of patients": the share it gets right.
_SUCCEEDS_ON = re.compile(r"(?<!fail to )(?<!fails to )(?<!failed to )\b(?:successfully\s+\w+|solv\w*|fix\w*|identif\w*|detect\w*|resolv\w*|"
                          r"recogni\w*|repair\w*)\s+(?:correctly\s+)?(?:over\s+|about\s+|~|nearly\s+|up\s+to\s+|more\s+than\s+|approximately\s+)?$", re.I)
_RANK = re.compile(r"^(?:st|nd|rd|th)?\s*(?:place|position)\b|\brank\w*\s*$|\bplac\w*\s*$", re.I)
_ORDINAL = re.compile(r"(?:st|nd|rd|th)\b")
# A speed or time level reached (no baseline) is a score: "13.2 fps", "latency of under 1 second".
_RATE_UNIT = re.compile(r"^\s*(?:fps|frames?\s+per\s+second|(?:tokens?|images?|samples?|queries|it)/s\b|tokens?\s+per\s+second)", re.I)
_TIME_UNIT = re.compile(r"^\s*(?:ms\b|milliseconds?|seconds?\b|s\b|s/|minutes?|hours?|days?\b)", re.I)
# Minutes, hours and days a whole run takes are a budget (SCHEMA: `other`): "in less than 15 minutes with no
# parallelization", "requiring only about 5 minutes and $1"; a time per item stays a level ("10 minutes per km²").
_FROM_TIME = re.compile(r"\bfrom\s+(?:more\s+than\s+|over\s+|about\s+|~)?[\d.,]+\s*(?:ms|milliseconds?|seconds?|s|minutes?|mins?|hours?|h|days?)\s+to\s+(?:as\s+\w+\s+as\s+|about\s+|~|under\s+|less\s+than\s+)?$", re.I)
_LONG_TIME_UNIT = re.compile(r"^\s*(?:minutes?|mins?|hours?|hrs?|days?|weeks?)\b(?!\s*(?:per\b|/))", re.I)
# Wording right before a number names it: "a gain of 18% EM score", "a BLEU score of 98%", "(R^2 = 0.80, MAE = 489 cm^2)".
# A gain verb before the named metric ("improved F1 by") makes it a gain; "improvements with MAE of 0.66" is a level.
_NAMED_BEFORE = re.compile(r"((?<!\S)(?:[A-Za-z][\w\-]*\s+)?\S+\s+of|(?<![^\s(])[A-Za-z][\w\-^@.]*\s*(?:=|>|≥|>=))\s*(?:up to|over|about|~|\+)?\s*$", re.I)
_GAIN_VERB = re.compile(r"\b(?:improv|boost|increas|rais|enhanc|lift|outperform|surpass)\w*\s+(?:(?!(?:with|at|reaching|achieving)\b)\w+\s+){0,2}?(?:by\s+|of\s+)?(?:up\s+to\s+|over\s+|about\s+|~|\+)?$", re.I)
# "by N", "by a margin of N", "by an average of N": the tail that ends a margin.
_BY_TAIL = r"\bby\s+(?:(?:an?\s+)?(?:\w+\s+)?margins?\s+of\s+)?(?:(?:up\s+to|over|about|around|nearly|at\s+least)\s+|~|an?\s+(?:\w+\s+)?(?:of\s+)?)?$"
# "surpassing the best vision only baseline by 1.7 points": a margin over a baseline is a gain, whatever
# cost words stand earlier in the clause (a cost cut in between, "... by reducing memory by", is not).
_MARGIN = re.compile(r"\b(?:outperform|surpass|exceed|beat|improv|boost|lift)\w*\b(?:(?!\b(?:reduc|cut|lower|decreas|sav|shrink|compress)\w*)[^.;]){0,80}?"
                     + _BY_TAIL, re.I)
_LIST_GAP = re.compile(r"^\s*(?:,|and|, and|or|/)?\s*$")
# What "only" cuts: "using only 20% of the labeled data", "only 1/5 the total parameters"; without it "only" says a level is low.
_ONLY_COST = re.compile(r"data|label|annotat|param|token|layer|epoch|call|memory|compute|FLOP|MAC|size|training|GPU|energy|sample|example|pixel|"
                        r"instance|step|query|queries|budget|cost|time|[KMGT]i?B\b|J\b|Wh\b|bits?\b|steps|weights|neurons|heads|experts|frames|views|shots", re.I)
_ONLY_LEVEL = re.compile(r"\bonly\s+(?:an?\s+)?$", re.I)
_SIBLING = re.compile(r"^\s*(?:in|on|for)\s+(?:[\w\-@.:]+\s+){0,4}?(?:and|or|,\s*and|,)\s*$", re.I)
_BY_END = re.compile(_BY_TAIL, re.I)
# "outperforms X, Y and Z (...) by": the gain verb of a margin, however far back in the clause ("2.5" is no sentence end).
_GAIN_FAR = re.compile(r"\b(?:outperform|surpass|exceed|beat|improv|boost|lift)\w*\b"
                       r"(?:(?!\b(?:reduc|cut|lower|decreas|sav|shrink|compress|trail|lag|despite)\w*)(?:[^.;]|\.(?=\w)))*$", re.I)
# "GTF-Tiny attains 32.57 dB", "reaches a 57.6% solved rate": a verb of reaching right before the number states
# the level, whatever gain or cost words stand further back ("an efficient variant achieves 0.78 AUROC").
_REACH_END = re.compile(r"\b(?:achiev|attain|reach|obtain)\w*\s+(?:an?\s+|the\s+)?(?:(?:new|average|overall|mean|remarkable|impressive|high|strong)\s+)?"
                        r"(?:~|about\s+|over\s+|approximately\s+|nearly\s+|around\s+)?$", re.I)
# "to" before a level reached, not "up to" a margin: "rises to more than 50%".
_TO = re.compile(r"(?<!\bup )(?<!compared )(?<!relative )(?<!close )(?<!due )(?<!similar )(?<!equivalent )(?<!comparable )(?<!contrast )(?<!according )"
                 r"\bto\s+(?:more\s+than\s+|over\s+|about\s+|nearly\s+|almost\s+|approximately\s+|around\s+|roughly\s+|~|above\s+)?$", re.I)
_RISE_TO = re.compile(r"\b(?:(?:improv|increas|rais|elevat)(?:e|es|ed|ing)|boost(?:s|ed|ing)?|lift(?:s|ed|ing)?|push(?:es|ed|ing)?|"
                      r"climb(?:s|ed|ing)?|jump(?:s|ed|ing)?|ris(?:e|es|ing)|rose)\b((?:\s+[^\s.;,\d]+){0,5}?)\s+to\s+(?:\S+\s+){0,2}$", re.I)
# What rises is a gain or a cost, not a level: "the gains increase to 15%", "raises reductions in length to 71%".
_GAIN_OR_COST = re.compile(r"\b(?:gains?|improvements?|reductions?|speed-?ups?|savings?|margins?|advantages?|boosts?|increases?|by)\b", re.I)
# "increasing sensitivity by up to 15% and F1 score by up to 10%": the metric named before "by" is what the verb raised.
_RAISE_FAR = re.compile(r"\b(?:increas|rais|enhanc)\w*\b(?:(?!\b(?:reduc|cut|lower|decreas|sav|shrink|compress|shift|chang|vary|var(?:y|ies))\w*)[^.;])*$", re.I)
# "ranks first in precision (61.9%), recall (48.3%)", "balance Recall (43.2%) and Precision (29.8%)": a metric's level in parentheses.
_METRIC_PAREN = re.compile(r"([A-Za-z][\w\-@.:^]*)\s*\(\s*(?:~|about\s+|approximately\s+)?$")
_CUT_FAR = re.compile(r"\b(?:reduc|lower|decreas|cut|shrink|compress)\w*\b"
                      r"(?:(?!\b(?:improv|increas|rais|boost|enhanc|outperform|surpass|exceed|beat|lift)\w*)(?:[^.;]|\.(?=\w)))*$", re.I)
_IN_COST = re.compile(r"^\s*(?:in|of)\s+(?:the\s+)?(?:[\w\-]+\s+){0,2}?(?:token\s+usage|tokens|memory|parameters|compute|FLOPs|costs?|energy|"
                      r"storage|bandwidth|training\s+time)\b", re.I)
# A bound written before the number ("less than 5%", "fewer than 10"): SCHEMA's `up-to`, not wording of a cut,
# unless the method uses that little ("requiring less than 0.1% pre-training tokens").
_LESS_THAN = re.compile(r"\b(?:less|fewer|lower)\s+than\s*$", re.I)
_COST_USE_LESS = re.compile(r"\b(?:requir|us|need|tak|consum|cost|spend|activat|updat|train)\w*\s+(?:only\s+)?(?:less|fewer)\s+than\s*$", re.I)
_NEXT_SIGN = re.compile(r"\+\s?$")
# A number written with a plus sign is a gain: "+2.4 macro F1", "(+3.41%)".
_MINUS = re.compile(r"(?:^|[\s(\[:;,/])[-−]\s?$")
_FELL_CUT = re.compile(rf"{_ERROR.pattern}|{_COST_NOUN.pattern}|hallucinat", re.I)  # what falling is a cut: "(-40% RMSE)", "(-12.3%) hallucinations"
_PLUS = re.compile(r"(?:^|[\s(\[:;,/])\+\s?$")


@dataclass(frozen=True)
class ClaimLabel:
    kind: str
    direction: str
    metric: str
    baseline: str | None


def _windows(text: str, q: Quantity, others: list[Quantity]) -> tuple[str, str]:
    """Words before the number (from the clause start or the previous number) and after it."""
    start = max([q.clause.start] + [o.end for o in others if o.end <= q.start])
    end = min([q.clause.end] + [o.start for o in others if o.start >= q.end])
    return text[max(start, q.start - 80) : q.start], text[q.end : min(end, q.end + 80)]


def _cue(window: str, unit: str) -> tuple[str, str] | None:
    """The kind and direction a piece of wording signals, speed first (latency gains are speed-ups);
    a loss of quality is a cost the paper reports, not a gain."""
    if _DEGRADE.search(window) and not _CUT_LOSS.search(window):
        return "other", "decrease"
    if (_OVERHEAD.search(window) or (unit == "%" and _TIME_ADDED.search(window))) and not _CUTS.search(window):
        return "other", "increase"
    if _SPEED.search(window):
        return "speedup", "decrease" if _TIME.search(window) and not _FAST.search(window) else "increase"
    if _COST.search(window) and unit == "abs":
        return "other", "decrease"
    if _REDUCE.search(window):
        return "reduction", "decrease"
    if _IMPROVE.search(window) or _MORE_NEXT.match(window):
        return "improvement", "decrease" if _ERROR.search(window) else "increase"
    if _SCORE.search(window):
        return "score", "increase"
    return None


# Where the wording nearest a number starts: after the last comma, semicolon or "while" before it.
_SEGMENT = re.compile(r"[,;]|\b(?:while|whereas)\b", re.I)


# "6.9% in MAE for throughput prediction", "by 19.4% in accuracy": the metric named after the number is not a speed.
_OTHER_METRIC_AFTER = re.compile(r"\s*in\s+(?:the\s+|terms\s+of\s+)?(?:[\w\-]+\s+){0,2}?(?:accura\w*|F1|BLEU|scores?|errors?|MAE|R?MSE|WER|CER|"
                                 r"m?AP|AUC|precision|recall|success|quality|performance)\b", re.I)


def _near_cue(before: str, after: str, unit: str) -> tuple[str, str] | None:
    """The cue of the words before a number, where a speed word further back gives way to a gain or a cut said
    nearer ("with a 0.8 ms latency, our model outperforms X by 12.2%", "faster decoding while reducing draft
    vocabularies by 97%"): the speed word names another result. A multiple keeps it ("faster, beating X by 1.6x").
    A metric named right after the number ("and 6.9% in MAE for throughput prediction") is no speed either."""
    cue = _cue(before, unit)
    if cue is None or cue[0] != "speedup":
        return cue
    if _OTHER_METRIC_AFTER.match(after):
        return None  # the number is as the one before it, or a level
    if unit == "x":
        return cue
    near = _SEGMENT.split(before)[-1]
    if _SPEED.search(near):
        return cue
    nearer = _cue(near, unit)
    return nearer if nearer and nearer[0] in {"improvement", "reduction"} else cue


def label_claims(text: str, quantities: list[Quantity]) -> list[ClaimLabel]:
    """Label every quantity of a paper; list members share wording, later numbers inherit earlier ones."""
    windows = [_windows(text, q, quantities) for q in quantities]
    cues: list[tuple[str, str] | None] = [None] * len(quantities)
    levels = [False] * len(quantities)  # no wording but the name of a metric next to it: "a CER of 0.78%"
    for i in reversed(range(len(quantities))):
        q = quantities[i]
        before, after = windows[i]
        phrase = _NEXT_SIGN.sub("", _PHRASE_END.split(after, maxsplit=1)[0])  # "71.2% accuracy (+3.4%)": the "+" is the next number's
        nxt = quantities[i + 1] if i + 1 < len(quantities) else None
        if nxt and nxt.clause == q.clause and _LIST_GAP.match(text[q.end : nxt.start]) and cues[i + 1]:
            cues[i] = cues[i + 1]  # "41-137x, 631-1074x speedup"
        elif q.baseline_value is None and _TO.search(before) and (_SCORE.search(before + phrase) or (q.unit != "x" and _rise_to_level(before))):
            cues[i] = ("score", "increase")  # "enhances the accuracy to 86.0%", "the success rate rises to over 50%": a level reached
        else:
            prev = quantities[i - 1] if i else None
            if prev and prev.clause == q.clause and q.start - len(before) == prev.end:
                its_metric, *rest = _PHRASE_END.split(before, maxsplit=1)
                if _SCORE.search(its_metric) and rest:
                    before = rest[0]  # "18% EM score on X, 8% on Y": the score is 18%'s ("8.5x faster ..., 3x ..." shares "faster")
                elif _SIBLING.match(before):
                    before = ""  # "improvements of 6.3% in accuracy and 5.5% in AUC": the words are 6.3%'s, 5.5% is as it
            worded = before if _COST_USE_LESS.search(before) or re.match(r"\s*of\b", after) else _LESS_THAN.sub("", before)  # "an error rate of less than 5%": the bound is no cut
            named = _NAMED_BEFORE.search(worded)
            if named and named.group(1)[-1] in "=>≥" and _IMPROVE.search(before[-50:]):
                named = None  # "further improved performance (AUC = 0.79)": the gain wording governs the level
            cues[i] = (named and (_cue(named.group(1), q.unit) or _named_level(named.group(1)))) or _cue(phrase, q.unit) or _near_cue(worded, after, q.unit)
            if cues[i] and cues[i][0] in {"improvement", "reduction"} and q.unit != "x" and _REACH_END.search(before) \
                    and not _cue(phrase, q.unit) and not (named and _cue(named.group(1), q.unit)):
                cues[i] = ("score", "increase")  # "an efficient variant achieves 0.78 AUROC": the level, not the gain further back
            paren = _METRIC_PAREN.search(before)
            if paren and re.match(r"\s*\)", after) and (cues[i] is None or cues[i][0] in {"other", "reduction"}) \
                    and (_LEVEL_METRIC.search(paren.group(1)) or _SCORE.search(paren.group(1))) and not _DEGRADE.search(before[-40:]):
                cues[i] = ("score", "increase")  # "ranks first in precision (61.9%)": the level, not the rank's wording
            if cues[i] == ("score", "increase") and _GAIN_VERB.search(before):
                cues[i] = _cue(before, q.unit) or cues[i]  # "improved 8.11% F1": the metric is named after, the gain before
            if cues[i] and cues[i][0] in {"reduction", "score"} and _MARGIN.search(before):
                cues[i] = ("improvement", "decrease" if _ERROR.search(phrase) else "increase")
            if cues[i] in {None, ("score", "increase")} and _BY_END.search(before) and (
                    _GAIN_FAR.search(text[q.clause.start : q.start]) or _RAISE_FAR.search(text[q.clause.start : q.start])):
                cues[i] = ("improvement", "increase")  # "outperforms X, Y and Z (...) by 8-12%": the verb is further back
            elif cues[i] is None and _BY_END.search(before) and _CUT_FAR.search(text[q.clause.start : q.start]):
                cues[i] = ("reduction", "decrease")  # "reduces the relative rotation error (RRE) and ... (RTE) by 63.2%"
            if cues[i] == ("reduction", "decrease") and _ONLY_LEVEL.search(before) and (
                    _SCORE.search(f"{before[-30:]} {phrase}") or not (_ONLY_COST.search(after[:50]) or _CUTS.search(f"{before[-60:]} {phrase}"))):
                cues[i] = ("score", "increase")  # "achieves only a 45.1% success rate": a low level, no cost cut
            if _PLUS.search(before) and (cues[i] != ("speedup", "increase") or (re.search(r"[A-Za-z]", phrase) and not _SPEED.search(phrase))):
                cues[i] = ("improvement", "increase")  # "+1.25 MetricX score": a signed gain, whatever the metric named after
            as_low = re.search(r"(\S+\s+\S+)\s+as\s+(?:low|high)\s+as\s*$", before)  # "an error (MAPE) as low as 1.50%"
            named_phrase = f"{named.group(1) if named else as_low.group(1) if as_low else ''} {phrase}"
            levels[i] = cues[i] is None and bool(_LEVEL_METRIC.search(named_phrase)) and not _CHANGE_WORD.search(named_phrase)
            if cues[i] is None and nxt and nxt.clause == q.clause and _LIST_GAP.match(text[q.end : nxt.start]) and levels[i + 1]:
                levels[i] = True  # "94.9% and 80.2% image-level AUROC": list members share the metric named after the last
    labels: list[ClaimLabel] = []
    for i, q in enumerate(quantities):
        cue = cues[i]
        if cue is None and i and quantities[i - 1].clause == q.clause:
            cue = (labels[-1].kind, labels[-1].direction)  # no wording of its own: as the number before it
        if cue is None and levels[i]:
            cue = ("score", "increase")  # "a CER of 0.78%", "(8.27% CER on IAM)": a level, no gain or cost said
        if cue is None:
            cue = ("score", "increase") if q.unit == "abs" else ("improvement", "increase") if q.unit == "x" else ("other", "increase")
        before, after = windows[i]
        cue = _level_cue(q, cue, before, after)
        cue = _cut_to_level(q, cue, before, after)
        if cue[0] in {"improvement", "reduction"} and q.unit != "x" and q.baseline_value is None and _ABOVE.search(before) \
                and not _GAIN_NOUN.search(before[-60:]):
            cue = ("score", "increase")  # "achieving accuracies exceeding 90%": the level passed
        if cue[0] == "score" and q.baseline_value is None and q.unit != "x":
            cue = _level_versus(text, q, cue, before)
        if cue[0] == "score" and q.unit == "x":  # a ratio is no level: "1.5x Accuracy", "2x in downstream policy performance"
            cue = ("other", "increase") if _CHANGE_WORD.search(after[:30]) else ("improvement", "increase")  # "an 18x gap"
        if cue[0] in {"reduction", "improvement"} and q.baseline_value is None and (_FALL_AFTER.match(after) or _FALL_BEFORE.search(before)):
            cue = ("other", "decrease")  # "a merely ~0.6 point decrease in performance": a loss, not a cost cut
        if cue[0] in {"improvement", "score"} and q.unit != "x" and q.baseline_value is None and _MINUS.search(before) \
                and not _CORRELATION.search(before[-20:]) and not re.match(r"\s*(?:\\?%|pp)?\s*to\b", after):
            # "(-40% RMSE)", "Gemini declines -4.8%": a number signed minus fell; an error or cost falling is a cut, a quality a loss
            cue = ("reduction", "decrease") if _FELL_CUT.search(after[:30]) else ("other", "decrease")
        if q.baseline_value is None and q.unit != "x" and _GAP_NAMED.search(before) and not _GAP_WON.search(before):
            # "accuracy deviations of up to 15%", "the minimum difference with a winner team is 6.46": a gap, not a level (SCHEMA `other`)
            cue = ("other", "decrease" if re.search(r"\b(?:minimal|small|slight|negligible|marginal|only)\b", before[-60:], re.I) else "increase")
        if cue[0] in {"improvement", "reduction"} and _LIKELIER.match(after):
            cue = ("other", "increase" if cue[0] == "improvement" else "decrease")  # "over fifty times more likely to appear": a finding, not a gain
        if cue == ("improvement", "increase") and q.baseline_value is None:
            near = before[-50:] + " " + _CLAUSE_CUT.split(after, maxsplit=1)[0][:50]
            if _COST_WORD.search(near) and _COST_UP.search(near) and not (_CUTS.search(near) or re.search(r"efficien|per\s", near, re.I)):
                cue = ("other", "increase")  # "the response-generation cost is 9.2x higher", "a 7.6X increase in function evaluations": a cost added
        if cue[0] == "reduction" and (_TIME_CUT.match(after) or (q.unit != "abs" and _IN_TIME.match(after) and not _OTHER_METRIC_AFTER.match(after))):
            cue = ("speedup", "decrease")
        if cue[0] == "improvement" and _IN_COST.match(after):  # "a marginal increase of roughly 1% in parameters": a cost added;
            cue = ("other", "increase") if re.search(r"\b(?:increase|more|additional|higher)\b[^.;\d]{0,30}$", before) \
                else ("reduction", "decrease")  # "improves training efficiency by up to 10x in token usage": a cost cut
        if cue[0] == "improvement" and q.unit != "abs" and q.baseline_value is None and not _OTHER_METRIC_AFTER.match(after):
            if _IN_SPEED.match(after):
                cue = ("speedup", "increase")  # "outperforms X by 15-1500x in inference speed"
            elif _IN_TIME.match(after):
                cue = ("speedup", "decrease")  # "improves on X by 30% in inference time"
        if cue[0] == "improvement" and _RATE_GAIN.match(after):
            cue = ("speedup", "increase")  # "a 2x increase in QPS per chip": more speed is a speed-up (SCHEMA)
        if cue == ("improvement", "increase") and _ERROR.search(after[:40].split(",")[0]):
            cue = ("improvement", "decrease")  # "a 30-point enhancement in FID": an error metric gets better by falling
        metric = claim_metric(after, before, cue[0])
        if q.baseline_value is not None:  # "intelligibility from 28.9 to 5.6": what changed, and which way
            changed = re.search(r"([A-Za-z][\w\-]*(?:\s+[A-Za-z][\w\-]*)?)\s+from\s+\S+\s+to\s*$", before)
            metric = changed.group(1).lower() if changed and not METRIC_STOP.match(changed.group(1).split()[-1]) else metric
            if q.baseline_value != q.value:
                cue = (cue[0], "decrease" if q.value < q.baseline_value else "increase")
            if cue[0] == "score" and q.baseline_value != q.value:  # a level with the one it started from is no level alone
                better = (q.value > q.baseline_value) != bool(_ERROR.search(before[-40:] + after[:30]))
                cue = ("improvement", cue[1]) if better else ("other", cue[1])  # "accuracy from 68% to 28%": a loss
            if cue[0] == "reduction" and q.value < q.baseline_value and not _COST_NOUN.search(before[-60:] + after[:20]):
                # "reduces CER from 17.20 to 14.45": an error falling is a gain (LABELING), unless a quality falls
                what = re.split(r"\b(?:reduc|lower|decreas|cut)\w*", before[-60:])[-1]  # the words after the verb
                cue = ("other" if _QUALITY.search(what) and not _ERROR.search(what) else "improvement", "decrease")
        labels.append(ClaimLabel(cue[0], cue[1], metric, q.baseline or claim_baseline(after)))
    return labels


def _rise_to_level(before: str) -> bool:
    """"raises compliance to 75%", "improves IS to 316.9": a quality risen to a level (no gain, cost or error rises)."""
    m = _RISE_TO.search(before)
    if not m:
        return False
    around = before[max(0, m.start() - 40) : m.start()] + " " + m.group(1)
    return not (_GAIN_OR_COST.search(around) or _COST_NOUN.search(m.group(1)) or _ERROR.search(m.group(1)) or _SPEED.search(around)
                or _CUTS.search(m.group(1)))


def _named_level(named: str) -> tuple[str, str] | None:
    """"reaching an mAP of 50.6%": a metric named right before the number states its level."""
    return ("score", "increase") if _LEVEL_METRIC.search(named) and not _CHANGE_WORD.search(named) else None


def _level_cue(q: Quantity, cue: tuple[str, str], before: str, after: str) -> tuple[str, str]:
    """SCHEMA's conventions for levels: a rank, a shortfall, a gap kept to a reference and statistics of a finding
    (effect sizes, annotator agreement, correlations between two quantities) are `other`; a speed or time reached
    with no baseline is a `score` (time falls, rate rises), as is how often the method succeeds; a share of a
    reference kept is `other`."""
    if q.unit == "abs" and (_RANK.search(after[:12] if _RANK.match(after) else before[-12:]) or _ORDINAL.match(after)
                            or q.text.lower() in ORDINALS):
        return "other", "decrease"  # "is fourth in the ranking", "1st for Greek": a rank, whatever the words around
    if q.baseline_value is None and (_LAG_BY.search(before) or re.match(r"\s*(?:(?:percentage\s+)?points?|pp)?\s*(?:behind|short\s+of)\b", after)):
        return "other", "decrease"
    if q.unit != "x" and q.baseline_value is None and _WITHIN.search(before) and _WITHIN_AFTER.match(after):
        return "other", "decrease"  # a gap kept to a reference (SCHEMA: "a merely ~0.6 point decrease")
    if q.unit == "abs" and _CORRELATION.search(before[-50:]) and re.search(r"\bbetween\b", before[-90:] + " " + after[:60]) \
            and not _REFERENCE_WITH.search(before[-90:] + " " + after[:60]):
        return "other", "increase"
    if q.unit != "x" and _ANNOTATOR_AGREEMENT.search(before[-60:]):
        return "other", "increase"
    if q.unit == "abs" and q.baseline_value is None and _EFFECT_SIZE.search(before[-40:]):
        return "other", "increase"  # "Cohen's d = 0.504", "effect size r = 0.30"
    if q.unit == "abs" and q.text.startswith("$"):
        return "other", "decrease"  # "costs about $1-2 per task": money spent is a budget (SCHEMA)
    if q.unit == "abs" and q.baseline_value is None:
        if _RATE_UNIT.match(after):
            return "score", "increase"
        if _TIME_UNIT.match(after) and ((cue[0] in {"speedup", "reduction"} and _BY_END.search(before)) or _FROM_TIME.search(before)):
            return "speedup", "decrease"  # "reducing the average search time by 2.42 seconds", "from 8 hours to 10 minutes": a cut, not a level
        if _TIME_UNIT.match(after) and (cue[0] in {"speedup", "reduction", "score"} or (cue[0] == "improvement" and not _BY_END.search(before))):
            return ("other", "decrease") if _LONG_TIME_UNIT.match(after) else ("score", "decrease")
        if (_BUDGET_UNIT.match(after) or (re.search(r"(?:CO2|carbon)[\w\s]{0,20}$", before) and re.match(r"\s*k?g\b", after))) \
                and not _BY_END.search(before):
            return "other", "decrease"  # "an average frame size of merely 43 KB": a footprint, not a cut by 43 KB
    if q.unit == "%" and q.baseline_value is None and cue[0] != "improvement" and (
            (_OF_CASES.match(after) and _SUCCEEDS.search(before[-70:])) or (re.match(r"\s*of\b", after) and _SUCCEEDS_ON.search(before))):
        return "score", "increase"
    if q.unit == "%" and _COST_SHARE.match(after) and (_COST_USE.search(before) or _CUT_TO.search(before)) and cue[0] in {"score", "other", "reduction"}:
        return "reduction", "decrease"  # "with only 20% of the data", "removes 67% of visual tokens": a cost cut,
        # "requires only 29.2% of the original model's VRAM", "reduce it to 24.34% of the original operations": whatever share of the original it is
    if q.unit == "%" and ((_RETAIN_BEFORE.search(before) and _RETAIN_AFTER.match(after)) or _SHARE_OF.match(after)
                          or (_KEPT_PERFORMANCE.match(after) and re.search(r"\b(?:preserv|retain|maintain|keep)\w*\s+(?:over\s+|about\s+|~)?$", before))):
        return "other", "increase"
    return cue


def _level_versus(text: str, q: Quantity, cue: tuple[str, str], before: str) -> tuple[str, str]:
    """A level followed by the level of what it beats ("0.9755 versus 0.9083", "68.0%, surpassing X (61.0%)")
    is a gain over that baseline, when it is the better one and no margin of its own follows ("(30.1) by +44.8")."""
    m = _VERSUS_NUMBER.match(text, q.end, min(len(text), q.end + 160))
    if not m or not _VERSUS.match(m.group(1)) or bool(m.group(3)) != (q.unit == "%") or re.match(r"\W*(?:[A-Za-z][\w\-]*\s*)?\)?\s*by\b", text[m.end() : m.end() + 24]):
        return cue
    other = float(m.group(2))
    error = bool(_ERROR.search(before[-40:] + m.group(1)[:30]))
    return ("improvement", "decrease" if error else "increase") if other != q.value and (q.value < other) == error else cue


def _cut_to_level(q: Quantity, cue: tuple[str, str], before: str, after: str) -> tuple[str, str]:
    """A cut to a level states the level reached (SCHEMA: a `score`), not the size of the cut: "reduces the
    error rate to 1.5%". A quality cut to a level is a loss (`other`), a memory or size reached a budget (`other`)."""
    cut = _CUT_TO.search(before)
    if not cut or cue[0] not in {"reduction", "score"} or q.baseline_value is not None or q.unit == "x" or re.match(r"\s*(?:(?:and|or|,)\s*[\d.]+\s*%?\s*)?of\b", after):
        return cue
    what = cut.group(1)
    if _QUALITY.search(what) and not _ERROR.search(what):
        return "other", "decrease"  # "lowers accuracy to 93.03%"
    if _COST_NOUN.search(what + " " + after[:8]):
        return ("other", "decrease") if q.unit == "abs" else cue  # "reducing GPU memory to 6.1 GB": a footprint reached
    return "score", "decrease"


__all__ = ["ClaimLabel", "label_claims"]
