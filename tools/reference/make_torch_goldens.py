#!/usr/bin/python3
"""Record torch.optim golden cases for the ScratchOptim C# tests, with PyTorch 1.13 or 2.x.

Each case builds ``torch.optim.<Class>(params, **kwargs, foreach=False)`` on two
tensors of shapes [37] and [5, 7], feeds 30 steps of the deterministic gradient
protocol of /work/shared/reference/README.md and writes one JSON file with the
initial parameters, every gradient, the parameters after every step and the
final optimizer state (format: same README). The file's "reference" and
"torch_version" fields record the PyTorch that made it.

Usage, with the interpreter of the PyTorch to record (Debian's 1.13 is
/usr/bin/python3; 2.x runs in a chroot, see README.md):

    make_torch_goldens.py --torch {1.13,2} --out DIR [--seed N] [--dtypes float32 float64] [--only STEM ...]
    make_torch_goldens.py --check DIR

``--torch`` names the version the running interpreter must have and selects its
case table (2.x adds the options 1.13 lacks); ``--out`` writes the table as
``<stem>_<f32|f64>_s<seed>.json``. ``--check`` regenerates every ``*.json`` case
found in DIR that was recorded with the running PyTorch's version, from the
file's own ``optimizer``/``hyper``/``dtype``/``shapes``/``grad_protocol.seed``
fields, and compares it with the file: MATCH = byte for byte; LABEL = byte for
byte once the free-text annotations (the "generator" label, which names the
producing script, and a "tolerance_note") are taken from the file; DIFFER =
lists the top-level fields whose values differ; OTHER = recorded with the other
PyTorch version (check it with that one). Exit status 1 on DIFFER.

Only the standard library and torch are used.
"""

import argparse
import inspect
import json
import pathlib
import re
import sys

import torch

SHAPES = ([37], [5, 7])
STEPS = 30
SCALES = (1e-3, 1.0, 30.0)
SPARSE_FRACTION = 0.1
ALL_ZERO_STEP = 13
DTYPE_NAMES = {torch.float32: "float32", torch.float64: "float64"}
DTYPE_SUFFIXES = {"float32": "f32", "float64": "f64"}
CHECK_LABEL = "tools/reference/make_torch_goldens.py --check"
# Annotations a file may carry that no run can reproduce (free text); --check takes them from the file.
ANNOTATIONS = ("generator", "tolerance_note")
# Where a case's results are not bit-reproducible by PyTorch itself (reductions, bfloat16 matrix products).
TOLERANCES = {"Adafactor": {"rtol": 1e-4, "atol": 1e-6}, "Muon": {"rtol": 1e-2, "atol": 1e-3}}

