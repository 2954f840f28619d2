"""The wording around a number that makes it a result of the paper's own work, or a set-up size, a setting,
a statistic or a baseline's figure; and the wording that makes "A to B" a change rather than a range.

`candidates.find_quantities` reads every number; these rules decide its `rule_result` (pure regex logic
over the clean text of `normalize`).
"""

from __future__ import annotations

import re

# "ranging from 2.3 to 128.4 times" is a range, not a change.
# "from 28.9 to 5.6", "from around 55% to over 85%": where the baseline of a change starts.
_FROM = r"\bfrom\s*(?:(?:around|about|approximately|roughly|nearly|almost|over|more\s+than)\s+|~\s?)?$"
_RANGE_FROM = re.compile(r"\b(?:rang\w*|var\w*|spann\w*|spans?)\s+" + _FROM[2:], re.I)

# What a bare number must be followed by to count as a measured result (else it is set-up).
_METRICS = (
    r"(?:Code|sacre)?BLEU|CIDEr|SARI|[gr]?FID|ROUGE[-\w]*|BERTscore|F1|perplexity|accuracy|score|correlation|"
    r"AUROC|AUPRC|SSIM|PSNR|LPIPS|MAE|RMSE|MSE|Dice|DSC|HOTA|MOTA|IDF1|EER|mean\s+absolute\s+error|root\s+mean"
)
_ABS_AFTER = re.compile(
    r"\s?(?:-\s?)?(?:(?:absolute\s+|relative\s+)?points?(?!\s+clouds?)|pts|pp|percentage\s+points?|top-?[15]\s+accuracy|dB|[mcg]?IoU|m?AP(?:@?[\d:.]+)?|F_?0?\.5|EM|AUC|WER|CER|MRR|NDCG|PPL|improvements?|gains?|"
    + _METRICS + r")\b",
    re.I,
)
_ERROR_WITHIN = re.compile(r"\b(?:errors?|accuracy|precision|deviations?|RMSE|MAE)\s+(?:of\s+)?(?:within|below|under|less\s+than|"
                           r"about|approximately|around|roughly|~|only)?\s*$", re.I)
_LATER_MEMBERS = re.compile(r"(?:\s*,\s*\d+(?:\.\d+)?)*\s*,?\s+and\s+\d+\.\d+")
_RATE_AFTER = re.compile(r"\s+(?:precision|recall|sensitivity|specificity|agreement|drop|decrease|increase)\b", re.I)
# One word between a decimal and the metric it measures: "11.1 zero-shot mAP", "12.9 relative improvement".
_MODIFIER = re.compile(r"\s+(?!(?:and|or|of|to|in|on|at|for|the|with|vs|versus|than|from|by)\b)[\w-]+(?=\s)", re.I)
# "outperforms the best baseline by 3.5": a bare number is the size of a gain.
_GAIN_BY = re.compile(
    r"\b(?:improv|outperform|surpass|increas|boost|exceed|beat|reduc|lower|shorten|decreas|accelerat|speed\w*\s+up|better|higher)\w*\b"
    r"(?:[^.;]|\.(?=\d)){0,80}?\bby\s+(?:(?:up\s+to|at\s+least|over|about|around|nearly|approximately|an\s+average\s+of|a\s+margin\s+of)\s+|~|[>≥]\s*)?"
    r"(?:\d[\d.]*\s*(?:,\s*(?:and\s+)?|and\s+))*$",  # "by 1.2 and 3.4"
    re.I,
)
_ABS_BEFORE = re.compile(r"(?:scores? of|accuracy of|budget of(?: just)?|\$|<|(?<![\w)}])\+|less than|" + _METRICS + r")\s*(?:of\s*)?$", re.I)
# A level reached, named before it: "a PDMS of 90.3", "an mAP50 of 0.80", "a median error of 7.2", "AUC = 0.78",
# "AUP: 0.91", "achieves 0.455".
_LEVEL_BEFORE = re.compile(
    r"(?:\b[a-z]?[A-Z][A-Za-z0-9@\-]{1,9}\)?|\b(?:error|errors|rates?|loss|precision|recall|sensitivity|specificity|latency|"
    r"throughput|emissions?|correlation|"
    r"kWh|size|speed|overhead|consumption))\s+of\s*(?:only\s+|just\s+|merely\s+)?(?:about\s+|approximately\s+|around\s+|~|≈)?$"
    r"|\b[A-Za-z][\w'’\-]{0,}\)?\s*[=:]\s*(?:~|≈)?$"
    r"|\b(?:achiev|reach|attain)(?:es|s|ed|ing)?\s+(?:only\s+|up\s+to\s+|over\s+|about\s+|approximately\s+|~)?$"
)
# "the highest rule of thirds alignment of 0.817", "the best overall result of 0.329": a decimal a superlative names;
# "achieving a global Pearson correlation coefficient of 0.96", "attains an average cosine alignment of 0.538": one reached.
_BEST_OF = re.compile(r"\b(?:highest|best|lowest|top|peak)\s+(?:[\w-]+\s+){1,4}of\s+(?:about\s+|approximately\s+|~)?$"
                      r"|\b(?:achiev|reach|attain|obtain|record|deliver|yield)\w*\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,4}of\s+(?:about\s+|approximately\s+|~)?$"
                      r"|\ban?\s+(?:new\s+)?state[\s-]of[\s-]the[\s-]art\s+$"
                      r"|\b(?:improvements?|gains?|increases?|boosts?|reductions?|decreases?)\s+of\s+(?:up\s+to\s+|about\s+|approximately\s+|over\s+|nearly\s+|~|\+)?$"
                      r"|\b(?:curve|coefficients?|results|mean|shift|difference)\s+of\s+(?:about\s+|approximately\s+|~)?$"
                      r"|\b(?:was|were|is|are)\s+(?:found|measured|estimated|observed)\s+to\s+be\s+(?:at\s+|about\s+|approximately\s+|around\s+|~)?$"
                      r"|\b(?:was|were|is|are)\s+(?:evaluated|measured|estimated)\s+(?:as|at)\s+(?:about\s+|approximately\s+|~)?$"
                      r"|\bdown\s+to\s+(?:only\s+|just\s+|about\s+)?$", re.I)  # "at extremely low rates, down to 0.1 MB"  # "area under the curve of 0.93"  # "and a state-of-the-art 1.52 at 512x512"
