"""Which library raise sites belong to a rule's family but are not linked to it.

For each rule, prints the raise-site index's sites whose exception type is one of the
rule's and whose message template holds all the key words of one of the family's key
phrases (below), with the rule ``linked_rule`` links each one to (``-`` when none).
A site of the family that no wording of the rule links is a wording the rule is missing.

    python tools/family_raise_sites.py              # every family below
    python tools/family_raise_sites.py KD101 KD126  # only these
    python tools/family_raise_sites.py --summary    # linked-site counts only
    python tools/family_raise_sites.py --compare OLD_RULES_DIR   # sites whose family differs from those rules
    # e.g. OLD_RULES_DIR from `git worktree add /tmp/old HEAD~5` or `git archive HEAD~5 rules | tar -x -C /tmp/old`
"""

from __future__ import annotations

import argparse
import re
import sys

from kerasdoctor.explain.raisesites import RaiseSite, linked_rule, load_index
from kerasdoctor.kb import RuleSet, load_rule_dir, load_rules

# key phrases per family: a site is a candidate when its template has every word of one phrase
FAMILY_WORDS: dict[str, tuple[str, ...]] = {
    "KD100": ("incompatible with the layer", "expected axis", "input shape to have value"),
    "KD101": ("expected ndim", "expected min_ndim", "expected max_ndim", "found ndim"),
    "KD102": ("target shape", "shapes incompatible", "logits and labels", "labels shape"),
    "KD103": ("graph disconnected", "cannot obtain value for tensor"),
    "KD107": ("logits and labels", "received a label value"),
    "KD112": ("unknown loss", "unknown metric", "could not interpret loss", "could not interpret metric"),
    "KD108": ("ran out of data", "end of sequence", "outofrange"),
    "KD123": ("infinite", "steps_per_epoch", "repeat()"),
    "KD124": ("validation_steps", "validation_data generator"),
    "KD250": ("not an element of this graph", "must be from the same graph", "different graph"),
    "KD255": ("must feed a value for placeholder",),
    "KD256": ("uninitialized value", "attempting to use uninitialized"),
    "KD300": ("oom", "out of memory", "resource exhausted", "resourceexhausted", "failed to allocate"),
    "KD403": ("generator must be callable", "`generator` must be callable", "from_generator"),
    "KD412": ("super().__init__", "pydataset"),
    "KD505": ("tf.Tensor as a Python `bool`", "tensor as a python bool", "truth value", "python bool"),
    "KD151": ("inputs must come from", "input tensors to a", "must be kerastensors", "missing keras metadata", "missing previous layer metadata"),
    "KD109": ("no gradients provided",),
    "KD111": ("must compile", "compile your model", "not been compiled", "before training/testing"),
    "KD114": ("concatenate layer requires", "matching shapes except for the concat axis"),
    "KD118": ("has not yet been built", "not been built", "build the model first"),
    "KD125": ("multiple inbound nodes", "has multiple inbound"),
    "KD132": ("last dimension of the inputs", "should be defined"),
    "KD137": ("layer names should be unique", "is used 2 times", "not unique"),
    "KD143": ("merge layer should be called on a list", "should be called on a list of inputs"),
    "KD146": ("has never been called", "no defined input", "no defined output"),
    "KD113": ("expects inputs", "input tensors", "layer expects"),
    "KD121": ("argument not recognized", "unexpected keyword argument optimizer", "lr is deprecated"),
    "KD122": ("sparse",),
    "KD126": ("dtype", "cannot be converted to tensor", "expected float32", "expected int32"),
    "KD127": ("unknown layer", "could not locate", "unknown object", "custom_objects"),
    "KD130": ("not iterable", "iterating over"),
    "KD140": ("creates variables", "tf.variable creation", "non-first call"),
    "KD145": ("monitor", "early stopping conditioned on metric", "available metrics"),
    "KD154": ("none values not supported", "none value"),
    "KD159": ("subclassed model", "saving the model to hdf5", "h5 format"),
    "KD162": ("only supported in graph", "not supported when eager execution", "eager execution"),
    "KD176": ("symbolic tensor", "keras symbolic"),
    "KD104": (
        "failed to convert a numpy array",
        "unsupported object type",
        "invalid dtype object",
        "cast string to float",
        "expected binary or unicode string",
        "could not convert string to float",
    ),
    "KD105": ("indices not in", "is not in [0", "out of range embedding", "input_dim"),
    "KD106": (
        "negative dimension size",
        "output size would be negative",
        "dimensions in the output is due to downsampling",
        "resulted in an empty output",
        "dimension with value",
        "not fully defined",
    ),
    "KD135": ("has no attribute", "is not a package", "circular import"),
    "KD201": ("decode", "truth value of an array"),
    "KD202": (
        "layer count mismatch",
        "weight count mismatch",
        "weight file containing layers",
        "expected variables but received",
        "weight list of length",
        "mismatch in number of weights",
        "expects weights",
    ),
    "KD203": (
        "shape mismatch",
        "weight shape",
        "not compatible with provided weight",
        "incompatible tensor with shape",
        "mismatch in shape",
        "shapes of both tensors",
        "target variable and the shape of the target value",
    ),
    "KD211": ("unrecognized keyword arguments", "parent module", "could not deserialize", "newer version", "saved with keras", "unknown layer functional"),
    "KD232": ("no module named", "cannot import name", "has been moved", "deprecated module", "keras.src"),
    "KD237": ("instances of keras.layer", "instance of class layer", "added layer", "must be kerastensors", "keras 3", "tf_keras"),
    "KD238": ("compat.v1", "removed in tensorflow 2", "not supported in tensorflow 2", "tf 2.0", "tf2 behavior", "eager execution is enabled"),
    "KD241": (
        "requires tensorflow",
        "tensorflow version",
        "incompatible version",
        "requires keras",
        "please upgrade",
        "metric with the same name already exists",
    ),
    "KD251": ("get_config", "must override", "non-serializable", "could not be deserialized properly", "unable to revive"),
    "KD302": ("cudnn", "convolution algorithm", "dnn implementation", "no algorithm worked"),
    "KD504": (
        "kerastensor cannot be used",
        "symbolic input/output",
        "symbolic inputs/outputs",
        "not a keras tensor",
        "must be keras tensors",
        "output of a keras layer",
        "output of a tensorflow layer",
        "jax_array",
        "typespec for kerastensor",
    ),
    "KD511": (
        "unknown layer",
        "could not locate class",
        "cannot deserialize object",
        "unable to restore custom object",
        "custom_objects",
        "unknown activation",
        "unknown initializer",
        "unknown regularizer",
        "unknown constraint",
        "unknown optimizer",
        "invalid layer",
    ),
    "KD513": ("unknown loss", "unknown metric", "could not locate function", "invalid objective", "invalid metric"),
    "KD522": ("label value", "outside the valid range", "labels out of bound"),
    "KD523": ("target and output must have the same", "expects targets to be binary", "categorical_crossentropy expects"),
    "KD207": ("filepath must end in", "invalid filepath extension", "file format not supported", "save_format"),
    "KD208": ("modelcheckpoint", "filepath provided must end in", "save_weights_only"),
    "KD266": ("no model config found", "no model found in config", "weights file", "does not contain a model"),
    "KD136": ("cannot reshape", "total size of new array", "reshape", "input to reshape"),
    "KD110": ("gradients do not exist", "no gradient defined"),
    "KD524": ("empty", "unexpected value for `steps_per_epoch`", "no data", "0 samples"),
    "KD210": ("no file or directory found", "unable to open file", "file not found", "savedmodel file does not exist"),
    "KD525": ("data cardinality", "same number of samples", "input arrays should have the same number"),
    "KD128": ("data adapter", "unrecognized data type", "unsupported data type", "can not handle data"),
    "KD282": ("not enough time for target transition", "no valid path found", "label_length", "labels length"),
    "KD217": ("name already exists", "unable to create link", "unable to create dataset", "same name"),
    "KD353": ("not found in checkpoint", "key not found", "restoring from checkpoint failed"),
    "KD348": ("discrepancy between trainable weights", "collected trainable weights"),
    "KD224": ("decay is deprecated", "decay argument"),
    "KD160": ("not json serializable", "unable to serialize", "json serializable"),
    "KD521": ("no training configuration", "model was *not* compiled"),
    "KD264": ("already exists disallowed", "reuse=true", "not created with tf.get_variable"),
    "KD265": ("fetch argument", "can not convert a nonetype"),
    "KD153": ("not settable", "learningrateschedule object"),
    "KD187": ("class_weight", "class weight"),
    "KD409": ("non-rectangular",),
    "KD163": ("unknown variable", "optimizer can only be called for the variables"),
    "KD560": ("keyword argument not understood", "unrecognized keyword arguments"),
    "KD360": ("first argument to `layer.call`", "first argument to layer.call"),
    "KD215": ("unresolved object in checkpoint", "skipping variable loading for optimizer", "value in checkpoint could not be found"),
    "KD335": ("cudnn kernel", "cudnn kernels"),
    "KD142": ("validation_split",),
    "KD411": ("symbolic tensor", "numpy() is only available", "numpy is not available", "cannot convert a symbolic"),
    "KD531": ("no dashboards", "event files"),
    "KD200": ("not an hdf5", "file signature", "h5py"),
    "KD602": ("between 0 and 1", "in the range [0, 1]", "must be in [0, 1]"),
    "KD230": ("get_session", "set_session", "session is not available"),
    "KD228": ("nb_epoch", "has been renamed", "samples_per_epoch"),
    "KD233": ("optimizer identifier", "could not interpret optimizer"),
    "KD213": ("pickle", "cannot pickle", "can't pickle"),
    "KD499": ("signature", "serving_default", "signatures"),
    "KD157": ("input_signature", "python inputs incompatible", "incompatible with input_signature"),
    "KD183": ("nested structure", "same nested structure", "structure of"),
    "KD181": ("lambda", "output_shape", "could not automatically infer"),
    "KD168": ("concrete value", "concretization", "tracer"),
    "KD117": ("metrics", "list of metrics", "when passing a list"),
    "KD245": ("use_multiprocessing", "workers", "max_queue_size"),
    "KD322": ("backend", "keras_backend", "unknown backend"),
    "KD581": ("callback", "callbacks"),
    "KD165": ("has not been built", "not built", "call `build()`"),
    "KD535": ("not a checkpoint", "unable to open table file", "corrupted record", "checkpoint prefix"),
    "KD577": ("replica context", "merge_call", "cross-replica"),
    "KD361": ("merge_call",),
    "KD349": ("get_updates", "apply_gradients", "legacy optimizer"),
    "KD268": ("padded_shapes",),
    "KD288": ("ragged",),
    "KD518": ("too many indices",),
    "KD597": ("texts", "text must be"),
    "KD515": ("invalid keyword argument", "compile() got", "unexpected keyword argument"),
    "KD578": ("compute_output_shape",),
    "KD547": ("train_step", "test_step", "must return a dict", "logs"),
    "KD570": ("fed and fetched", "may not be fed"),
    "KD182": ("numpy() is only available", "eval", "tensor.numpy"),
    "KD116": ("value of a feed cannot be", "feed cannot be"),
    "KD149": ("generator yielded", "yielded an element", "output_signature"),
    "KD380": ("is not in graph", "exist in graph"),
    "KD517": ("to a tensorshape", "to a shape", "dimension value must be integer"),
    "KD131": ("isn't a symbolic tensor", "expected a symbolic tensor", "symbolic tensor instance"),
    "KD436": ("trackable object", "checkpointable object"),
    "KD281": ("not available with keras 3",),
    "KD689": ("add_metric",),
    "KD249": ("only input tensors may be passed",),
    "KD512": ("one entry per model output", "loss_weights", "in the loss argument"),
    "KD493": ("could not be broadcast together", "incompatible shapes received shapes"),
    "KD529": ("optimizer must have",),
    "KD150": ("include_top", "must have 3 channels", "input size must be at least", "should be 1000"),
    "KD647": ("no variables to save",),
    "KD115": ("added layer must be", "can be added to a sequential"),
    "KD507": ("data tensors", "symbolic tensors", "static batch size"),
    "KD134": ("target arrays", "list of numpy arrays", "different structures"),
    "KD371": ("larger than 2gb", "2gb"),
    "KD370": ("unhashable",),
    "KD362": ("could not be lifted", "init_scope or callable"),
    "KD206": ("must end in",),
    "KD564": ("output of generator should be",),
    "KD548": ("inferring types", "number of fields"),
    "KD470": ("should only be used for objects of type", "valid regularization penalty"),
    "KD643": ("lossscaleoptimizer",),
    "KD253": ("does not match type", "float16"),
    "KD218": ("_userobject",),
    "KD440": ("dimension and", "please use"),
    "KD120": ("add() got",),
    "KD290": ("add_weight",),
    "KD398": ("not tf.tensor or tf.variable", "trainable weights"),
    "KD453": ("untraced functions", "directly callable after loading"),
    "KD475": ("shuffle buffer",),
    "KD377": ("histogram_freq", "histograms"),
    "KD243": ("do not pass an input_shape", "input_shape input_dim"),
    "KD406": ("validation_split", "subset"),
    "KD549": ("y_col", "class_mode"),
    "KD399": ("not a valid scope name", "valid root scope name", "invalid name"),
    "KD449": ("hash", "checksum", "file corrupted"),
    "KD446": ("unrecognized data type", "failed to find data adapter"),
    "KD180": ("cudnn",),
    "KD646": ("multi_gpu_model", "gpus"),
    "KD404": ("aggregation",),
    "KD656": ("failed to load delegate", "delegate"),
    "KD320": ("could not satisfy", "device placement"),
    "KD273": ("torchmodulewrapper", "torch backend"),
    "KD284": ("distribution", "symbolic"),
    "KD340": ("complex",),
    "KD621": ("bfloat16",),
    "KD158": ("stateful batch size", "stateful complete input_shape", "stateful batch_input_shape", "stateful static batch"),
    "KD491": ("rate must be a scalar", "rate range [0, 1)", "invalid value received for rate", "rate between 0 and 1"),
    "KD484": ("first layer in a sequential model", "first layer sequential input_shape"),
    "KD189": ("must call super().__init__", "forgot to call super", "super().__init__() in the layer constructor"),
    "KD459": ("requires validation_data", "validation_data is none", "validation data must"),
    "KD216": ("compiled_metrics", "compile_metrics", "metrics built"),
    "KD133": ("missing data for input", "expected the following keys", "data dictionary keys"),
    "KD296": ("oov", "num_oov_indices"),
    "KD297": ("vocabulary dtype", "vocabulary int"),
    "KD267": ("nested outputs", "outputs nested", "nested list outputs"),
    "KD425": ("does not support masking", "supports_masking"),
    "KD423": ("class_weight", "class weight"),
    "KD289": ("cross-replica context", "merge_call", "replica context"),
    "KD252": ("strategy scope", "distribution strategy", "strategy.scope()", "different scope", "colocate_vars_with"),
    "KD394": ("jit_compile torch", "torch.compile", "dynamo"),
    "KD186": ("same device", "different device", "expected device"),
    "KD387": ("file system scheme", "local file system"),
    "KD625": ("run_trial", "hypermodel.fit", "objective"),
    "KD400": ("layer_names", "nb_layers", "weights file", "weight file"),
    "KD345": ("last_hidden_state", "pooler_output"),
    "KD293": ("builtin opcode", "get registration"),
}