# stem -> (class name, constructor kwargs[, shapes]). Key order of the kwargs is the
# order written to "hyper"; "foreach": false is appended for every class that takes it. Without shapes,
# a case has SHAPES.
# A stem that also exists in the shared seed-1 set has exactly its kwargs, so
# "--seed 1" reproduces those shared float32 files.
CASES = {
    # SGD
    "sgd_plain": ("SGD", {"lr": 0.01}),
    "sgd_wd": ("SGD", {"lr": 0.01, "weight_decay": 0.01}),
    "sgd_momentum": ("SGD", {"lr": 0.01, "momentum": 0.9}),
    "sgd_dampening": ("SGD", {"lr": 0.01, "momentum": 0.9, "dampening": 0.5}),
    "sgd_momentum_wd": ("SGD", {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.01}),
    "sgd_nesterov": ("SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
    "sgd_nesterov_wd": ("SGD", {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.01, "nesterov": True}),
    "sgd_maximize": ("SGD", {"lr": 0.01, "momentum": 0.9, "maximize": True}),
    "sgd_maximize_wd": ("SGD", {"lr": 0.01, "weight_decay": 0.01, "maximize": True}),
    "sgd_dampening_wd_maximize": ("SGD", {"lr": 0.01, "momentum": 0.9, "dampening": 0.5,
                                          "weight_decay": 0.01, "maximize": True}),
    # Adam
    "adam_plain": ("Adam", {"lr": 0.001}),
    "adam_wd": ("Adam", {"lr": 0.001, "weight_decay": 0.01}),
    "adam_amsgrad": ("Adam", {"lr": 0.001, "amsgrad": True}),
    "adam_amsgrad_wd": ("Adam", {"lr": 0.001, "weight_decay": 0.01, "amsgrad": True}),
    "adam_maximize": ("Adam", {"lr": 0.001, "maximize": True}),
    "adam_maximize_amsgrad_wd": ("Adam", {"lr": 0.001, "weight_decay": 0.01, "amsgrad": True,
                                          "maximize": True}),
    "adam_betas_eps": ("Adam", {"lr": 0.001, "betas": (0.8, 0.99), "eps": 1e-6}),
    "adam_lr": ("Adam", {"lr": 0.01}),
    # AdamW
    "adamw_plain": ("AdamW", {"lr": 0.001}),
    "adamw_wd": ("AdamW", {"lr": 0.001, "weight_decay": 0.1}),
    "adamw_amsgrad": ("AdamW", {"lr": 0.001, "amsgrad": True}),
    "adamw_maximize": ("AdamW", {"lr": 0.001, "maximize": True}),
    "adamw_maximize_amsgrad": ("AdamW", {"lr": 0.001, "amsgrad": True, "maximize": True}),
    "adamw_betas_eps": ("AdamW", {"lr": 0.001, "betas": (0.8, 0.99), "eps": 1e-6}),
    # Adagrad
    "adagrad_plain": ("Adagrad", {"lr": 0.01}),
    "adagrad_lr_decay": ("Adagrad", {"lr": 0.01, "lr_decay": 0.01}),
    "adagrad_init_acc": ("Adagrad", {"lr": 0.01, "initial_accumulator_value": 0.1}),
    "adagrad_wd": ("Adagrad", {"lr": 0.01, "weight_decay": 0.01}),
    "adagrad_eps": ("Adagrad", {"lr": 0.01, "eps": 1e-6}),
    "adagrad_maximize": ("Adagrad", {"lr": 0.01, "maximize": True}),
    "adagrad_all": ("Adagrad", {"lr": 0.01, "lr_decay": 0.01, "weight_decay": 0.01,
                                "initial_accumulator_value": 0.1, "eps": 1e-10, "maximize": True}),
    "adagrad_all_eps": ("Adagrad", {"lr": 0.01, "lr_decay": 0.01, "weight_decay": 0.01,
                                    "initial_accumulator_value": 0.1, "eps": 1e-6, "maximize": True}),
    # RMSprop
    "rmsprop_plain": ("RMSprop", {"lr": 0.01}),
    "rmsprop_wd": ("RMSprop", {"lr": 0.01, "weight_decay": 0.01}),
    "rmsprop_momentum": ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    "rmsprop_centered": ("RMSprop", {"lr": 0.01, "centered": True}),
    "rmsprop_centered_momentum": ("RMSprop", {"lr": 0.01, "alpha": 0.9, "centered": True,
                                              "momentum": 0.9}),
    "rmsprop_alpha": ("RMSprop", {"lr": 0.01, "alpha": 0.9}),
    "rmsprop_eps": ("RMSprop", {"lr": 0.01, "eps": 1e-6}),
    "rmsprop_maximize": ("RMSprop", {"lr": 0.01, "maximize": True}),
    "rmsprop_all": ("RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-6, "weight_decay": 0.01,
                                "momentum": 0.9, "centered": True, "maximize": True}),
    # Adadelta
    "adadelta_plain": ("Adadelta", {"lr": 1.0}),
    "adadelta_rho": ("Adadelta", {"lr": 1.0, "rho": 0.95}),
    "adadelta_wd": ("Adadelta", {"lr": 1.0, "rho": 0.95, "weight_decay": 0.01}),
    "adadelta_eps": ("Adadelta", {"lr": 1.0, "eps": 1e-5}),
    "adadelta_maximize": ("Adadelta", {"lr": 1.0, "maximize": True}),
    "adadelta_all": ("Adadelta", {"lr": 1.0, "rho": 0.95, "eps": 1e-5, "weight_decay": 0.01,
                                  "maximize": True}),
    # Adamax
    "adamax_plain": ("Adamax", {"lr": 0.002}),
    "adamax_wd": ("Adamax", {"lr": 0.002, "weight_decay": 0.01}),
    "adamax_betas": ("Adamax", {"lr": 0.002, "betas": (0.8, 0.99)}),
    "adamax_eps": ("Adamax", {"lr": 0.002, "eps": 1e-6}),
    "adamax_maximize": ("Adamax", {"lr": 0.002, "maximize": True}),
    # NAdam (no maximize in 1.13)
    "nadam_plain": ("NAdam", {"lr": 0.002}),
    "nadam_wd": ("NAdam", {"lr": 0.002, "weight_decay": 0.01}),
    "nadam_momentum_decay": ("NAdam", {"lr": 0.002, "momentum_decay": 0.05}),
    "nadam_betas_eps": ("NAdam", {"lr": 0.002, "betas": (0.8, 0.99), "eps": 1e-6}),
    # RAdam (no maximize in 1.13); rho_t > 5 from t = 6 with beta2 0.999 or 0.99
    "radam_plain": ("RAdam", {"lr": 0.001}),
    "radam_wd": ("RAdam", {"lr": 0.001, "weight_decay": 0.01}),
    "radam_betas": ("RAdam", {"lr": 0.001, "betas": (0.9, 0.99)}),
    "radam_beta2_low": ("RAdam", {"lr": 0.001, "betas": (0.9, 0.8)}),  # rho_t > 5 from t = 7
    # Rprop
    "rprop_plain": ("Rprop", {"lr": 0.01}),
    "rprop_custom": ("Rprop", {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (0.0001, 0.2)}),
    "rprop_maximize": ("Rprop", {"lr": 0.01, "maximize": True}),
    # ASGD
    "asgd_plain": ("ASGD", {"lr": 0.01}),
    "asgd_t0": ("ASGD", {"lr": 0.01, "lambd": 0.001, "alpha": 0.75, "t0": 10}),
    "asgd_wd": ("ASGD", {"lr": 0.01, "weight_decay": 0.01, "t0": 5, "maximize": True}),
}