# A decimal named right before by a metric or a verb of scoring: "reaches AUC 0.741", "scores 66.1 on X",
# "exceeds 0.91", "yields 0.82", "a Dice score over 0.98", "(R^2 = 0.80)", "Spearman ρ=0.92" (whole numbers there are versions and counts: "scoring 50
# agents", "yielding 8,103 preferences").
_DECIMAL_LEVEL_BEFORE = re.compile(
    r"\b(?:AUC|AUROC|MAP|mAP|mIoU|mean\s+IoU|NDCG(?:@\d+)?|MRR|precision|recall|Chamfer|EPE|HD95|minADE\d*|ADE|FDE)\s*(?:~|≈)?\s*$"
    r"|\b(?:scor(?:es|ed|ing)|exceed(?:s|ed|ing)?|retain(?:s|ed|ing)?|obtain(?:s|ed|ing)?|yield(?:s|ed|ing)?)\s+(?:only\s+|over\s+|about\s+|approximately\s+|~)?$"
    r"|(?:\bR\^\{?2\}?|\bR2|ρ(?:_\w+)?|\\?\brho|\\r\{ho\})\s*[=:]\s*(?:-\s?|−\s?)?$"  # "(R^2 = 0.80)", "Spearman ρ=0.92": a fit reached
    r"|\b(?:score|accuracy|error|distance|Dice|F1|AUC|AUROC|precision|recall|similarity|agreement)\s+"
    r"(?:over|above|under|below|exceeding|was|were|is|around|reached|of\s+about)\s+(?:about\s+|approximately\s+|~|≈)?$",
    re.I,
)
# "an accuracy of up to 0.70", "mAP of over 0.20", "F1 score > 0.80", "Kappa about 0.6", "(R^2 > 0.96)": a decimal a
# metric reaches, with its bound in between.
_METRIC_BOUND = re.compile(
    r"\b(?:scores?|accuracy|errors?|distance|Dice|F1|AUC|AUROC|AUPRC|precision|recall|similarity|agreement|correlations?|kappa|"
    r"rho|ρ|R\^?2|mAP|MAE|RMSE|SSIM|PSNR|BLEU|NDCG|MRR|perplexity)\s*(?:of\s+)?(?:up\s+to|about|around|approximately|roughly|nearly|>=?|≥|~|≈|"
    r"as\s+high\s+as|as\s+low\s+as|of\s+over|over|exceeding)\s*$"
    r"|\b[\w^-]+\s+values\s+of\s+(?:about\s+|approximately\s+|~)?$",  # "DSC values of 0.97", "R^2 values of 0.908"
    re.I,
)
# A decimal in parentheses right after the metric it measures, or after a superlative (baselines' numbers in
# parentheses after "outperforming X (" are rejected before this is read).
_METRIC_PAREN = re.compile(
    r"(?:\b(?:accuracy|precision|recall|sensitivity|specificity|scores?|F1|AUC|AUROC|AUPRC|Dice|DSC|m?IoU|SSIM|PSNR|LPIPS|FID|"
    r"BLEU|ROUGE[-\w]*|CIDEr|METEOR|MAE|RMSE|NDCG(?:@\d+)?|MRR|mAP[@\d.:]*|kappa|correlation|perplexity|[\w-]+-score)"
    r"(?:\s+(?:on|for|in)\s+(?:[\w-]+\s+){0,2}[\w-]+)?"  # "competitive scores on peer-group identification (0.286)"
    r"|\b(?:highest|lowest|best|top|peak)\s+(?:[\w-]+\s+){0,5})\s*\(\s*(?:~|≈)?$",
    re.I,
)
# A share of the data or a threshold, in a set-up: "split into training (70%), testing (15%)", "(30% threshold)".
_SPLIT_PAREN = (re.compile(r"\b(?:train(?:ing)?|test(?:ing)?|validation|dev(?:elopment)?)(?:\s+(?:sets?|data|splits?))?\s*\(\s*$", re.I),
                re.compile(r"\s*\)"), re.compile(r"\s*thresholds?\b", re.I))