def all_sites() -> list[RaiseSite]:
    """Every site of the index, read entry by entry."""
    index = load_index()
    sites: list[RaiseSite] = []
    for entry_id in range(len(index.header["entry_blocks"]) * int(index.header["block_size"])):
        try:
            sites.append(index.entry(entry_id))
        except IndexError:  # the last block is not full
            break
    return sites


def family_sites(rule_types: set[str], phrases: tuple[str, ...], sites: list[RaiseSite]) -> list[RaiseSite]:
    out = []
    for site in sites:
        if rule_types and site.kind == "exception" and site.type not in rule_types:
            continue
        literal = " ".join("".join(site.parts).split()).lower()
        if any(all(re.search(r"\b" + re.escape(w), literal) for w in phrase.split()) for phrase in phrases):
            out.append(site)
    return out


def compare(sites: list[RaiseSite], old_rules: RuleSet, rules: RuleSet) -> int:
    old_total = 0
    for site in sites:
        old, new = linked_rule(site, old_rules), linked_rule(site, rules)
        old_total += old is not None
        if (old and old.id) != (new and new.id):
            template = "{}".join(site.parts).replace("\n", " ")[:160]
            print(f"  {old.id if old else '-':5} -> {new.id if new else '-':5} {site.type:22} {site.path}:{site.function}  {template!r}")
    print(f"{old_total} sites linked by {len(old_rules.rules)} rules of the other directory")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", help="rule ids (default: every family listed in this script)")
    parser.add_argument("--summary", action="store_true", help="print only the counts")
    parser.add_argument("--compare", metavar="RULES_DIR", help="list the sites linked differently by the rules in RULES_DIR")
    args = parser.parse_args(argv)
    rules = load_rules()
    by_id = {rule.id: rule for rule in rules}
    sites = all_sites()
    linked_total = sum(1 for site in sites if linked_rule(site, rules) is not None)
    print(f"index: {len(sites)} sites, {linked_total} linked to a family")
    if args.compare:
        return compare(sites, load_rule_dir(args.compare), rules)
    for rule_id in args.ids or sorted(FAMILY_WORDS):
        rule = by_id[rule_id]
        types = {t for pattern in rule.errors for t in pattern.types}
        candidates = family_sites(types, FAMILY_WORDS[rule_id], sites)
        links = [(site, linked_rule(site, rules)) for site in candidates]
        own = sum(1 for _s, r in links if r is not None and r.id == rule_id)
        print(f"\n{rule_id} {rule.name}: {len(candidates)} candidate sites, {own} linked to it")
        if args.summary:
            continue
        for site, linked in links:
            mark = linked.id if linked is not None else "-"
            template = "{}".join(site.parts).replace("\n", " ")[:200]
            print(f"  [{mark:5}] {site.type:22} {site.path}:{site.function}  {template!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