# Shapes for optimizers of matrices (the usual [37] is a vector): wide, and tall.
MATRICES = ([6, 9], [5, 7])
TALL = ([9, 6], [7, 5])

# PyTorch 2.x only: the options 1.13 lacks, and first-moment weights 1 - beta1 >= 0.5, which take lerp's other
# rounding form (2.x updates exp_avg with lerp_; |weight| < 0.5 and >= 0.5 round differently).
TORCH2_CASES = {
    "adam_decoupled_wd": ("Adam", {"lr": 0.001, "weight_decay": 0.01, "decoupled_weight_decay": True}),
    "adam_amsgrad_decoupled_wd": ("Adam", {"lr": 0.001, "weight_decay": 0.01, "amsgrad": True,
                                           "decoupled_weight_decay": True}),
    "adam_maximize_decoupled_wd": ("Adam", {"lr": 0.001, "weight_decay": 0.1, "maximize": True,
                                            "decoupled_weight_decay": True}),
    "adam_beta1_half": ("Adam", {"lr": 0.001, "betas": (0.5, 0.999)}),
    "adam_beta1_low": ("Adam", {"lr": 0.001, "betas": (0.3, 0.999)}),
    "adamw_beta1_low": ("AdamW", {"lr": 0.001, "betas": (0.3, 0.999)}),
    "adamax_beta1_low": ("Adamax", {"lr": 0.002, "betas": (0.3, 0.999)}),
    "nadam_decoupled_wd": ("NAdam", {"lr": 0.002, "weight_decay": 0.01, "decoupled_weight_decay": True}),
    "nadam_maximize": ("NAdam", {"lr": 0.002, "maximize": True}),
    "nadam_maximize_wd": ("NAdam", {"lr": 0.002, "weight_decay": 0.01, "maximize": True}),
    "nadam_beta1_low": ("NAdam", {"lr": 0.002, "betas": (0.3, 0.999)}),
    "radam_decoupled_wd": ("RAdam", {"lr": 0.001, "weight_decay": 0.01, "decoupled_weight_decay": True}),
    "radam_maximize": ("RAdam", {"lr": 0.001, "maximize": True}),
    "radam_maximize_decoupled_wd": ("RAdam", {"lr": 0.001, "weight_decay": 0.01, "maximize": True,
                                              "decoupled_weight_decay": True}),
    "radam_beta1_low": ("RAdam", {"lr": 0.001, "betas": (0.3, 0.999)}),
    "rmsprop_centered_alpha_low": ("RMSprop", {"lr": 0.01, "alpha": 0.3, "centered": True}),
    "adafactor_default": ("Adafactor", {}),
    "adafactor_eps1_none": ("Adafactor", {"eps": (None, 0.01)}),
    "adafactor_clipped": ("Adafactor", {"lr": 0.5, "d": 1.0}),
    "adafactor_all": ("Adafactor", {"lr": 0.05, "beta2_decay": -0.7, "eps": (1e-20, 0.01), "d": 1.5,
                                    "weight_decay": 0.05, "maximize": True}),
    # Muon takes matrices only: the shapes of the shared cases (a tall one is transposed inside Newton-Schulz) and
    # larger ones, whose rows span full vectors and a tail.
    "muon_default": ("Muon", {}, MATRICES),
    "muon_wd": ("Muon", {"lr": 0.02, "weight_decay": 0.01}, MATRICES),
    "muon_momentum": ("Muon", {"lr": 0.02, "momentum": 0.9}, MATRICES),
    "muon_nesterov_off": ("Muon", {"lr": 0.02, "nesterov": False}, MATRICES),
    "muon_eps": ("Muon", {"lr": 0.02, "eps": 0.001}, MATRICES),
    "muon_ns_steps": ("Muon", {"lr": 0.02, "ns_steps": 3}, MATRICES),
    "muon_ns_steps_zero": ("Muon", {"lr": 0.02, "ns_steps": 0}, MATRICES),
    "muon_ns_coefficients": ("Muon", {"lr": 0.02, "ns_coefficients": (3.0, -3.2, 1.2), "ns_steps": 6}, MATRICES),
    "muon_adjust_original": ("Muon", {"lr": 0.02, "adjust_lr_fn": "original"}, MATRICES),
    "muon_adjust_match_rms_adamw": ("Muon", {"lr": 0.02, "adjust_lr_fn": "match_rms_adamw", "weight_decay": 0.01}, MATRICES),
    "muon_adjust_spectral_unclamped": ("Muon", {"lr": 0.02, "adjust_lr_fn": "spectral_unclamped"}, MATRICES),
    "muon_tall": ("Muon", {"lr": 0.02}, TALL),
    "muon_tall_spectral_unclamped": ("Muon", {"lr": 0.02, "adjust_lr_fn": "spectral_unclamped", "nesterov": False}, TALL),
    "muon_large": ("Muon", {"lr": 0.01, "momentum": 0.8, "weight_decay": 0.05}, ([17, 40], [40, 17])),
    "muon_groups": ("Muon", {"param_groups": [{"params": [0], "lr": 0.02, "adjust_lr_fn": "spectral_unclamped"},
                                              {"params": [1], "lr": 0.01, "momentum": 0.9, "nesterov": False,
                                               "weight_decay": 0.05, "adjust_lr_fn": "match_rms_adamw"}]}, MATRICES),
}