_PAREN_CLOSE = re.compile(r"\s*(?:\)|,|and\b|plus\b|±)")
# A whole number after these is a count or a setting: "an All Set of 470 cases", "Evaluation of 13 models",
# "a sampling rate of 14 Hz", "a batch size of 2", "(depth=2)", "(B_probe=3)".
_COUNT_OF = re.compile(r"(?-i:\b[A-Z][a-z]+)\s+of\s*$|\b(?:rates?|size)\s+of\s*$|(?-i:\b[a-z][a-z_]*|\b[A-Za-z]+_\w*)\s*=\s*$", re.I)
_POINT_EQUALS = re.compile(r"\b[A-Za-z]\s*=\s*$|:\s*$")  # "d = 0.504" and "AUP: 0.91", not "k=2" nor "steps: 1)"
# Speed, time and size levels a method reaches: "13.2 fps", "as low as 289ms", "5.6 mJ", "4.15 mm RMS".
_LEVEL_AFTER = re.compile(
    r"\s?(?:fps|frames?\s+per\s+second|ms\b|milliseconds?|s/(?:frame|image|token|it)|(?:tokens?|images?|samples?|queries|it)/s\b|[KMGT]B/s\b|(?:seconds?|secs?)\s+per\s+(?:scene|image|frame|token|sample|query|video|case)\b|mJ\b|kWh\b|[mµu]W\s+(?:average\s+)?power\b)"
    r"|\s?(?:mm|cm|meters?)\b(?=\s*(?:RMS|error|accuracy|deviation|difference)|[^.;]{0,0}$)",
    re.I,
)
_SECONDS = re.compile(r"\s?(?:seconds?|s)\b")
_SECONDS_BEFORE = re.compile(r"\b(?:in|within|under|latency\s+of)\s+(?:only\s+|just\s+|under\s+|about\s+|approximately\s+|~|as\s+(?:fast|little)\s+as\s+)?$"
                             r"|\bto\s+as\s+fast\s+as\s+$", re.I)
# "completes in under 2 minutes", "boosted to 95.16% within 30 minutes", "this step takes 36 hours": the time a run takes
# (a budget when it is training); "acquired in under 4 minutes", "(50-170 minutes long)", "9.1 hours of video" are set-up.
_LONG_TIME = (re.compile(r"(?<!acquired\s)(?<!recorded\s)(?<!collected\s)(?<!captured\s)(?<!\bin\s)\b(?:in|within|under|takes?|taking|took)\s+"
                         r"(?:only\s+|just\s+|about\s+|approximately\s+|around\s+|roughly\s+|~|less\s+than\s+|under\s+)?$", re.I),
              re.compile(r"\s?(?:minutes?|mins?|hours?|hrs?)\b(?!\s+(?:of|long)\b)", re.I))
# "real-time previews (0.01s)", "in 4 steps (~8 seconds on H100)": a time in parentheses is the time a run takes
# (minutes and hours there are lengths of data or training: "(50-170 minutes long)", "(~12h on RTX A6000").
_PAREN_TIME = re.compile(r"\(\s*(?:~|≈|about\s+|approximately\s+)?$"), re.compile(r"\s?(?:s|ms|secs?|seconds?)\b(?!\s+(?:long|of)\b)")
# "2nd place", "ranks 3rd": a leaderboard rank.
_RANK_AFTER = re.compile(r"(?:st|nd|rd|th)\s+(?:place|position|rank)", re.I)
_RANK_BEFORE = re.compile(r"\b(?:rank(?:s|ed|ing)?|placed|plac(?:es|ing)|finish(?:ed|es|ing))\s+(?:#\s*)?$", re.I)
# "4th on Track 2", "1st for Greek", "3rd of 40 teams", not "the 4th of July": a rank among entrants.
_RANK_ON = re.compile(r"(?:st|nd|rd|th)\s+(?:on|in|for|of|among|out\s+of|overall)\b", re.I)
_THE_BEFORE = re.compile(r"\bthe\s+$", re.I)
# "from 28.9 to 5.6" after a verb of change is a result, whatever its unit.
_FROM_TO_CHANGE = re.compile(
    r"\b(?:improv|reduc|increas|decreas|boost|rais|lower|cut|drop|declin|enhanc|lift)\w*\b(?:\b[ei]\.[ge]\.|[^.;]|\.(?=\d)){0,60}" + _FROM +
    r"|\bfrom\s*[\d.,]+%?\s+to\s+[\d.,]+%?\s*(?:,|and)\s+[^.;]{0,40}\bfrom\s*$",  # "... from 28.9 to 5.6 and quality from"
    re.I,
)
# "reduced from 1.544 (MAE) to 0.491", "improved from 0.7692 in the zero-shot setting to 0.8619": a change whose two ends
# are each tagged with the setting they were measured in.
_FROM_TAG_TO = re.compile(
    r"\b(?:improv|reduc|increas|decreas|boost|rais|lower|cut|drop|declin|enhanc|lift)\w*\b[^.;]{0,40}?\bfrom\s+\d[\d.]*\s*%?\s*"
    r"(?:\([^()]{1,25}\)|(?:in|on|with|for|under|at|using)\s+[^.;,()]{1,40}?)\s+to\s+$", re.I)
