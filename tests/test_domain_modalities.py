"""The modality words of the `domain` group of `families.json` that tell multimodal from vision."""

from __future__ import annotations

import pytest

from extractor.learned.fields import paper_features


@pytest.mark.parametrize(
    "title, text, present, absent",
    [
        # two sensing modalities fused, or sound driving a picture: multimodal
        ("Talking Heads", "An audio-driven diffusion model for talking head generation.", ["mod:audio_visual", "ml:multimodal"], []),
        ("Deepfakes", "Audio-visual deepfake detection.", ["mod:audio_visual"], []),
        ("BEV Segmentation", "Camera-Radar fusion for autonomous driving.", ["mod:sensor_fusion"], []),
        ("Road Damage", "Segmentation from camera and LiDAR data.", ["mod:sensor_fusion"], []),
        ("Detection", "A LiDAR point cloud detector.", ["mod:vision_3d"], ["mod:sensor_fusion"]),
        # text conditioning a picture, visual reasoning by language models: multimodal
        ("Vector Graphics", "A text-to-vector graphics approach guided by text prompts.", ["mod:text_conditioned"], []),
        ("Editing Benchmark", "Instruction-based image editing; T2I models.", ["mod:text_conditioned"], []),
        ("Token Pruning", "Pruning visual tokens of VLMs for chart and GUI understanding.", ["mod:visual_language"], []),
        ("Missing Modalities", "Robust to a missing modality.", ["mod:modality", "ml:multimodal"], []),
        # generative and face vision without a modality word: vision
        ("Diffusion Acceleration", "Caching for diffusion transformers and rectified flow.", ["mod:vision_generative", "ml:vision"], []),
        ("Motion In-Betweening", "Human motion generation; facial expression.", ["mod:vision_generative"], []),
        ("Continual Learning", "Results on CIFAR-100.", ["mod:vision_generative"], []),
        # "speech" and "segmentation" in terms of text: language
        ("Hate Speech Detection", "Hate speech and part-of-speech tags; subword segmentation.", ["mod:language_terms", "ml:language"], []),
        ("Forecasting", "Traffic flow forecasting.", [], ["mod:vision_generative", "mod:audio_visual", "mod:visual_language"]),
    ],
)
def test_modality_words(title: str, text: str, present: list[str], absent: list[str]):
    feats = paper_features(title, text)
    assert all(k in feats for k in present), [k for k in present if k not in feats]
    assert not any(k in feats for k in absent), [k for k in absent if k in feats]