TABLES = {"1.13": CASES, "2": {**CASES, **TORCH2_CASES}}


def grad_protocol(seed, shapes=SHAPES):
    """The JSON description of the gradient stream for this seed (and these shapes, if not the usual ones)."""
    protocol = {
        "seed": seed,
        "scales_cycle": list(SCALES),
        "scale_of_step": "scales_cycle[step % 3] (step 0-based)",
        "sparse_zero_steps": [s for s in range(STEPS) if s % 5 == 2],
        "sparse_zero_fraction": SPARSE_FRACTION,
        "all_zero_grad": {"step": ALL_ZERO_STEP, "tensor": seed % 2},
        "rng": "torch.Generator().manual_seed(seed); float64 randn/rand drawn in order "
               "param0[0], param0[1], then per step per tensor: randn, (rand mask on sparse "
               "steps); cast to the case dtype",
    }
    if [list(shape) for shape in shapes] != [list(shape) for shape in SHAPES]:
        listed = [list(shape) for shape in shapes]
        protocol["shapes_note"] = f"drawn with this case's shapes {listed} (so the values differ from the [[37], [5, 7]] cases)"
    return protocol


def draw_stream(seed, dtype, shapes=SHAPES):
    """Initial params and per-step grads: float64 draws, scaled, masked, then cast."""
    gen = torch.Generator().manual_seed(seed)
    param0 = [torch.randn(shape, generator=gen, dtype=torch.float64).to(dtype) for shape in shapes]
    grads = []
    for step in range(STEPS):
        step_grads = []
        for t, shape in enumerate(shapes):
            g = torch.randn(shape, generator=gen, dtype=torch.float64) * SCALES[step % 3]
            if step % 5 == 2:
                mask = torch.rand(shape, generator=gen, dtype=torch.float64) < SPARSE_FRACTION
                g[mask] = 0.0
            if step == ALL_ZERO_STEP and t == seed % 2:
                g.zero_()
            step_grads.append(g.to(dtype))
        grads.append(step_grads)
    return param0, grads