# "decreases the mean absolute error to 0.353", "drops F1 to 0.728": the level reached by a change (no "from").
_CHANGED_TO = re.compile(
    r"\b(?:improv|reduc|increas|decreas|boost|rais|lower|cut|drop|declin|enhanc|lift|fall|fell|rose|rise|push|bring|brought|shr[iu]nk|quantiz|compress)\w*"
    r"(?:\s+[^\s.;,]+){0,5}?\s+to\s+(?:only\s+|just\s+|about\s+|approximately\s+|roughly\s+|around\s+|~|≈)?$",
    re.I,
)
_TIME_OR_SIZE_AFTER = re.compile(r"\s?(?:[KMGT]B\b|ms\b|s\b|seconds?\b|minutes?\b|hours?\b|mm\b|cm\b|Å|°)")
# "only 0.16 GFLOPs of overhead", "just 2 GB memory and 4 minutes": a small cost of time, memory, energy or
# compute is a result ("only 1.5M parameters" or "only 500 examples" are set-up sizes, left to _SETUP_AFTER).
_ONLY_COST = re.compile(r"\b(?:only|just|merely|a\s+mere)\s+(?:about\s+|approximately\s+|around\s+|~\s?|≈\s?)?$", re.I), re.compile(
    r"\s?(?:[KMGT]i?B\b|pJ\b|mJ\b|J\b|kWh\b|m?W\b|[KMGT]?FLOPs\b|GMACs\b|s\b|sec(?:ond)?s?\b(?!\s+of)|minutes?\b|mins?\b|"
    r"hours?\b(?!\s+of)|GPU[\s-](?:hours?|days?)\b|days?\b(?!\s+of))"
)
# A multiple or share that sizes the set-up: "the 70x larger model", "at 25% of total training compute".
_ONLY_BEFORE = re.compile(r"\b(?:only|just|merely)\s+$", re.I)
_SIZE_AFTER = re.compile(r"\s*(?:larger|bigger|the size)\b|\s+of\s+(?:the\s+)?total\b|\s*(?:\w+\s+)?(?:cross-?\s?valid|(?-i:CV)\b)", re.I)
# Statistics and notation, never results: "p<0.05", "$40+$ datasets", "3D", "a 5-point scale".
_NOT_A_RESULT_BEFORE = re.compile(
    r"\bp\s*[<>=≤≥]\s*(?:[<>≤≥]\s*)?$|\barXiv:\s*$|\b(?:at|@)\s+(?:an?\s+)?(?:IoU|intersection\s+over\s+union(?:\s*\(IoU\))?)\s*(?:threshold\s*)?(?:of\s*|=\s*)?$"
    r"|\bp-values?\s*(?:of\s*)?[<>=≤≥]?\s*$|\b(?:CI|IQR)\s*[\[(:,]?\s*(?:[+-]?[\d.]+\s*(?:%|pp)?\s*[,–-]\s*)?[+-]?$|(?:±|\+/-|\+-)\s*$|\btop\s$", re.I
)
# The overlap a detection must reach to count, named right before the number: a setting of the metric, not a level.
_IOU_THRESHOLD = re.compile(r"(?:\b(?:at|on|for)\s+|@\s*|,\s*)(?:IoU|intersection[\s-]+over[\s-]+union)(?:\s*\(IoU\))?\s*"
                            r"(?:(?:range|threshold)\s*)?(?:of\s*|=\s*|>=?\s*|≥\s*)?$", re.I)
