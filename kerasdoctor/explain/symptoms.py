"""Match a sentence that describes a symptom ("my loss becomes nan", "网络获取mnist数据集失败").

A rule's ``symptoms`` phrases are keyword sets: a phrase fits when every one of
its keywords is in the text. Latin words are compared as whole tokens (with a
little tolerance for typos and endings: ``minist`` ~ ``mnist``, ``failed`` ~
``fail``, ``exploding`` ~ ``explodes``); Chinese has no spaces, so a Chinese
keyword is looked for as a substring of the text's Chinese runs (a Japanese or
Korean keyword likewise: the stem of a word, whatever ending or particle follows), also with a
character or two put in between (``报了错`` for ``报错``, ``显存严重不足`` for
``显存不足``), and with rapidfuzz's partial ratio for near misses. Small function
words are dropped from English phrases.

A keyword is also found through the other words of its group in the symptom
vocabulary (``rules/_vocabulary.yaml``: loss = 损失 = cost, nan = "not a number"),
so one phrase covers both languages and the usual synonyms. A long description
may leave out one keyword of a phrase of three or more. Either way the phrase
must then rest on two keywords that are not generic (model, error, 训练 ...).

A keyword the user denies ("the loss is not nan", "no nan in my data") is not found,
unless the phrase holds the negation itself ("cannot find the gpu" for "gpu not found").

When several rules fit, the one whose phrase fits more keywords, more exactly and
closer together in the text ranks first. Every match is of kind ``symptom``,
capped far below an exact wording match.
"""

from __future__ import annotations

import os

from kerasdoctor.lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
    from collections.abc import Set as AbstractSet
    from typing import Any, TypeVar

    from kerasdoctor.types import ErrorRecord, Match, Rule

    _Key = TypeVar("_Key")  # what a caller names a candidate by: a rule, or its place in a snapshot

    # a symptom phrase, its keywords as terms, the latin keys / Chinese spellings one of which a text needs for it,
    # the slots (below) and the place of the keyword a partial fit may not leave out (-1: none)
    # one keyword of a phrase's three most specific, as a text holds it: (latin keys, Chinese spellings), or None
    _Slot = tuple[frozenset[str], tuple[str, ...]] | None
    PreparedPhrase = tuple[str, tuple[tuple[str, ...], ...], frozenset[str], tuple[str, ...], tuple[_Slot, ...], int]
    # (groups of terms meaning the same, generic terms); a term is the words of one entry, as tokens() reads it
    Vocabulary = tuple[tuple[tuple[tuple[str, ...], ...], ...], tuple[tuple[str, ...], ...]]

# latin words; runs of Chinese characters with Japanese kana and Korean hangul; Cyrillic words. Every
# non-latin token is matched as part of the text, so a vocabulary entry may be a stem ("ошибк" for ошибка)
_TOKEN = lazy(r"[a-z0-9_]+|[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]+|[\u0400-\u04ff]+")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "my",
        "our",
        "your",
        "i",
        "we",
        "it",
        "its",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "as",
        "and",
        "or",
        "after",
        "before",
        "when",
        "while",
        "then",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "get",
        "gets",
        "got",
        "getting",
        "becomes",
        "become",
        "became",
    ]
)
LATIN_TYPO_RATIO = 85.0
CJK_TYPO_RATIO = 80.0
MIN_KEYWORDS_FOR_TYPO = 3  # in a two-keyword phrase one exact word and one near miss is too little
MAX_TEXT_CHARS = 2000
# closeness of a keyword found in the text (0-100): as written, with an ending, through its vocabulary group
EXACT, WITH_ENDING, IN_GROUP, SPREAD_OUT = 100.0, 95.0, 92.0, 90.0
# a description this long (English words plus Chinese characters / 2) may leave out one keyword of a
# phrase, when the keywords it does hold are specific (not in the generic list) and close together
LONG_TEXT_UNITS = 14
MIN_CONCEPTS_FOR_PARTIAL = 3
MIN_SPECIFIC_FOR_PARTIAL = 3
# nor the keyword that names the family among common words: one that the phrases of at most this many rules hold,
# and RARE_KEYWORD_FACTOR times fewer than hold any other keyword of the phrase ("lambda" in "lambda layer load saved
# model"): the words left ("load a saved model with a layer") describe many families, the custom layer's as well
RARE_KEYWORD_RULES = 8
RARE_KEYWORD_FACTOR = 3
# a phrase fitted through the vocabulary must rest on two specific keywords
MIN_SPECIFIC_VIA_GROUP = 2
# keywords found within this many words/characters of each other describe one thing; past SPAN_FAR, none
SPAN_NEAR, SPAN_FAR = 8, 48
MAX_PARTIAL_SPAN = 2 * SPAN_NEAR
# two words far apart in a long post ("trying out CNNs ... free RAM") are no description of "out of memory"
MAX_PAIR_SPAN = 3 * SPAN_NEAR
# a bare number of a phrase ("always predicts 1", "exit code 137") is said of the keyword before it
NUMBER_REACH = 4
# a negation of a phrase says something of the word next to it ("optimizers 没有 adam", "gpu not detected"): one
# elsewhere in the post ("the loss doesn't change ... I used the Adam optimizer") is about something else. The
# units from a negation to the word it denies: "not using", "not being used", "not able to use", "adam is not there"
NEGATION_REACH = 3
# the units after a denied word that the denial still covers ("no nan values": the values)
DENIED_NOUN_REACH = 2
# a direction or level (a phrase's "decreasing", "low", "stuck") is said of one measure (the loss or the accuracy)
# of one split of the data (training or validation)
STATE_SUBJECTS = ((("loss",), ("accuracy",)), (("train",), ("validation",)))
STATES = (("increase",), ("decrease",), ("stuck",), ("high",), ("higher",), ("low",), ("lower",), ("better",), ("worse",), ("less",), ("smaller",))
STATE_CLAUSE_BREAKS = frozenset(["but", "while", "whereas", "although", "though", "however", "than"])
# each meaning of the text a rule's other phrases also name adds a little (several phrases agree)
BREADTH_BONUS, MAX_BREADTH_BONUS = 0.01, 0.03
BASE_CONFIDENCE = 0.28
# keywords this close (units per keyword after the first: a word or two Chinese characters between) were written
# as one phrase, which says more than the same keywords spread over a sentence: worth a little more than a keyword
TIGHT_UNITS_PER_KEYWORD, TIGHT_BONUS = 2, 0.05
# the part of a keyword a generic word (the vocabulary's `generic:` list) does not count for, in how specific a fit is
GENERIC_WEIGHT_OFF = 0.25
HINT = "matched from a description of the symptom; paste the full error message or traceback for a sure diagnosis"
_CONTRACTIONS = (("can't", "cannot"), ("won't", "will not"), ("n't", " not"))
# the same contractions typed without the apostrophe ("cant load", "doesnt work")
_BARE_CONTRACTIONS = {
    "cant": ("cannot",),
    "dont": ("do", "not"),
    "doesnt": ("does", "not"),
    "didnt": ("did", "not"),
    "isnt": ("is", "not"),
    "arent": ("are", "not"),
    "wasnt": ("was", "not"),
    "werent": ("were", "not"),
    "couldnt": ("could", "not"),
    "wouldnt": ("would", "not"),
    "shouldnt": ("should", "not"),
    "hasnt": ("has", "not"),
    "havent": ("have", "not"),
    "wont": ("will", "not"),
}
# a dotted name in a phrase (tf.function, model.fit) is one keyword: its words in a row, each as written
# a word the user says is absent ("the loss is not nan", "not an out of memory problem", "no nan in my data",
# "my data does not contain nan") is not a sign of it. A negated verb is the symptom itself ("could not
# interpret", "cannot load", "does not see"), so "not" denies only after a form of "be" or before "have" /
# "contain", and not before a participle or adjective, which a quoted message denies as its symptom ("is not
# allowed", "is not defined", "is not iterable", "is not learning"): the next two words of its clause (articles
# skipped); "no" the word after it
_PREDICATE_ENDINGS = ("ed", "able", "ible", "ing")
NEGATIONS = {"not": 2, "never": 2, "no": 1}
NEGATION_CONCEPT = ("not",)
_STATE_BEFORE = frozenset(["is", "are", "was", "were", "be", "been", "am"])
_STATE_AFTER = frozenset(["have", "has", "had", "contain", "contains", "include", "includes"])
# "tensorflow does not have attribute Session" retells an AttributeError ("has no attribute"): what is missing
# is the symptom, not a word the user denies
_MISSING_THING = frozenset(["attribute", "attributes", "attr"])
NEGATED_SPAN_SKIPS = frozenset(["a", "an", "the", "any", "only", "just", "even", "yet", "be", "been", *_STATE_AFTER])
# "I do not think this is an overfitting problem": a denied belief denies what it is about, past the words
# that introduce it
_BELIEFS = frozenset(["think", "believe", "suppose"])
_BELIEF_SKIPS = frozenset(["that", "this", "it", "its", "is", "was", "my", "our", "the", "a", "an"])
CJK_DENIAL, CJK_DENIED_CHARS, CJK_CLAUSE_BREAKS = "不是", 8, frozenset("但而可却")
# "难道不是过拟合吗", "这不是显存不足吗": a "不是" that a question word frames asks the reader to agree, and
# denies nothing; "吗" ends such a question within the clause, "难道" (often typed 难到) opens it
CJK_RHETORICAL_OPENERS, CJK_QUESTION_END, CJK_QUESTION_REACH = ("难道", "难到"), "吗", 16
# "路径没有问题" (the path is fine): these deny what comes before them in their clause; "有没有问题" asks
CJK_FINE = ("没有问题", "没问题", "是对的", "没有错", "没错")
_CLAUSE_BREAKS = frozenset(["but", "because", "and", "so", "although", "though", "however", "while", "when", "since"])
# from where a name starts only: a long word without a dot was otherwise read again from each of its letters
_DOTTED = lazy(r"(?<![a-z0-9_])[a-z0-9_]+(?:\.[a-z0-9_]+)+")
# a web address: a scheme or www. and everything up to the next space, quote or bracket (a scheme is short: an unbounded
# one made a long dotted word be read again from each of its letters)
_LINK = lazy(r"(?:\b[A-Za-z][A-Za-z0-9+.-]{0,30}://|\bwww\.)[^\s<>()\[\]\"']+")
_GAP = "\x00"  # stands for a latin word in the text's character sequence
# "freeze the layers", "frozen weights", "layers are frozen": setting trainable=False (transfer learning), not a
# program that hangs nor a metric that stays the same, which the same words say elsewhere ("training freezes",
# "accuracy frozen at 0.5"); such a word names neither symptom
_FREEZE_WORDS = frozenset(["freeze", "freezes", "freezing", "froze", "frozen"])
_FROZEN_PARTS = frozenset(
    [
        *("layer", "layers", "weight", "weights", "parameter", "parameters", "params", "variables", "base", "backbone"),
        *("encoder", "decoder", "embedding", "embeddings", "discriminator", "generator", "bn", "batchnorm"),
        *("batchnormalization", "batch_normalization", "conv", "convolutional", "block", "blocks", "graph", "pretrained"),
    ]
)
# parts that are frozen only when named after the word ("freeze the model"): "the model freezes" hangs
_FROZEN_AFTER = frozenset(["model", "models", "network", "networks", "net"])
_PRETRAINED_NAMES = ("vgg", "resnet", "inception", "xception", "mobilenet", "efficientnet", "densenet", "nasnet", "bert")
_FREEZE_REACH = 4
# the words such a freeze word stands for, as a phrase writes the setting
_FROZEN_MEANS = ("trainable", "false")
_FROZEN_BEFORE_SKIPS = frozenset(["is", "are", "was", "were", "be", "been", "being", "remain", "remains", "stay", "stays", "all", "still", "now"])