def flat(tensor):
    """Row-major flat list of Python floats (exact values of the elements)."""
    return tensor.detach().reshape(-1).tolist()


def describe_state(state):
    """Split one parameter's optimizer state into (values, dtype descriptions); drop None."""
    values, dtypes = {}, {}
    for key, value in state.items():
        if value is None:
            continue
        if isinstance(value, torch.Tensor):
            name = DTYPE_NAMES[value.dtype]
            if value.dim() == 0:
                values[key], dtypes[key] = value.item(), name + "[0-dim]"
            else:
                values[key], dtypes[key] = flat(value), name
        else:
            values[key], dtypes[key] = value, "python " + type(value).__name__
    return values, dtypes


def cpu_capability():
    """ATen's CPU dispatch level as reported by torch.__config__.show() (e.g. AVX2)."""
    match = re.search(r"CPU capability usage: (\S+)", torch.__config__.show())
    return match.group(1) if match else "unknown"


def running_version():
    """"1.13" or "2" by the running torch; the script reproduces no other."""
    major_minor = tuple(int(part) for part in torch.__version__.split(".")[:2])
    if major_minor == (1, 13):
        return "1.13"
    if major_minor[0] == 2:
        return "2"
    sys.exit(f"PyTorch {torch.__version__} is neither 1.13 nor 2.x")


def reference_label(class_name, fused_kernel):
    """The "reference" field: the class and the PyTorch release (and the fused kernel, if one ran)."""
    kernel = f" (fused=True: CPU fused kernel torch.{fused_kernel})" if fused_kernel else ""
    if running_version() == "1.13":
        return f"torch.optim.{class_name}{kernel}, PyTorch 1.13 (Debian python3-torch)"
    return f"torch.optim.{class_name}{kernel}, PyTorch {torch.__version__}"


def constructor_hyper(class_name, kwargs):
    """The constructor arguments as written to "hyper": foreach=False (PyTorch's single-tensor path) is added
    for every class that takes it, except with fused=True, which excludes it."""
    takes_foreach = "foreach" in inspect.signature(getattr(torch.optim, class_name).__init__).parameters
    return dict(kwargs) if kwargs.get("fused") or not takes_foreach else dict(kwargs, foreach=False)