_NOT_A_RESULT_AFTER = re.compile(
    r"[dD]\b|\+?\$|-point\s+(?:\w+\s+)?(?:scales?|likert|ratings?)|\s?CI\b|\s+confidence\s+(?:interval|level|guarantee)|\s+Hausdorff", re.I
)  # "95% Hausdorff distance" is HD95, a metric's name
# A setting, not a result: "runs at T=0.7", "with threshold t=0.70"; an agreement that validates the data:
# "human-validated at kappa=0.81", "inter-rater agreement (Fleiss' kappa = 0.82)".
_SETTING_BEFORE = re.compile(
    r"(?<!correlates\s)(?<!correlated\s)\b(?:at|under|with|threshold|when)\s+(?:[A-Za-z]\s*=\s*[\d.]+,?\s+(?:and\s+)?)*[A-Za-z]\s*=\s*$"
    r"|\b(?:validat\w*|agreement)\b[^.;]{0,40}\bkappa\s*(?:=|of)?\s*$",
    re.I,
)
# Coding and noise settings ("at QP = 22", "(NMSE, SNR = 20 dB)"), a sample size ("(N=101 vs. N=246)"), a capture rate
# ("captured at 30 FPS"); read in the last 30 characters only.
_SETTING_TAIL = re.compile(
    r"\b(?:QP|CRF|QF)\s*=\s*$|(?:,|\bat|\bunder)\s+SNR\s*=\s*$|(?<![\w^])[Nn]\s*=\s*$"
    r"|\b(?:captured|recorded|sampled|filmed|acquired)\s+at\s+(?:about\s+|~)?$",
    re.I,
)
# "at 50% expert sparsity", "under 10% observational noise", "At 5% labeling ratio": the condition a result is
# measured under (a share of the data or the model left, corrupted or hidden), not a result.
_CONDITION = re.compile(r"\b(?:at|under|with)\s+(?:a\s+|an\s+)?(?:only\s+|just\s+)?$", re.I), re.compile(
    r"\s*(?:[a-z]+\s+)?(?:sparsity|noise|corruption|coverage|contamination|missing(?:ness)?|label(?:l?ing|l?ed|s)?|ratios?|blending|"
    r"strength|pruning|masking|occlusion|cloud|poison\w*|perturbation|dropout|compression\s+ratio)\b", re.I)
# "under 3x and 6x compression budgets": the settings compared under, each member of the list.
_BUDGET_AFTER = re.compile(r"(?:\s*(?:and|or|,)\s+\d[\d.]*\s?(?:×|x|%))?\s*(?:compression|pruning|sparsity|quantization)\s+"
                           r"(?:budgets?|ratios?|rates?|levels?|settings?)\b", re.I)
_CONDITION_LIST = re.compile(r"\b(?:at|under|with)\s+\d[\d.]*\s?(?:×|x|%)\s*(?:,\s*|\s+)(?:and\s+|or\s+)?$", re.I)
# "mAP at 50% IoU", "CIDEr at 0.5 IoU": an overlap threshold of the metric, not a result.
_AT_IOU = re.compile(r"\bat\s+$", re.I), re.compile(r"\s?(?:IoU|intersection[\s-]+over[\s-]+union)\b", re.I)
# "outperforming X (75.3%) and Y (60.2%)", "outperforms T1-based (AUC = 0.68)": the numbers in parentheses after a
# comparison are the baselines' (a metric named in them only close after the comparison; "(A -> B)" is a change).
_BASELINE_PAREN = re.compile(r"\b(?:outperform\w*|surpass\w*|exceed\w*|beat\w*|than(?!\s*[~≈$]?\s*\d)|below|behind|trail\w*|match(?:es|ing)?|on\s+par\s+with|comparable\s+to|unlike|rival\w*|(?<!evaluated\s)(?<!tested\s)(?<!validated\s)(?<!benchmarked\s)against|over|vs\.?|versus|compared\s+(?:to|with))\b(?:[^.;]|\.(?=\d)){0,100}\(\s*$"
    r"|\b(?:outperform\w*|surpass\w*|exceed\w*|beat\w*|than(?!\s*[~≈$]?\s*\d)|over|(?-i:vs)\.?|versus|compared\s+(?:to|with))\b[^.;()]{0,50}\(\s*[\w\-@^]+\s*[=:]\s*$",
    re.I,
)


# "over prior methods (7.4% increase in PSNR", "(75.6% relative)": a gain in parentheses, not the baseline's level.
_GAIN_AFTER = re.compile(
    r"\s*(?:absolute\s+|relative\s+|average\s+)?(?:increase|improvement|gain|reduction|decrease|boost|speed-?up|lower|higher|fewer|"
    r"less|faster|relative\b|absolute\b)", re.I
)
# "2.9 vs. 2.2", "around 1% compared to a 43.64% slowdown measured for a baseline": the baseline's number.
_VERSUS_BEFORE = re.compile(r"\b(?:vs\.?|versus|compared\s+(?:to|with)|relative\s+to|against)\s*(?:(?:a|an|the)\s+)?$", re.I)
# "exceeds previous SOTA of 88.61%", "the prior best of 71.2": the record beaten, a baseline's number; so is "compared to the
# human baseline of 91%" (not "we establish a strong initial baseline of 0.78"), and what another model "is trained on" or
# "uses" ("TinyLlama, which is trained on 10x more data").
_PRIOR_BEST = re.compile(r"\b(?:previous|prior|former)\s+(?:best|SOTA|state[\s-]of[\s-]the[\s-]art)(?:\s+[\w-]+){0,2}\s+(?:of|at)\s+(?:about\s+|~)?$"
                         r"|(?<!establish\s)(?<!establishes\s)(?<!set\s)(?<!sets\s)\b(?:the|a|an)\s+(?:[\w-]+\s+){0,2}baseline\s+of\s+(?:about\s+|~)?$"
                         r"|\b(?:random\s+)?chance(?:\s+level)?\s+(?:is|was|of|at)\s+(?:about\s+|~)?$"  # "where random chance is 50%"
                         r"|\bhuman(?:s|-level)?\s+(?:performance|baseline|accuracy|experts?|annotators?|raters?|participants?)\s+"
                         r"(?:is|was|of|at|reach\w*|achiev\w*|scor\w*)?\s*(?:about\s+|approximately\s+|~|only\s+)?$"  # "the estimated human performance is ~81.1%"
                         r"|\bcompared\s+(?:to|with)\s+[^.;,()]{1,40}?\s+(?:with|at)\s+(?:an?\s+)?(?:about\s+)?$"  # "compared to CheXZero with 0.746"
                         r"|\b(?:which|that|who)\s+(?:is\s+|are\s+|was\s+|were\s+)?(?:trained\s+on|uses?|used|requires?)\s+(?:about\s+|~)?$", re.I)