# "I found that it cannot bind the gpu", "found out the loss was nan": find in the sense of learn or notice, the
# report of what comes after it, not the "found" of "gpu not found" / "file not found", which says a search failed
_FIND_WORDS = frozenset(["find", "finds", "found", "finding"])
_REPORTED_AFTER = frozenset(["that", "out"])

# "training on the GPU is slower than on the CPU": the word a comparison of degree measures against (right after
# its "than", past a preposition or article) is the baseline, not where the user runs nor what they see; a phrase
# that holds no comparison of its own ("training on cpu") does not fit it there. A phrase that compares ("cpu
# instead of gpu", "validation loss lower than training loss") still does, and so does the "than" of a difference
# ("scaled to another range than in training"), which names the other side of the symptom
_BASELINE_MARK = "than"
_DEGREES = frozenset(
    [
        *("faster", "slower", "quicker", "higher", "lower", "better", "worse", "more", "less", "bigger", "smaller"),
        *("larger", "longer", "shorter", "greater", "heavier", "lighter"),
    ]
)
_DEGREE_REACH = 5
_BASELINE_SKIPS = frozenset(["on", "in", "with", "using", "when", "running", "the", "a", "an", "my", "our", "its", "it"])
_COMPARATIVES = frozenset(
    [
        *("than", "instead", "rather", "faster", "slower", "quicker", "higher", "lower", "better", "worse"),
        *("more", "less", "bigger", "smaller", "larger", "longer", "shorter", "compared", "compare", "versus", "vs"),
    ]
)


def _reporting_sense(units: Sequence[str]) -> frozenset[int]:
    """The find words of the text followed by "that" or "out": they introduce what the user noticed."""
    return frozenset(i for i, unit in enumerate(units[:-1]) if unit in _FIND_WORDS and units[i + 1] in _REPORTED_AFTER)


def _names_part(unit: str, after: bool) -> bool:
    return unit in _FROZEN_PARTS or (after and unit in _FROZEN_AFTER) or unit.startswith(_PRETRAINED_NAMES) or unit == "trainable"


def _said_within(units: Sequence[str], i: int, reach: int, said: Callable[[str], bool], step: int = 1) -> bool:
    """Whether a unit within ``reach`` units after position ``i`` (before it, for ``step`` -1), in its clause, is ``said``."""
    stop = min(len(units), i + 1 + reach) if step > 0 else max(-1, i - 1 - reach)
    for at in range(i + step, stop, step):
        if units[at] in _CLAUSE_BREAKS or _is_cjk(units[at]):
            return False
        if said(units[at]):
            return True
    return False


def _trainable_sense(units: Sequence[str]) -> frozenset[int]:
    """The freeze words of the text that say a part of a model is not trained ("freeze the base layers", "the
    weights are frozen", "trainable=False to freeze"): the part is named within a few words after the word (or,
    for "frozen", just before it), within its clause."""
    found = set()
    for i, unit in enumerate(units):
        if unit not in _FREEZE_WORDS:
            continue
        # "freeze the base layers"; "trainable = False to freeze them"
        if _said_within(units, i, _FREEZE_REACH, lambda u: _names_part(u, after=True)) or _said_within(
            units, i, _FREEZE_REACH, lambda u: "trainable" in u, step=-1
        ):
            found.add(i)
            continue
        if unit != "frozen":
            continue
        at = i - 1
        while at >= 0 and units[at] in _FROZEN_BEFORE_SKIPS:
            at -= 1
        if at >= 0 and _names_part(units[at], after=False):
            found.add(i)
    return frozenset(found)


# "my own images", "our own dataset": data the user brought, not code of their own ("my own layer", "own loss
# function"), which the vocabulary reads as custom; the data is named within a few words after "own"
_OWN_WORDS = frozenset(["own"])
_OWN_DATA = frozenset(
    [
        *("image", "images", "img", "imgs", "photo", "photos", "picture", "pictures", "pic", "pics", "video", "videos"),
        *("data", "dataset", "datasets", "set", "sets", "sample", "samples", "file", "files", "csv", "audio", "text"),
        *("texts", "corpus", "recordings", "drawings", "handwriting", "digits", "faces", "examples"),
    ]
)
_OWN_REACH = 3


def _data_sense(units: Sequence[str]) -> frozenset[int]:
    """The "own" words of the text said of data ("my own hand images", "own set of pictures"): no sign of custom code
    ("my own layer"), which is what the vocabulary's group of "own" means."""
    return frozenset(i for i, unit in enumerate(units) if unit in _OWN_WORDS and _said_within(units, i, _OWN_REACH, _OWN_DATA.__contains__))


# "I downloaded your code and it fails", "我下载了你的项目，但运行时卡住": the download that got the project's code
# (its repository, source, scripts) worked; the symptom is what the code does after, not a download that fails
# or hangs. A download word is read in that sense when the code is named within a few words after it, in its
# clause ("downloaded the code", "下载了作者的源码"); a file the code fetches (weights, a dataset, a model) keeps
# the download sense
_DOWNLOAD_WORDS = frozenset(["download", "downloaded", "downloading", "downloads"])
_CODE_WORDS = frozenset(["code", "codes", "project", "repo", "repository", "source", "sources", "codebase"])
_CODE_REACH = 3
_CJK_CODE_DOWNLOAD = lazy(r"下载(?=了?(?:你|您|作者|大佬|楼主|博主)?们?的?(?:这个|该|本)?(?:项目|代码|源码|源代码|工程|仓库))")


def _code_download_sense(units: Sequence[str]) -> frozenset[int]:
    """The download words of the text said of getting the project's code ("downloaded your code")."""
    return frozenset(i for i, unit in enumerate(units) if unit in _DOWNLOAD_WORDS and _said_within(units, i, _CODE_REACH, _CODE_WORDS.__contains__))


def _is_cjk(token: str) -> bool:
    return not token.isascii()


_HANT_FOLD: list[dict[int, int]] = []  # loaded once, on the first text with non-latin letters
# three lines: where the table comes from, Traditional characters, their Simplified forms (tools/build_hant_fold.py)
HANT_FOLD_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "hant_fold.txt")


def fold_traditional(text: str) -> str:
    """Traditional Chinese characters as their Simplified forms (訓練 -> 训练), from OpenCC's table.

    Phrases, vocabulary and the user's text all pass through here, so a phrase written
    in Simplified Chinese fits a description written in Traditional, and back.
    """
    if not _HANT_FOLD:
        try:
            with open(HANT_FOLD_FILE, encoding="utf-8") as f:
                _, traditional, simplified = f.read().splitlines()[:3]
            _HANT_FOLD.append(str.maketrans(traditional, simplified))
        except (OSError, ValueError):  # a broken install costs the fold, not the diagnosis
            _HANT_FOLD.append({})
    return text.translate(_HANT_FOLD[0])


# Taiwan's words for computing terms, as Mainland China writes them (after folding to Simplified characters), from
# OpenCC's TWPhrasesIT.txt (github.com/BYVoid/OpenCC, data/dictionary): "資料不平衡" is "数据不平衡", "記憶體不足" is
# "内存不足", so a phrase fits both as written, not only as a weaker fit through the vocabulary. Longer words first.
_REGIONAL_WORDS = (
    ("视讯记忆体", "显存"),
    ("记忆体", "内存"),
    ("资料夹", "文件夹"),
    ("资料", "数据"),
    ("档名", "文件名"),
    ("档案", "文件"),
    ("显示卡", "显卡"),
    ("程式码", "代码"),
    ("程式", "程序"),
    ("函式", "函数"),
    ("变数", "变量"),
    ("模组", "模块"),
    ("物件", "对象"),
    ("汇入", "导入"),
    ("汇出", "导出"),
    ("载入", "加载"),
    ("储存", "保存"),
    ("影像", "图像"),
    ("预设", "默认"),
    ("相容", "兼容"),
    ("执行绪", "线程"),
    ("执行", "运行"),
    ("网路", "网络"),
    ("回圈", "循环"),
    ("阵列", "数组"),
    ("引数", "参数"),
    ("布林", "布尔"),
    ("溢位", "溢出"),
    ("效能", "性能"),
    ("演算法", "算法"),
    ("硬体", "硬件"),
    ("软体", "软件"),
    ("使用者", "用户"),
    ("装置", "设备"),
    ("快取", "缓存"),
    ("呼叫", "调用"),
    ("支援", "支持"),
    ("侦错", "调试"),
    ("除错", "调试"),
    ("字串", "字符串"),
    ("字元", "字符"),
    ("型别", "类型"),
)


def fold_regional(text: str) -> str:
    """Taiwan's computing words as Mainland China writes them (资料 -> 数据), in text already in Simplified characters."""
    for regional, mainland in _REGIONAL_WORDS:
        if regional in text:
            text = text.replace(regional, mainland)
    return text