def parameter_groups(hyper, params):
    """The optimizer's first argument: the tensors, or "param_groups" with tensor indices (Muon's cases)."""
    if "param_groups" not in hyper:
        return params, hyper
    groups = [dict(group, params=[params[i] for i in group["params"]]) for group in hyper["param_groups"]]
    return groups, {k: v for k, v in hyper.items() if k != "param_groups"}


class FusedKernelCounter:
    """Counts the calls of torch._fused_<name>_ while a fused=True optimizer steps, so a case records the fused
    kernel only when every step ran it (PyTorch falls back silently where the fused path does not apply)."""

    def __init__(self, class_name, hyper):
        self.name = f"_fused_{class_name.lower()}_" if hyper.get("fused") else None
        self.calls = 0

    def __enter__(self):
        if self.name:
            self.original = getattr(torch, self.name)

            def counted(*args, **kwargs):
                self.calls += 1
                return self.original(*args, **kwargs)

            setattr(torch, self.name, counted)
        return self

    def __exit__(self, *exc):
        if self.name:
            setattr(torch, self.name, self.original)


def run_case(name, class_name, kwargs, dtype, seed, generator_label, shapes=SHAPES):
    """Run one optimizer on the gradient stream and return the case (dict in file key order)."""
    torch.set_num_threads(1)
    param0, grads = draw_stream(seed, dtype, shapes)
    params = [p.clone().requires_grad_(True) for p in param0]
    hyper = constructor_hyper(class_name, kwargs)
    groups, arguments = parameter_groups(hyper, params)
    optimizer = getattr(torch.optim, class_name)(groups, **arguments)
    history = []
    with FusedKernelCounter(class_name, hyper) as fused:
        for step_grads in grads:
            for p, g in zip(params, step_grads):
                p.grad = g.clone()
            optimizer.step()
            history.append([flat(p) for p in params])
    if fused.name and fused.calls != STEPS:
        sys.exit(f"{name}: torch.{fused.name} ran {fused.calls} times in {STEPS} steps")
    final_state, state_dtypes = {}, {}
    for index, p in enumerate(params):
        key = str(index)
        final_state[key], state_dtypes[key] = describe_state(optimizer.state[p])
    case = {
        "name": name,
        "optimizer": class_name,
        "reference": reference_label(class_name, fused.name),
        "hyper": hyper,
        "dtype": DTYPE_NAMES[dtype],
        "shapes": [list(s) for s in shapes],
        "steps": STEPS,
        "param0": [flat(p) for p in param0],
        "grads": [[flat(g) for g in step_grads] for step_grads in grads],
        "params": history,
        "final_state": final_state,
        "state_dtypes": state_dtypes,
        "grad_protocol": grad_protocol(seed, shapes),
        "torch_version": torch.__version__,
        "cpu_capability": cpu_capability(),
        "generator": generator_label,
    }
    if class_name in TOLERANCES:
        case["tolerance"] = TOLERANCES[class_name]
        case["tolerance_note"] = "not bit-reproducible: see the reference's README"
    return case


def encode(case):
    """Compact JSON, Python repr for every double (-0.0 kept), trailing newline."""
    return json.dumps(case, separators=(",", ":"), allow_nan=False) + "\n"