_PRIOR_BEST_HINTS = ("previous", "prior", "former", "baseline", "chance", "which", "that", "who", "compared", "human")  # cheap test before the regex
_SLASH_TAIL = re.compile(r"(?:/\d+\.\d+%?)+")
_VERSUS_AFTER = re.compile(r"\s?(?:[A-Za-z]{1,4}\s*)?\(?\s*(?:vs\.?|versus)\s", re.I)  # "(139.82 ms vs. 145.91 ms)": ours first
# A number right after these is a size or a count of the set-up, not a result ("M" is a million, "m" a metre).
_SETUP_AFTER = re.compile(
    r"\s?(?:[BKT]\b|(?-i:M)\b|billion|million|thousand|k\b|"
    r"(?:(?!(?:more|fewer|less|higher|lower|additional|extra|for|of|on|in|per|across|with|to|from|at|over|and|or|the)\b)(?-i:[a-z][\w-]+)\s+)?(?:parameters|params|tokens|layers|languages|tasks|datasets|"
    r"examples|samples|models|benchmarks|GPUs?|hours of|epochs|steps|images|papers|days|prompts|questions|problems|"
    r"instances|sentences|documents|videos|participants|subjects|patients|annotators|queries|pairs|classes|categories))",
    re.I,
)


def _joined_by_to(m: re.Match[str]) -> bool:
    """"28.9 to 5.6": a pair that is a change (after "from") or a range, not "28.9-35.1"."""
    return (m.group("sep") or "").strip() in {"to", "->", "→"}


# "A to B" is a change, not a range, when it follows "from <the baseline> of", sits in parentheses after a verb
# of change ("boosts accuracy (49.07% to 60.69%)") or comes with its delta ("16.12 to 17.70 (+9.80%)").
_FROM_OF = re.compile(r"\bfrom\s+(?:(?:a|an|the)\s+)?(?:[\w@\-]+\s+){0,4}of\s*$", re.I)
_CHANGE_PAREN = re.compile(
    r"\b(?:improv|boost|increas|rais|doubl|tripl|outperform|reduc|lower|cut|lift|enhanc|elevat|drop|declin)\w*\b(?:[^.;()]|\.(?=\d)){0,90}\(\s*$", re.I
)
_RESTATED = re.compile(r"(?:[+\-−]|\bby\s+)\d[\d.]*\s?(?:%|pp|points?)?(?:\s+[\w@\-]+){0,5}\s*\(\s*$", re.I)
_DELTA_AFTER = re.compile(r"\s?(?:dB|FPS|fps|ms|s|h|[KMGT]?B|G)?\s*\(\s*[+\-−]\s?\d")  # "16.12 to 17.70 (+9.80%)", "1.98dB to 3.35dB (+69.19%)"


def is_change(text: str, m: re.Match[str], before: str) -> bool:
    """"from 28.9 to 5.6", "30 -> 74": one claim, value B, baseline A ("ranging from A to B" is a range)."""
    sep = (m.group("sep") or "").strip()
    if sep in {"->", "→"}:
        return True
    if sep != "to" or _RANGE_FROM.search(before):
        return False
    return bool(re.search(_FROM, before)) or marked_change(text, m)


def marked_change(text: str, m: re.Match[str]) -> bool:
    """A pair the wording marks as a change, so a result whatever its unit: an arrow, "from the baseline of A to B",
    "boosts accuracy (A to B)", "A to B (+9.8%)", or "from A to B.C" (a plain "from 3 to 10 cm" is often a set-up)."""
    sep = (m.group("sep") or "").strip()
    wide = text[max(0, m.start() - 90) : m.start()]
    if _RESTATED.search(wide):
        return False  # "+30pp on X (38 -> 68)": the gain just given, restated
    if sep in {"->", "→"}:
        return True
    if sep != "to":
        return False
    from_of = _FROM_OF.search(wide)
    return bool((from_of and not _RANGE_FROM.search(wide, 0, from_of.start() + 5)) or _CHANGE_PAREN.search(wide)
                or _DELTA_AFTER.match(text, m.end()) or (re.search(_FROM, wide) and "." in m.group("b")))


