"""Symptoms described in words: the vocabulary of equivalent words, and how a phrase fits a sentence.

Fast and TensorFlow-free. The sentences are public reports of the development corpus
(fixtures/real_errors/04NN.yaml) or short ones written for one behaviour; the unit
tests use a vocabulary of their own, so they do not move when the built-in one grows.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

import kerasdoctor
from kerasdoctor.explain.nearest import NOTE
from kerasdoctor.explain.symptoms import WordGroups, _Text, phrase_fit, phrase_keywords, rare_keyword, stem, symptom_tokens, tokens, without_links
from kerasdoctor.kb import load_rule_dir, load_rules, merge_vocabularies, parse_vocabulary_files, validate_vocabulary
from kerasdoctor.types import KIND_CAPS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kerasdoctor.explain.symptoms import Vocabulary

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "fixtures" / "real_errors"
explain = kerasdoctor.explain  # bound before the kerasdoctor.explain subpackage is imported


def vocabulary(groups: list[list[str]], generic: tuple[str, ...] | list[str] = ()) -> Vocabulary:
    """A vocabulary as the rule snapshot stores it: each entry as the words explain reads."""
    return merge_vocabularies([(tuple(tuple(tuple(tokens(w)) for w in g) for g in groups), tuple(tuple(tokens(w)) for w in generic))])


GROUPS = WordGroups(
    vocabulary(
        [
            ["loss", "cost", "损失", "损失值"],
            ["nan", "not a number"],
            ["learning rate", "lr", "学习率"],
            ["train", "训练"],
            ["error", "报错"],
            ["not", "没有", "未做"],
            ["normalize", "归一化", "标准化"],
        ],
        generic=["train", "error", "not", "model"],
    )
)


def fit(phrase: str, text: str, groups: WordGroups = GROUPS):
    return phrase_fit(phrase_keywords(phrase), _Text(text), groups)


def dev_text(case: str) -> str:
    return yaml.safe_load((DEV / f"{case}.yaml").read_text(encoding="utf-8"))["text"]


def test_a_keyword_is_found_through_its_group_in_either_language() -> None:
    assert fit("loss becomes nan", "训练时损失值变成NaN")
    assert fit("loss becomes nan", "after epoch 3 the cost is not a number")
    assert fit("损失 nan", "my loss is nan")
    # the word itself is surer than another word of its group
    literal, synonym = fit("loss nan", "loss nan"), fit("loss nan", "cost nan")
    assert literal.confidence() > synonym.confidence()


def test_a_several_word_entry_is_one_keyword_and_is_read_as_words_in_a_row() -> None:
    assert fit("学习率 太大 nan", "the learning rate is too large (太大) and the loss goes nan")
    assert fit("weights nan learning rate", "the weights are nan, 学习率 too big")
    assert not fit("学习率 太大", "the rate of learning is 太大")


def test_a_word_repeated_around_a_function_word_stays_the_entry_it_spells() -> None:
    # "more and more" is growth: its two "more" are kept, so the phrase needs them in a row
    assert phrase_keywords("takes more and more time") == ("takes", "more", "more", "time")
    assert phrase_keywords("validation loss increases training loss decreases").count("loss") == 1
    groups = WordGroups(vocabulary([["more and more", "increasingly"]]))
    assert fit("takes more and more time", "each call takes more and more time", groups)
    assert fit("takes more and more time", "each call takes increasingly long time", groups)
    assert not fit("takes more and more time", "the gpu takes more time than the cpu", groups)


def test_english_endings_and_chinese_inserted_characters() -> None:
    assert stem("explodes") == stem("exploding") == stem("exploded")
    assert stem("outputting") == stem("outputs") and stem("stopped") == "stop" and stem("added") == "add"  # a doubled last letter
    assert fit("loss explodes", "the loss keeps exploding")
    # British spellings: recognised / recognized, initialising / initializing, optimiser / optimizer
    assert stem("recognised") == stem("recognized") and stem("initialising") == stem("initializing")
    assert stem("optimiser") == stem("optimizer") and stem("normalisation") == stem("normalization")
    assert stem("noise") == "nois" and stem("otherwise") == stem("otherwize")
    assert fit("argument not recognized", "the argument is not recognised")
    assert fit("模型 报错", "加载模型就报了错")  # one character in between
    # two characters in between is another word: 学习准确率 is not 学习率
    assert not fit("学习率 nan", "深度学习准确率很低, nan")


def test_a_long_description_may_leave_out_one_keyword_of_specific_words_close_together() -> None:
    sentence = "I followed the tutorial step by step, changed a few things, and now with a big lr the cost is nan everywhere"
    assert fit("loss explodes lr nan", sentence).partial  # "explodes" left out
    assert not fit("loss explodes lr nan", "with a big lr the cost is nan")  # short: every keyword is needed
    apart = "with a big lr " + "and the weather was nice that day " * 4 + "the cost was nan"
    assert not fit("loss explodes lr nan", apart)  # the words found are too far apart to describe one thing
    # what is found besides the missing word must be specific, not model / error / training
    assert not fit("model error training nan", "in the training loop my model prints an error message every epoch from the beginning")


def test_a_long_description_may_not_leave_out_the_keyword_that_names_the_family() -> None:
    # "lambda" is what few families' phrases say; "load a saved model with a layer" is said of many (a custom layer's too)
    phrase = "lambda layer load saved model"
    concepts = GROUPS.concepts(phrase_keywords(phrase))
    text = _Text("I trained it for a day, then I was unable to load the saved model with my Spatial-Pyramid-Layer in another script")
    assert phrase_fit((), text, GROUPS, concepts=concepts).partial  # without a rule set's counts: left out
    holding = {GROUPS.key(c): n for c, n in zip(concepts, (4, 47, 36, 22, 71))}
    keep = rare_keyword(concepts, GROUPS, holding)
    assert concepts[keep] == ("lambda",)
    assert phrase_fit((), text, GROUPS, concepts=concepts, keep=keep) is None
    # written out, it still fits; a keyword many rules share, or one merely rarer than the rest, names no family
    said = _Text("I trained it for a day, then I was unable to load the saved model with its lambda layer in another script")
    assert phrase_fit((), said, GROUPS, concepts=concepts, keep=keep)
    assert rare_keyword(concepts, GROUPS, {**holding, GROUPS.key(("lambda",)): 20}) == -1
    assert rare_keyword(concepts, GROUPS, {**holding, GROUPS.key(concepts[3]): 11}) == -1  # 4 rules against 11


def test_a_negation_keyword_must_stand_beside_another_keyword_of_the_phrase() -> None:
    groups = WordGroups(vocabulary([["not", "没有", "never"], ["optimizer", "optimizers"]]))
    assert fit("optimizers 没有 adam", "keras optimizers has no attribute adam, adam is not there", groups)
    assert fit("data 没有 normalize", "my input data was not normalized", groups)
    # the negation of the post is about something else: "the loss doesn't change ... Adam optimizer"
    post = "Why is it that the loss doesn't change at all after any epoch? The accuracy is like random guessing. I have used Adam optimizer"
    assert not fit("optimizers 没有 adam", post, groups)


def test_a_missing_attributes_name_is_no_event_the_user_denies() -> None:
    groups = WordGroups(vocabulary([["not", "没有", "never", "no"]]))
    # "has no 'built' attribute" retells an AttributeError: "built" names the attribute, the layer was not "never built"
    assert not fit("custom layer never built", "Simple custom Layer object has no 'built' attribute", groups)
    assert not fit("custom layer never built", "my custom layer has no attribute 'built'", groups)
    assert fit("custom layer never built", "the custom layer was never built before predict", groups)
    # a phrase that says a thing is missing still fits the retold message
    assert fit("optimizers 没有 adam", "keras optimizers has no attribute adam", groups)
    assert fit("optimizers 没有 adam", "keras.optimizers has no 'Adam' attribute", groups)


def test_keywords_spread_over_a_whole_post_describe_nothing() -> None:
    groups = WordGroups(vocabulary([["optimizer", "optimizers"]]))
    near = "I compiled a tensorflow.keras model with an optimizer from keras"
    assert fit("tensorflow.keras optimizer keras model", near, groups)
    filler = " the labels are three classes and each sample may belong to any of them" * 4
    spread = "is it possible in tensorflow.keras?" + filler + " I compiled with optimizer adam" + filler + " and the keras model predicts"
    assert not fit("tensorflow.keras optimizer keras model", spread, groups)


def test_a_direction_or_level_must_be_said_of_the_phrases_own_measure_and_split() -> None:
    groups = WordGroups(vocabulary([["loss", "cost"], ["accuracy", "acc"], ["decrease", "decreasing", "falls"], ["train", "training"]]))
    assert fit("validation accuracy decreasing", "the validation accuracy keeps decreasing while the loss is fine", groups)
    # the loss decreases; the validation accuracy stays at 0
    assert not fit("validation accuracy decreasing", "the loss and val_loss are decreasing to 0.01, but the validation acc stays at 0", groups)
    assert fit("training accuracy high validation accuracy low", "my training accuracy is high while the validation accuracy stays low", groups)
    # the other way round: validation better than training
    assert not fit("training accuracy high validation accuracy low", "validation accuracy is higher than training accuracy, which stays low", groups)
    # a measure that stays the same is a state too: here it is the accuracy, not the loss
    stuck = WordGroups(vocabulary([["loss"], ["accuracy", "acc"], ["stuck", "constant"], ["decrease", "decreasing"], ["train", "training"]]))
    assert fit("validation loss stuck training loss decreases", "the training loss decreases, the validation loss is stuck", stuck)
    assert not fit("validation loss stuck training loss decreases", "the training and validation loss are decreasing, but the acc stays constant", stuck)


def test_a_fit_through_the_vocabulary_rests_on_two_specific_words() -> None:
    groups = WordGroups(vocabulary([["train", "训练"], ["cpu", "处理器"]], generic=["train"]))
    # "训练 ... CPU" is not "training on cpu" enough: only one specific word, the other a generic synonym
    assert not fit("training on cpu", "训练模型时CPU经常达到100%的使用率", groups)
    assert fit("training on cpu", "model training on cpu is slow", groups)  # as written, the phrase fits as before


def test_a_chinese_keyword_inside_a_longer_word_of_another_group_is_that_word() -> None:
    groups = WordGroups(
        vocabulary(
            [
                ["usage", "使用率", "利用率"],
                ["not enough", "不足", "不够"],
                ["bad", "不理想", "不够理想"],
                ["low", "很低", "低于"],
                ["negative", "低于零"],
                ["epoch", "轮", "圈"],
                ["first", "第一圈"],
                ["cpu"],
                ["image", "图片"],
                ["not", "不能"],
                ["fail", "不能用"],
            ]
        )
    )
    # the "用" of "使用率" speaks of utilization: "GPU使用率为0, CPU一直满负荷" says nothing of using the cpu
    assert not fit("一直 用 cpu", "GPU使用率一直是0, CPU一直满负荷", groups)
    assert fit("一直 用 cpu", "训练一直用的是CPU", groups)
    # a word of the vocabulary that begins a longer entry of another group is that entry
    assert not fit("gpu 不足", "GPU速度不够理想", groups)
    assert fit("gpu 不足", "GPU显存不够", groups)
    assert not fit("usage 低于", "loss低于零, gpu使用率正常", groups)
    # after an adverb of degree a word is itself: the "低" of "很低" is low, whatever group "很低" is in
    assert fit("利用率 低", "GPU利用率很低", groups)
    assert fit("利用率 低", "GPU利用率低", groups)
    # one that ends it keeps its meaning: "第一圈" is a first epoch; another word keeps it at the beginning: "图" of "图片"
    assert fit("卡 圈", "一直卡在第一圈", groups)
    assert fit("灰度 图 通道", "灰度图片没有通道", groups)
    # an entry holding a negation is made of its words: "不能用" is "不能" + "用"
    assert fit("模型 不能 用 下标", "模型不能用下标取层", groups)


def test_a_chinese_keyword_held_only_inside_a_longer_word_is_no_near_miss_either() -> None:
    groups = WordGroups(vocabulary([["not found", "找不到"], ["dll module not found", "找不到指定的模块"], ["module", "模块"], ["tensorflow"]]))
    # the 找不到 of 找不到指定的模块 is the Windows loader missing a DLL, not a missing Python module, and the
    # partial ratio that forgives a mistyped keyword must not bring it back
    assert not fit("找不到 tensorflow 模块", "import tensorflow 报错 找不到指定的模块", groups)
    assert fit("找不到 tensorflow 模块", "import tensorflow 报错 找不到 tensorflow 这个模块", groups)
    # a keyword mistyped (not held as written) is still a near miss
    assert fit("找不到指定的模块 tensorflow 导入", "导入 tensorflow 报错 找不到指定的模快", groups)


def test_a_word_written_apart_or_joined_is_the_word_itself_not_another_of_its_group() -> None:
    groups = WordGroups(vocabulary([["unbalanced", "un balanced", "imbalanced"], ["early stopping", "early_stopping"]], generic=["data"]))
    spaced = fit("unbalanced data", "un balanced (many more 1s than 0s) data gives bad results", groups)
    assert spaced and spaced.found == 2
    assert not fit("unbalanced data", "imbalanced data gives bad results", groups)  # a synonym needs two specific words
    assert fit("early stopping callback", "the early_stopping callback stops too soon", groups)


def test_closer_keywords_and_more_of_them_rank_first() -> None:
    near = fit("loss nan", "the loss is nan now")
    far = fit("loss nan", "the loss was fine for a long while, many epochs of steady progress, until one day: nan")
    assert near.confidence() > far.confidence()
    assert fit("数据 没有 归一化", "输入数据没有归一化").confidence() > fit("数据 nan", "输入数据没有归一化, nan").confidence()


def test_a_generic_keyword_makes_a_fit_less_specific_than_a_specific_one() -> None:
    # "train" is generic: nearly every description holds it, so it tells less than "learning rate" which family it is
    generic = fit("train loss nan", "train: loss nan")
    specific = fit("lr loss nan", "lr: loss nan")
    assert generic is not None and specific is not None
    assert specific.confidence() > generic.confidence()
    # yet a generic keyword found still counts for something
    assert generic.confidence() > fit("loss nan", "loss nan, train").confidence()


def test_japanese_korean_and_russian_words_are_read_and_found_as_part_of_the_text() -> None:
    # kanji are read like Traditional Chinese characters (損 -> 损), in the text and in the vocabulary alike
    assert tokens("損失がnanに, 손실이 nan, Потери nan") == ["损失が", "nan", "に", "손실이", "nan", "потери", "nan"]
    groups = WordGroups(vocabulary([["loss", "損失", "손실", "потер"]]))
    for sentence in ("損失がnanになります", "학습 중 손실이 nan이 됩니다", "Потери становятся nan после 3 эпох"):
        assert fit("loss nan", sentence, groups), sentence


def test_a_contraction_typed_without_its_apostrophe_is_still_a_negation() -> None:
    assert tokens("the model cant load, it doesnt work") == ["the", "model", "cannot", "load", "it", "does", "not", "work"]
    assert tokens("a cantilever") == ["a", "cantilever"]


def test_a_negation_in_a_several_word_entry_may_be_another_negation() -> None:
    groups = WordGroups(vocabulary([["not", "cannot", "never"], ["not found", "not detected", "找不到"], ["keras", "tensorflow"], ["tensorflow 2", "tf2"]]))
    assert fit("gpu not found", "tensorflow cannot detect my gpu", groups)  # cannot detect = not detected
    assert fit("gpu not found", "the gpu is never detected", groups)
    found = fit("gpu not found", "gpu not found", groups)
    flexed = fit("gpu not found", "gpu cannot found", groups)
    assert found.confidence() > flexed.confidence()
    assert not fit("gpu not found", "gpu not good, detected later", groups)  # the words must be in a row
    assert not fit("tensorflow 2 placeholder", "keras 2 placeholder", groups)  # only a negation stands for another


def test_a_negation_of_several_words_may_stand_for_the_negation_of_an_entry() -> None:
    groups = WordGroups(vocabulary([["not", "cannot", "unable to", "not able to"], ["not found", "not recognized", "not detected"]]))
    assert fit("gpu not found", "tensorflow is unable to recognize the gpu", groups)  # unable to recognize = not recognized
    assert fit("gpu not found", "keras is not able to detect the gpu", groups)
    assert not fit("gpu not found", "unable to say if the gpu is recognized", groups)  # still words in a row
    assert not fit("gpu not found", "unable to train, the gpu is recognized", groups)


def test_a_symptom_the_user_denies_is_not_a_fit() -> None:
    assert fit("loss becomes nan", "the loss becomes nan after 3 epochs")
    assert not fit("loss becomes nan", "the loss is not nan, but the accuracy never changes")
    assert not fit("nan input data", "my input data does not contain nan")
    assert not fit("nan input data", "there is no nan in the input data")
    assert fit("nan input data", "no error, but there is nan in my input data")  # another "nan" is not denied
    assert fit("loss nan", "my data has no nan but the loss is nan")  # "but" ends the denial
    # a missing attribute retold in words is the AttributeError itself, not a denial
    assert fit("tensorflow attribute Session", "my old script fails because tensorflow does not have attribute Session")
    assert not fit("nan input data", "my input data does not have nan values")
    # the words right after a denied keyword are denied with it, though another clause holds the keyword again
    assert not fit("nan values training data", "there are no nan values in my training data but the loss is nan")
    assert fit("nan values training data", "there are nan values in my training data but the loss is fine")
    groups = WordGroups(vocabulary([["memory", "ram"], ["not found", "cannot find"], ["not", "cannot"]]))
    assert not fit("out of memory", "it is not an out of memory problem, the kernel just dies", groups)
    assert fit("gpu not found", "it cannot find the gpu", groups)  # the phrase holds the negation itself
    assert fit("gpu not found", "the gpu is not found", groups)
    # "no" denies a word of the symptom vocabulary; "has no attribute" is what a message says is missing
    assert fit("module attribute", "the module has no attribute named foo")
    # in Chinese, "不是" denies the rest of its clause; "是不是" asks
    groups = WordGroups(vocabulary([["显存", "gpu memory"], ["不足", "not enough"]]))
    assert not fit("显存 不足", "不是显存不足的问题，是数据太多", groups)
    assert fit("显存 不足", "是不是显存不足", groups)
    assert fit("显存 不足", "不是代码的问题，但是显存不足", groups)
    # a rhetorical question ("难道不是...吗", "这不是...吗") asks the reader to agree: it denies nothing
    assert fit("显存 不足", "难道不是显存不足吗", groups)
    assert fit("显存 不足", "难到不是显存不足了", groups)
    assert fit("显存 不足", "这不是显存不足吗", groups)
    assert not fit("显存 不足", "这不是显存不足，但是吗啡", groups)  # the "吗" of another clause asks nothing
    # a word said to be fine is denied back to the start of its clause; "有没有问题" asks
    groups = WordGroups(vocabulary([["路径", "path"], ["找不到", "not found"]]))
    assert not fit("找不到 路径", "模型文件找不到，但路径没有问题", groups)
    assert fit("找不到 路径", "模型文件找不到，路径有没有问题", groups)
    assert fit("找不到 路径", "数据没问题，但是路径找不到", groups)
    # a negated verb or participle is the symptom a quoted message states, not a denial
    assert fit("interpret loss identifier", "could not interpret loss identifier")
    assert fit("iterating tensor allowed", "iterating over a tensor is not allowed")


def test_the_two_words_of_a_pair_phrase_must_be_near_each_other() -> None:
    filler = " ".join(f"word{i}" for i in range(30))
    assert fit("out of memory", "the gpu ran out of memory at epoch 3")
    assert not fit("out of memory", f"I am trying out CNNs now, {filler}, and there is a lot of free memory")


def test_short_english_words_are_found_in_their_other_forms_and_negations_in_none() -> None:
    assert fit("gpu not used", "tensorflow does not use my gpu")  # use / used, which stem() keeps apart
    assert fit("training stops epoch", "training stopped after one epoch")  # stop / stopped
    assert fit("model fit slow", "fitting the model is slow")
    assert not fit("gpu not used", "as noted above, the gpu is used")  # "noted" is not "not"
    # a phrase word whose base takes no endings keeps none: "sees" is "see", and "seed" is neither
    assert fit("tensorflow only sees cpu", "tensorflow only sees the cpu")
    assert not fit("tensorflow only sees cpu", "tensorflow runs only on the cpu with a fixed seed")


def test_freezing_a_part_of_the_model_is_no_hang_and_no_stuck_metric() -> None:
    hang = WordGroups(vocabulary([["hang", "freeze", "freezes", "freezing", "froze", "never ends"], ["stuck", "frozen"], ["train", "training"], ["accuracy"]]))
    # the program or the metric: the symptom
    assert fit("training hangs", "the training freezes at the first epoch", hang)
    assert fit("accuracy stuck", "my accuracy is frozen at 0.5", hang)
    assert fit("training hangs", "training froze after the first batch", hang)
    # a part of the model kept from training (trainable=False): neither
    assert not fit("training hangs", "freezing the base layers during training does not work", hang)
    assert not fit("training hangs", "I froze the first 10 layers of VGG16 but training changes them", hang)
    assert not fit("accuracy stuck", "the accuracy drops although the layers are frozen", hang)
    assert not fit("training hangs", "I set layer.trainable = False to freeze it, training still updates it", hang)


def test_freezing_a_part_of_the_model_says_trainable_false() -> None:
    # "frozen layers" is what `trainable = False` sets, in the user's words
    assert fit("trainable False change", "I froze the first 10 layers of VGG16 but training changes them")
    assert fit("trainable False updated", "the frozen layers are still updated")
    assert fit("trainable False no effect", "freezing the base layers has no effect")
    # a program or a metric that freezes sets nothing
    assert not fit("trainable False change", "the training freezes and the weights never change")
    assert not fit("trainable False no effect", "my accuracy is frozen at 0.5, the learning rate has no effect")


def test_a_negation_of_a_phrase_must_deny_the_keyword_after_it() -> None:
    assert fit("gpu not used", "the gpu is not being used")
    assert fit("not using gpu", "keras is not using the gpu at all")
    assert fit("没有 用 gpu", "训练时没有用到gpu")
    # a negation of something else, with the phrase's words elsewhere in the text, says nothing of the gpu's use
    assert not fit("gpu not used", "clear_session does not clear memory from the gpu, I used reset_default_graph")
    assert not fit("not using gpu", "I tried freeing the memory using gc.collect, but it could not free the gpu memory")
    assert not fit("没有 用 gpu", "没有报错，我用gpu训练")
    # the glue of "can't get it to <verb>" between the negation and its verb: the verb is still what is denied
    negations = WordGroups(vocabulary([["not", "cannot", "没有"]], generic=["not"]))
    assert fit("cannot detect gpu", "I can't get tensorflow to detect my gpu", negations)
    assert fit("cannot detect gpu", "I cannot get it to detect the gpu", negations)
    assert not fit("cannot detect gpu", "it cannot free the old graph, tensorflow had to detect the gpu again", negations)
    # a clause ends between them: the negation is about something else
    assert not fit("cannot detect gpu", "it cannot free it and so it had to detect the gpu again", negations)


def test_a_phrase_is_never_fitted_without_its_negation() -> None:
    # a long description holding every other keyword says the opposite of a phrase that denies: no partial fit
    assert fit("没有 在 gpu 上 运行", "训练时没有在gpu上运行，查了一下发现代码只在cpu下运行")
    assert not fit("没有 在 gpu 上 运行", "代码在GPU上运行会报错，查了一下发现有人在CPU下可以运行，不知道是什么原因")
    # "没有问题" / "没问题" says something works: its negation denies nothing the phrase names
    assert not fit("没有 用 gpu", "用另一个模型没有问题，gpu 是 v100")
    assert not fit("没有 用 gpu", "我用gpu训练，数据没问题")


def test_no_is_a_negation_a_phrase_needs_beside_its_keyword() -> None:
    from kerasdoctor.kb import load_rules

    groups = load_rules().word_groups()
    assert fit("no gpu found", "tensorflow says no gpu found on this machine", groups)
    # the "No" of a pasted message denies its own next word, not the GPU the user mentions elsewhere
    text = "在GPU上运行会报错\nInternal: No unary variant device copy function found for direction: 1"
    assert not fit("no gpu found", text, groups)


def test_one_word_of_the_text_is_one_keyword_of_the_phrase() -> None:
    assert fit("fit list of lists", "model.fit on a list of lists fails")
    assert not fit("fit list of lists", "call fit with the early stopping callback in the callbacks list")


def test_a_keyword_is_not_found_inside_another_library_name_that_begins_with_it() -> None:
    assert fit("sequential layer tensor", "adding a tensor to a sequential layer")
    assert fit("sequential layer tensor", "sequential model layer got tensors")  # a longer word it begins
    assert not fit("sequential layer tensor", "adding a tensorflow hub layer to sequential")
    assert not fit("dll load failed tensorflow", "dll load failed while importing tensorflow_text")
    assert fit("dll load failed tensorflow", "dll load failed in tensorflow_core")  # TensorFlow's own package
    assert not fit("keras version upgrade", "keras_hub version upgrade")
    # a data set's name is no word it begins: ImageNet weights are no image
    assert fit("same image different output", "the model gives a different output for the same images")
    assert not fit("same image different output", "init with imagenet weights: the output is different, same code")


def test_a_number_after_a_library_name_is_its_version_not_any_number_of_the_text() -> None:
    assert fit("savedmodel keras 3", "loading a SavedModel with Keras 3.1 fails")
    assert fit("savedmodel keras 3", "keras3 cannot load my savedmodel")  # written together
    assert fit("numpy 2 不兼容", "numpy升级到2.0以后不兼容")
    assert not fit("savedmodel keras 3", "keras savedmodel called on shape (None, 3)")
    # the 1 of 2.16.1 is not TensorFlow 1
    assert not fit("tensorflow 1 code tensorflow 2", "TensorFlow version: 2.16.1, the code runs on colab")
    assert phrase_keywords("model saved with keras 2 cannot load keras 3") == ("model", "saved", "keras.2", "cannot", "load", "keras.3")
    assert tokens("Keras3 and TF2 on python3.8") == ["keras", "3", "and", "tf", "2", "on", "python", "3", "8"]
    whole = fit("saved keras 2 load keras 3", "a model saved using keras 2.3.1 does not load in Keras3")
    assert whole is not None and not whole.partial
    # the 3 of python 3.8 or of keras 2.3.1 is not Keras 3: at most a fit that leaves out that keyword
    without = fit("saved keras 2 load keras 3", "a model saved using keras 2.3.1 does not load in python 3.8")
    assert without is None or (without.partial and without.confidence() < whole.confidence())


def test_a_release_of_several_parts_is_its_numbers_after_the_name() -> None:
    groups = WordGroups(vocabulary([["keras 3", "tensorflow 2.16"]]))
    assert fit("tflite conversion tensorflow 2.16", "tflite conversion fails in TensorFlow version: 2.16.1")
    assert fit("tflite conversion keras 3", "tflite conversion fails in TensorFlow version: 2.16.1", groups)
    assert fit("tflite conversion keras 3", "tflite conversion fails with tensorflow==2.16.1", groups)
    assert not fit("tflite conversion keras 3", "tflite conversion fails in TensorFlow version: 2.15.0", groups)
    assert not fit("tflite conversion keras 3", "tflite conversion fails in TensorFlow version 2.1.6", groups)


def test_a_release_of_several_parts_in_a_phrase_is_one_keyword_and_finds_its_group() -> None:
    # "tensorflow 2.11" in a phrase is that release, not TensorFlow 2 followed by some 11
    assert phrase_keywords("windows tensorflow 2.11 gpu") == ("windows", "tensorflow.2.11", "gpu")
    assert phrase_keywords("install tensorflow python 3.12") == ("install", "tensorflow", "python.3.12")
    groups = WordGroups(vocabulary([["tensorflow 2.11", "tensorflow 2.12", "tf 2.13"], ["gpu", "graphics card"]]))
    assert fit("windows tensorflow 2.11 gpu", "TensorFlow 2.12 on Windows 10 does not see the GPU", groups)
    assert fit("windows tensorflow 2.11 gpu", "Windows 11, tf 2.13.0: the graphics card is never used", groups)
    found = fit("windows tensorflow 2.11 gpu", "TensorFlow version 2.1.0 on Windows 10 does not see the GPU", groups)
    assert found is None or found.partial
    assert not fit("windows tensorflow 2.11 gpu", "Windows 10, TensorFlow 2 and 11 GPUs", groups)


def test_found_that_reports_what_the_user_noticed_not_a_failed_search() -> None:
    groups = WordGroups(vocabulary([["not", "no", "cannot", "can not"], ["find", "finds", "found"]]))
    assert fit("no gpu found", "no gpu found by tensorflow", groups)
    assert fit("no gpu found", "tensorflow cannot find the gpu", groups)
    # the found of "found that" / "found out" is no keyword of the phrase: at most a fit that leaves it out
    for text in ("I upgraded and found that it can't bind the second GPU", "I found out the gpu cannot be shared"):
        found = fit("no gpu found", text, groups)
        assert found is None or found.partial


def test_a_download_of_the_projects_code_is_no_failed_download() -> None:
    groups = WordGroups(vocabulary([["download", "下载"], ["hang", "hangs", "卡住", "卡在"], ["fail", "失败"]]))
    assert fit("download hangs", "the mnist download hangs at 10%", groups)
    assert fit("download hangs", "下载数据集的时候卡住了", groups)
    # the download that got the code worked: what hangs is the code run after it
    for text in ("I downloaded your code but training hangs at epoch 1", "我下载了你的项目，但运行的时候总是会卡在这里"):
        found = fit("download hangs", text, groups)
        assert found is None or found.partial
    # a file the code fetches keeps the sense of a download
    assert fit("download fails", "I downloaded your code, and then the weights download fails", groups)
    assert fit("下载 失败", "下载了你的代码，但是下载权重失败", groups)


def test_a_windows_dll_is_read_without_the_cuda_release_glued_to_its_name() -> None:
    assert tokens("cudart64_101.dll and cublas64_11.dll not found") == ["cudart64", "101", "dll", "and", "cublas64", "11", "dll", "not", "found"]
    assert tokens("dense_1 and conv2d_3") == ["dense_1", "and", "conv2d_3"]  # a layer's name keeps its number
    groups = WordGroups(vocabulary([["cudart", "cudart64"], ["not found", "cannot find"]]))
    assert fit("cudart dll not found", "could not load cudart64_110.dll: dll not found", groups)


def test_an_entry_with_function_words_is_one_keyword_of_a_phrase_that_dropped_them() -> None:
    groups = WordGroups(vocabulary([["out of memory", "oom"], ["memory", "ram"], ["unable to", "not"]]))
    # "out of memory" is read as the entry, words in a row: not the "out" of "figure out" and some memory
    assert fit("out of memory", "the training ran out of memory after 3 epochs", groups)
    assert fit("gpu out of memory", "my gpu hits oom in the second epoch", groups)
    assert not fit("out of memory", "to figure out whether it is the model, I watched the gpu memory usage", groups)
    # an entry that is one word besides its function words is that word only: "unable" is not any negation
    assert phrase_keywords("unable open file") == ("unable", "open", "file")
    assert groups.concepts(phrase_keywords("unable open file")) == (("unable",), ("open",), ("file",))


def test_the_one_number_of_a_phrase_is_said_of_a_keyword_beside_it() -> None:
    assert fit("always predicts 1", "the model always predicts 1 for every image")
    assert fit("forgot divide 255", "I forgot to divide the pixels by 255 before fit")
    # the keyword before the number with another ending than elsewhere in the text
    assert fit("always outputs 1", "it is always outputting 1; I printed the raw outputs of the network before rounding them")
    # the 1 of "[0, 1]" a clause away is not what is predicted
    assert not fit("always predicts 1", "pixels are scaled to [0, 1] in training and it almost always predicts dandelion")
    # two numbers compare values a shape spells out at some distance
    assert fit("expected 4 dimensions got 3", "expected conv2d_input to have 4 dimensions, but got array with shape (232, 232, 3)")


def test_a_keras_log_name_is_read_as_its_two_words() -> None:
    groups = WordGroups(vocabulary([["validation", "val"], ["accuracy", "acc", "val_accuracy"]]))
    assert symptom_tokens("loss: 0.03 - val_accuracy: 0.59") == ["loss", "0", "03", "val", "accuracy", "0", "59"]
    assert fit("validation accuracy low", "the accuracy is high (about 0.98), but the val_accuracy is low (about 0.6)", groups)
    assert fit("val_loss increases", "the validation loss increases after epoch 5", WordGroups(vocabulary([["validation", "val"]])))
    assert tokens("val_accuracy") == ["val_accuracy"]  # the last-resort guess reads words as they are
    # a history's names of the other splits, when they name a measure; other names with the prefix stay one word
    assert symptom_tokens("train_acc up, test_loss down, train_on_batch") == ["train", "acc", "up", "test", "loss", "down", "train_on_batch"]
    groups = WordGroups(vocabulary([["loss"], ["accuracy", "acc"], ["train", "training"], ["increase", "increasing"]]))
    assert fit("training loss increasing", "training loss increasing", groups)
    assert not fit("training loss increasing", "train_acc keeps increasing, the val_loss is high", groups)


def test_a_word_of_a_several_word_entry_is_found_with_another_ending_even_when_written_as_is_elsewhere() -> None:
    groups = WordGroups(vocabulary([["not found", "not detected"]]))
    assert fit("gpu not detected", "tensorflow is not detecting the gpu", groups)
    # "detected" as written further on does not hide "not detecting", the words the user wrote in a row
    assert fit("gpu not detected", "tensorflow is not detecting the gpu, while it is detected in pytorch", groups)
    assert not fit("gpu not detected", "the gpu is detected in pytorch, and not by luck", groups)


def test_the_numbers_of_a_phrase_are_found_in_its_order_and_never_left_out() -> None:
    groups = WordGroups(vocabulary([["keras", "tensorflow"], ["load", "reload"]], generic=["keras"]))
    assert fit("saved with keras 2 cannot load keras 3", "saved with keras 2 and now I cannot load it in keras 3", groups)
    # the other direction is another family (a newer file read by an older Keras)
    assert not fit("saved with keras 2 cannot load keras 3", "saved with keras 3 and now I cannot load it in tensorflow 2.12", groups)
    # a long description may leave out a word of a phrase, but not the version it is about
    long_text = "after a lot of work on my project I saved the model with keras 2 and now I cannot load the file at all"
    assert fit("saved model keras 2 cannot load file", long_text, groups)
    assert not fit("saved model keras 3 cannot load file", long_text, groups)


def test_a_phrase_word_with_another_ending_than_its_group_entry_still_finds_the_group() -> None:
    groups = WordGroups(vocabulary([["save", "保存"], ["load", "加载"]]))
    assert fit("model saved cannot load", "the model 保存后 cannot be 加载", groups)  # saved -> save -> 保存


def test_a_dotted_name_in_a_phrase_is_its_words_in_a_row_as_written() -> None:
    assert phrase_keywords("model.predict inside tf.function") == ("model.predict", "inside", "tf.function")
    groups = WordGroups(vocabulary([["keras", "tf", "tensorflow"], ["predict", "prediction"]], generic=["model", "keras"]))
    assert fit("model.predict tf.function", "calling model.predict() in a @tf.function", groups)
    # keras ... functions is not tf.function, and model ... predicts is not model.predict
    assert not fit("model.predict tf.function", "the keras model predicts one class whatever the activation functions", groups)


def test_keywords_written_side_by_side_outrank_more_keywords_spread_over_a_sentence() -> None:
    groups = WordGroups(vocabulary([["not found", "not detected"]]))
    text = "GPU not detected even after installing CUDA, cuDNN correct versions"
    assert fit("gpu not found", text, groups).confidence() > fit("cudnn not found gpu", text, groups).confidence()


@pytest.mark.parametrize(
    ("case", "family"),
    [
        ("0403", "numpy2-binary-incompatible"),  # 兼容性问题 for 不兼容, TensorFlow 2.10 / NumPy 2.0
        ("0404", "dataset-download-failed"),  # 时不时会挂 for 失败
        ("0411", "graph-session-mismatch"),  # 多线程 ... tensorflow ... 预测时报错
        ("0431", "nan-loss"),  # float16 layers, then the loss shows NaN values during training
        ("0670", "keras-tensorflow-version-mismatch"),  # 导入keras时总是版本错误报错
        ("0674", "gpu-not-visible"),  # Can't recognize GPU ... cannot see GPU in tensorflow
        ("0676", "graph-session-mismatch"),  # predict gives this error on the web app, fine on the console
        ("0699", "model-file-not-found"),  # 预测时提示缺少h5文件
        ("0428", "overfitting"),  # test loss is increasing but train loss is decreasing
        ("0941", "overfitting"),  # 训练时损失函数减少但是验证时损失函数增大
        ("0943", "overfitting"),  # as the number of epochs increases ... the validation accuracy actually decreases
        ("0947", "accuracy-metric-on-regression"),  # 当损失为均方误差 (MSE) 时 ... Keras 中的准确性
        ("0949", "accuracy-metric-on-regression"),  # regression ... acc and val_acc are always at 1.0000
        ("0954", "inference-preprocessing-mismatch"),  # 测试自己图片 ... 预测出来都是数字0
        ("0958", "inference-preprocessing-mismatch"),  # val_acc and model.evaluate acc not matching
        ("0955", "class-imbalance"),  # seem to predict only one class
        ("0956", "class-imbalance"),  # Imbalanced dat ... poor result for 2 classes
        ("1406", "no-tensorflow-wheel-for-python"),  # Tensorflow installation fails on python 3.3.6
        ("1422", "learning-rate-extreme"),  # A high learning rate may cause a nan or an inf loss
        ("1558", "custom-objects-on-load"),  # model_from_json() ... does not work for custom layers
        ("1176", "class-imbalance"),  # un balanced (number of 1s and number of 0s are very differnt) data
        ("1421", "learning-rate-extreme"),  # even a very simple net on simple data, the weights go to Nan
        ("1568", "out-of-memory"),  # Why does Colab keep crashing when training srgan
        ("1556", "train-inference-behaviour-gap"),  # training accuracy is lower than the validation accuracy
        ("1554", "train-inference-behaviour-gap"),  # fit accuracy close to 1.0, evaluate on the training data ~0.5
        ("2831", "validation-split-not-shuffled"),  # zero test accuracy although the training accuracy is improving
        ("2955", "input-pipeline-bottleneck"),  # fit_generator ... GPU usage is spiking
        ("0422", "small-workload-slower-on-gpu"),  # 在GPU上进行培训比在CPU上进行培训要慢得多 (a tiny CNN)
        ("1550", "training-not-reproducible"),  # seeds fixed, yet no reproducible training model with the TF backend
    ],
)
def test_real_descriptions_get_their_family_as_a_capped_symptom_match(case: str, family: str) -> None:
    best = explain(dev_text(case)).best
    assert best is not None and best.rule.name == family
    assert best.kind == "symptom" and best.confidence <= KIND_CAPS["symptom"] < 0.8


@pytest.mark.parametrize("case", ["0421", "0660", "0681", "1560", "1572", "1576"])
def test_descriptions_of_what_no_rule_covers_stay_unanswered(case: str) -> None:
    # CPU busy and GPU idle,
    # accuracy that does not change, GPU memory used at 0% load, GPU memory not freed,
    # an EarlyStopping left out of the callbacks list
    # (validation accuracy above training accuracy, 1556, is train-inference-behaviour-gap's now, GPU slower than CPU for a
    # tiny CNN, 0422, small-workload-slower-on-gpu's, and predict slower
    # after compile, 0405, tf-function-retracing's: predict's per-call overhead, as the maintainers explain in 1571):
    # no evidence, at most the last resort's guess from similar words, marked as such
    assert all(m.kind == "fuzzy" and NOTE in m.notes for m in explain(dev_text(case)).matches)


def test_fewer_steps_than_samples_in_the_progress_bar_names_the_batch_count_family() -> None:
    # 1875 steps shown for 60000 samples: the bar counts batches of 32 (progress-bar-counts-batches), told from a
    # description only, so below certainty
    best = explain(dev_text("0412")).best
    assert best is not None and best.rule.name == "progress-bar-counts-batches" and best.confidence < 0.8


@pytest.mark.parametrize("case", ["0427", "1573"])
def test_gpu_memory_tensorflow_keeps_names_the_preallocation_family(case: str) -> None:
    # the whole GPU memory taken by the first model, or kept after del model / clear_session:
    # TensorFlow reserves it at start-up and holds it while the process lives (gpu-memory-preallocated),
    # told from a description only, so below certainty
    best = explain(dev_text(case)).best
    assert best is not None and best.rule.name == "gpu-memory-preallocated"
    assert best.kind == "symptom" and best.confidence <= KIND_CAPS["symptom"] < 0.8


def test_the_built_in_vocabulary_is_valid_and_read_from_the_rule_snapshot() -> None:
    path = ROOT / "rules" / "_vocabulary.yaml"
    assert validate_vocabulary(yaml.safe_load(path.read_text(encoding="utf-8")), str(path)) == []
    groups, generic = load_rules().vocabulary
    assert ("损失",) in next(g for g in groups if ("loss",) in g)
    assert ("model",) in generic
    # a cold explain of a sentence reads the vocabulary from the snapshot, never parsing YAML
    code = "import sys, kerasdoctor; m = kerasdoctor.explain('训练时损失值变成NaN').best; print(m.rule.name, 'yaml' in sys.modules)"
    # warmed in a fresh interpreter: this one may hold rules loaded under another test's cache directory
    subprocess.run([sys.executable, "-c", "import kerasdoctor; kerasdoctor.explain('warm the snapshot')"], check=True)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["nan-loss", "False"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("[loss, cost]", "must be a mapping"),
        ("groups: [[loss]]", "must be a list of 2 to"),
        ("groups: [[loss, cost], [cost, 代价]]", "is already in groups[0]"),
        ("groups: [[gpu memory, 显存 gpu]]", "write a Chinese word alone"),
        ("groups: [[loss, '!!']]", "has no letters"),
        ("generic: [two words]", "generic: must be a list of single words"),
        ("groups: []\nwords: []", "unknown key"),
    ],
)
def test_a_broken_vocabulary_is_reported(tmp_path: Path, content: str, problem: str) -> None:
    (tmp_path / "_vocabulary.yaml").write_text(content + "\n", encoding="utf-8")
    problems = load_rule_dir(str(tmp_path)).problems
    assert any(problem in p and "_vocabulary.yaml" in p for p in problems), problems


def test_rules_check_fails_on_a_broken_vocabulary(tmp_path: Path) -> None:
    (tmp_path / "_vocabulary.yaml").write_text("groups: [[loss, cost], [cost, 代价]]\n", encoding="utf-8")
    checked = subprocess.run([sys.executable, "-m", "kerasdoctor", "rules", "check", str(tmp_path)], capture_output=True, text=True)
    assert checked.returncode == 1 and "'cost' is already in groups[0]" in checked.stdout


def test_a_user_vocabulary_is_merged_with_the_built_in_one(tmp_path: Path) -> None:
    (tmp_path / "_vocabulary.yaml").write_text(
        textwrap.dedent(
            """\
            groups:
              - [loss, verlust]
              - [epoch, epoche]
            generic: [modell]
            """
        ),
        encoding="utf-8",
    )
    (merged_groups, generic), problems = parse_vocabulary_files([str(ROOT / "rules" / "_vocabulary.yaml"), str(tmp_path / "_vocabulary.yaml")])
    assert problems == []
    loss = next(g for g in merged_groups if ("loss",) in g)
    assert ("verlust",) in loss and ("损失",) in loss  # groups sharing a word become one
    assert ("modell",) in generic
    assert fit("loss nan", "mein verlust wird nan", WordGroups((merged_groups, generic)))


def test_a_library_log_line_must_fit_a_phrase_whole() -> None:
    # TF 2.21's mixed precision device check on a CPU-only machine, as printed by KD253's good example
    # on tf-keras: long enough for a description to leave one keyword of "mixed precision dtype
    # mismatch" out, but a library's own log line is not a description
    warning = (
        "WARNING:tensorflow:Mixed precision compatibility check (mixed_float16): WARNING\n"
        "The dtype policy mixed_float16 may run slowly because this machine does not have a GPU. Only Nvidia GPUs "
        "with compute capability of at least 7.0 run quickly with mixed_float16.\n"
        "If you will use compatible GPU(s) not attached to this host, e.g. by running a multi-worker model, you can "
        "ignore this warning. This message will only be logged once\n"
    )
    names = [m.rule.name for m in explain(warning).matches]
    assert "mixed-precision-dtype-mismatch" not in names
    # the same words typed by a user as a long description may still leave one keyword out
    assert fit("mixed precision dtype mismatch", "after I switched to mixed precision following the guide, the dtype of my custom layer output looks odd")


# The same description in Simplified and in Traditional script (Taiwan / Hong Kong wording where it differs)
SCRIPTS = [
    ("训练时loss变成nan", "訓練時loss變成nan"),
    ("显存不足，训练到一半就停了", "顯存不足，訓練到一半就停了"),
    ("gpu没有被使用，只用了cpu", "GPU沒有被使用，只用了CPU"),
    ("mnist数据集下载失败", "mnist資料集下載失敗"),
    ("加载模型时自定义层报错", "載入模型時自訂層報錯"),
    # Taiwan wording: 偵測 for 检测, 顯示記憶體 for 显存, 逾時 for 超时
    ("tensorflow检测不到gpu", "Tensorflow 偵測不到 GPU"),
    ("显存不足", "顯示記憶體不足"),
    ("下载mnist数据集超时", "下載mnist資料集逾時"),
    # Taiwan's computing words reach a phrase as written, not only through a vocabulary group: 資料 for 数据,
    # 記憶體 for 内存, 檔案 for 文件
    ("数据不平衡，模型只预测一个类别", "資料不平衡，模型只預測一個類別"),
    ("训练时内存不足", "訓練時記憶體不足"),
    ("加载模型时找不到模型文件", "載入模型時找不到模型檔案"),
]


@pytest.mark.parametrize(("simplified", "traditional"), SCRIPTS)
def test_traditional_chinese_names_the_same_family_as_simplified(simplified: str, traditional: str) -> None:
    expected = explain(simplified, versions={}).matches
    got = explain(traditional, versions={}).matches
    assert expected, simplified
    assert [(m.rule.name, m.kind) for m in got[:1]] == [(m.rule.name, m.kind) for m in expected[:1]]


def test_the_traditional_fold_changes_only_chinese_characters() -> None:
    from kerasdoctor.explain.symptoms import fold_traditional

    assert fold_traditional("準確率一直不變 ValueError: 權重 shape (3, 3)") == "准确率一直不变 ValueError: 权重 shape (3, 3)"
    assert fold_traditional("准确率一直不变") == "准确率一直不变"
    assert tokens("訓練 loss") == tokens("训练 loss") == ["训练", "loss"]


def test_taiwan_computing_words_read_as_mainland_ones() -> None:
    from kerasdoctor.explain.symptoms import fold_regional

    assert tokens("資料不平衡，記憶體不足，視訊記憶體，程式碼") == ["数据不平衡", "内存不足", "显存", "代码"]
    assert fold_regional("数据集 内存") == "数据集 内存"  # Mainland words stay as they are
    assert fold_regional("ValueError: 档案") == "ValueError: 文件"


def test_the_traditional_fold_table_is_opencc_s() -> None:
    pytest.importorskip("opencc")
    assert subprocess.run([sys.executable, str(ROOT / "tools" / "build_hant_fold.py"), "--check"], capture_output=True).returncode == 0


def test_a_chinese_keyword_is_one_word_of_the_span_whatever_its_length() -> None:
    from kerasdoctor.explain.symptoms import _span

    # 学习率 (3 characters) then 过高 right after it: as close as "learning rate" and "too high"
    assert _span([[0], [3]], [3, 2]) == _span([[0], [1]]) == 1
    side_by_side = fit("学习率 过高 损失 nan", "学习率过高，损失变成nan")
    spread = fit("学习率 过高 损失 nan", "学习率设置得过高了，结果训练了几个小时以后损失变成nan")
    assert side_by_side.span < spread.span
    assert side_by_side.confidence() > spread.confidence()


def test_a_keyword_is_as_near_as_the_nearest_form_of_its_group() -> None:
    groups = WordGroups(vocabulary([["predict", "prediction", "predictions"], ["wrong", "incorrect"]]))
    filler = " ".join(f"word{i}" for i in range(30))
    # "prediction" opens the post, "predicted" stands next to "wrong": the pair is about one thing
    assert fit("predictions wrong", f"prediction {filler} and the predicted masks are wrong", groups)
    assert not fit("predictions wrong", f"prediction {filler} and the masks are wrong", groups)


@pytest.mark.parametrize(
    "sentence",
    ["the val loss rises while the training loss keeps dropping", "my validation accuracy drops after epoch 5 while the training accuracy keeps climbing"],
)
def test_everyday_words_for_rising_and_falling_curves_are_read(sentence: str) -> None:
    best = explain(sentence).best
    assert best is not None and best.rule.name == "overfitting" and best.kind == "symptom"


def test_a_flatten_layer_is_no_flat_curve() -> None:
    best = explain("I added a Flatten layer and a Dense layer and the accuracy is 0.98").best
    assert best is None or best.kind == "fuzzy"


def test_a_loss_going_below_zero_is_a_negative_loss() -> None:
    best = explain("my binary crossentropy loss goes below zero after a few epochs").best
    assert best is not None and best.rule.name == "targets-outside-loss-range" and best.kind == "symptom"


def test_a_word_that_begins_a_term_of_another_group_means_that_term() -> None:
    groups = WordGroups(vocabulary([["gpu", "graphics card"], ["vram", "gpu memory"], ["not", "cannot"], ["use", "using"]]))
    assert fit("not using gpu", "tensorflow is not using my gpu", groups)
    assert fit("not using gpu", "training is not using the gpu, gpu memory stays empty", groups)
    # "gpu" there names the memory of the card: the sentence is about memory, not about the card being unused
    assert not fit("not using gpu", "tensorflow is not using full gpu memory", groups)
    assert fit("vram full", "full gpu memory", groups)


def test_words_that_begin_a_longer_term_of_another_group_mean_that_term() -> None:
    groups = WordGroups(vocabulary([["loss"], ["increase", "goes up", "jumps"], ["fluctuate", "up and down", "goes up and down", "jumps up and down"]]))
    assert fit("loss increase", "my validation loss goes up after epoch 5", groups)
    # "goes up and down" is the loss swinging, not rising
    assert not fit("loss increase", "my validation loss goes up and down every epoch", groups)
    assert not fit("loss increase", "the loss jumps up and down", groups)
    assert fit("loss fluctuate", "my validation loss goes up and down every epoch", groups)
    assert fit("loss fluctuate", "the loss jumps up and down", groups)


def test_a_keyword_found_only_inside_another_keywords_longer_spelling_is_not_found() -> None:
    groups = WordGroups(
        vocabulary(
            [["loss"], ["stuck", "does not decrease", "不下降"], ["decrease", "decreases", "下降"], ["train", "training", "训练"], ["validation", "验证"]]
        )
    )
    phrase = "validation loss stuck training loss decreases"
    # the one "decrease" of the text is the stuck of "does not decrease": no training loss is said to decrease,
    # so the phrase misses two keywords (validation too), not only the one a long description may leave out
    assert not fit(phrase, "I train it just as the readme says but the training loss does not decrease at all", groups)
    assert fit(phrase, "I train it just as the readme says but the training loss decreases and the loss is stuck", groups)
    assert fit(phrase, "the training loss decreases but the validation loss does not decrease", groups)
    assert not fit("训练 loss 下降 验证 loss 不下降", "训练loss不下降, 验证loss不下降", groups)
    assert fit("训练 loss 下降 验证 loss 不下降", "训练loss下降, 验证loss不下降", groups)
    # a spelling without a negation keeps the meaning of its words: "第一圈" is the first epoch
    counted = WordGroups(vocabulary([["first", "第一圈"], ["epoch", "圈"], ["stuck", "卡住", "卡在"]]))
    assert fit("第一个 epoch 卡住", "做训练一直卡在第一圈", counted) or fit("first epoch stuck", "做训练一直卡在第一圈", counted)


def test_the_gate_lets_through_every_text_a_phrase_fits() -> None:
    """``_passes`` only saves work: a text that a phrase fits (whole, or missing one keyword) always passes it."""
    from kerasdoctor.explain.extract import extract_errors
    from kerasdoctor.explain.symptoms import _passes, _text_of, prepared_phrases, text_words

    rules = load_rules()
    groups = rules.word_groups()
    checked = 0
    for rule in rules.rules:
        for entry in prepared_phrases(rule, groups):
            keywords = phrase_keywords(entry[0])
            texts = [" ".join(keywords)] + [" ".join(k for j, k in enumerate(keywords) if j != i) for i in range(len(keywords))]
            for text in texts:
                records = extract_errors(text)
                if not records:
                    continue
                fitted = phrase_fit((), _Text(_text_of(records[-1])), groups, concepts=entry[1]) is not None
                if fitted:
                    checked += 1
                    words, cjk = text_words(records)
                    assert _passes(entry, words, cjk), (rule.name, entry[0], text)
    assert checked > 1000


def test_a_phrase_of_three_keywords_is_not_weighed_on_a_text_with_one_of_them() -> None:
    from kerasdoctor.explain.extract import extract_errors
    from kerasdoctor.explain.symptoms import _gate, _passes, text_words

    groups = load_rules().word_groups()
    concepts = groups.concepts(phrase_keywords("validation accuracy fluctuates wildly"))
    entry = ("validation accuracy fluctuates wildly", concepts, *_gate(concepts, groups))
    assert _passes(entry, *text_words(extract_errors("my validation accuracy fluctuates a lot")))
    assert not _passes(entry, *text_words(extract_errors("the validation set is small")))


def test_the_words_of_a_link_are_no_description() -> None:
    # a question linked by its address names another page's symptom, not the one the user describes
    assert explain("loss becomes nan after the first epoch").best.kind == "symptom"
    linked = explain("same as https://stackoverflow.com/questions/1/loss-becomes-nan-after-first-epoch").matches
    assert all(m.kind != "symptom" for m in linked)
    assert "install" not in symptom_tokens(without_links("see https://www.tensorflow.org/install/gpu?hl=en#windows ok"))


def test_own_data_is_no_custom_code() -> None:
    groups = WordGroups(vocabulary([["custom", "own"], ["image", "images"], ["not", "cannot"]]))
    assert fit("custom layer nan", "my own layer returns nan", groups)
    assert fit("custom loss nan", "with my own loss the model gives nan", groups)
    # "own" said of the user's data: the images are theirs, no code of theirs is involved
    assert not fit("custom loss nan", "on my own images the loss is nan", groups)
    assert not fit("custom loss nan", "my own set of images gives a nan loss", groups)
    # ... while a phrase about one's own data still reads it as written
    assert fit("own images nan", "on my own images the loss is nan", groups)


def test_every_other_epoch_is_said_of_the_words_in_a_row() -> None:
    best = explain("the validation accuracy is zero every second epoch").best
    assert best is not None and best.rule.name == "input-ran-out-of-data" and best.kind == "symptom"
    # "every epoch" and, later, "other parameters" say nothing of alternate epochs
    best = explain("the values saved in history differ from the ones printed at every epoch, as with other parameters").best
    assert best is None or best.rule.name != "input-ran-out-of-data"


def test_a_denied_belief_denies_what_it_is_about() -> None:
    best = explain("I think my model is overfitting the training data").best
    assert best is not None and best.rule.name == "overfitting" and best.kind == "symptom"
    for text in ("I do not think that this is an overfitting problem", "I don't think it is overfitting the training data"):
        best = explain(text).best
        assert best is None or best.kind != "symptom", (text, best)


def test_the_baseline_of_a_comparison_is_not_what_the_user_describes() -> None:
    groups = WordGroups(vocabulary([["train", "training"], ["cpu", "processor"], ["gpu", "graphics card"]]))
    assert fit("training on cpu", "my model is training on the cpu although a gpu is installed", groups)
    # the CPU is what the GPU run is measured against, not where the training runs
    assert not fit("training on cpu", "training on the gpu is slower than on the cpu", groups)
    assert not fit("training on cpu", "training with the graphics card is slower than with a cpu", groups)
    # said again outside the comparison, it counts
    assert fit("training on cpu", "training is slower on the gpu than on the cpu, so now I keep training on the cpu", groups)
    # a phrase that compares reads the baseline as its own
    assert fit("cpu faster than gpu", "training on the cpu is faster than on the gpu", groups)
    assert fit("cpu rather than gpu", "training runs on the cpu rather than the gpu", groups)


def test_a_wish_to_speed_up_is_no_measured_speed() -> None:
    # "speed up" / "加快速度" ask for more speed: the "speed" in them is no speed the user measured
    for text in ("the training speed is slow", "训练速度很慢"):
        best = explain(text).best
        assert best is not None and best.kind == "symptom", (text, best)
    for text in ("how do I speed up the training speed of my model", "为什么我的模型训练这么慢，怎么加快速度"):
        assert all(m.kind != "symptom" for m in explain(text).matches), text


def test_a_cpu_core_is_no_cpu_run_instead_of_the_gpu() -> None:
    groups = WordGroups(vocabulary([["cpu", "processor"], ["cpu core", "processor core"], ["keras", "tensorflow"], ["only", "solely"], ["use", "uses"]]))
    assert fit("tensorflow only uses cpu", "my tensorflow training only uses the cpu, not the gpu", groups)
    assert not fit("tensorflow only uses cpu", "keras training only uses one cpu core out of 8", groups)