def write_table(version, out_dir, seed, dtypes, only):
    """Write the case table of a PyTorch version (optionally only some stems) to out_dir, one file per dtype."""
    table = TABLES[version]
    unknown = [stem for stem in only if stem not in table]
    if unknown:
        sys.exit(f"unknown case stem(s) for PyTorch {version}: {', '.join(unknown)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    label = f"tools/reference/make_torch_goldens.py --torch {version} --seed {seed}"
    for stem, (class_name, kwargs, *shapes) in table.items():
        if only and stem not in only:
            continue
        for dtype in dtypes:
            name = f"{stem}_{DTYPE_SUFFIXES[dtype]}_s{seed}"
            case = run_case(name, class_name, kwargs, getattr(torch, dtype), seed, label, *shapes)
            (out_dir / f"{name}.json").write_text(encode(case))
            print(f"wrote {name}.json")


def kwargs_from_hyper(hyper):
    """Constructor kwargs from a file's "hyper" (JSON arrays back to tuples, no foreach)."""
    return {k: tuple(v) if isinstance(v, list) and k != "param_groups" else v
            for k, v in hyper.items() if k != "foreach"}


def regenerate(reference):
    """Re-run a case file from its own optimizer, hyper, dtype, shapes and seed fields."""
    return run_case(reference["name"], reference["optimizer"], kwargs_from_hyper(reference["hyper"]),
                    getattr(torch, reference["dtype"]), reference["grad_protocol"]["seed"],
                    CHECK_LABEL, [tuple(shape) for shape in reference["shapes"]])


def recorded_version(reference):
    """"1.13" or "2" by the release the file's "reference" names."""
    match = re.search(r"PyTorch (\d+)\.(\d+)", reference.get("reference", ""))
    if not match:
        return None
    return "1.13" if match.groups() == ("1", "13") else match.group(1) if match.group(1) == "2" else match.group(0)


def compare(text, ours):
    """(verdict, detail) for one file: MATCH (byte for byte), LABEL (byte for byte once the
    free-text annotations are taken from the file) or DIFFER (with the differing fields)."""
    ours_text = encode(ours)
    if ours_text == text:
        return "MATCH", "byte for byte"
    reference, decoded = json.loads(text), json.loads(ours_text)
    differing = sorted(k for k in reference.keys() | decoded.keys() if reference.get(k) != decoded.get(k))
    annotated = dict(ours, **{k: reference[k] for k in ANNOTATIONS if k in reference and k in ours})
    if differing and set(differing) <= set(ANNOTATIONS) and encode(annotated) == text:
        return "LABEL", "byte for byte except " + ", ".join(f"the {k}" for k in differing)
    return "DIFFER", f"fields {differing or '(formatting only)'}"


def check_dir(ref_dir):
    """Regenerate every case in ref_dir recorded with this PyTorch version, print one verdict per file and a summary."""
    files = sorted(ref_dir.glob("*.json"))
    verdicts = []
    for path in files:
        text = path.read_text()
        reference = json.loads(text)
        if recorded_version(reference) != running_version():
            verdict, detail = "OTHER", f"recorded with {reference.get('reference')!r}; check it with that PyTorch"
        else:
            verdict, detail = compare(text, regenerate(reference))
        verdicts.append(verdict)
        print(f"{verdict:6} {path.name}: {detail}")
    for kind in ("MATCH", "LABEL", "DIFFER", "OTHER"):
        print(f"{kind}: {verdicts.count(kind)} of {len(files)}")
    return "DIFFER" not in verdicts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--torch", choices=sorted(TABLES), help="the PyTorch version running this script "
                        "(1.13: /usr/bin/python3; 2: the chroot); selects its case table")
    parser.add_argument("--out", type=pathlib.Path, help="directory for the built-in cases")
    parser.add_argument("--seed", type=int, default=2, help="gradient stream seed (default 2)")
    parser.add_argument("--dtypes", nargs="+", choices=sorted(DTYPE_SUFFIXES), default=["float32"],
                        help="dtypes to write each case in (default float32)")
    parser.add_argument("--only", nargs="+", default=[], metavar="STEM", help="case stems to write")
    parser.add_argument("--check", type=pathlib.Path, metavar="DIR",
                        help="regenerate every case file in DIR recorded with this PyTorch version and compare")
    args = parser.parse_args()
    if not args.out and not args.check:
        parser.error("give --out DIR and/or --check DIR")
    if args.out and not args.torch:
        parser.error("--out needs --torch 1.13 or --torch 2")
    if args.torch and args.torch != running_version():
        sys.exit(f"--torch {args.torch}, but this interpreter has PyTorch {torch.__version__}")
    ok = True
    if args.out:
        write_table(args.torch, args.out, args.seed, args.dtypes, args.only)
    if args.check:
        ok = check_dir(args.check)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