# "outperforming spaCy (74.3%), BioBERT (62.3%), RoBERTa (59.7%), and GLiNER (60.2%)": each number of such a list
# is a baseline's, however far the list runs from the comparison.
_PAREN_LIST_BACK = re.compile(r"\(\s*(?:[\w\-@^]+\s*[=:]\s*)?[~≈]?\d[\d.,]*\s?%?\s*\)\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)"
                              r"(?![^()]*\b(?:achiev|reach|attain|obtain|we|our|while|whereas)\w*\b)(?=[^()]*[A-Z])[^.;,()]{1,40}\(\s*(?:[\w\-@^]+\s*[=:]\s*)?$")


# "75% dye removal against 20% (PnP) and 10% (h-Edit)": a number listed after a baseline's, each tagged with its name.
_TAGGED_LIST_BACK = re.compile(r"(?<![\w.])[~≈]?\d[\d.,]*\s?%?\s*\([^()]{1,25}\)\s*(?:,\s*(?:and\s+)?|\s+and\s+)$")


def _versus(text: str, start: int) -> bool:
    """A number after "vs.", "compared to", "against", or listed after such a number with its name in parentheses."""
    for _ in range(8):
        if _VERSUS_BEFORE.search(text, max(0, start - 20), start):
            return True
        prev = _TAGGED_LIST_BACK.search(text, max(0, start - 60), start)
        if not prev:
            return False
        start = prev.start()
    return False


def _prior_best(text: str, start: int) -> bool:
    """A number after "the previous best of", "random chance is", "human performance is ~": a reference's level."""
    window = text[max(0, start - 60) : start].lower()
    return any(w in window for w in _PRIOR_BEST_HINTS) and bool(_PRIOR_BEST.search(text, max(0, start - 60), start))


def _may_end_baseline(text: str, start: int) -> bool:
    """Whether `_BASELINE_PAREN` or `_PAREN_LIST_BACK` can end at `start`: both end in "(", or in "=" / ":"
    of a short "AUC =". Most numbers follow none of these, and the searches try every position before them."""
    return text[max(0, start - 140) : start].rstrip().endswith(("(", "=", ":"))


def _baseline_paren(text: str, start: int) -> bool:
    """A number in parentheses after a comparison (or in a list of such parentheses) is the baseline's."""
    for _ in range(8):
        if not _may_end_baseline(text, start):
            return False
        if _BASELINE_PAREN.search(text, max(0, start - 140), start):
            return True
        prev = _PAREN_LIST_BACK.search(text, max(0, start - 90), start)
        if not prev:
            return False
        start = prev.start() + 1
    return False