# a package named with its version glued on ("keras3", "tf2", "python3"): read as the name, then the number
# a number after one of these names is its version ("keras 3", "tf 2.16", "python 3.12", "numpy升级到2.0"), so in
# a phrase the pair is one keyword: "saved with keras 2, loaded in keras 3" is not read from "python 3.8" and
# "tensorflow 2.3.1", whose 3 and 1 are no name's version. In the text, a name's version is the first number within
# VERSION_WINDOW units after it ("keras version 3", "numpy upgraded to 2.0"), unless another name comes first
VERSIONED_NAMES = frozenset(["keras", "tensorflow", "tf", "tf_keras", "python", "cuda", "cudnn", "numpy", "h5py", "jax", "torch", "protobuf"])
VERSION_WINDOW = 4
_PHRASE_RELEASE = lazy(rf"\b({'|'.join(sorted(VERSIONED_NAMES, key=lambda name: (-len(name), name)))}) (\d+(?:\.\d+)+)\b")
# a name glued to its version ("keras3", "tf2"): the longest name first, so "tf_keras2" is not read as "tf"
_GLUED_VERSION = lazy(rf"^({'|'.join(sorted(VERSIONED_NAMES, key=lambda name: (-len(name), name)))})(\d+)$")
# a Windows DLL's name with its CUDA version glued on ("cudart64_101", "cublas64_11", "cudnn64_8"): the library is
# the name, so a phrase about cudart fits whichever CUDA release's DLL the text names
_DLL_VERSION = lazy(r"^([a-z]+64)_(\d+)$")


def tokens(text: str) -> list[str]:
    """Lower-cased latin words and runs of Chinese characters (in Simplified script), in order."""
    from kerasdoctor.explain.normalize import fold_characters

    text = fold_characters(text).lower()
    if not text.isascii():
        text = fold_regional(fold_traditional(text))
    if "'" in text:
        for short, long in _CONTRACTIONS:
            text = text.replace(short, long)
    words = _TOKEN.compiled().findall(text)
    if any(w[-1:].isdigit() and w[:1].isalpha() for w in words):
        glued, dll = _GLUED_VERSION.compiled(), _DLL_VERSION.compiled()
        words = [part for word in words for found in (glued.match(word) or dll.match(word),) for part in (found.groups() if found else (word,))]
    if _BARE_CONTRACTIONS.keys().isdisjoint(words):
        return words
    return [part for word in words for part in _BARE_CONTRACTIONS.get(word, (word,))]


# the names a history or a log gives a measure of a split ("train_acc", "test_loss"); val_ names are always split
_SPLIT_PREFIXES = ("train_", "training_", "test_")
_MEASURES = frozenset(["loss", "acc", "accuracy", "mae", "mse", "auc", "precision", "recall"])


def _split_name(word: str) -> tuple[str, ...]:
    if word.startswith("val_") and len(word) > 4:
        return ("val", word[4:])
    prefix, _, measure = word.partition("_")
    if measure in _MEASURES and word.startswith(_SPLIT_PREFIXES):
        return (prefix, measure)
    return (word,)


def symptom_tokens(text: str) -> list[str]:
    """``tokens`` as a description is read: Keras's log names say two words, val_loss is the validation loss and
    val_accuracy the validation accuracy, so "accuracy 0.98 but val_accuracy 0.6" is a training/validation gap;
    likewise the train_acc / test_loss of a history ("train_acc keeps increasing" is said of an accuracy)."""
    words = tokens(text)
    if "_" not in text:
        return words
    return [part for word in words for part in _split_name(word)]


# British spellings of -ize words (recognised, initialising, optimiser, normalisation): read with a z
_BRITISH_ISE = ("ise", "ised", "ises", "ising", "iser", "isers", "isation", "isations")


def stem(word: str) -> str:
    """``word`` without a common English ending, for comparing ``explodes`` with ``exploding``; a British -ise
    spelling stems as the -ize one (``recognised`` as ``recognized``)."""
    if len(word) < 5 or not word.isascii():
        return word
    if len(word) >= 7 and word.endswith(_BRITISH_ISE):
        at = word.rfind("is")
        word = word[:at] + "iz" + word[at + 2 :]
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ly", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + replacement
            # a last consonant doubled before -ing/-ed is one: outputting, stopped, embedded (not added, called)
            if suffix in ("ing", "ed") and len(word) >= 5 and word[-1] == word[-2] and word[-1] not in _VOWELS + "lsz":
                word = word[:-1]
            break
    return word[:-1] if word.endswith("e") and len(word) >= 5 else word


_COMPARATIVE_STEMS = frozenset(stem(word) for word in _COMPARATIVES)
_KEYWORDS: dict[str, tuple[str, ...]] = {}  # functools.cache would cost its import at start-up


def phrase_keywords(phrase: str) -> tuple[str, ...]:
    """The keywords that must all appear for ``phrase`` to fit; a 3+ character Chinese word counts twice."""
    keywords = _KEYWORDS.get(phrase)
    if keywords is None:
        from kerasdoctor.explain.normalize import fold_characters

        folded = fold_characters(phrase).lower()
        # a release of several parts ("tensorflow 2.11") is one keyword, its name and all its numbers: read as the
        # name and its first number ("tensorflow 2"), it would be another release, or a vocabulary group of others
        dotted = {f"{name}.{number}": (name, *number.split(".")) for name, number in _PHRASE_RELEASE.compiled().findall(folded)}
        dotted.update((name, tuple(name.split("."))) for name in _DOTTED.compiled().findall(folded))
        phrase_tokens = symptom_tokens(phrase)
        for name, number in zip(phrase_tokens, phrase_tokens[1:]):
            if name in VERSIONED_NAMES and number.isdigit():
                dotted.setdefault(f"{name}.{number}", (name, number))
        words = _unique_but_doubled(_join_dotted([t for t in phrase_tokens if t not in STOPWORDS or dotted], dotted))
        if len(words) == 1 and _is_cjk(words[0]) and len(words[0]) >= 3:
            words = (words[0], words[0])
        keywords = _KEYWORDS[phrase] = words
    return keywords


def _unique_but_doubled(words: Sequence[str]) -> tuple[str, ...]:
    """``words`` without repeats, except a word repeated right after itself: "more and more" (its "and" gone) is
    the vocabulary's entry of that name, growth, and must stay two words to be read as it ("takes more time" is
    no "takes more and more time")."""
    out: list[str] = []
    for word in words:
        if word not in out or (out[-1] == word and (len(out) < 2 or out[-2] != word)):
            out.append(word)
    return tuple(out)


def _inflections(word: str) -> tuple[str, ...]:
    """``word`` with the usual English endings, whose stems may differ from its own (save: saved -> "sav")."""
    if word.endswith("e"):
        return (word, word + "s", word + "d", word[:-1] + "ing")
    forms = [word, word + ("es" if word.endswith(("s", "x", "z", "ch", "sh")) else "s"), word + "ed", word + "ing"]
    if len(word) >= 3 and word[-1] not in _VOWELS + "wxy" and word[-2] in _VOWELS and word[-3] not in _VOWELS:
        forms += [word + word[-1] + "ed", word + word[-1] + "ing"]  # a doubled last letter: stopped, fitting
    return tuple(forms)


_VOWELS = "aeiou"
# words with no regular English endings: "noted" is not a form of "not", nor "seed" of "see"
_UNINFLECTED = frozenset(["not", "never", "cannot", "without", "nan", "inf", "gpu", "cpu", "see"])
_FORMS: dict[str, frozenset[str]] = {}


def word_forms(word: str) -> frozenset[str]:
    """Other forms of a short English word that ``stem`` does not bring together: use, uses, used, using;
    fit, fitting; stop, stopped. The word's possible bases (of three letters or more) with their endings."""
    forms = _FORMS.get(word)
    if forms is None:
        bases = {word}
        for ending, cuts in (("ing", (3, 4)), ("ed", (1, 2, 3)), ("es", (2,)), ("s", (1,))):
            if word.endswith(ending) and not word.endswith(("ss", "us", "is")):
                bases.update(word[:-cut] for cut in cuts)
                if ending == "ing":
                    bases.add(word[:-3] + "e")
        if word in _UNINFLECTED:
            bases = set()
        # a base without endings stands for itself only: "sees" is "see", never "seed"
        inflected = (((base,) if base in _UNINFLECTED else _inflections(base)) for base in bases if len(base) >= 3)
        forms = _FORMS[word] = frozenset(f for group in inflected for f in group) - {word}
    return forms


def _join_dotted(words: list[str], dotted: Mapping[str, tuple[str, ...]]) -> list[str]:
    """``words`` with each dotted name of the phrase written back as one keyword (``tf``, ``function`` -> ``tf.function``)."""
    if not dotted:
        return words
    out: list[str] = []
    i = 0
    while i < len(words):
        for name, parts in dotted.items():
            if tuple(words[i : i + len(parts)]) == parts:
                out.append(name)
                i += len(parts)
                break
        else:
            if words[i] not in STOPWORDS:
                out.append(words[i])
            i += 1
    return out


