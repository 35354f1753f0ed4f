#!/usr/bin/python3
"""Record torch.optim golden cases for the ScratchOptim C# tests.

Each case builds ``torch.optim.<Class>(params, **kwargs, foreach=False)`` on two
tensors of shapes [37] and [5, 7], feeds 30 steps of the deterministic gradient
protocol of /work/shared/reference/README.md and writes one JSON file with the
initial parameters, every gradient, the parameters after every step and the
final optimizer state (format: same README).

Usage (run with Debian's PyTorch 1.13, i.e. /usr/bin/python3):

    make_torch_goldens.py --out DIR [--seed N] [--only STEM ...]
    make_torch_goldens.py --check DIR

``--out`` writes the built-in case table (float32) as ``<stem>_f32_s<seed>.json``.
``--check`` regenerates every ``*.json`` case found in DIR from its own
``optimizer``/``hyper``/``dtype``/``grad_protocol.seed`` fields and compares it
with the file: MATCH = byte for byte; LABEL = byte for byte once the free-text
"generator" label (which names the producing script) is taken from the file;
DIFFER = lists the top-level fields whose values differ. Exit status 1 on DIFFER.

Only the standard library and torch are used.
"""

import argparse
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
CHECK_LABEL = "tools/reference/make_torch_goldens.py --check"

# stem -> (class name, constructor kwargs). Key order of the kwargs is the
# order written to "hyper"; "foreach": false is appended for every class.
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


def grad_protocol(seed):
    """The JSON description of the gradient stream for this seed."""
    return {
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


def draw_stream(seed, dtype):
    """Initial params and per-step grads: float64 draws, scaled, masked, then cast."""
    gen = torch.Generator().manual_seed(seed)
    param0 = [torch.randn(shape, generator=gen, dtype=torch.float64).to(dtype) for shape in SHAPES]
    grads = []
    for step in range(STEPS):
        step_grads = []
        for t, shape in enumerate(SHAPES):
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


def run_case(name, class_name, kwargs, dtype, seed, generator_label):
    """Run one optimizer on the gradient stream and return the case (dict in file key order)."""
    torch.set_num_threads(1)
    param0, grads = draw_stream(seed, dtype)
    params = [p.clone().requires_grad_(True) for p in param0]
    hyper = dict(kwargs, foreach=False)
    optimizer = getattr(torch.optim, class_name)(params, **hyper)
    history = []
    for step_grads in grads:
        for p, g in zip(params, step_grads):
            p.grad = g.clone()
        optimizer.step()
        history.append([flat(p) for p in params])
    final_state, state_dtypes = {}, {}
    for index, p in enumerate(params):
        key = str(index)
        final_state[key], state_dtypes[key] = describe_state(optimizer.state[p])
    return {
        "name": name,
        "optimizer": class_name,
        "reference": f"torch.optim.{class_name}, PyTorch 1.13 (Debian python3-torch)",
        "hyper": hyper,
        "dtype": DTYPE_NAMES[dtype],
        "shapes": [list(s) for s in SHAPES],
        "steps": STEPS,
        "param0": [flat(p) for p in param0],
        "grads": [[flat(g) for g in step_grads] for step_grads in grads],
        "params": history,
        "final_state": final_state,
        "state_dtypes": state_dtypes,
        "grad_protocol": grad_protocol(seed),
        "torch_version": torch.__version__,
        "cpu_capability": cpu_capability(),
        "generator": generator_label,
    }


def encode(case):
    """Compact JSON, Python repr for every double (-0.0 kept), trailing newline."""
    return json.dumps(case, separators=(",", ":"), allow_nan=False) + "\n"


def write_table(out_dir, seed, only):
    """Write the built-in float32 cases (optionally only some stems) to out_dir."""
    unknown = [stem for stem in only if stem not in CASES]
    if unknown:
        sys.exit(f"unknown case stem(s): {', '.join(unknown)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    label = f"tools/reference/make_torch_goldens.py --seed {seed}"
    for stem, (class_name, kwargs) in CASES.items():
        if only and stem not in only:
            continue
        name = f"{stem}_f32_s{seed}"
        case = run_case(name, class_name, kwargs, torch.float32, seed, label)
        (out_dir / f"{name}.json").write_text(encode(case))
        print(f"wrote {name}.json")


def kwargs_from_hyper(hyper):
    """Constructor kwargs from a file's "hyper" (JSON arrays back to tuples, no foreach)."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in hyper.items() if k != "foreach"}


def regenerate(reference):
    """Re-run a case file from its own optimizer, hyper, dtype and seed fields."""
    return run_case(reference["name"], reference["optimizer"], kwargs_from_hyper(reference["hyper"]),
                    getattr(torch, reference["dtype"]), reference["grad_protocol"]["seed"],
                    CHECK_LABEL)


def compare(text, ours):
    """(verdict, detail) for one file: MATCH (byte for byte), LABEL (byte for byte once the
    free-text generator label is taken from the file) or DIFFER (with the differing fields)."""
    ours_text = encode(ours)
    if ours_text == text:
        return "MATCH", "byte for byte"
    reference, decoded = json.loads(text), json.loads(ours_text)
    differing = sorted(k for k in reference.keys() | decoded.keys() if reference.get(k) != decoded.get(k))
    if differing == ["generator"] and encode(dict(ours, generator=reference["generator"])) == text:
        return "LABEL", f"byte for byte except the generator label {reference['generator']!r}"
    return "DIFFER", f"fields {differing or '(formatting only)'}"


def check_dir(ref_dir):
    """Regenerate every case in ref_dir, print one verdict per file and a summary."""
    files = sorted(ref_dir.glob("*.json"))
    verdicts = []
    for path in files:
        text = path.read_text()
        verdict, detail = compare(text, regenerate(json.loads(text)))
        verdicts.append(verdict)
        print(f"{verdict:6} {path.name}: {detail}")
    for kind in ("MATCH", "LABEL", "DIFFER"):
        print(f"{kind}: {verdicts.count(kind)} of {len(files)}")
    return "DIFFER" not in verdicts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, help="directory for the built-in cases")
    parser.add_argument("--seed", type=int, default=2, help="gradient stream seed (default 2)")
    parser.add_argument("--only", nargs="+", default=[], metavar="STEM", help="case stems to write")
    parser.add_argument("--check", type=pathlib.Path, metavar="DIR",
                        help="regenerate every case file in DIR and compare")
    args = parser.parse_args()
    if not args.out and not args.check:
        parser.error("give --out DIR and/or --check DIR")
    ok = True
    if args.out:
        write_table(args.out, args.seed, args.only)
    if args.check:
        ok = check_dir(args.check)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