def is_result_number(text: str, m: re.Match[str], unit: str) -> bool | None:
    """Bare numbers count only next to a metric; units like B or M mark sizes, not results.
    None (falsy) when nothing marks the number either way: a list may still make it a result."""
    listed = _SLASH_TAIL.match(text, m.end())  # "63.41/61.88/57.95 F1": what follows the list names each member
    end = listed.end() if listed else m.end()
    after = text[end : end + 24]
    before = text[max(0, m.start() - 20) : m.start()]
    if _versus(text, m.start()) or (_prior_best(text, m.start()) and not _joined_by_to(m)) or (
        _baseline_paren(text, m.start()) and not _VERSUS_AFTER.match(after)
        and (m.group("sep") or "").strip() not in {"->", "→"}
        and not (_joined_by_to(m) and _CHANGE_PAREN.search(text, max(0, m.start() - 90), m.start()))  # "boost (31.12% to 46.61%)"
        and not _GAIN_AFTER.match(after)
    ):
        return False  # "2.9 vs. 2.2", "outperforming X (75.3%)": the baseline's number
    if _NOT_A_RESULT_BEFORE.search(before) or _NOT_A_RESULT_AFTER.match(after):
        return False
    if _IOU_THRESHOLD.search(text, max(0, m.start() - 50), m.start()):
        return False  # "at Intersection over Union (IoU) of 0.5", "recall on IOU of 0.50:0.95", "(YOLOv11m, IoU = 0.5, ...)": a threshold
    if (_SPLIT_PAREN[0].search(before) and _SPLIT_PAREN[1].match(after)) or (unit == "%" and _SPLIT_PAREN[2].match(after)):
        return False  # "split into training (70%), testing (15%)", "IoU-based deduplication (30% threshold)": set-up
    if (_AT_IOU[0].search(before) and _AT_IOU[1].match(after)) or (_CONDITION[0].search(before) and _CONDITION[1].match(after)) or (
            (_CONDITION[0].search(before) or _CONDITION_LIST.search(before)) and _BUDGET_AFTER.match(text, m.end())):
        return False  # "at 50% IoU", "at 50% expert sparsity": the condition, not the result
    if _SETTING_BEFORE.search(text, max(0, m.start() - 70), m.start()) or _SETTING_TAIL.search(text, max(0, m.start() - 30), m.start()):
        return False
    if unit == "x" and re.match(r"\s*(?:[\w-]+\s+)?validation\b", after):
        return False  # "under 5-fold validation": a protocol
    if unit != "abs":
        return not _SIZE_AFTER.match(after) or bool(_ONLY_BEFORE.search(before))  # "only 35% the size": a saving
    if re.match(r"\d{4}$", m.group("a")) and 1900 < float(m.group("a")) < 2100:
        return False
    if "." in m.group("a") and _FROM_TAG_TO.search(text, max(0, m.start() - 150), m.start()):
        return True  # "the PTV Score was reduced from 1.544 (MAE) to 0.491", "F1 improved from 0.7692 in the zero-shot setting to 0.8619"
    if _joined_by_to(m) and _FROM_TO_CHANGE.search(text[max(0, m.start() - 90) : m.start()]) \
            and not _RANGE_FROM.search(text, max(0, m.start() - 40), m.start()):
        return True  # "reducing its size from 12B to 2B": a change, whatever its unit
    if _LEVEL_AFTER.match(after):
        return True  # "31 images/s" before "31 images"
    if _ONLY_COST[0].search(text, max(0, m.start() - 30), m.start()) and _ONLY_COST[1].match(after):
        return True  # "requiring only 3.9 GB of memory", "in just 0.1 GPU days": a cost of the method
    if _SETUP_AFTER.match(after):
        return False
    if _CHANGED_TO.search(text[max(0, m.start() - 80) : m.start()]) and ("." in m.group("a") or _TIME_OR_SIZE_AFTER.match(after)):
        return True  # "improves IS to 316.9", "reducing GPU memory to 6.1 GB": the level a change reaches
    if _GAIN_BY.search(text[max(0, m.start() - 110) : m.start()]):
        return True
    if _RANK_AFTER.match(after) or (_RANK_BEFORE.search(before) and re.match(r"(?:st|nd|rd|th)\b|\s+(?:out\s+)?of\s+\d", after)) or (
        _RANK_ON.match(after) and not _THE_BEFORE.search(before)
    ):
        return True
    if (_SECONDS.match(after) and _SECONDS_BEFORE.search(before)) or (_PAREN_TIME[0].search(before) and _PAREN_TIME[1].match(after)) or (
            _LONG_TIME[1].match(after) and _LONG_TIME[0].search(text, max(0, m.start() - 30), m.start())):
        return True
    decimal = "." in m.group("a")
    if _LEVEL_BEFORE.search(before) and (decimal or not (_POINT_EQUALS.search(before) or _COUNT_OF.search(before))):
        return True
    if decimal and (_DECIMAL_LEVEL_BEFORE.search(before) or _METRIC_BOUND.search(text, max(0, m.start() - 40), m.start())
                    or _BEST_OF.search(text, max(0, m.start() - 60), m.start())):
        return True
    if decimal and _METRIC_PAREN.search(text[max(0, m.start() - 60) : m.start()]) and _PAREN_CLOSE.match(after):
        return True  # "achieves high accuracy (0.94)", "the lowest bits-per-character (1.425)"
    if _ERROR_WITHIN.search(text, max(0, m.start() - 45), m.start()) and re.match(r"\s?(?:°|degrees?|deg\b|mm\b|cm\b|m\b|px\b|pixels?\b)", after):
        return True  # "joint angle errors within 3 degrees", "a height accuracy of approximately 3 cm"
    if decimal and _RATE_AFTER.match(after):
        return True  # "with 0.968 precision and 0.978 recall", "(up to 0.69 agreement)"
    if decimal and (later := _LATER_MEMBERS.match(text, m.end())) and (
            _ABS_AFTER.match(text, later.end()) or ((word := _MODIFIER.match(text, later.end())) and _ABS_AFTER.match(text, word.end()))):
        return True  # "up to 25.5 and 12.9 relative improvement": the metric closing the list names each member
    if decimal and (word := _MODIFIER.match(text, m.end())) and _ABS_AFTER.match(text, word.end()):
        return True  # "11.1 zero-shot mAP", "0.1 higher mAP@0.5", "0.777 LLM score" (whole numbers there count: "767 scoring points")
    if re.search(r"[\w)]\s\+\s+$", before):
        return False  # "6D pose + 3Dsize", "23 + 45 = 68": a sum, not a gain
    if not decimal and re.search(r"(?:[αβγλτεδησ]|\\(?:alpha|beta|gamma|lambda|tau|epsilon|delta|eta|sigma))\s*[<>≤≥]\s*$", before):
        return False  # "flattening it (α< 1)": a setting of a parameter
    if not decimal and float(m.group("a").replace(",", "")) >= 1000 and re.match(r"\s?points\b", after):
        return False  # "each with 500,000 points": a count of points, not a gain in points
    return bool(_ABS_AFTER.match(after) or _ABS_BEFORE.search(before) or _VERSUS_AFTER.match(after) or m.group("cur")
                or m.groupdict().get("outof")) or None  # "a mean score of 54.1/100", "(4.548/5)": a score on a scale
