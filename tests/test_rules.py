"""Table-driven cases for the rules: residue, quantities, URLs, names, labels, and the pipeline's evidence."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.backends.fake import FakeBackend
from extractor.candidates import clean_url, find_quantities, find_urls, pick_code_url
from extractor.names import find_names
from extractor.extract import Settings, draft_extraction, extract_paper
from extractor.learned.fields import REVIEW_BELOW
from extractor.labels import guess_architecture, guess_domain, label_claims, task_candidates
from extractor.normalize import normalize
from extractor.schema import Paper

RESIDUE = [
    (r"up to 20.6times faster", "up to 20.6× faster"),
    (r"($ρ= .81$), R^2 = .68-.84, p<.05, 3.5 and .5 x", "(ρ= 0.81), R^2 = 0.68-0.84, p<0.05, 3.5 and .5 x"),
    (r"a merely sim0.6 point decrease", "a merely ~0.6 point decrease"),
    (r"sim7\% fewer", "~7% fewer"),
    (r"2.4 sim 6.5 times", "2.4 ~6.5×"),
    (r"by 30\% and", "by 30% and"),
    (r'LL\"aMmlein 120M', "LLäMmlein 120M"),
    (r"{\em entropy collapse} in", "entropy collapse in"),
    (r"requires \textless2MB of", "requires <2MB of"),
    ("hard\nline break", "hard line break"),
    # LaTeX math straight from arXiv: delimiters vanish, macros print what they mean
    (r"3.1$\times$ faster", "3.1× faster"),
    (r"by $\sim$5$\times$", "by ~5×"),
    (r"0.92 $\pm$ 0.03", "0.92 ± 0.03"),
    (r"R$^{2}$ of $10^6$", "R^2 of 10^6"),
    (r"reaches \textbf{78.27\%}", "reaches 78.27%"),
    (r"by over \textbf{79$\times$}", "by over 79×"),
    (r"is $\mathbf{2.1\times}$", "is 2.1×"),
    (r"only ${\approx}0.16$\,GFLOPs", "only ≈0.16 GFLOPs"),
    (r"$>$25 points", ">25 points"),
    (r"$\sim\!6\times$", "~6×"),
    (r"\emph{fast}", "fast"),
    ("error under 0.4~mm", "error under 0.4 mm"),  # a tie is a space
    (r"costs $5 and $10", "costs $5 and $10"),  # money, not math
    (r"(\(81.1\%\) reduction) and a \(1.38\times\) speed-up", "(81.1% reduction) and a 1.38× speed-up"),  # \( \) delimit math too
]


@pytest.mark.parametrize("raw,expected", RESIDUE)
def test_residue_is_normalised_and_maps_back(raw: str, expected: str):
    norm = normalize(raw)
    assert norm.text == expected
    a, b = norm.raw_span(0, len(norm.text))
    assert b == len(raw)  # the last clean character maps to the end of the raw text
    assert a == 0  # and the first to its start: vanished markup folds into its neighbour


QUANTITIES = [
    ("achieves 20.6times speedup", [(20.6, None, "x", "exact")]),
    ("up to 3.65 times higher throughput", [(3.65, None, "x", "up-to")]),
    ("PIM-GPT achieves 41-137times, 631-1074times speedup", [(41, 137, "x", "exact"), (631, 1074, "x", "exact")]),
    ("2.4 sim 6.5 times inference speedups", [(2.4, 6.5, "x", "exact")]),
    (r"reduces memory by 75.8\%", [(75.8, None, "%", "exact")]),
    ("approximately 2x speedup", [(2.0, None, "x", "about")]),
    ("over 75% of neurons", [(75.0, None, "%", "at-least")]),
    ("up to 3x fewer tokens and 30% fewer passes", [(3, None, "x", "up-to"), (30, None, "%", "up-to")]),
    ("reducing the original parameter size by 1/3 to 2/3", [(33.3, 66.7, "%", "exact")]),
    ("two orders of magnitude smaller", [(100, None, "x", "about")]),
    ("a SARI score of 46.54", [(46.54, None, "abs", "exact")]),
    ("better simplicity (2.9 vs. 2.2)", [(2.9, None, "abs", "exact")]),
    ("requires \\textless2MB of storage", [(2, None, "abs", "up-to")]),
    ("it improves intelligibility from 28.9 to 5.6 and quality from 2.68 to 3.90", [(5.6, None, "abs", "exact"), (3.9, None, "abs", "exact")]),
    ("improvements in both speech intelligibility from 28.9 to 5.6 and objective quality from 2.68 to 3.90.",
     [(5.6, None, "abs", "exact"), (3.9, None, "abs", "exact")]),
    ("EM +8.6 on NQ, 3.6-11.5 improvements in exact match, 73.76 CodeBLEU", [(8.6, None, "abs", "exact"), (3.6, 11.5, "abs", "exact"), (73.76, None, "abs", "exact")]),
    ("gains of up to +2.72% nDCG", [(2.72, None, "%", "up-to")]),
    # a bare number after "outperforms ... by" is the size of the gain; percentage points, dB and mIoU are units of one
    ("surpassing prior methods by 1.2 and 3.4 on X, and by at least 3.5 on Y", [(1.2, None, "abs", "exact"), (3.4, None, "abs", "exact"),
                                                                              (3.5, None, "abs", "at-least")]),
    ("beats it by 15.8 percentage points, 0.5 dB and 0.7 mIoU, and accuracy by 2.5 percent", [
        (15.8, None, "%", "exact"), (0.5, None, "abs", "exact"), (0.7, None, "abs", "exact"), (2.5, None, "%", "exact")]),
    ("we improve it by 2 layers", []),
    # set-up numbers are not results
    ("We train 7B and 40B models on 5 languages in 2023", []),
    ("GPT-4 and T5 on 10 tasks", []),
    ("it matches the 70x larger model; pruning at 25% of total compute; the (K+1) token", []),
    # no number is read out of another one ("864" of "0.864", "000x" of "10,000x"); "0.864/0.837" are two scores
    ("F1 scores of 0.864/0.837 and a 30x-10,000x speedup",
     [(0.864, None, "abs", "exact"), (0.837, None, "abs", "exact"), (30, 10000, "x", "exact")]),
    ("accuracy rose (p<0.05) with $40+$ datasets, 2D + 3D data and a 5-point scale", []),
    # the number after "compared to" is the baseline's, not a claim
    ("a decrease in speed of around 1% compared to a 43.64% slowdown for a baseline", [(1, None, "%", "about")]),
    # LaTeX math is read through
    (r"achieves a $2.4\times$ speedup and 3.1$\times$ less memory", [(2.4, None, "x", "exact"), (3.1, None, "x", "exact")]),
    (r"by $\sim$5$\times$ and up to \textbf{79$\times$} faster", [(5, None, "x", "about"), (79, None, "x", "up-to")]),
    (r"uses ${\sim}19\%$ less memory and $>$25 accuracy points", [(19, None, "%", "about"), (25, None, "abs", "at-least")]),
    (r"achieves $6\times$~$58\times$ speedup", [(6, 58, "x", "exact")]),
    # percentage points are percent; signs are read off; "a/b" of percents are two numbers
    ("improves SR by 5.0 percentage points and MAML lifts F1 by 2-6 pp, +44pp on X", [(5, None, "%", "exact"), (2, 6, "%", "exact"), (44, None, "%", "exact")]),
    (r"accuracy drops of only -2.94\%, -1.42\%", [(2.94, None, "%", "exact"), (1.42, None, "%", "exact")]),
    ("gains of up to 2.01%/1.27% in detection", [(2.01, None, "%", "up-to"), (1.27, None, "%", "up-to")]),
    # speed-ups without an x
    ("reducing parameters by a factor of 15.6 and throughput by a factor of 1.2 to 6.3", [(15.6, None, "x", "exact"), (1.2, 6.3, "x", "exact")]),
    ("achieves up to 4.14 speedup. We get a 2.2 wall-clock speedup. It has a speedup factor of 15", [(4.14, None, "x", "up-to"), (2.2, None, "x", "exact"), (15, None, "x", "exact")]),
    ("a speedup ranging from 2.3 to 128.4 times", [(2.3, 128.4, "x", "exact")]),
    # numbers in words
    ("five times lower latency and a three-fold speed-up", [(5, None, "x", "exact"), (3, None, "x", "exact")]),
    ("it cuts cost by thirty and twenty percent respectively", [(30, None, "%", "exact"), (20, None, "%", "exact")]),
    ("an order of magnitude less memory", [(10, None, "x", "about")]),
    ("using only a quarter of the parameters, or only 1/5 the total", [(25, None, "%", "exact"), (20, None, "%", "exact")]),
    ("reduces the gap by at least half the bias", [(50, None, "%", "at-least")]),
    ("over fifty times more likely", [(50, None, "x", "at-least")]),
    ("it cuts memory by up to a factor of two and rank by a factor of eight (8×)", [(2, None, "x", "up-to"), (8, None, "x", "exact")]),
    # decimals written without their leading zero ("ρ= .81", "$R^2 = .68$-$.84$"); p-values stay statistics ("p = <.001")
    (r"consistent ($ρ= .81$ across 45 pairs) and ($R^2 = .68$-$.84$ across models), p = <.001", [(0.81, None, "abs", "exact"), (0.68, 0.84, "abs", "exact")]),
    # a score on a scale ("54.1/100", "4.548/5"); a share ("only 1/5 the memory") and "CIFAR-10/100" are not scores
    ("LLMs reach a mean score of 54.1/100 and the best (4.548/5), with only 1/5 GPU memory on CIFAR-10/100",
     [(54.1, None, "abs", "exact"), (4.548, None, "abs", "exact"), (20, None, "%", "exact")]),
    # an "A to B" listed right after a change is a change too, without its "from"; a plain range stays a range
    ("WER falls from 51.56 to 39.82 before augmentation (and 51.56 to 43.59 after), mAP gains from 0.66 to 0.70, 0.64 to 0.67",
     [(39.82, None, "abs", "exact"), (43.59, None, "abs", "exact"), (0.70, None, "abs", "exact"), (0.67, None, "abs", "exact")]),
    # a bound on either end of a change ("from around 55% to over 85%", "from 112 to just 23"); "spans from roughly 10s to 30 mins" is a range
    ("accuracy improves from around 55% to over 85%. Length drops from 112 to just 23 tokens. Error falls from 3% to less than 1%",
     [(85, None, "%", "at-least"), (23, None, "abs", "exact"), (1, None, "%", "up-to")]),
    ("improvements over datasets: video duration spans from roughly 10s to 30 mins", []),
    # list members tagged before their phrase: "0.97 (±0.013) for whole organs, 0.96", "13.59m outdoors in X, and 3.45m"
    ("DSC values of 0.97 (±0.013) for whole organs, 0.96 (±0.024) for tissue; an RMSE of 0.55m indoors, 13.59m outdoors in DeepMIMO, and 3.45m in ViWi",
     [(0.97, None, "abs", "exact"), (0.96, None, "abs", "exact"), (0.55, None, "abs", "exact"), (13.59, None, "abs", "exact"), (3.45, None, "abs", "exact")]),
    # a change whose two ends carry their unit: "from 8.21 G to 1.55 G", "from 8 FPS to 15 FPS", "SI-SDR 1.98dB to 3.35dB (+69.19%)"
    ("reducing FLOPs from 8.21 G to 1.55 G. It increased the frame rate from 8 FPS to 15 FPS. SI-SDR 1.98dB to 3.35dB (+69.19%)",
     [(1.55, None, "abs", "exact"), (15, None, "abs", "exact"), (3.35, None, "abs", "exact"), (69.19, None, "%", "exact")]),
    # a time a run takes, in words ("a" only after a bound: "in a second stage" is an ordinal)
    ("it trains on one GPU in four days and stylizes in less than a second, within one minute in a second stage",
     [(4, None, "abs", "exact"), (1, None, "abs", "up-to"), (1, None, "abs", "up-to")]),
    # absolute levels reached: named before with "of", "=", a verb of reaching, or a speed/time unit after
    ("it runs at 13.2 fps with a latency as low as 289ms and a PDMS of 90.3", [(13.2, None, "abs", "exact"), (289, None, "abs", "up-to"), (90.3, None, "abs", "exact")]),
    ("SSIM = 0.920 and Cohen's d = 0.504 with k=2; TDT achieves 0.855 AUROC and 0.285 mAP50", [(0.92, None, "abs", "exact"), (0.504, None, "abs", "exact"), (0.855, None, "abs", "exact"), (0.285, None, "abs", "exact")]),
    ("it ranks 2nd place and is 3rd on Track 1", [(2, None, "abs", "exact"), (3, None, "abs", "exact")]),
    ("we placed 4th on Track 2 and 1st for Greek, on the 4th of July", [(4, None, "abs", "exact"), (1, None, "abs", "exact")]),
    ("76.4% mIoU at 31 images/s; 87.4 top-1 accuracy; 63.8 +/- 3.1% edge mAP; an improved TOP 1 score of 0.553",
     [(76.4, None, "%", "exact"), (31, None, "abs", "exact"), (87.4, None, "abs", "exact"), (63.8, None, "%", "exact"), (0.553, None, "abs", "exact")]),
    ("reducing its size from 12B to 2B", [(2, None, "abs", "exact")]),
    ("an mAP@50 of 0.964, a mIoU of 0.848, a sensitivity of 0.94 and specificity of 0.98; with 8 of 10 runs",
     [(0.964, None, "abs", "exact"), (0.848, None, "abs", "exact"), (0.94, None, "abs", "exact"), (0.98, None, "abs", "exact")]),
    # a level named by an acronym in parentheses, a gain in absolute points, examples after "such as"
    ("it reaches a Character Error Rate (CER) of 9.99 and beats the next best by >7.0 absolute points",
     [(9.99, None, "abs", "exact"), (7.0, None, "abs", "at-least")]),
    ("tasks such as image classification (87.4 top-1 accuracy on ImageNet-1K)", [(87.4, None, "abs", "exact")]),
    # statistics and the baselines' own numbers are not claims
    ("a difference of 0.78 points (95% CI 0.69-0.87)", [(0.78, None, "abs", "exact")]),
    ("a median Dice coefficient of 0.79 [IQR: 0.77-0.81]", [(0.79, None, "abs", "exact")]),
    ("a mean Average Precision of 0.984 at Intersection over Union (IoU) of 0.5; (YOLOv11m, IoU = 0.5); an IoU of 62.5%",
     [(0.984, None, "abs", "exact"), (62.5, None, "%", "exact")]),
    ("outperforming geometric (75.3%) and learned (60.2%) methods", []),
    ("it improves over prior methods (6.1% increase in recall) and beats X (71.2%)", [(6.1, None, "%", "exact")]),
    ("it steps: 1) encode 2) decode", []),
    ("a Cultural Probe Dataset (CPD) of 200 prompts", []),
    ("Our contributions are threefold: (i) we", []),
    ("using 5-fold stratified cross-validation; it extends v1 (arXiv:2605.28062)", []),
    # an opening sentence of background, when the paper speaks of its own work only later
    ("Modern LLMs reach 60-70% accuracy on hard cases. We propose X, which reaches 80% accuracy.", [(80, None, "%", "exact")]),
    ("X reaches 80% accuracy on hard cases. It is 2x faster than Y.", [(80, None, "%", "exact"), (2, None, "x", "exact")]),
    # a change after "e.g.", a size that is a saving
    ("a memory reduction (e.g., from 15.8 GB to 3.2 GB); backbones only 35% the size of the original",
     [(3.2, None, "abs", "exact"), (35, None, "%", "exact")]),
    # a bare decimal listed after a result of the same unit is one too; whole numbers in a list may be settings
    ("reaching IoU scores of 71.25, 64.80, and 58.13 on three sets", [(71.25, None, "abs", "exact"), (64.8, None, "abs", "exact"), (58.13, None, "abs", "exact")]),
    ("it lifts the mean by 2.4 points on Set-1, 1.7 on Set-2 and 3.1 on Set-3", [(2.4, None, "abs", "exact"), (1.7, None, "abs", "exact"), (3.1, None, "abs", "exact")]),
    ("it reaches a score of 41.2 on one split and 12 on another", [(41.2, None, "abs", "exact")]),
    ("it reaches 50.2 mAP on one split and 55.7 NDS on another; an error of 0.42m indoors, 3.15m outdoors",
     [(50.2, None, "abs", "exact"), (55.7, None, "abs", "exact"), (0.42, None, "abs", "exact"), (3.15, None, "abs", "exact")]),
    # the level a change reaches, without "from": a decimal, or a number with a time or size unit
    ("it lowers the mean error to 0.412 and cuts peak memory to 5 GB", [(0.412, None, "abs", "exact"), (5, None, "abs", "exact")]),
    ("adding the prior drops recall to 0.615; it brings decoding time to about 2 seconds", [(0.615, None, "abs", "exact"), (2, None, "abs", "about")]),
    ("it raises the number of agents to 12 and lifts 2D features to 3D", []),
    # a decimal named right before by a metric or a verb of scoring; whole numbers there are versions or counts
    ("the probe reaches AUC 0.812, recall 0.774; it scores 48.3 on one set and exceeds 0.90 agreement", [
        (0.812, None, "abs", "exact"), (0.774, None, "abs", "exact"), (48.3, None, "abs", "exact"), (0.9, None, "abs", "exact")]),
    ("a median Dice score over 0.91 and a boundary distance under 0.7 mm", [(0.91, None, "abs", "at-least"), (0.7, None, "abs", "up-to")]),
    ("the held-out accuracy was 0.874 and its AUROC around 0.81", [(0.874, None, "abs", "exact"), (0.81, None, "abs", "about")]),
    ("scoring 40 agents with Gemini 2.5 and Llama 3.1", []),
    # a decimal in parentheses right after its metric or a superlative; a setting in parentheses is not a result
    ("it shows high specificity (0.931) and the lowest error-rate-score (1.208), with a learning rate (0.0003)",
     [(0.931, None, "abs", "exact"), (1.208, None, "abs", "exact")]),
    # "A to B" marked as a change (from the baseline of A, in parentheses after a verb of change, with its delta, or an arrow)
    ("it lifts recall from a default prior of 31.5% to 64.2%; it boosts accuracy (12.5% to 40.1%); BLEU 21.07 to 24.39 (+3.3)",
     [(64.2, None, "%", "exact"), (40.1, None, "%", "exact"), (24.39, None, "abs", "exact"), (3.3, None, "abs", "exact")]),
    ("quality rises from 0.612 to 0.655 and solved cases go 12 -> 19; counts ranging from 0.5 to 2.5. Tiles run from 3 to 10 cm per pixel",
     [(0.655, None, "abs", "exact"), (19, None, "abs", "exact")]),
    ("it gains +12pp on X (40 -> 52)", [(12, None, "%", "exact")]),  # the pair restates the gain
    ("a 1.4x to 3.5x speedup, and it doubles the held-out accuracy on the real, unseen user dialogues (8.5% to 17.2%)",
     [(1.4, 3.5, "x", "exact"), (17.2, None, "%", "exact")]),
    # settings, thresholds and metric names are not results
    ("sampled at T=0.2 and T=0.9 with threshold t=0.55; it correlates at r=0.91", [(0.91, None, "abs", "exact")]),
    ("labels were validated with high agreement (Cohen's kappa = 0.87); mAP at 50% IoU is 61.2%; the 95% Hausdorff distance drops",
     [(61.2, None, "%", "exact")]),
    ("it keeps 91.5% accuracy at 60% weight sparsity and under 20% label noise, and runs at 30 percent masking ratio",
     [(91.5, None, "%", "exact")]),
    ("the Test Set of 350 cases, Pass@1 and Recall@10, matter in the first place", []),
    ("runs with (depth=3) and (top_k=5) keep MAE = 412 cm^2", [(412, None, "abs", "exact")]),
    ("signals at a sampling rate of 50 Hz with a batch size of 8 reach an error rate of 0.042", [(0.042, None, "abs", "exact")]),
    ("it needs only 2.5 GB of memory and just 0.3 GPU days, with only 1.2M parameters and only 300 examples",
     [(2.5, None, "abs", "exact"), (0.3, None, "abs", "exact")]),
    ("the sweep, yielding 1,250 graded answers, obtains 0.83 F-measure and yields 0.61 on the hard split",
     [(0.83, None, "abs", "exact"), (0.61, None, "abs", "exact")]),
    # a fit or a rank correlation reached: R^2, rho
    (r"the regressor explains the yields well ($R^2 = 0.83$), ranks agree (Spearman $\rho=0.71$) at the 12 sites",
     [(0.83, None, "abs", "exact"), (0.71, None, "abs", "exact")]),
    # a baseline's level named in parentheses right after the comparison; an arrow there is still a change
    ("ours (AUC = 0.91) outperforms the CNN (AUC = 0.84) and lifts accuracy over baselines (accuracy: 0.61 → 0.72)",
     [(0.91, None, "abs", "exact"), (0.72, None, "abs", "exact")]),
    # "A unit vs B unit" after a comparison: the first is ours
    ("it is faster than the prior variant (139.8 ms vs. 145.9 ms)", [(139.8, None, "abs", "exact")]),
    # a time in parentheses is what a run takes; minutes there are a length of data
    ("it renders previews (0.02s) and edits (~3 seconds on one GPU) for clips (20-90 minutes long)",
     [(0.02, None, "abs", "exact"), (3, None, "abs", "about")]),
    # decimals split by slashes are one list: each member a result when the list is; versions and fractions are not
    ("Dice scores of 0.91/0.84 vs 0.90/0.83, 61.2/58.7/55.1 F1 and by 1.20/3.45 pp, on SD 3/3.5 and AIME 24/25",
     [(0.91, None, "abs", "exact"), (0.84, None, "abs", "exact"), (61.2, None, "abs", "exact"), (58.7, None, "abs", "exact"),
      (55.1, None, "abs", "exact"), (1.2, None, "%", "exact"), (3.45, None, "%", "exact")]),
    # a decimal a metric reaches with a bound in between; whole numbers there stay out
    ("it reaches an accuracy of up to 0.74, an F1 score > 0.81 and Kappa about 0.6, with accuracy up to 32 turns",
     [(0.74, None, "abs", "up-to"), (0.81, None, "abs", "at-least"), (0.6, None, "abs", "about")]),
    # a LaTeX double dash joins a range like a dash ("30--35%"); years joined so stay out
    (r"it cuts tokens by 30--35\% and runs 15--150 times faster over 2012--2024",
     [(30, 35, "%", "exact"), (15, 150, "x", "exact")]),
    ("the model shows DSC values of 0.95 for organs and threshold values of 3", [(0.95, None, "abs", "exact")]),
    # a bare number a verb of speed-up goes "by" is a multiple, as "a 4.14 speedup" is (SCHEMA: a ratio of speeds)
    ("it speeds up decoding by 2.23 and reduces compute by approximately 24 GFLOPs", [(2.23, None, "x", "exact"), (24, None, "abs", "about")]),
    # "X-ray" is no multiple; "+-" is a plus-minus like "±" (the spread is no result, its unit is the value's)
    ("it holds 110,000 X-ray scans and reaches accuracy of 90.85 +- 2.22% and 98.64 +- 2.43%",
     [(90.85, None, "%", "exact"), (98.64, None, "%", "exact")]),
    # "five-fold cross-validation" is a protocol; the unit closing a list is each member's
    ("under five-fold cross-validation it reaches dice scores of 83.28, 87.44, and 84.50%",
     [(83.28, None, "%", "exact"), (87.44, None, "%", "exact"), (84.5, None, "%", "exact")]),
    # a list of baselines' numbers in parentheses stays the baselines', however far it runs from the comparison
    ("ours reaches 84.3%, outperforming off-the-shelf models including spaCy (74.3%), BioBERT-SQuAD (62.3%), "
     "RoBERTa-SQuAD (59.7%), and GLiNER (60.2%)", [(84.3, None, "%", "exact")]),
    # ... but a change in parentheses after a verb of change is ours, even after a comparison
    ("it outperforms a baseline YOLOv5m model, achieving a significant mAP@0.5 boost (31.12% to 46.61%)",
     [(46.61, None, "%", "exact")]),
    # the record beaten is a baseline's number; "evaluated against" a data set is no comparison
    ("it reaches a Dice of 90% on Prostate, which exceeds previous SOTA of 88.61%", [(90, None, "%", "exact")]),
    ("evaluated against the Aegis dataset, it keeps high accuracy (0.921)", [(0.921, None, "abs", "exact")]),
    # shares of a data split and thresholds are set-up
    ("the data was split into training (70%), testing (15%) and validation (15%) sets, with a (30% threshold)", []),
    # levels a superlative or a metric names ("cIoU"), and a size a model is quantized to
    ("it reaches the highest rule of thirds alignment of 0.817, 58.3 cIoU, and can be quantized to 2.5GB with INT8",
     [(0.817, None, "abs", "exact"), (58.3, None, "abs", "exact"), (2.5, None, "abs", "exact")]),
    # a set-up count stays one with a word between it and what it counts; a fraction takes "approximately"
    ("fine-tuning with less than 1,000 synthetic samples reaches an R-squared of 0.8987 for images",
     [(0.8987, None, "abs", "exact")]),
    ("it matches the baseline while using approximately one-third of the total parameters", [(33.3, None, "%", "about")]),
    # settings, sample sizes, capture rates and counts of points are set-up, not results
    ("it gains 0.65 dB at QP = 22 and halves the time compared to QP = 42, by 9.9 dB (NMSE, SNR = 20 dB)",
     [(0.65, None, "abs", "exact"), (9.9, None, "abs", "exact")]),
    ("a study (N=101 vs. N=246) of videos captured at 30 FPS, 2,577 point clouds each with 500,000 points; +3 points", [(3, None, "abs", "exact")]),
    # a decimal a verb of reaching names after "of", a few words on; a throughput in GB/s
    ("achieving a global Pearson correlation coefficient of 0.96 and speeds of up to 8.7 GB/s",
     [(0.96, None, "abs", "exact"), (8.7, None, "abs", "up-to")]),
    # one word between a decimal and its metric; a time "as fast as"; a perplexity "as low as"
    ("we achieve 11.1 zero-shot mAP and 12.9 relative improvement, in as fast as 1.2 seconds, with perplexity as low as 2.90",
     [(11.1, None, "abs", "exact"), (12.9, None, "abs", "exact"), (1.2, None, "abs", "up-to"), (2.9, None, "abs", "up-to")]),
    ("it is trained on 3,743 raw scans with 767 scoring points", []),
    # a decimal before precision, recall or agreement is the level reached
    ("it attained 99.18% mAP50 with 0.968 precision and 0.978 recall (up to 0.69 agreement)",
     [(99.18, None, "%", "exact"), (0.968, None, "abs", "exact"), (0.978, None, "abs", "exact"), (0.69, None, "abs", "up-to")]),
    # a rank "N out of M teams"; a decimal called state-of-the-art
    ("our systems ranked 7 out of 20 teams, with a gFID of 1.44 at 256 and a state-of-the-art 1.52 at 512",
     [(7, None, "abs", "exact"), (1.44, None, "abs", "exact"), (1.52, None, "abs", "exact")]),
    # list members may be dash ranges, and the place they were measured on may hold a parenthesis
    ("achieving kappa values of 0.98 (PE detection), 0.65-0.75 (PE location), and 0.48-0.51 (strain)",
     [(0.98, None, "abs", "exact"), (0.65, 0.75, "abs", "exact"), (0.48, 0.51, "abs", "exact")]),
    ("an MRE of 1.5 mm on the Mandibular Molar Landmark (MML) dental CT dataset and 1.2 mm for fiducials",
     [(1.5, None, "abs", "exact"), (1.2, None, "abs", "exact")]),
    # numbers in parentheses after "matching", "comparable to", "unlike" are the baselines'; so are the later members of a
    # list of baselines' numbers ("(AUC = 0.68) and BBM-based (AUC = 0.73)", "against 20% (PnP) and 10% (h-Edit)")
    ("ours reaches 34.3%, matching the Qwen-72B baseline (34.4%), unlike system prompting (3-4% shifts)", [(34.3, None, "%", "exact")]),
    ("ours (AUC = 0.78) outperforms T1-based (AUC = 0.68) and BBM-based (AUC = 0.73) models", [(0.78, None, "abs", "exact")]),
    ("it achieves 75% dye removal against 20% (PnP) and 10% (h-Edit)", [(75, None, "%", "exact")]),
    ("it improves success at matched denoiser budgets by 9.11 points, with (3.1%) overhead",
     [(9.11, None, "abs", "exact"), (3.1, None, "%", "exact")]),
    # a parameter set below or above a bound, a rating scale: set-up
    ("sharpening it (α> 1) or flattening it (α< 1), with 5-point scalar ratings", []),
    # a Spearman rho scraped as "\r{ho}"; a decimal drop; a time per scene; a decimal gain "of"; a change with tagged ends
    (r"a Spearman correlation of \r{ho} = 0.68, a marginal 0.83 drop, runs at 0.14 seconds per scene, average gains of 5.32",
     [(0.68, None, "abs", "exact"), (0.83, None, "abs", "exact"), (0.14, None, "abs", "exact"), (5.32, None, "abs", "exact")]),
    ("the PTV Score was reduced from 1.544 (MAE) to 0.491 (MAE + CDM); F1 improved from 0.7692 in the zero-shot setting to 0.8619",
     [(0.491, None, "abs", "exact"), (0.8619, None, "abs", "exact")]),
    # numbers in sentences on others' work, before the paper speaks of its own, are not results
    ("Detection matters. Many recent detectors report AUROC scores above 99%. We propose X, which reaches 91.2% accuracy.",
     [(91.2, None, "%", "exact")]),
    ("Agents loop. Current solutions include judge monitoring (10-15% overhead per step). Our method cuts loops by 52%.",
     [(52, None, "%", "exact")]),
    ("Notes matter. In the MIMIC-III dataset, only about 8.56% of visits include notes. We propose X, reaching 0.91 F1.",
     [(0.91, None, "abs", "exact")]),
    ("Models are big. Despite this, the model is deployable, weighting only 6.6 GiB. We release it; it reaches 0.91 F1.",
     [(6.6, None, "abs", "exact"), (0.91, None, "abs", "exact")]),
    # a confidence interval after "CI,"; a baseline's level "of"; what another model is trained on
    ("our model reaches accuracy of 92.39% (95% CI, 90.70%-94.07%), compared to the human baseline of 91%, like TinyLlama, "
     "which is trained on 10× more data; we establish a strong initial baseline of 0.78 F1",
     [(92.39, None, "%", "exact"), (0.78, None, "abs", "exact")]),
    ("it raises H@1 from a never-demote baseline of 45.1% to 95.7%", [(95.7, None, "%", "exact")]),
    # gFID is a metric; a number in parentheses after "below"/"trailing" is the one ahead's
    ("it achieves a notable 1.60 gFID and an accuracy of 94.8%, slightly below BERT (95.3%)",
     [(1.6, None, "abs", "exact"), (94.8, None, "%", "exact")]),
    # a size in KB alone is no result ("a single 150KB steering image"); a small one after "merely" still is
    ("a single 150KB steering image, 7KB superquadric parameters, an average frame size of merely 43 KB",
     [(43, None, "abs", "exact")]),
    # minutes or hours a run takes are a result (a budget for training); an acquisition time and lengths of data are set-up
    ("hashing completes in under 2 minutes and is boosted further within 30 minutes; a scan acquired in under 4 minutes, "
     "clips (50-170 minutes long) and 9.1 hours of video", [(2, None, "abs", "up-to"), (30, None, "abs", "up-to")]),
    # a decimal after "curve of", "coefficients of", "results of", "mean of", "difference of"; "an average of" stays a statistic
    ("with an area under the curve of 0.93, Pearson coefficients of 0.63, results of 11.54 mm/h, an average of 2.8 clusters",
     [(0.93, None, "abs", "exact"), (0.63, None, "abs", "exact"), (11.54, None, "abs", "exact")]),
    # "less than 5%" is a bound, not a comparison: the number in parentheses after it is ours
    ("the pipeline runs with less than 5% worst case overhead (1.2% in the optimized release)",
     [(5, None, "%", "up-to"), (1.2, None, "%", "exact")]),
    # a plus between two terms is a sum, not a gain; a plus sign on its own still is
    ('the calculation "23 + 45 = 68" and 9-DoF pose (6D pose + 3Dsize); it gains +2.4 points', [(2.4, None, "abs", "exact")]),
    # "are twofold:" counts parts; chance is a baseline
    ("The key challenges are twofold: speed and memory. The results were twofold and surprising, where random chance is 50%; "
     "ours is twofold faster", [(2, None, "x", "exact")]),
    # a multiple in words before "larger" sizes the set-up, as for digits; "smaller" stays a saving
    ("the dataset is an order of magnitude larger than existing ones and six times larger; the model is five times smaller",
     [(5, None, "x", "exact")]),
    # "five-fold validation" and "5-fold CV" are protocols; "87.0% validation accuracy" is a result
    ("under five-fold validation and a standard 5-fold CV ensemble it achieves 87.0% validation accuracy",
     [(87.0, None, "%", "exact")]),
    # a level "found to be"; the metric closing a list names each member; "compared to X with N" is X's
    ("the mean absolute error was found to be 0.018, up to 25.5 and 12.9 relative improvement, an AUC of 0.750 compared to "
     "CheXZero with 0.746 AUC", [(0.018, None, "abs", "exact"), (25.5, None, "abs", "up-to"), (12.9, None, "abs", "up-to"),
                               (0.75, None, "abs", "exact")]),
    # humans' levels are a reference, not the method's result; a CI bound with its unit
    ("ours reaches 59.2%, while the estimated human performance is ~81.1% and human annotators achieved 91% accuracy; "
     "it trails by 5.05pp (CI [-10.2pp, -0.9pp])", [(59.2, None, "%", "exact"), (5.05, None, "%", "exact")]),
    # LaTeX \( \) math: read through; settings "under 3x and 6x compression budgets"; a pp list's unit for each member
    (r"under \(3\times\) and \(6\times\) compression budgets, it cuts FLOPs (\(81.1\%\) reduction) with a \(1.38\times\) "
     r"speed-up, improving by \(9.11\) and \(10.46\) percentage points",
     [(81.1, None, "%", "exact"), (1.38, None, "x", "exact"), (9.11, None, "%", "exact"), (10.46, None, "%", "exact")]),
    # a decimal in parentheses after a superlative a few words back, or after a metric "on" a task
    ("it achieves the best results, with top performance on abuse detection (0.718) and competitive scores on peer-group "
     "identification (0.286) and bullying analysis (0.606)",
     [(0.718, None, "abs", "exact"), (0.286, None, "abs", "exact"), (0.606, None, "abs", "exact")]),
    # metric names before a decimal (Chamfer, HD95), a level "evaluated as", "down to", a power in mW
    ("mesh quality (Chamfer 4.35 mm) and HD95 5.14; the uncertainty was evaluated as 0.215 mm, at rates down to 0.1 MB, "
     "in 0.6us with 10.8mW average power", [(4.35, None, "abs", "exact"), (5.14, None, "abs", "exact"),
                                             (0.215, None, "abs", "exact"), (0.1, None, "abs", "exact"), (10.8, None, "abs", "exact")]),
    # a whole-number error or accuracy with a physical unit is a level reached; a voxel size is not
    ("joint angle errors within 3 degrees and a height accuracy of approximately 3 cm, with 3mm voxels",
     [(3, None, "abs", "up-to"), (3, None, "abs", "about")]),
    # "45-times" is a multiple like "45 times"
    ("achieving a 45-times average model size reduction", [(45, None, "x", "exact")]),
    # sizes written as products are not multiples
    (r"trained at $128 \times 128$ and tested at p < 3\times 10^{-4}", []),
    ("on 512 x 512 images and ImageNet 64×64 with a 3×3 window", []),
]


@pytest.mark.parametrize("raw,expected", QUANTITIES)
def test_quantities(raw: str, expected: list[tuple]):
    found = find_quantities(normalize(raw).text)
    assert [(q.value, q.value_max, q.unit, q.bound) for q in found] == [
        (float(v), float(m) if m is not None else None, u, b) for v, m, u, b in expected
    ]


LABELS = [
    # "head-only" and "decoder-only" are no "only" of a cost; "lifts" is a gain
    ("MAML lifts zero-shot micro-F1 by 2-6 pp under head-only tuning", [("improvement", "increase")]),
    ("with fewer parameters it surpasses the best vision only baseline by 1.7 points", [("improvement", "increase")]),
    ("it improves efficiency by reducing memory by 30%", [("reduction", "decrease")]),
    # a cost the method adds and a quality it loses are `other`
    ("it runs with only 13% computational overhead and cuts communication overhead by 40%", [("other", "increase"), ("reduction", "decrease")]),
    ("with only a 5% lower test accuracy; accuracy falls further (from 68% to 28%)", [("other", "decrease"), ("other", "decrease")]),
    ("mmMamba achieves 20.6times speedup and 75.8% GPU memory reduction", [("speedup", "increase"), ("reduction", "decrease")]),
    ("47% lower first-token latency and 4.7x higher throughput", [("speedup", "decrease"), ("speedup", "increase")]),
    ("comparable accuracy while being 2x as fast, and 3 times as fast as FlashAttention", [("speedup", "increase")] * 2),
    ("an improvement of up to 10.1% on MMLU", [("improvement", "increase")]),
    ("achieving 75.1% ImageNet top-1 accuracy with only 5.7M parameters", [("score", "increase")]),
    ("reduced word error rates by 0.3% and 1.4% on test-clean and test-other", [("reduction", "decrease")] * 2),
    ("up to 4.23times communication and 1.94times latency reduction", [("reduction", "decrease"), ("speedup", "decrease")]),
    ("a 33\\% speed up, with negligible quality loss of 3\\%", [("speedup", "increase"), ("other", "decrease")]),
    ("it achieves a 1.53x speedup with only a 1% mAP drop", [("speedup", "increase"), ("other", "decrease")]),
    ("the high-regime drop is 17.3 points", [("other", "decrease")]),
    ("it further reduces per-step IoU degradation by 5x", [("reduction", "decrease")]),
    ("a gain of 18% EM score, and a BLEU score of 98% for reconstruction after compression", [("improvement", "increase"), ("score", "increase")]),
    ("it solves new problems 97% of the time, while increasing accuracy by over 17.5%", [("score", "increase"), ("improvement", "increase")]),
    ("improvements in speech intelligibility from 28.9 to 5.6 and objective quality from 2.68 to 3.90",
     [("improvement", "decrease"), ("improvement", "increase")]),
    # the words after one number are not the next number's: "score" belongs to 18%
    ("a gain of 18% EM score on SQuAD, 8% on CommonSenseQA", [("improvement", "increase")] * 2),
    ("8.5times faster for latency-oriented scenarios and up to 3times for throughput-oriented ones", [("speedup", "increase")] * 2),
    ("a 30-point enhancement in FID scores", [("improvement", "decrease")]),  # an error metric improves by falling
    # a change from one level to another has a baseline: an improvement, not a score reached
    ("it improves F1 score from 0.597 to 0.631 (+5.70%)", [("improvement", "increase")] * 2),
    # levels: a speed or time reached is a score, a rank is other, a share of a reference kept is other
    ("it achieves real-time inference at 13.2 fps", [("score", "increase")]),
    ("achieving a latency of under 1 second", [("score", "decrease")]),
    ("TokenFocus-VQA ranks 2nd place", [("other", "decrease")]),
    ("FLy preserves more than 99% of the target model's accuracy", [("other", "increase")]),
    ("suffering merely a 6.3% drop", [("other", "decrease")]),
    ("CAST has averagely improved 8.11% F1", [("improvement", "increase")]),
    # a time cut is a speed-up (SCHEMA), also when the phrase names the time after "reduction in"
    ("a 50% reduction in system latency", [("speedup", "decrease")]),
    ("while reducing runtime by 5.1% on average", [("speedup", "decrease")]),
    ("achieving speed boosts of 2.5x", [("speedup", "increase")]),
    # a share of a reference is other, whatever the verb before it
    ("the resulting models achieve up to 99% of the performance of the fully-trained models", [("other", "increase")]),
    ("which is 90% of the original performance", [("other", "increase")]),
    # a number signed with a plus is a gain, whatever metric is named after it
    ("the adapter yields +1.8 BLEU and +2.3 chrF on the held-out pairs", [("improvement", "increase")] * 2),
    ("it reaches 71.2% accuracy (+3.4%) on the harder split", [("score", "increase"), ("improvement", "increase")]),
    # an ordinal is a rank (SCHEMA: `other`)
    ("Our entry is second in the overall ranking of the challenge", [("other", "decrease")]),
    # a share of a cost the method uses or drops is a reduction (SCHEMA: "with 10% of the data")
    ("it matches the teacher while using only 15% of the training data", [("reduction", "decrease")]),
    ("pruning 70% of the visual tokens keeps the answers intact", [("reduction", "decrease")]),
    ("topics cover 25.3% of the dataset", [("other", "increase")]),  # a share described, not a cost cut
    # "test-time", "real-time" and "time series" name things, not a time measured
    ("test-time scaling raises accuracy by 6% on math", [("improvement", "increase")]),
    ("it achieves 91% accuracy in real-time deployment", [("score", "increase")]),
    # a level with the level it started from: a gain when it gets better, a loss when it gets worse
    ("With retrieval, answer accuracy goes from 41.2% to 63.5%.", [("improvement", "increase")]),
    ("the planner goes from 90% to 12% plan accuracy as tasks grow", [("other", "decrease")]),
    ("the error goes from 0.31 to 0.12 mm", [("improvement", "decrease")]),  # an error gets better by falling
    # an error or rate cut from one level to another is a gain (LABELING); a cost stays a reduction, a quality cut is a loss
    ("the tagger reduces the miss rate from 21.5% to 9.8%", [("improvement", "decrease")]),
    ("it cuts peak memory from 40 GB to 12 GB", [("reduction", "decrease")]),
    ("the shift reduces grasp success from 81% to 35%", [("other", "decrease")]),
    # a cut to a level states the level (a score); a quality cut to a level is a loss, a memory reached a budget
    ("the verifier reduces the false alarm rate to 4.2% on the audit set", [("score", "decrease")]),
    ("re-ranking lowers accuracy to 61.5% on the long split", [("other", "decrease")]),
    ("the tiling trick, reducing GPU memory to 9.5 GB, keeps the output", [("other", "decrease")]),
    ("pruning reduces the model to 30% of the original operations", [("reduction", "decrease")]),  # less compute (SCHEMA: a cost cut)
    ("the steering image keeps control while maintaining 99.9% performance on unrelated tasks", [("other", "increase")]),
    ("the selector achieves over 97.5% of the performance of training on the full dataset", [("other", "increase")]),
    ("the framework achieves 95% performance of fully supervised methods", [("other", "increase")]),
    ("City-VLM achieves 18.14% performance surpassing existing LVLMs", [("improvement", "increase")]),
    # a level with the number of what it beats is a gain; worse than it, or with a margin of its own, a level still
    ("the parser reaches an exact match of 71.5%, surpassing the rule-based tagger (64.0%)", [("improvement", "increase")]),
    ("our recogniser obtains a WER of 8.1 versus 9.4 for the cascade", [("improvement", "decrease")]),
    ("the compact model achieves 91.2% accuracy compared to 93.5% for the teacher", [("score", "increase")]),
    ("it scores 61.0 on the suite, surpassing Gemini 2.5 Flash on all metrics", [("score", "increase")]),
    # memory, storage and energy as amounts are budgets (SCHEMA); J&F is a metric, not joules
    ("the detector needs only 1.8 GB of memory and consumes 3.2 mJ per frame", [("other", "decrease")] * 2),
    ("it improves the tracker by +2.7 J&F on the hard split", [("improvement", "increase")]),
    # a level passed ("exceeding 96%") is a score; a gain that exceeds a number stays a gain
    ("the tagger achieves F1 scores exceeding 94.5% on both corpora", [("score", "increase")]),
    ("the survey shows quality gains exceeding 35% on the hard prompts", [("improvement", "increase")]),
    # no wording but a metric's name next to the number: a level reached; a gap in that metric is not
    ("the system reports a CER of 0.9% and a recall of 88%", [("score", "increase")] * 2),
    ("we observe a 7% AUROC gap between the two groups", [("other", "increase")]),
    ("the grader reports per-class accuracies of 91.5% and 88.0%", [("score", "increase")] * 2),
    ("the filter shows a refusal rate of 12.5% on the benign set", [("score", "increase")]),
    # "only" cuts a cost when it governs the number; before a level it only says the level is low
    ("the strongest agent achieves only a 31.4% success rate", [("score", "increase")]),
    ("a probe trained only on surface cues reaches an accuracy (71.3%) close to the LLM", [("score", "increase")]),
    ("it tunes only 0.4% of the weights", [("reduction", "decrease")]),
    ("the best agent resolves only 28.0% of tasks", [("score", "increase")]),
    ("the tracker keeps lanes with only 3.16% maximum offset RMSE", [("score", "increase")]),
    ("it matches full supervision using only 20% of the labeled data", [("reduction", "decrease")]),
    ("our solution placed second, only 0.47% behind the winner", [("other", "decrease")] * 2),
    # a metric named right before the number states a level, whatever wording stands further back
    ("the detector, which generalises more robustly, reaches an mAP of 47.2%", [("score", "increase")]),
    ("the fused model achieves a concordance correlation coefficient (CCC) of 0.61", [("score", "increase")]),
    # gains listed with their own metrics share the gain; a margin's verb may stand far back
    ("it brings improvements of 4.1% in accuracy and 2.7% in macro-F1", [("improvement", "increase")] * 2),
    ("an absolute increase in accuracy of up to 6%", [("improvement", "increase")]),
    ("it outperforms the strongest open models (Model-A-70B, Model-B-72B, Model-C-8x22B) by 5-9%", [("improvement", "increase")]),
    ("the tracer outperforms large proprietary models such as Model-2.5-Pro and Model-4-Large by up to 12.4%", [("improvement", "increase")]),
    ("it outperforms the baseline across all eleven noisy and clean evaluation settings, despite trailing the best model by 6%",
     [("other", "decrease")]),
    ("the best agent achieves an accuracy of 48.9%, which still lags financial experts by over 35 percentage points",
     [("score", "increase"), ("other", "decrease")]),
    ("the strongest model trails humans by 28.4 points", [("other", "decrease")]),
    # a metric named right before "by" is what the gain verb further back raised; "by margins of" is a margin too
    ("it increases sensitivity by up to 15% and F1 score by up to 10%", [("improvement", "increase")] * 2),
    ("it achieves 61.3% mIoU for segmentation and 70.4% diagnostic accuracy, outperforming leading hierarchical models like "
     "Swin and HiViT by margins of up to 6.39% in segmentation accuracy while using fewer parameters.",
     [("score", "increase")] * 2 + [("improvement", "increase")]),
    # more throughput is a speed-up, whatever the word for the gain (SCHEMA)
    ("it serves up to a 3x increase in QPS per GPU", [("speedup", "increase")]),
    # money spent is a budget (SCHEMA: `other`)
    ("the whole audit costs about $3 per model", [("other", "decrease")]),
    # a verb of reaching right before the number states the level, whatever gain or cost words stand further back
    ("under the efficiency constraint, the tiny model attains 32.57 dB", [("score", "increase")]),
    ("the method outperforms all baselines, achieving a 91.2% win rate on the arena", [("score", "increase")]),
    ("the method achieves a 12.5% improvement in recall", [("improvement", "increase")]),
    ("it achieves 30% lower memory", [("reduction", "decrease")]),
    # a quality risen to a level is a score; a gain or an error that rises is not
    ("the success rate rises to more than 50% on hard prompts", [("score", "increase")]),
    ("the filter raises compliance to 75%", [("score", "increase")]),
    ("on the public sets, this improvement rises to 4.0%", [("improvement", "increase")]),
    # an error metric named before or after the number states its level; GPU time spent is a budget (SCHEMA)
    ("the tracker outperforms prior work, achieving a median error of 7.2 meters", [("score", "increase")]),
    ("the search finds a network with a 17.0% test error", [("score", "increase")]),
    ("65-93% of errors are non-critical", [("other", "increase")]),
    ("training requires only 4,000 GPU hours", [("other", "decrease")]),
    ("the model has the lowest footprint, with a total CO2 emission of 473g", [("other", "decrease")]),
    # how often the method succeeds is a level; a share of cases in an analysis stays other
    ("among tasks completed, the agent answers correctly 97.1% of the time", [("score", "increase")]),
    ("a human study shows our model is preferred in 62% of the cases", [("score", "increase")]),
    ("medical prompts route to the math experts in 97% of cases", [("other", "increase")]),
    ("the approach was able to successfully simplify 70% of the complex sentences", [("score", "increase")]),
    ("zero-shot models fail to answer over 90 percent of queries", [("other", "increase")]),
    # a metric's level in parentheses is a score, not the rank or cost wording before it
    ("the detector ranks first in precision (61.9%), recall (48.3%) and mAP@0.5 (52.6%)",
     [("other", "decrease")] + [("score", "increase")] * 3),
    ("it lets us balance Recall (43.2%) and Precision (29.8%)", [("score", "increase")] * 2),
    # an effect size is a statistic of a finding, not a level or a gain
    ("the revision brought significant score improvements (p = 0.011, Cohen's d = 0.504)", [("other", "increase")]),
    ("it enhances conciseness (p < 0.001, effect size r = 0.30)", [("other", "increase")]),
    ("averaging annotations increases inter-annotator agreement by up to +0.11", [("other", "increase")]),
    ("nine blinded human raters achieve Fleiss' kappa = 0.130", [("other", "increase")]),
    # a correlation between two quantities of an analysis is a finding; one with human judgments is a level
    ("routing is evidenced by strong correlations between attention heads and experts (r=0.68)", [("other", "increase")]),
    ("the metric achieves a Spearman correlation of 0.57 with human judgments", [("score", "increase")]),
    ("the predictor is accurate, showing 85% correlation with the actual performance gaps", [("score", "increase")]),
    ("the system predicts grain size with a mean absolute percentage error (MAPE) as low as 1.50%", [("score", "increase")]),
    # a gap kept to a reference is `other` (SCHEMA: "a merely ~0.6 point decrease"); a time within a bound is a level
    ("the adapter stays within 1.5% of full fine-tuning on every task", [("other", "decrease")]),
    ("the student stays within 2 points of the teacher", [("other", "decrease")]),
    ("it generates each shape within 0.6s", [("score", "decrease")]),
    ("the decoder enables efficient generation within 0.6s per shape", [("score", "decrease")]),
    ("the model yields substantial improvements with MAE of 0.66", [("score", "increase")]),
    ("the model improved F1 by 8.1 points", [("improvement", "increase")]),
    ("the pose estimator shows superior Mean Average Recall values of 86.5% (LM) and 79.7% (LM-O)", [("score", "increase")] * 2),
    # "metric = N" names a level like "metric of N"; "vs." before the number beaten is no sentence end
    ("the regressor achieves the best fit (R^2 = 0.80, MAE = 489 cm^2)", [("score", "increase")] * 2),
    ("auditing shows promising results on open VLMs like LLaVA (AUC > 80%)", [("score", "increase")]),
    ("the fused model further improved performance (AUC = 0.79)", [("improvement", "increase")]),
    ("the synthetic-image model (AUC = 0.78) outperforms the T1-based model (AUC = 0.68)", [("improvement", "increase")]),
    ("AdaptViG obtains 41.1 APmask, surpassing the larger EfficientFormer-L7 by 0.4", [("score", "increase"), ("improvement", "increase")]),
    ("the tokenizer doubles morphological alignment (MorphScore macro-F1 0.61 vs. ~0.32)", [("improvement", "increase")]),
    # a ratio is no level: with a metric it is a gain, with a gap word a difference; "lesser" is a cut
    ("the radar model shows 1.5x Accuracy in geometric reconstruction", [("improvement", "increase")]),
    ("sequential hybrids yield only alpha = 0.038 -- an 18x gap", [("score", "increase"), ("other", "increase")]),
    ("the computation requirement is about 18x lesser than existing modules", [("reduction", "decrease")]),
    ("AdaScope improves performance by 66% while cutting computational cost by 59%", [("improvement", "increase"), ("reduction", "decrease")]),
    ("GFPO cuts the length inflation by 46-71% across benchmarks", [("reduction", "decrease")]),
    ("OrchRM improves training efficiency by up to 10x in token usage", [("reduction", "decrease")]),
    ("it enhances SSIM, while requiring only a marginal increase of roughly 1% in parameters", [("other", "increase")]),
    ("our framework reduces the relative rotation error (RRE) and relative translation error (RTE) by 63.2% and 40.2%",
     [("reduction", "decrease")] * 2),
    ("it reduces latency by up to 45% compared to edge execution, and energy consumption by up to 46% compared to offload",
     [("speedup", "decrease"), ("reduction", "decrease")]),
    ("the embeddings are 81x faster than prompting, and under realistic deployment up to 10x cheaper",
     [("speedup", "increase"), ("reduction", "decrease")]),
    # list members share the metric named after the last one
    ("results show the strength of the detector, with 94.9% and 80.2% image-level AUROC", [("score", "increase")] * 2),
    # a quality falling by the number is a loss (`other`), not a cost cut; a cost or error falling stays a reduction
    ("it often shows a merely sim0.6 point decrease in performance", [("other", "decrease")]),
    ("the pruner achieves a parameter reduction of 40% with only a 0.99% decrease in accuracy", [("reduction", "decrease"), ("other", "decrease")]),
    ("for reasoning and safety domains performance is lowered by 7.12% and 7.94% on average", [("other", "decrease")] * 2),
    ("a 30% decrease in memory and a 12% reduction of the error", [("reduction", "decrease")] * 2),
    ("it cuts the accuracy drop by 45%", [("reduction", "decrease")]),
    # a share of a cost the method uses is a reduction, even a share "of the original"; a share of its quality kept is not
    ("the quantized policy requires only 29.2% of the original model's VRAM while maintaining 98.9% of its original performance",
     [("reduction", "decrease"), ("other", "increase")]),
    ("all while using less than 9% of the full model's trainable parameters", [("reduction", "decrease")]),
    ("compression reduces the complexity of the network to 24.34% of the original operations", [("reduction", "decrease")]),
    ("the distilled model achieves 98.3% of full data performance", [("other", "increase")]),
    # "less than" before a number is its bound (SCHEMA: up-to), not a cut; using less than a share of a cost stays a cut
    ("the estimator reaches an error rate of less than 6% on held-out outages", [("score", "increase")]),
    ("the topic model exhibited a low proportion of outlier topics (less than 20%)", [("other", "increase")]),
    ("adaptation requiring less than 0.1% pre-training tokens", [("reduction", "decrease")]),
    ("the precomputation can be done with less than 0.3% of the originally stipulated number of hidden vectors", [("reduction", "decrease")]),
    # "more" is a gain right after the number, not an adjective further back
    ("cortical thickness remains more challenging with correlations up to r=0.70", [("score", "increase")]),
    ("the model solves 42% of images from the more challenging Tanks and Temples dataset", [("score", "increase")]),
    ("analysis (attention patterns) confirms that CoT attention drops more in late layers for decorative tasks (33%) than faithful ones (20%)",
     [("other", "increase")]),
    ("parallel chains are up to 34.5% more accurate than the longest chain", [("improvement", "increase")]),
    ("the search identifies 60 percent more PSMs than existing de novo methods", [("improvement", "increase")]),
    # a level followed by the baseline's level is a gain, though names with digits ("MCV20", "F1") stand in between;
    # a margin of its own after the baseline's level ("(79% F1) by 3 points") leaves the level a score
    ("fine-tuning on MCV20 yields 13.4% WER on the MCV20 test split, against the zero-shot WER of 99.0% on Pashto",
     [("improvement", "decrease"), ("score", "increase")]),
    ("the tool reaches a 96% F1-score in PHI detection, significantly outperforming Azure (91%)", [("improvement", "increase")]),
    ("StressRoBERTa achieves 82% F1-score, outperforming the best shared task system (79% F1) by 3 percentage points",
     [("score", "increase"), ("improvement", "increase")]),
    # time the method adds is an overhead (other), not a speed-up; time it cuts stays one
    ("the corrector reduces prediction errors by up to 100x while adding negligible inference time (under 5%)",
     [("reduction", "decrease"), ("other", "increase")]),
    ("the monitor increases mean latency by only 2.34%", [("other", "increase")]),
    ("it reduces latency by 40% on edge devices", [("speedup", "decrease")]),
    # a number signed minus fell: an error or cost falling is a cut, a quality falling a loss; a correlation keeps its sign
    ("it achieves superior synthesis (+3.4 PSNR) and improved geometric reconstruction (-40% RMSE)",
     [("improvement", "increase"), ("reduction", "decrease")]),
    ("others falter; Qwen improves +7.0%, while Gemini declines -4.8%.", [("improvement", "increase"), ("other", "decrease")]),
    ("we obtain competitive web-curated datasets in math (-8.0% relative to SOTA)", [("other", "decrease")]),
    ("the fine-tuned model shows a reduction from 4.06 to 3.56 (-12.3%) hallucinations per story", [("improvement", "decrease"), ("reduction", "decrease")]),
    # minutes, hours and days a whole run takes are a budget (other); seconds and milliseconds the inference level (score)
    ("it is possible to map all up-projection neurons in less than 15 minutes with no parallelization", [("other", "decrease")]),
    ("the attack is practical, requiring only about 5 minutes per submission", [("score", "decrease")]),
    ("unsupervised hashing on COCO completes in under 2 minutes on a single GPU", [("other", "decrease")]),
    ("the pipeline completes in 6.24s", [("score", "decrease")]),
    # a number a gap, deviation or small difference names is `other`; a gap won over a baseline stays a gain
    ("minor variations in prompt phrasing can lead to accuracy deviations of up to 15% for certain prompts", [("other", "increase")]),
    ("it preserves similar quality with only a minimal accuracy difference of 0.4mm", [("other", "decrease")]),
    ("the rubrics discriminated between high- and low-quality outputs (median score gap: 82.9%)", [("other", "increase")]),
    ("our model outperforms the baseline with a gap of 5.2 points", [("improvement", "increase")]),
    # "but" ends the phrase a number names, as "while" does
    ("LLMs reach near-ceiling accuracy on related pairs (86.5%) but severe degradation on unrelated pairs", [("score", "increase")]),
    ("Engrama scores 0.5367 globally but is the only system to score higher than full-context prompting", [("score", "increase")]),
    # a cost that grows is a cost added (other), not a gain; a gain in cost-efficiency stays one
    ("the sampler improves generation quality with only around 7.6X increase in function evaluations", [("other", "increase")]),
    ("the variant shows no gains while increasing computation costs about fivefold", [("other", "increase")]),
    ("this performance leap is achieved with a marginal 3.7% increase in FLOPs compared to V4", [("other", "increase")]),
    ("it achieves 2.7x more accuracy points per kWh than o4-mini", [("improvement", "increase")]),
    # how much likelier something is, is a finding (other), not the method's gain
    ("subordinated portrayals, which are over fifty times more likely to appear than dominant portrayals", [("other", "increase")]),
    # time in words: days of training a budget, a second per scene a level
    ("trained on a single A100 in four days", [("other", "decrease")]),
    ("it renders in less than a second", [("score", "decrease")]),
    ("unstable trajectories remain 1.29x more susceptible to persuasive attacks", [("other", "increase")]),
]


@pytest.mark.parametrize("raw,metric", [
    ("approximately 2x speedup across all sizes of LLMs", "inference speed"),  # "across ..." is a condition
    ("reduce the KV cache size by 50% on language modelling", "cache size"),
    ("a 4.7x higher throughput than vLLM", "throughput"),
    ("outperforms it by 12.8 percentage points.", "performance"),  # a unit is not the metric
    ("improves accuracy by 12.8 points", "accuracy"),
])
def test_claim_metric(raw: str, metric: str):
    assert label_claims(raw, find_quantities(raw))[0].metric == metric


def test_a_change_from_a_to_b_names_what_changed():
    text = "improvements in speech intelligibility from 28.9 to 5.6 and objective quality from 2.68 to 3.90"
    labels = label_claims(text, find_quantities(text))
    assert [(label.metric, label.baseline) for label in labels] == [("speech intelligibility", "28.9"), ("objective quality", "2.68")]


@pytest.mark.parametrize("raw,expected", LABELS)
def test_claim_labels(raw: str, expected: list[tuple[str, str]]):
    text = normalize(raw).text
    labels = label_claims(text, find_quantities(text))
    assert [(label.kind, label.direction) for label in labels] == expected


URLS = [
    ("Code is at https: //github.com/salesforce/CodeT5.", "https://github.com/salesforce/CodeT5"),
    ("available at https://github.com/a/b{this https URL}.", "https://github.com/a/b"),
    ("see (https://aka.ms/YOCO)", "https://aka.ms/YOCO"),
    ("Leaderboard: https://huggingface.co/spaces/a/B, Code: https://github.com/a/B.", "https://github.com/a/B"),
    ("no link here", None),
]


@pytest.mark.parametrize("raw,expected", URLS)
def test_code_url(raw: str, expected: str | None):
    assert pick_code_url(find_urls(normalize(raw).text)) == expected


def test_clean_url_strips_trailing_punctuation():
    assert clean_url("https://x.org/a).") == "https://x.org/a"


NAMES = [
    ("CodeT5: Identifier-aware Models", "We present CodeT5, a model.", {"CodeT5"}),
    ("You Only Cache Once: Decoder-Decoder Architectures", "We introduce YOCO, an architecture.", {"You Only Cache Once", "YOCO"}),
    ("Decoder-Only or Encoder-Decoder?", "We compare BERT and GPT-2 on GLUE.", set()),
    ("A Study", "We propose Future Token Prediction (FTP), a new objective.", {"Future Token Prediction", "FTP"}),
    # lower-case definitions need a naming word; a generic term before the coining verb is not coined
    ("A Study", "To advance Vision-Language Pre-training (VLP), we release a corpus called tinyset.", {"tinyset"}),
    ("A Study", "Our model, dubbed as image Lamp (iLamp), and an innovative gated mixer network (GMN).",
     {"image Lamp", "iLamp", "gated mixer network", "GMN"}),
    ("A Study", "We present a novel reinforcement learning (RL) framework.", set()),
    # a head noun before "(ACR)" stays in the long form when it spells the acronym's last letter
    ("A Study", "We propose the Harder Text Embedding Benchmark (HTEB).", {"Harder Text Embedding Benchmark", "HTEB"}),
    ("A Study", "We propose a Rank Minimization Module (RMM).", {"Rank Minimization Module", "RMM"}),
    # spelled-out forms after a comma or colon, variants, passive coining, a list after a colon
    ("ZOOT: a model", "We propose ZOOT, a Zero-Order Optimised Transformer. ZOOT-large is slower.",
     {"ZOOT", "Zero-Order Optimised Transformer", "ZOOT-large"}),
    ("A Study", "An Offline Random Swap (ORS) strategy is introduced.", {"Offline Random Swap", "ORS"}),
    ("A Study", "This study introduces two variants of the transformer: FastGPT (f-gpt) and SlimGPT (s-gpt).",
     {"FastGPT", "f-gpt", "SlimGPT", "s-gpt"}),
    ("A Study", "Training on few samples, a process we refer to as overfitting-by-design -- helps.", {"overfitting-by-design"}),
    # "ACR: Full Name" in the title lists both, cut where the rest no longer spells the acronym
    ("E2S2: Encoding-Enhanced Sequence-to-Sequence Pretraining for Language Generation", "We test it.",
     {"E2S2", "Encoding-Enhanced Sequence-to-Sequence Pretraining"}),
    ("Tiny Time Mixers (TTMs): Fast Models", "We test it.", {"Tiny Time Mixers", "TTMs"}),
    ("Salamandra Technical Report", "We release it.", {"Salamandra"}),
    ("Falcon Models", "We introduce the Falcon series. Falcon-180B and Falcon-1.5T lead.", {"Falcon", "Falcon-180B", "Falcon-1.5T"}),
    ("SKYLENAGE Technical Report: Math Benchmarks", "We present SKYLENAGE-MATH, a suite.", {"SKYLENAGE", "SKYLENAGE-MATH"}),
    ("Encoders for Text", "In this paper, we introduce Gemma Encoder, adapting the Gemma decoder.", {"Gemma Encoder"}),
    ("Segmentation", "Segmenting needs a new framework, namely MaSSFormer, which is fast. We test on two datasets, namely "
     "ScanNet and S3DIS.", {"MaSSFormer"}),
    ("A Risk Analysis Technical Report", "We test it.", set()),
    ("Xiaomi MiMo-VL Technical Report: Better Agents", "We test it.", {"Xiaomi MiMo-VL"}),
    ("Methods for Tagging", "We use RFID tags and named entity recognition, then release it on GitHub.", set()),
    # the object's head noun, then the name after a comma: the name is what the verb coins
    ("A Study", "To fix it, we develop a post-training method, CFGPT, that distills reasoning.", {"CFGPT"}),
    ("A Study", "We construct a large-scale dataset, MedSDF, comprising point clouds.", {"MedSDF"}),
    ("A Study", "This work presents a novel text-to-vector graphics generation approach, Dream3DVG, allowing views.", {"Dream3DVG"}),
    ("A Study", "We propose a novel framework, termed REMAC, that plans.", {"REMAC"}),
    # ... not a name the abstract used before the verb, nor a word that is no name
    ("A Study", "Unlike LoRA, we propose a simple method, LoRA, for tuning.", set()),
    ("A Study", "We propose a new method, which is fast.", set()),
    # a title head of plain words is a name only when the abstract uses it or it holds a coined or known word
    ("Behave Your Motion: Habit-preserved Motion Transfer", "We transfer motion between animals.", set()),
    ("Data Swarms: Optimizable Generation", "We propose Data Swarms, an algorithm.", {"Data Swarms"}),
    ("Nugget 2D: Dynamic Compression", "We compress contexts.", {"Nugget 2D"}),
    ("Multimodal Mamba: Decoder-only Models", "We distill a model.", {"Multimodal Mamba"}),
    # an acronym the title names as its head or spells out is coined; one used elsewhere in the title is a term of the field
    ("HDLCoRe: Mitigating Hallucinations in LLM-Generated HDL", "Models write Hardware Description Language (HDL) code.", {"HDLCoRe"}),
    ("Learned Smartphone ISP with Unpaired Data", "An Image Signal Processor (ISP) maps RAW images.", set()),
    ("TAP: Faster Diffusion", "It predicts with a Token-Adaptive Predictor (TAP).", {"TAP", "Token-Adaptive Predictor"}),
    ("Tiny Time Mixers (TTMs) for Forecasting", "Tiny Time Mixers (TTMs) are small.", {"Tiny Time Mixers", "TTMs"}),
    # a coining verb in its base form after "and" has the paper for subject
    ("A Study", "We reformulate link prediction as prompting and introduce RALP, which learns prompts.", {"RALP"}),
    ("A Study", "We identify key challenges and propose Sparse Concept CCA (SCoCCA) for alignment.", {"Sparse Concept CCA", "SCoCCA"}),
    ("A Study", "Prior methods are slow and introduce bias.", set()),
    # capitalised words before the coined token after the verb belong to the name
    ("A Study", "To address this, we present Marco DeepResearch, an agent.", {"Marco DeepResearch"}),
    ("A Study", "We propose Mixed-Domain MeanFlow Pretraining for segmentation.", {"Mixed-Domain MeanFlow Pretraining"}),
    ("A Study", "We propose DeepFoo Network for segmentation.", {"DeepFoo"}),
    ("A Study", "We construct the Adversarial Empathy Benchmark AEB to test agents.", {"Adversarial Empathy Benchmark", "AEB"}),
    ("A Study", "We introduce The FACTS Leaderboard, a suite.", {"FACTS"}),
    # a coined idea (a hypothesis, an effect, a phenomenon) is not a model, method or data set
    ("A Study", "To address this, we propose the Road-Manifold Assumption for lanes.", set()),
    ("A Study", "Models ignore images, a phenomenon we term Text Bias.", set()),
    ("A Study", "Units look alike but differ, a pattern we term phantom specialization.", set()),
    ("V-FAT: A Benchmark", "We introduce V-FAT (Visual Fidelity Against Text-bias), a benchmark.", {"V-FAT", "Visual Fidelity Against Text-bias"}),
    # a variant of a name inside a URL is a path, not a name
    ("ResMerge: Merging", "We propose ResMerge. Code: https://github.com/x/ResMerge-release.", {"ResMerge"}),
    ("NV-Embed: Embeddings", "We release it at https://huggingface.co/nvidia/NV-Embed-v1 and NV-Embed-v2 here.", {"NV-Embed", "NV-Embed-v2"}),
]


@pytest.mark.parametrize("title,abstract,expected", NAMES)
def test_coined_names(title: str, abstract: str, expected: set[str]):
    assert {n.text for n in find_names(title, abstract)} == expected


def test_paper_level_guesses():
    assert guess_domain("Speech recognition with CTC", "We improve ASR on LibriSpeech.") == "speech"
    assert guess_domain("A study", "We study large language models.") == "language"
    assert guess_domain("Clinical Note Generation", "We generate medical reports for clinical use.") == "language"
    assert guess_domain("Zero-shot Medical Imaging", "Chest X-ray analysis with CLIP.") == "vision"
    assert guess_architecture("Decoder-Only or Encoder-Decoder?", "") == "multiple"
    assert guess_architecture("ModernGBERT: encoder-only", "BERT models") == "encoder-only"
    assert guess_architecture("A Note", "We study LLMs.") == "decoder-only"
    # a family named far more often than another wins, unless two are named by their kind
    assert guess_architecture("Stack Results", "BERT and RoBERTa beat GPT; we compare both on BERT tasks.") == "encoder-only"
    assert guess_architecture("Stack Results", "decoder-only GPT and GPT-2 and GPT-3 compared with encoder-only BERT") == "multiple"
    assert guess_architecture("A Note", "We study kernels.") == "unspecified"
    assert task_candidates("CodeT5: Pre-trained Models for Code Understanding and Generation")[0] == "code understanding and generation"
    assert task_candidates("Generating Triangle Meshes with Transformers")[0] == "triangle meshes generation"
    assert task_candidates("Simplifying Transformer Blocks")[0] == "transformer blocks simplification"
    assert task_candidates("When are 1.58 bits enough? A Bottom-up Exploration of BitNet Quantization")[0] == "bitnet quantization"
    assert task_candidates("Decoder-Only or Encoder-Decoder? Interpreting Models")[0] == "decoder-only or encoder-decoder"
    assert task_candidates("Intrinsic Dimensionality Explains the Effectiveness of Model Fine-Tuning")[0] == "model fine-tuning"
    assert task_candidates("Small Vision Models: Survey, Measurements, and Insights")[0] == "small vision models"
    assert task_candidates("Towards smaller, faster decoder-only transformers: Architectural variants")[0] == "faster decoder-only transformers"
    assert task_candidates("Decoding for Large Language Models")[0] == "decoding"
    # more gerunds turn into nouns; "efficient and effective" is a quality, not the task; " -- " splits like ":"
    assert task_candidates("Mitigating Large Language Model Hallucinations with Prompt Refinement")[0] == "llm hallucinations mitigation"
    assert task_candidates("Towards Efficient and Effective Alignment of Large Language Models")[0] == "alignment"
    assert task_candidates("Topeax -- An Improved Clustering Topic Model")[0] == "improved clustering topic model"
    # the object of "for" stops before the means ("by ...") and before a subtitle
    assert task_candidates("Chimera: A Lossless Method for Accelerating Large Language Models Inference by Fusing all Tokens")[0] == \
        "llms inference acceleration"
    assert task_candidates("Understanding INT4 Quantization for Transformer Models: Latency Speedup and Failure Cases")[0] == \
        "transformer models"
    # a phrase too long to be a task name is cut at a word, never inside one
    assert task_candidates("ATARS: An Aerial Traffic Atomic Activity Recognition and Temporal Segmentation Dataset")[0] == \
        "aerial traffic atomic activity recognition and temporal segmentation"


PAPER = Paper(id="t1", title="FastNet: Faster Nets for Image Classification",
              abstract="We propose FastNet. It is up to 3.5times faster and uses 40\\% less memory than ResNet.")


def test_rules_alone_ground_every_claim_in_the_raw_abstract():
    result = extract_paper(PAPER, None, Settings(use_model=False))
    assert [(c.value, c.unit, c.kind, c.bound) for c in result.extraction.claims] == [(3.5, "x", "speedup", "up-to"), (40.0, "%", "reduction", "exact")]
    for c in result.extraction.claims:
        assert PAPER.abstract[c.evidence_start : c.evidence_end] == c.evidence
    assert result.tokens == {"prompt": 0, "completion": 0}


def test_the_model_decides_asked_fields_inside_the_enums():
    backend = FakeBackend([json.dumps({"task": "image classification", "domain": "vision", "architecture": "other"})])
    result = extract_paper(PAPER, backend, Settings(ask=("task", "domain", "architecture"), review=()))
    assert (result.extraction.task, result.extraction.domain, result.extraction.architecture) == ("image classification", "vision", "other")
    (messages, schema, max_tokens), = backend.history
    assert schema["properties"]["task"]["enum"] == task_candidates(PAPER.title)
    assert "FastNet" in messages[-1]["content"] and max_tokens <= 64


def test_review_asks_only_where_the_learned_answer_is_unsure_and_stores_disagreements():
    torn = Paper(id="t2", title="Speech or Images?", abstract="We compare BERT and GPT on spoken audio and on images.")
    draft = draft_extraction(torn)
    assert draft.unsure == {"domain", "architecture"} and draft_extraction(PAPER).unsure == set()
    assert all(draft.confidence[f] < REVIEW_BELOW[f] for f in draft.unsure)
    backend = FakeBackend([json.dumps({"domain": "other", "architecture": draft.architecture})])
    result = extract_paper(torn, backend, Settings(review=("domain", "architecture")))
    assert result.extraction.domain == draft.domain  # the learned answer stands; the model's is for a person to weigh
    assert [(p.rule, p.field) for p in result.problems] == [
        ("low-confidence", "architecture"), ("low-confidence", "domain"), ("model-disagrees", "domain")]
    clear = FakeBackend([])
    assert extract_paper(PAPER, clear, Settings(review=("domain", "architecture"))).problems == [] and clear.history == []


def test_an_answer_outside_the_enum_is_ignored():
    backend = FakeBackend([json.dumps({"task": "invented", "domain": "vision", "architecture": "unspecified"})])
    result = extract_paper(PAPER, backend, Settings(ask=("task",), review=()))
    assert result.extraction.task == task_candidates(PAPER.title)[0]


@settings(deadline=None)  # what it checks is verbatim evidence, not speed (the machine may be busy)
@given(st.lists(st.sampled_from(["we get", " 3.5times", " faster", " sim2", "\\%", " 12.5% ", "\n", " up to", " 4x", "(", ")", ", and"]), max_size=30))
def test_evidence_is_always_a_verbatim_slice(parts: list[str]):
    abstract = "".join(parts) or "empty"
    result = extract_paper(Paper(id="h", title="T", abstract=abstract), None, Settings(use_model=False))
    for c in result.extraction.claims:
        assert abstract[c.evidence_start : c.evidence_end] == c.evidence


# "based on" names the means like "using"/"via": the title phrase and the object of "for" stop before it.
BASED_ON_TITLES = [
    ("Small Target Detection Based on Mask-Enhanced Attention Fusion of Visible and Infrared Images", "small target detection"),
    ("A Robust Chinese Error Correction Solution Based on Large Models", "robust chinese error correction solution"),
    ("SegTool: A Framework for Interactive Video Instance Segmentation Based on SAM2", "interactive video instance segmentation"),
    ("Image Quality Assessment Using Vision Transformers", "image quality assessment"),  # unchanged: "using" already split
]


@pytest.mark.parametrize(("title", "first"), BASED_ON_TITLES)
def test_task_stops_before_based_on(title: str, first: str) -> None:
    assert task_candidates(title)[0] == first