class WordGroups:
    """The symptom vocabulary, indexed: for a word, the spellings of its group and whether it is generic."""

    __slots__ = ("_containing", "_generic", "_group_of", "_groups", "_multiword", "_stem_of")

    def __init__(self, vocabulary: Vocabulary) -> None:
        groups, generic = vocabulary
        self._containing: dict[str, tuple[tuple[str, int], ...]] = {}
        self._groups: list[tuple[tuple[str, ...], ...]] = []
        self._group_of: dict[tuple[str, ...], int] = {}
        # a phrase's word with another ending than the group's entry still means it ("saved": save, "costs": cost)
        self._stem_of: dict[str, int] = {}
        for group in groups:
            for member in group:
                self._group_of.setdefault(member, len(self._groups))
                if len(member) == 1 and member[0].isascii():
                    for form in _inflections(member[0]):
                        self._stem_of.setdefault(stem(form), len(self._groups))
            self._groups.append(group)
        # by first word, longest first, so "gpu memory" is read as one term before "gpu"
        self._multiword: dict[str, list[tuple[str, ...]]] = {}
        for term in sorted((m for m in self._group_of if len(m) > 1), key=len, reverse=True):
            self._multiword.setdefault(term[0], []).append(term)
        self._generic = frozenset(self.key(term) for term in generic)

    def state(self) -> tuple[Any, ...]:
        """The index as plain data (for the rule snapshot): ``from_state`` rebuilds it without re-deriving a word form."""
        return (self._groups, self._group_of, self._stem_of, self._multiword, self._generic)

    @classmethod
    def from_state(cls, state: Any) -> WordGroups | None:
        """The index from ``state()``'s data, or None when the data has another shape."""
        if not (type(state) is tuple and len(state) == 5):
            return None
        groups, group_of, stem_of, multiword, generic = state
        if not (type(groups) is list and type(group_of) is dict and type(stem_of) is dict and type(multiword) is dict and type(generic) is frozenset):
            return None
        indexed = cls.__new__(cls)
        indexed._groups, indexed._group_of, indexed._stem_of, indexed._multiword, indexed._generic = groups, group_of, stem_of, multiword, generic
        indexed._containing = {}
        return indexed

    def concepts(self, keywords: Sequence[str]) -> tuple[tuple[str, ...], ...]:
        """The keywords with multi-word terms joined ("learning", "rate" -> "learning rate"), one per meaning."""
        out: dict[object, tuple[str, ...]] = {}
        i = 0
        while i < len(keywords):
            if "." in keywords[i]:  # a dotted name: its words in a row
                term = tuple(keywords[i].split("."))
                out.setdefault(self.key(term), term)
                i += 1
                continue
            # a phrase has lost its function words ("out of memory" -> out, memory): an entry of two words or more
            # besides them is compared without them (not "unable to": one word is only itself)
            for term in self._multiword.get(keywords[i], ()):
                bare = tuple(w for w in term if w not in STOPWORDS)
                if len(bare) < 2:
                    bare = term
                if tuple(keywords[i : i + len(bare)]) == bare:
                    break
            else:
                term = bare = (keywords[i],)
            out.setdefault(self.key(term), term)
            i += len(bare)
        return tuple(out.values())

    def _group(self, concept: tuple[str, ...]) -> int | None:
        group = self._group_of.get(concept)
        if group is None and len(concept) == 1 and concept[0].isascii():
            group = self._stem_of.get(stem(concept[0]))
        return group

    def key(self, concept: tuple[str, ...]) -> object:
        """The same for every word of one group: what the word means."""
        group = self._group(concept)
        return concept if group is None else group

    def spellings(self, concept: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        group = self._group(concept)
        return (concept,) if group is None else (concept, *(m for m in self._groups[group] if m != concept))

    def alternates(self, word: str) -> tuple[str, ...]:
        """What may stand for ``word`` inside a several-word entry: for a negation, the other one-word
        negations of the vocabulary (the group of "not": "cannot recognize" is "not recognized"); else itself."""
        group = self._group_of.get((word,))
        if group is None or group != self._group_of.get(("not",)):
            return (word,)
        return (word, *(m[0] for m in self._groups[group] if len(m) == 1 and m[0] != word and m[0].isascii()))

    def negation_rewrites(self, term: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """``term`` with its negation written as one of the several-word negations of the vocabulary ("unable to
        recognize" for "not recognized", "not able to detect" for "not detected"): what the alternates of one
        word cannot say."""
        negation = self._group_of.get(("not",))
        out: list[tuple[str, ...]] = []
        for k, word in enumerate(term):
            if negation is not None and self._group_of.get((word,)) == negation:
                out.extend(term[:k] + m + term[k + 1 :] for m in self._groups[negation] if len(m) > 1 and all(w.isascii() for w in m))
        return tuple(out)

    def compound_at(self, units: Sequence[str], at: int, words: int = 1) -> bool:
        """Whether the ``words`` words at ``at`` begin a longer several-word entry of another group than their own
        ("gpu" in "gpu memory", "goes up" in "goes up and down"): there they name a part of something else, not
        the thing itself."""
        own = self._group(tuple(units[at : at + words]))
        for term in self._multiword.get(units[at], ()):
            if len(term) > words and tuple(units[at : at + len(term)]) == term and self._group_of[term] != own and not NEGATIONS.keys() & set(term):
                return True
        return False

    def outside_longer_words(self, word: str, found: list[int], chars: str, own: object) -> list[int]:
        """The places of the Chinese ``word`` that do not lie inside a longer Chinese entry of another group than
        ``own`` the text holds there: the "用" of "使用率" speaks of utilization, the "不够" of "不够理想" of a poor
        result, not of using or of running short (what ``compound_at`` is for words that begin an English term)."""
        longer = self._containing.get(word)
        if longer is None:
            # an entry that holds a negation is made of its words ("不能用" is "不能" + "用"), as in ``compound_at``
            negation = self._group_of.get(("not",))
            negations = [m[0] for m in self._groups[negation] if len(m) == 1 and _is_cjk(m[0])] if negation is not None else []
            longer = self._containing[word] = tuple(
                (member[0], group)
                for group, members in enumerate(self._groups)
                for member in members
                if len(member) == 1 and len(member[0]) > len(word) and word in member[0] and _is_cjk(member[0]) and not any(n in member[0] for n in negations)
            )
        if not longer:
            return found
        # a word of the vocabulary keeps its meaning at the end of a longer entry ("第一圈" is a first epoch), not at its
        # beginning ("低于零" is no "低于"), as "gpu" in "gpu memory"; another word keeps it only at the beginning
        # (the "图" of "图片" is an image, the "用" of "使用率" no use)
        known = (word,) in self._group_of
        kept = []
        for at in found:
            if chars.startswith(word, at) and any(
                group != own and not _degree_of(entry, word) and _inside(chars, at, len(word), entry, known) for entry, group in longer
            ):
                continue
            kept.append(at)
        return kept

    def is_known(self, word: str) -> bool:
        """Whether ``word``, with any ending, is in some group of the vocabulary."""
        return self._group((word,)) is not None

    def in_group(self, term: tuple[str, ...]) -> bool:
        return term in self._group_of

    def is_generic(self, concept: tuple[str, ...]) -> bool:
        return self.key(concept) in self._generic


# adverbs of degree: "很低", "较高", "非常慢" say "低", "高", "慢" themselves, only more or less so
_DEGREE_ADVERBS = ("非常", "特别", "比较", "十分", "很", "较", "挺", "太", "偏")


def _degree_of(entry: str, word: str) -> bool:
    """Whether the Chinese ``entry`` is ``word`` after an adverb of degree ("很低" of "低"): there the word keeps its
    own meaning, whatever group the whole entry belongs to (a phrase written "利用率 低" fits "利用率很低")."""
    return entry.endswith(word) and entry[: -len(word)] in _DEGREE_ADVERBS


def _inside(chars: str, at: int, width: int, entry: str, at_beginning: bool) -> bool:
    """Whether the ``width`` characters at ``at`` begin ``entry`` written there (``at_beginning``), else lie inside it
    past its beginning."""
    offsets = (0,) if at_beginning else range(1, len(entry) - width + 1)
    for offset in offsets:
        start = at - offset
        if start >= 0 and chars.startswith(entry, start) and entry[offset : offset + width] == chars[at : at + width]:
            return True
    return False


_GROUPS: dict[int, tuple[Vocabulary, WordGroups]] = {}


def word_groups(vocabulary: Vocabulary | None = None, stored: bytes | None = None) -> WordGroups:
    """The indexed vocabulary: the given one, else the built-in rules' (read with the rule snapshot).

    ``stored`` is the index's marshalled ``state()`` kept with the vocabulary (the rule snapshot): unpacking it costs a
    fraction of indexing the vocabulary anew, which a cold fallback would otherwise pay.
    """
    if vocabulary is None:
        from kerasdoctor.kb import load_rules

        vocabulary = load_rules().vocabulary
    cached = _GROUPS.get(id(vocabulary))
    if cached is None or cached[0] is not vocabulary:
        indexed = None
        if stored is not None:
            import marshal

            try:
                indexed = WordGroups.from_state(marshal.loads(stored))  # noqa: S302 - the checked rule snapshot's
            except (EOFError, ValueError, TypeError):
                indexed = None
        cached = _GROUPS[id(vocabulary)] = (vocabulary, indexed or WordGroups(vocabulary))
    return cached[1]


def _baseline_sense(units: Sequence[str]) -> frozenset[int]:
    """The words a comparison of degree measures against: the first word after each "than" of a comparative, past
    prepositions and articles ("slower than on the CPU", "far faster on my laptop than CPU")."""
    baseline = set()
    for i, unit in enumerate(units):
        if unit != _BASELINE_MARK or not _said_within(units, i, _DEGREE_REACH, _DEGREES.__contains__, step=-1):
            continue
        j = i + 1
        while j < len(units) and units[j] in _BASELINE_SKIPS:
            j += 1
        if j < len(units) and not _is_cjk(units[j]):
            baseline.add(j)
    return frozenset(baseline)


class _Text:
    """A text prepared for keyword look-ups.

    ``units`` is the text as a sequence of latin words and single Chinese characters;
    ``chars`` spells it with one character per unit (a latin word as a gap), so a
    Chinese keyword is found by position and never across a latin word.
    """

    __slots__ = (
        "baseline",
        "chars",
        "cjk",
        "data_owned",
        "fine",
        "found",
        "hits",
        "length",
        "negated",
        "other_sense",
        "positions",
        "set",
        "sorted",
        "stems",
        "units",
        "words",
    )

    def __init__(self, text: str) -> None:
        self.words = symptom_tokens(text)
        self.set = frozenset(self.words)
        self.sorted = sorted(self.set)
        self.cjk = " ".join(w for w in self.words if _is_cjk(w))
        units: list[str] = []
        negated: dict[int, frozenset[int]] = {}
        fine: set[int] = set()
        for word in self.words:
            if _is_cjk(word):
                negated.update(_cjk_denials(word, len(units)))
                fine.update(_cjk_fine_units(word, len(units)))
            units.extend(word if _is_cjk(word) else (word,))
        # the characters of "没有问题" and its like: their negation says something is fine, it denies no keyword after it
        self.fine = frozenset(fine)
        self.units = units
        self.negated = _negated_positions(units) | negated
        chars = "".join(u if _is_cjk(u) else _GAP for u in units)
        if "下载" in chars:
            # "下载了你的项目": the download that got the code is no keyword (``_code_download_sense``)
            chars = _CJK_CODE_DOWNLOAD.sub(_GAP * 2, chars)
        self.chars = chars
        positions: dict[str, list[int]] = {}
        stems: dict[str, list[int]] = {}
        # a freeze word that freezes a part of the model is no keyword of a phrase: it says neither "hangs" nor "stuck"
        frozen = _trainable_sense(units) if not _FREEZE_WORDS.isdisjoint(self.set) else frozenset()
        settled = frozen
        # nor does a find word that reports what the user noticed say a search failed
        if not _FIND_WORDS.isdisjoint(self.set):
            settled |= _reporting_sense(units)
        # nor a download of the project's code say a download failed
        if not _DOWNLOAD_WORDS.isdisjoint(self.set):
            settled |= _code_download_sense(units)
        for i, unit in enumerate(units):
            if not _is_cjk(unit) and i not in settled:
                positions.setdefault(unit, []).append(i)
                stems.setdefault(stem(unit), []).append(i)
        # it says what `trainable=False` says: "the frozen layers still change" is "trainable False ... change"
        for i in sorted(frozen):
            for unit in _FROZEN_MEANS:
                positions.setdefault(unit, []).append(i)
                stems.setdefault(stem(unit), []).append(i)
        self.positions = positions
        self.stems = stems
        # "own" said of the user's data ("my own images") is no other word for custom
        self.data_owned = _data_sense(units) if not _OWN_WORDS.isdisjoint(self.set) else frozenset()
        # the words the text only holds in a sense no keyword means
        self.other_sense = frozenset(units[i] for i in settled) - positions.keys()
        self.baseline = _baseline_sense(units) if _BASELINE_MARK in self.set else frozenset()
        self.length = sum(1 if not _is_cjk(w) else len(w) / 2 for w in self.words)
        self.hits: dict[tuple[str, ...], tuple[float, list[int]]] = {}  # the look-ups so far: phrases share words
        # and keywords, through their groups: (closeness, where, through the group, units the spelling found takes)
        self.found: dict[tuple[str, ...], tuple[float, list[int], bool, int]] = {}


def _negated_positions(units: Sequence[str]) -> dict[int, frozenset[int]]:
    """Each negation of a state in the text with the units it denies: "is not" / "not have" the next two words of
    their clause, "no" the next one."""
    negated: dict[int, frozenset[int]] = {}
    for i, unit in enumerate(units):
        span = NEGATIONS.get(unit)
        if not span:
            continue
        belief = unit != "no" and i + 1 < len(units) and units[i + 1] in _BELIEFS
        if unit != "no" and not belief and not (i and units[i - 1] in _STATE_BEFORE) and not (i + 1 < len(units) and units[i + 1] in _STATE_AFTER):
            continue
        skips = NEGATED_SPAN_SKIPS | _BELIEFS | _BELIEF_SKIPS if belief else NEGATED_SPAN_SKIPS
        reach: set[int] = set()
        at = i + 1
        while span and at < len(units) and not _is_cjk(units[at]) and units[at] not in _CLAUSE_BREAKS:
            if units[at] not in skips:
                reach.add(at)
                span -= 1
            at += 1
        if reach and not (unit != "no" and not belief and units[min(reach)].endswith(_PREDICATE_ENDINGS)) and units[min(reach)] not in _MISSING_THING:
            negated[i] = frozenset(reach)
    return negated


def _cjk_denials(run: str, offset: int) -> dict[int, frozenset[int]]:
    """The "不是" of a run of Chinese characters with the characters it denies, to the end of its clause:
    "不是显存不足的问题" is no sign of 显存不足. "是不是显存不足" asks, and denies nothing. A word said to be
    fine ("路径没有问题", "数据是对的") is denied back to the start of its clause; "有没有问题" asks."""
    denials: dict[int, frozenset[int]] = {}
    start = run.find(CJK_DENIAL)
    while start >= 0:
        if not (start and run[start - 1] == CJK_DENIAL[1]) and not _cjk_rhetorical(run, start):
            end = start + len(CJK_DENIAL)
            stop = min(len(run), end + CJK_DENIED_CHARS)
            for at in range(end, stop):
                if run[at] in CJK_CLAUSE_BREAKS:
                    stop = at
                    break
            if stop > end:
                denials[offset + start] = frozenset(range(offset + end, offset + stop))
        start = run.find(CJK_DENIAL, start + 1)
    for fine in CJK_FINE:
        start = run.find(fine)
        while start >= 0:
            if start and run[start - 1] not in "有是":
                first = max(0, start - CJK_DENIED_CHARS)
                for at in range(start - 1, first - 1, -1):
                    if run[at] in CJK_CLAUSE_BREAKS:
                        first = at + 1
                        break
                if first < start:
                    denials.setdefault(offset + start, frozenset(range(offset + first, offset + start)))
            start = run.find(fine, start + len(fine))
    return denials


def _cjk_fine_units(run: str, offset: int) -> set[int]:
    """The positions of the characters of each "没有问题", "没问题", "没有错" ... of a run of Chinese characters."""
    units: set[int] = set()
    for fine in CJK_FINE:
        start = run.find(fine)
        while start >= 0:
            units.update(range(offset + start, offset + start + len(fine)))
            start = run.find(fine, start + len(fine))
    return units


def _cjk_rhetorical(run: str, start: int) -> bool:
    """Whether the "不是" at ``start`` of a run of Chinese characters belongs to a rhetorical question."""
    if any(opener in run[max(0, start - 4) : start] for opener in CJK_RHETORICAL_OPENERS):
        return True
    end = start + len(CJK_DENIAL)
    clause = run[end : end + CJK_QUESTION_REACH]
    for at, char in enumerate(clause):
        if char in CJK_CLAUSE_BREAKS:
            clause = clause[:at]
            break
    return CJK_QUESTION_END in clause


# library (and data set) names that begin with an English word or with another library's name: "tensor" is not
# said by "TensorFlow", nor "image" by "ImageNet", nor "tensorflow" by "tensorflow_text" or "keras" by "keras_hub"
# (other packages)
_LIBRARY_NAMES = ("tensorflow", "tensorboard", "tensorrt", "imagenet")
_PACKAGES = ("tensorflow", "keras", "torch", "jax")
_SAME_PACKAGE = frozenset(["tensorflow_core", "tensorflow_gpu", "tensorflow_cpu", "tensorflow_macos"])


def _names_another_library(keyword: str, word: str) -> bool:
    """Whether ``word``, which begins with ``keyword``, is the name of a library the keyword does not mean."""
    if any(word.startswith(name) and not keyword.startswith(name) for name in _LIBRARY_NAMES):
        return True
    return keyword in _PACKAGES and word.startswith(keyword + "_") and word not in _SAME_PACKAGE


def _latin_hits(word: str, text: _Text) -> tuple[float, list[int]]:
    """Where the text holds ``word``: as written, with another ending, or as a longer word it begins."""
    if word in text.positions:
        return EXACT, text.positions[word]
    return _inflected_hits(word, text)


def _inflected_hits(word: str, text: _Text) -> tuple[float, list[int]]:
    """Where the text holds ``word`` with another ending or as the start of a longer word (and, through the
    stem, as written)."""
    if word in _UNINFLECTED:  # "noted" stems to "not"
        return 0.0, []
    hits = text.stems.get(stem(word), [])
    if not hits and word.isascii():
        for form in word_forms(word):
            hits = hits + text.positions.get(form, [])
    if not hits and len(word) >= 4:
        from kerasdoctor.sorted_search import bisect_left

        i = bisect_left(text.sorted, word)
        while i < len(text.sorted) and text.sorted[i].startswith(word):
            if not _names_another_library(word, text.sorted[i]):
                hits = hits + text.positions.get(text.sorted[i], [])
            i += 1
    return (WITH_ENDING, sorted(hits)) if hits else (0.0, [])


def _cjk_hits(word: str, text: _Text) -> tuple[float, list[int]]:
    """Where the text holds the Chinese ``word``: as written, else with a character or two in between."""
    chars = text.chars
    found: list[int] = []
    start = chars.find(word)
    while start >= 0 and len(found) < 20:
        found.append(start)
        start = chars.find(word, start + 1)
    if found:
        return EXACT, found
    gap = 1
    start = chars.find(word[0])
    while start >= 0 and len(found) < 20:
        at, spare = start + 1, gap
        for ch in word[1:]:
            while at < len(chars) and chars[at] != ch and chars[at] != _GAP and spare > 0:
                at += 1
                spare -= 1
            if at >= len(chars) or chars[at] != ch:
                break
            at += 1
        else:
            found.append(start)
        start = chars.find(word[0], start + 1)
    return (SPREAD_OUT, found) if found else (0.0, [])


def _term_hits(term: tuple[str, ...], text: _Text, groups: WordGroups) -> tuple[float, list[int]]:
    """How closely and where a keyword or multi-word term occurs in the text."""
    found = text.hits.get(term)
    if found is None:
        found = text.hits[term] = _look_up(term, text, groups)
    return found


def _version_hits(name: str, numbers: tuple[str, ...], text: _Text) -> tuple[float, list[int]]:
    """Where the text names ``name`` with the version ``numbers`` (see ``VERSION_WINDOW``): a release of
    several parts ("tensorflow 2.16") is its numbers in a row, whatever stands between the name and them
    ("TensorFlow version: 2.16.1")."""
    units = text.units
    hits = []
    for at in text.positions.get(name, ()):
        for j in range(at + 1, min(at + 1 + VERSION_WINDOW, len(units))):
            unit = units[j]
            if unit.isdigit():
                if tuple(units[j : j + len(numbers)]) == numbers:
                    hits.append(at)
                break
            if unit in VERSIONED_NAMES:
                break
    return (EXACT, hits) if hits else (0.0, [])


def _look_up(term: tuple[str, ...], text: _Text, groups: WordGroups) -> tuple[float, list[int]]:
    if len(term) == 1:
        word = term[0]
        return _cjk_hits(word, text) if _is_cjk(word) else _latin_hits(word, text)
    if len(term) >= 2 and term[0] in VERSIONED_NAMES and all(part.isdigit() for part in term[1:]):
        return _version_hits(term[0], term[1:], text)
    if any(_is_cjk(w) for w in term):
        return 0.0, []
    # a negation in a vocabulary entry of several words may be another negation ("cannot recognize" for
    # "not recognized"); a dotted name of a phrase is matched as written
    flexible = groups.in_group(term)
    score, starts = _in_a_row(term, text, groups, flexible)
    if flexible:
        # ... or a negation of several words ("unable to recognize", "not able to detect")
        for rewritten in groups.negation_rewrites(term):
            other, where = _in_a_row(rewritten, text, groups, False)
            if where:
                score, starts = max(score, min(other, IN_GROUP)), sorted(set(starts).union(where))
    return score, starts


def _in_a_row(term: tuple[str, ...], text: _Text, groups: WordGroups, flexible: bool) -> tuple[float, list[int]]:
    """Where the words of ``term`` stand in a row in the text, and how closely they were found there."""
    # where the term may start, with how closely its words were found there: a word the text also holds as
    # written elsewhere ("... is detected in PyTorch") still counts where it has another ending ("not detecting")
    at: dict[int, float] | None = None
    for k, word in enumerate(term):
        here: dict[int, float] = {}
        for n, spelling in enumerate(groups.alternates(word) if flexible else (word,)):
            for word_score, hits in ((EXACT, text.positions.get(spelling, ())), _inflected_hits(spelling, text)):
                for i in hits:
                    here[i - k] = max(here.get(i - k, 0.0), IN_GROUP if n else word_score)
        at = here if at is None else {start: min(at[start], here[start]) for start in at.keys() & here.keys()}
        if not at:
            return 0.0, []
    return (max(at.values()), sorted(at)) if at else (0.0, [])


class _Fit:
    """How one phrase fits one text."""

    __slots__ = ("found", "generic", "keys", "partial", "scores", "span")

    def __init__(self, found: int, scores: list[float], span: int, partial: bool, keys: frozenset[object], generic: int = 0) -> None:
        self.found, self.scores, self.span, self.partial, self.keys, self.generic = found, scores, span, partial, keys, generic

    def confidence(self) -> float:
        # more keywords found = a more specific description; close together = about one thing. A generic word
        # ("becomes", "model", "train") is in nearly every description: it tells little about which family it is
        specificity = min(1.0, (self.found - GENERIC_WEIGHT_OFF * self.generic - 1) / 3)
        closeness = sum(self.scores) / len(self.scores)
        coherence = 1.0 - min(1.0, max(0, self.span - SPAN_NEAR) / (SPAN_FAR - SPAN_NEAR))
        confidence = BASE_CONFIDENCE + 0.12 * specificity + 0.04 * (closeness - 80) / 20 + 0.04 * coherence
        if self.partial:
            return confidence - 0.06
        # the keywords side by side: the user wrote the phrase itself ("gpu not detected")
        return confidence + (TIGHT_BONUS if self.span <= TIGHT_UNITS_PER_KEYWORD * (self.found - 1) else 0.0)


def _span(hit_lists: list[list[int]], widths: Sequence[int] = ()) -> int:
    """The fewest units from the first to the last keyword, one occurrence of each (a sweep over sorted hits).

    Each keyword but the last is counted as one unit whatever its ``widths`` (units it
    takes: a Chinese word a unit per character), so "学习率过高" is two keywords side by
    side, as "learning rate too high" is.
    """
    if len(hit_lists) < 2:
        return 0
    extra = [w - 1 for w in widths] or [0] * len(hit_lists)
    events = sorted((pos, k) for k, hits in enumerate(hit_lists) for pos in hits)
    counts: dict[int, int] = {}
    best, left = 1 << 30, 0
    for pos, k in events:
        counts[k] = counts.get(k, 0) + 1
        while len(counts) == len(hit_lists):
            best = min(best, max(0, pos - events[left][0] - (sum(extra) - extra[k])))
            lk = events[left][1]
            counts[lk] -= 1
            if not counts[lk]:
                del counts[lk]
            left += 1
    return best


def _could_be_typo(keyword: str, words: Sequence[str], cjk_text: str) -> bool:
    """Whether some word of the text shares enough characters with ``keyword`` to be worth scoring."""
    if _is_cjk(keyword):
        return 2 * sum(ch in cjk_text for ch in keyword) >= len(keyword)
    letters = set(keyword)
    return any(w[:1] == keyword[:1] and abs(len(w) - len(keyword)) <= 2 and len(letters & set(w)) >= len(letters) - 2 for w in words)


def _typo_score(keyword: str, words: Sequence[str], cjk_text: str) -> float:
    """How close the text comes to a keyword it does not hold (``minist`` for ``mnist``)."""
    from rapidfuzz import fuzz

    if _is_cjk(keyword):
        return fuzz.partial_ratio(keyword, cjk_text) if len(keyword) >= 3 else 0.0
    if len(keyword) < 5:
        return 0.0
    return max((fuzz.ratio(keyword, w) for w in words if abs(len(w) - len(keyword)) <= 2), default=0.0)


def _units_of(term: tuple[str, ...]) -> int:
    """How many units of the text a spelling covers: a latin word is one, a Chinese word one per character."""
    return sum(len(word) if _is_cjk(word) else 1 for word in term)


def _letters(term: tuple[str, ...]) -> str:
    return "".join(term).replace("_", "")


def _concept_hits(concept: tuple[str, ...], text: _Text, groups: WordGroups) -> tuple[float, list[int], bool, int]:
    """How closely and where a keyword occurs, as written or through its group; whether through the group; and
    how many units (words, Chinese characters) the spelling found takes."""
    known = text.found.get(concept)
    if known is not None:
        return known
    best, from_group, width = 0.0, False, 1
    where: list[int] = []
    elsewhere: set[int] = set()  # where other spellings of the group occur: the keyword is there too
    own = groups.key(concept)
    for n, spelling in enumerate(groups.spellings(concept)):
        score, found = _term_hits(spelling, text, groups)
        if found and len(spelling) == 1 and _is_cjk(spelling[0]):
            found = groups.outside_longer_words(spelling[0], found, text.chars, own)
            score = score if found else 0.0
        # another word of the group is a little less sure than the word itself; the same word written apart or
        # joined ("un balanced", "early_stopping" for "unbalanced", "early stopping") is that word
        other_word = n > 0 and _letters(spelling) != _letters(concept)
        if other_word:
            score = min(score, IN_GROUP)
            if text.data_owned and spelling[0] in _OWN_WORDS:
                found = [i for i in found if i not in text.data_owned]
                score = score if found else 0.0
        if score > best:
            # IN_GROUP from the look-up itself: a word of a several-word entry was another spelling of its group
            elsewhere.update(where)
            best, where, from_group, width = score, found, other_word or score == IN_GROUP, _units_of(spelling)
            if score >= EXACT:
                break
        elif found and _units_of(spelling) == 1:
            elsewhere.update(found)
    if elsewhere and width == 1:
        # "prediction ... the predicted masks are wrong": the nearest form decides how close the keywords are
        where = sorted(elsewhere.union(where))
    if where and (from_group or (width == 1 and len(concept) == 1)):
        # "not using full gpu memory" speaks of memory, "goes up and down" of no rise: words that begin a longer
        # term of another group are that term
        where = [i for i in where if i >= len(text.units) or _is_cjk(text.units[i]) or not groups.compound_at(text.units, i, width)]
        if not where:
            best, from_group = 0.0, False
    text.found[concept] = (best, where, from_group, width)
    return best, where, from_group, width


def _denied(spans: Sequence[tuple[list[int], int]], text: _Text, groups: WordGroups) -> bool:
    """Whether the user denies a keyword the phrase needs: every place it was found is in the reach of a negation
    the phrase does not itself hold ("the loss is not nan" is no fit for "loss becomes nan"; "cannot find the gpu"
    still fits "gpu not found", whose "cannot find" holds the negation). "no" denies only a word of the symptom
    vocabulary ("no nan", "no gpu"): "has no attribute", "no key" are what a message says is missing."""
    held = {at for where, length in spans for start in where for at in range(start, start + length)}
    denied: set[int] = set()
    for at, reach in text.negated.items():
        if at not in held:
            denied.update(r for r in reach if text.units[at] != "no" or groups.is_known(text.units[r]))
    if not denied:
        return False
    # the words right after a denied keyword belong to what is denied: "no nan values in my data" denies the
    # values too, so "nan values in training data" does not fit it through the nan of "but the loss is nan"
    units = text.units
    denied |= {
        at
        for where, _ in spans
        for at in where
        if not _is_cjk(units[at]) and any(0 < at - d <= DENIED_NOUN_REACH and not _CLAUSE_BREAKS.intersection(units[d:at]) for d in denied)
    }
    return any(all(at in denied for at in where) for where, _ in spans)


def _negation_only_in_fine_words(concepts: Sequence[tuple[str, ...]], found_at: Mapping[int, tuple[list[int], int]], text: _Text, groups: WordGroups) -> bool:
    """Whether a negation the phrase needs is found only inside "没有问题" / "没问题" (it works, there is no problem): the
    "没有" of "用mt5没有问题, gpu v100" says the run went fine, it is no "没有 用 gpu"."""
    negation = groups.key(NEGATION_CONCEPT)
    return any(groups.key(concepts[i]) == negation and all(at in text.fine for at in where) for i, (where, _width) in found_at.items())


def _stray_negations(concepts: Sequence[tuple[str, ...]], found_at: Mapping[int, tuple[list[int], int]], units: Sequence[str], groups: WordGroups) -> list[int]:
    """The phrase's negations the text holds only where they deny something else: a phrase's negation denies the
    keyword after it ("gpu not used"), so the text must hold that keyword a few words from one of its negations
    ("the GPU is not being used", "cannot use the GPU", "adam is not there"), not anywhere ("memory is not freed ...
    I used the GPU"). The glue of "can't get it to detect my GPU" between them does not count: it denies detect."""
    negation = groups.key(NEGATION_CONCEPT)
    stray = []
    for i, concept in enumerate(concepts[:-1]):
        if i not in found_at or i + 1 not in found_at or groups.key(concept) != negation:
            continue
        where, width = found_at[i]
        after = found_at[i + 1][0]
        if not any(
            (0 < _words_to(units, p + width - 1, q) <= NEGATION_REACH or 0 < p - q <= NEGATION_REACH)
            and not (concept[0] in _DENYING_NEGATIONS and _names_missing_attribute(units, p, q))
            for p in where
            for q in after
        ):
            stray.append(i)
    return stray


# a phrase's negation that denies an event ("layer never built", "callback not called"), not one that says a thing
# is missing ("optimizers 没有 adam", "no attribute")
_DENYING_NEGATIONS = frozenset(["not", "never"])


def _names_missing_attribute(units: Sequence[str], negation: int, at: int) -> bool:
    """Whether the word at ``at`` is the name an AttributeError retold says is missing: in "object has no 'built'
    attribute" and "has no attribute 'built'" the "no" says the attribute is missing, and "built" is its name, no
    event the user denies ("the layer was never built")."""
    if units[negation] != "no" or units[at] in _MISSING_THING:
        return False
    return (at == negation + 1 and negation + 2 < len(units) and units[negation + 2] in _MISSING_THING) or (
        at == negation + 2 and units[negation + 1] in _MISSING_THING
    )


# words that only join a negation to the verb it denies ("cannot get it to use the GPU", "can't get Keras to see
# my GPU"): not counted in its reach, unless a clause ends between them
_NEGATION_GLUE = frozenset(["get", "gets", "got", "getting", "to", "it", "my", "the", "a", "an", "your", "our", "its", "any"])


def _words_to(units: Sequence[str], start: int, end: int) -> int:
    """How far ``end`` is after ``start`` in units, the glue words of a negation between them left out (0 when it
    is not after)."""
    if end <= start:
        return 0
    between = units[start + 1 : end]
    if _CLAUSE_BREAKS.intersection(between):
        return end - start
    return 1 + sum(1 for unit in between if unit not in _NEGATION_GLUE)


def _words_found_twice(concepts: Sequence[tuple[str, ...]], found_at: Mapping[int, tuple[list[int], int]], groups: WordGroups) -> list[int]:
    """The later of two keywords of one word ("list of lists") that the text holds only once: one word of the text
    is one keyword of the phrase ("add EarlyStopping to the callbacks list" is no "list of lists")."""
    seen: dict[str, int] = {}
    twice = []
    for i, concept in enumerate(concepts):
        if i not in found_at or len(concept) != 1 or groups.in_group(concept) or not concept[0].isascii():
            continue
        first = seen.setdefault(stem(concept[0]), i)
        if first != i and len({*found_at[first][0], *found_at[i][0]}) < 2:
            twice.append(i)
    return twice


# a Chinese character that negates the word it precedes ("不下降", "没收敛", "未改善")
_CJK_NEGATING = frozenset("不没未无")


def _words_only_compared_with(concepts: Sequence[tuple[str, ...]], found_at: Mapping[int, tuple[list[int], int]], text: _Text) -> list[int]:
    """The keywords of a phrase that compares nothing which the text holds only as the baseline of a comparison:
    "slower on the GPU than on the CPU" does not say the training runs on the CPU."""
    if not text.baseline or any(stem(word) in _COMPARATIVE_STEMS for concept in concepts for word in concept):
        return []
    return [i for i, (where, _width) in found_at.items() if where and all(at in text.baseline for at in where)]


def _words_inside_other_keywords(
    concepts: Sequence[tuple[str, ...]], found_at: Mapping[int, tuple[list[int], int]], text: _Text, groups: WordGroups
) -> list[int]:
    """The keywords the text holds only inside a negated spelling another keyword of the phrase was found as: there
    the word says the opposite, so the "decrease" of "the loss does not decrease" (stuck) is no decreasing loss, and
    the "下降" of "不下降" no "下降". A spelling without a negation keeps the meaning of its words ("第一圈" is a first
    epoch), and a negation may serve both ("cannot find" holds the "not" of "gpu not found")."""
    negation = groups.key(NEGATION_CONCEPT)
    units = text.units
    negated = [
        (j, width, range(p, p + width))
        for j, (there, width) in found_at.items()
        if width > 1
        for p in there
        if any(u in NEGATIONS or u in _CJK_NEGATING or groups.key((u,)) == negation for u in units[p : p + width])
    ]
    inside = []
    for i, (where, width) in found_at.items():
        if not negated or not where or groups.key(concepts[i]) == negation:
            continue
        covered = {at for j, other, span in negated if j != i and other > width for at in span}
        if all(p + k in covered for p in where for k in range(width)):
            inside.append(i)
    return inside


def phrase_fit(
    keywords: Sequence[str],
    text: _Text,
    groups: WordGroups,
    concepts: Sequence[tuple[str, ...]] | None = None,
    *,
    allow_partial: bool = True,
    keep: int = -1,
) -> _Fit | None:
    """How ``keywords`` (one phrase) fit ``text``, or None.

    Each keyword is looked for as written, then through the other words of its
    group. At most one keyword may be missing: it is scored as a near miss with
    rapidfuzz (only once all the others are found, so a sentence that fits no
    phrase never loads it), or, in a long text and a phrase of three or more,
    left out at a cost (unless ``allow_partial`` is false, or it is the keyword
    at ``keep``: the one that names the family, ``rare_keyword``).
    """
    if concepts is None:
        concepts = groups.concepts(keywords)
    scores: list[float] = []
    hits: list[list[int]] = []
    widths: list[int] = []
    missing: list[int] = []
    via_group = False
    spans: list[tuple[list[int], int]] = []
    found_at: dict[int, tuple[list[int], int]] = {}
    for i, concept in enumerate(concepts):
        best, where, from_group, width = _concept_hits(concept, text, groups)
        if best:
            found_at[i] = (where, width)
        elif i + 1 - len(found_at) > 1:
            return None  # a fit misses at most one keyword
    # found, but not as the phrase means it: left out, never a near miss of what the text holds
    if text.fine and _negation_only_in_fine_words(concepts, found_at, text, groups):
        return None
    dropped = {
        *_stray_negations(concepts, found_at, text.units, groups),
        *_words_found_twice(concepts, found_at, groups),
        *_words_inside_other_keywords(concepts, found_at, text, groups),
        *_words_only_compared_with(concepts, found_at, text),
    }
    for i in dropped:
        found_at.pop(i, None)
    for i, concept in enumerate(concepts):
        if i not in found_at:
            missing.append(i)
            if len(missing) > 1:
                return None
            continue
        best, where, from_group, width = _concept_hits(concept, text, groups)
        via_group = via_group or from_group
        scores.append(best)
        hits.append(where)
        spans.append((where, width))
        widths.append(width)
    if text.negated and _denied(spans, text, groups):
        return None
    if not _numbers_in_order([where for concept, where in zip((c for i, c in enumerate(concepts) if i not in missing), hits) if concept[-1].isdigit()]):
        return None
    partial = False
    if missing:
        concept = concepts[missing[0]]
        if groups.key(concept) == groups.key(NEGATION_CONCEPT):
            # without its negation the phrase says the opposite: "没有 在 gpu 上 运行" is no fit for "在GPU上运行会报错"
            return None
        keyword = concept[0]
        near = 0.0
        # a word of the text read in another sense ("found that", "freeze the layers") is no typo of the keyword
        others = [w for w in text.words if w not in text.other_sense] if text.other_sense else text.words
        # a Chinese keyword the text holds as written was left out for its sense (inside a longer word of another
        # group: the 找不到 of 找不到指定的模块 is a DLL the loader missed), not mistyped
        verbatim = _is_cjk(keyword) and keyword in text.chars
        if (
            missing[0] not in dropped
            and not verbatim
            and len(concepts) >= MIN_KEYWORDS_FOR_TYPO
            and len(concept) == 1
            and _could_be_typo(keyword, others, text.cjk)
        ):
            near = _typo_score(keyword, others, text.cjk)
        if near >= (CJK_TYPO_RATIO if _is_cjk(keyword) else LATIN_TYPO_RATIO):
            scores.append(near)
        # a number ("keras 3", "tensorflow 2") tells versions apart: a description without it is not about them
        elif (
            allow_partial and missing[0] != keep and not concept[-1].isdigit() and len(concepts) >= MIN_CONCEPTS_FOR_PARTIAL and text.length >= LONG_TEXT_UNITS
        ):
            partial = True
        else:
            return None
    held = [c for i, c in enumerate(concepts) if i not in missing]
    if not _numbers_beside_keywords(held, hits, text):
        return None
    if not _negations_beside_keywords(held, hits, widths, groups):
        return None
    if not _states_of_their_subjects(held, hits, text, groups):
        return None
    specific = sum(not groups.is_generic(c) for c in held)
    span = _span(hits, widths)
    if len(held) == 2 and span > MAX_PAIR_SPAN:
        return None
    # keywords spread over a whole post (past SPAN_FAR words: two Chinese characters make about one word) are
    # about several things, each keyword of a different one
    if span * text.length > SPAN_FAR * max(1, len(text.units)):
        return None
    if partial and (specific < MIN_SPECIFIC_FOR_PARTIAL or span > MAX_PARTIAL_SPAN):
        return None
    if via_group and specific < MIN_SPECIFIC_VIA_GROUP:
        return None
    return _Fit(len(held), scores, span, partial, frozenset(groups.key(c) for c in held), len(held) - specific)


def _negations_beside_keywords(concepts: Sequence[tuple[str, ...]], hits: Sequence[list[int]], widths: Sequence[int], groups: WordGroups) -> bool:
    """Whether each negation keyword of a phrase was found within ``NEGATION_REACH`` units of another keyword."""
    negation = groups.key(NEGATION_CONCEPT)
    for k, concept in enumerate(concepts):
        if len(concepts) < 2 or groups.key(concept) != negation:
            continue
        others = [(at, widths[j]) for j, where in enumerate(hits) if j != k for at in where]
        if not any(-NEGATION_REACH - width <= other - at <= NEGATION_REACH + widths[k] for at in hits[k] for other, width in others):
            return False
    return True


def _than_a_number(at: int, text: _Text) -> bool:
    """Whether the comparative at ``at`` is followed by "than" and a number ("less than 0.01")."""
    units = text.units
    return at + 2 < len(units) and units[at + 1] == _BASELINE_MARK and units[at + 2][:1].isdigit()


def _said_of(at: int, text: _Text, things: dict[int, int]) -> int | None:
    """Which of two things (a measure, a split of the data) the state word at ``at`` is said of: the word right
    after it ("lower loss", "higher validation accuracy"), else the nearest one before it in its clause ("the
    accuracy ... remains low"), else after it."""
    units = text.units
    if at + 1 in things:
        return things[at + 1]
    for step in (-1, 1):
        here = at + step
        while 0 <= here < len(units) and units[here] not in STATE_CLAUSE_BREAKS:
            if here in things:
                return things[here]
            here += step
    return None


def _states_of_their_subjects(concepts: Sequence[tuple[str, ...]], hits: Sequence[list[int]], text: _Text, groups: WordGroups) -> bool:
    """Whether each direction or level of a phrase ("validation accuracy decreasing", "training accuracy high") is
    said, somewhere in the text, of the phrase's own measure and split: "the loss and val_loss are decreasing ...
    the accuracy stays at 0" tells of no falling accuracy, "higher validation accuracy than training accuracy" of
    no high training accuracy. A text naming only one of the two things is not judged on them."""
    state_keys = {groups.key(state) for state in STATES}
    state_stems = {stem(state[0]) for state in STATES}
    states = [k for k, c in enumerate(concepts) if groups.key(c) in state_keys or (len(c) == 1 and stem(c[0]) in state_stems)]
    if not states:
        return True
    for pair in STATE_SUBJECTS:
        keys = [groups.key(thing) for thing in pair]
        kinds = [keys.index(groups.key(c)) if groups.key(c) in keys else None for c in concepts]
        if all(kind is None for kind in kinds):
            continue
        things: dict[int, int] = {}
        for kind, thing in enumerate(pair):
            for at in _concept_hits(thing, text, groups)[1]:
                things.setdefault(at, kind)
            # every inflection of the thing names it too: where "train" itself is written, the look-up keeps only
            # those places, and "my training loss is higher" would be read as said of another split
            for at in text.stems.get(stem(thing[0]), ()):
                things.setdefault(at, kind)
        if len(set(things.values())) < 2:
            continue
        # a phrase comparing the two things ("validation loss lower than training loss") does not fit a comparison
        # with a number ("the loss and val_loss fall to less than 0.01")
        compares = 0 in kinds and 1 in kinds
        for k in states:
            # the phrase's own subject of this state: the nearest before it, else after it
            before = [kinds[j] for j in range(k - 1, -1, -1) if kinds[j] is not None]
            after = [kinds[j] for j in range(k + 1, len(concepts)) if kinds[j] is not None]
            own = (before or after)[0]
            said_of = {-1 if compares and _than_a_number(at, text) else _said_of(at, text, things) for at in hits[k]}
            if own not in said_of and said_of != {None}:
                return False
    return True


def _numbers_beside_keywords(concepts: Sequence[tuple[str, ...]], hits: Sequence[list[int]], text: _Text) -> bool:
    """Whether the one bare number of a phrase follows the phrase's keyword before it within NUMBER_REACH units
    (precedes the one after it, when it comes first), that keyword with any ending: in "always predicts 1" the
    1 is what is predicted ("only outputting 1" for "always outputs 1"), not the 1 of "[0, 1/255] in
    prediction". (Two numbers, "expected 4 dimensions got 3", compare values a shape spells out at a distance.)"""
    numbers = [i for i, concept in enumerate(concepts) if len(concept) == 1 and concept[0].isdigit()]
    if len(numbers) != 1 or len(concepts) < 2:
        return True
    at = numbers[0]
    beside = at - 1 if at > 0 else at + 1
    word = concepts[beside]
    near = {*hits[beside], *(text.stems.get(stem(word[0]), ()) if len(word) == 1 and word[0].isascii() else ())}
    if at > 0:
        return any(0 < n - k <= NUMBER_REACH for n in hits[at] for k in near)
    return any(0 < k - n <= NUMBER_REACH for n in hits[at] for k in near)


def _numbers_in_order(hit_lists: Sequence[list[int]]) -> bool:
    """Whether numbers of a phrase occur in the text in the phrase's order: "saved with keras 2, cannot load in keras
    3" is not "saved in keras 3, cannot load in tensorflow 2" (each number somewhere before the next one)."""
    return all(min(earlier) < max(later) for earlier, later in zip(hit_lists, hit_lists[1:]))


def _gate(concepts: Sequence[tuple[str, ...]], groups: WordGroups) -> tuple[frozenset[str], tuple[str, ...], tuple[_Slot, ...]]:
    """What a text must hold for a phrase of these keywords to fit: (latin keys, Chinese spellings, keyword slots).

    A fit misses at most one keyword of its phrase, so of any two keywords it finds
    one: the two most specific are enough to look for (the first two items, what the
    fallback's index files a phrase under), and of any three it finds two (the slots,
    one per keyword of the three most specific, checked by ``_passes``). A keyword is
    found through one of its group's spellings: a latin word as itself, with another
    ending (the key ``~stem``) or as the start of a longer word; a Chinese one with all
    its characters in the text (as written or spread out). A multi-word term needs its
    first word (a negation standing for another in it is left to the other keyword: the
    look-up stays small); a slot that cannot be told that way (a several-word Chinese
    spelling, a term led by a negation) is ``None``: always counted as found.
    """
    latin: set[str] = set()
    cjk: set[str] = set()
    slots: list[_Slot] = []
    ranked = sorted(concepts, key=lambda c: (groups.is_generic(c), -len(" ".join(c))))
    for n, concept in enumerate(ranked[:3]):
        slot_latin: set[str] = set()
        slot_cjk: set[str] = set()
        told = True
        for spelling in groups.spellings(concept):
            first = spelling[0]
            if _is_cjk(first):
                if len(spelling) == 1:
                    slot_cjk.add(first)
                else:
                    told = False
            else:
                slot_latin.update((first, "~" + stem(first)))
                if len(spelling) > 1 and groups.key((first,)) == groups.key(NEGATION_CONCEPT):
                    told = False
        if n < 2:
            latin |= slot_latin
            cjk |= slot_cjk
        slots.append((frozenset(slot_latin), tuple(sorted(slot_cjk))) if told else None)
    # a phrase of two keywords needs one of them: the first two items say it all
    return frozenset(latin), tuple(sorted(cjk)), tuple(slots) if len(concepts) >= 3 else ()


def _phrase_concepts(rule: Rule, groups: WordGroups) -> Iterator[tuple[str, tuple[tuple[str, ...], ...]]]:
    for phrases in (rule.symptoms or {}).values():
        for phrase in phrases:
            keywords = phrase_keywords(phrase)
            if len(keywords) >= 2:
                yield phrase, groups.concepts(keywords)


def keyword_rules(rules: Iterable[Rule], groups: WordGroups) -> dict[object, int]:
    """Per keyword (its vocabulary group), how many of ``rules`` hold it in a symptom phrase."""
    counts: dict[object, int] = {}
    for rule in rules:
        for key in {groups.key(c) for _phrase, concepts in _phrase_concepts(rule, groups) for c in concepts}:
            counts[key] = counts.get(key, 0) + 1
    return counts


def rare_keyword(concepts: Sequence[tuple[str, ...]], groups: WordGroups, rules_holding: Mapping[object, int]) -> int:
    """The place of the keyword of a phrase that names its family among common words (``RARE_KEYWORD_RULES``), or -1."""
    counts = [rules_holding.get(groups.key(c), 1) for c in concepts]
    for i, count in enumerate(counts):
        others = counts[:i] + counts[i + 1 :]
        if count <= RARE_KEYWORD_RULES and others and count * RARE_KEYWORD_FACTOR <= min(others):
            return i
    return -1


def prepared_phrases(rule: Rule, groups: WordGroups, rules_holding: Mapping[object, int] | None = None) -> tuple[PreparedPhrase, ...]:
    """Each symptom phrase of ``rule`` that can fit, with its keywords as terms, what a text needs for it (``_gate``)
    and the keyword a partial fit may not leave out (``rare_keyword``, by ``rules_holding``: ``keyword_rules`` of the
    whole rule set; none without it)."""
    return tuple(
        (phrase, concepts, *_gate(concepts, groups), rare_keyword(concepts, groups, rules_holding) if rules_holding else -1)
        for phrase, concepts in _phrase_concepts(rule, groups)
    )


def required_words(phrases: Sequence[PreparedPhrase]) -> tuple[frozenset[str], tuple[str, ...]]:
    """What a text must hold for one of ``phrases`` (a rule's) to fit: (latin keys, Chinese spellings)."""
    latin = frozenset().union(*(p[2] for p in phrases))
    return latin, tuple(sorted({spelling for p in phrases for spelling in p[3]}))


def _holds(latin: frozenset[str], spellings: tuple[str, ...], words: AbstractSet[str], cjk: str) -> bool:
    return not latin.isdisjoint(words) or bool(cjk and any(all(ch in cjk for ch in spelling) for spelling in spellings))


def _passes(phrase: PreparedPhrase, words: AbstractSet[str], cjk: str) -> bool:
    """Whether the text holds what ``phrase`` needs (``_gate``): one of its two most specific keywords, two of its three."""
    if not _holds(phrase[2], phrase[3], words, cjk):
        return False
    slots = phrase[4]
    return not slots or sum(slot is None or _holds(slot[0], slot[1], words, cjk) for slot in slots) >= 2


def _text_of(record: ErrorRecord) -> str:
    text = record.message if record.kind == "message" else f"{record.type or ''} {record.key_message}"
    return without_links(text[:MAX_TEXT_CHARS])


def without_links(text: str) -> str:
    """``text`` without its web addresses: the words of a link (tensorflow.org/install/gpu, a question's title in
    its address) name the page linked to, not the symptom the user describes."""
    if "://" not in text and "www." not in text:
        return text
    return _LINK.compiled().sub(" ", text)


def text_words(records: Sequence[ErrorRecord]) -> tuple[set[str], str]:
    """The keys ``required_words`` are compared with: the latin words, their stems and 4+ letter starts; the Chinese characters."""
    words: set[str] = set()
    cjk: list[str] = []
    for record in records[-5:]:
        for token in symptom_tokens(_text_of(record)):
            if _is_cjk(token):
                cjk.append(token)
            else:
                words.add(token)
    if not _FREEZE_WORDS.isdisjoint(words):
        words.update(_FROZEN_MEANS)  # "frozen layers" may be "trainable false" (_Text decides)
    forms = [form for w in words if len(w) <= 7 for form in word_forms(w)]  # use -> using: see _latin_hits
    words.update([*("~" + stem(w) for w in words), *(w[:n] for w in words for n in range(4, len(w))), *forms])
    return words, "".join(cjk)


def symptom_matches(records: Sequence[ErrorRecord], rules: Iterable[Rule], vocabulary: Vocabulary | None = None) -> list[Match]:
    """Rules whose symptom phrases fit the text of ``records``, best first.

    A phrase whose most specific keywords the text lacks is not weighed. A rule set read
    from its snapshot weighs the stored phrases instead (``symptom_fits``, ``matches_of_fits``).
    """
    rules = [rule for rule in rules if rule.symptoms]
    if not rules:
        return []
    groups = word_groups(vocabulary)
    holding = keyword_rules(rules, groups)
    return matches_of_fits(symptom_fits(records, ((rule, prepared_phrases(rule, groups, holding)) for rule in rules), groups), lambda rule: rule)


def symptom_fits(
    records: Sequence[ErrorRecord],
    phrase_sets: Iterable[tuple[_Key, Sequence[PreparedPhrase]]],
    groups: WordGroups,
) -> list[tuple[_Key, float, str, ErrorRecord]]:
    """Per candidate (any key: a rule, a rule's place in a snapshot) whose phrases fit the text: confidence, phrase, record.

    Only phrases are needed, so a caller holding them apart from the rules builds only the
    rules that fit.
    """
    texts = [(record, _Text(_text_of(record))) for record in records[-5:]]
    words, cjk = text_words(records)
    fits = []
    for key, phrases in phrase_sets:
        best: tuple[float, str, ErrorRecord, int] | None = None
        meanings: set[object] = set()
        for entry in phrases:
            if not _passes(entry, words, cjk):
                continue
            for record, prepared_text in texts:
                # a library's own log line is not a description: a phrase must fit it whole
                fit = phrase_fit(
                    (), prepared_text, groups, concepts=entry[1], allow_partial=record.kind not in ("log", "warning"), keep=entry[5] if len(entry) > 5 else -1
                )
                if fit is None:
                    continue
                meanings |= fit.keys
                if best is None or fit.confidence() > best[0]:
                    best = (fit.confidence(), entry[0], record, len(fit.keys))
        if best is None:
            continue
        confidence, phrase, record, best_meanings = best
        confidence += min(MAX_BREADTH_BONUS, BREADTH_BONUS * (len(meanings) - best_meanings))
        fits.append((key, confidence, phrase, record))
    return fits


def matches_of_fits(fits: Iterable[tuple[_Key, float, str, ErrorRecord]], rule_of: Callable[[_Key], Rule]) -> list[Match]:
    """The symptom matches of ``symptom_fits``, each rule built by ``rule_of`` from its key."""
    from kerasdoctor.types import KIND_CAPS, BestPerRule, Match

    matches = BestPerRule()
    for key, confidence, phrase, record in fits:
        matches.add(
            Match(
                rule=rule_of(key),
                confidence=round(min(KIND_CAPS["symptom"], confidence), 3),
                record=record,
                pattern=None,
                evidence=phrase,
                notes=(HINT,),
                kind="symptom",
            )
        )
    return matches.ranked()
