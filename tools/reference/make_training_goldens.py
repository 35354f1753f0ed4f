#!/usr/bin/python3
"""Record PyTorch 2.14 golden cases for ScratchOptim.Training: learning-rate schedulers, gradient clipping
and parameter averaging.

Run it with PyTorch 2.x, i.e. in the torch2 chroot (see ../shared/reference/torch2/README.md), from the
repository root, always under the lock:

    flock /tmp/torch2.lock ../shared/tools/torch2-chroot run /opt/torch2 \
        tools/reference/make_training_goldens.py --out tests/Goldens/training
    flock /tmp/torch2.lock ../shared/tools/torch2-chroot run /opt/torch2 \
        tools/reference/make_training_goldens.py --check ../shared/reference/torch2

``--out DIR`` writes DIR/schedulers/<stem>.json, DIR/clipping/<stem>_<dtype>_s<seed>.json,
DIR/parameters/<stem>_s<seed>.json and DIR/averaging/<stem>_<dtype>_s<seed>.json (formats: the READMEs of
../shared/reference/torch2/schedulers and clipping; parameters and averaging: the comments above
record_parameter_clipping and record_averaging). ``--check DIR`` re-runs every case of
DIR/schedulers and DIR/clipping from the file's own arguments and inputs and compares every recorded value
(lrs, momentums, resume.*, grads, clipped, total_norm, per_tensor_norms, clip_coef, error) with the file:
MATCH when all are equal, DIFFER listing the fields that are not. Exit status 1 on DIFFER.

Only the standard library and torch are used. The output is deterministic.
"""

import argparse
import copy
import json
import math
import pathlib
import sys
import warnings
from collections import Counter

import torch
import torch.nn.utils as nn_utils
from torch.optim import lr_scheduler, swa_utils

GENERATOR = "tools/reference/make_training_goldens.py"
INF = float("inf")


# ---------------------------------------------------------------------------------------------------------
# JSON: compact, keys in insertion order, numbers as Python's repr of the double, non-finite as strings.

def jsonable(value):
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, torch.Tensor):
        return jsonable(value.tolist())
    if isinstance(value, Counter):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def dump(obj):
    return json.dumps(jsonable(obj), separators=(",", ":")) + "\n"


def environment():
    config = torch.__config__.show()
    capability = "unknown"
    for line in config.splitlines():
        if "CPU capability usage" in line:
            capability = line.split(":", 1)[1].strip()
    return torch.__version__, capability


# ---------------------------------------------------------------------------------------------------------
# Learning-rate schedulers.
#
# A case: an optimizer (class and param_groups, one parameter each), a scheduler (class, args; sub-schedulers
# for SequentialLR and ChainedScheduler), a number of steps and how each step is taken (scheduler.step(),
# scheduler.step(epoch) with "step_epochs", or scheduler.step(metric) with "metrics" for ReduceLROnPlateau).
# "lrs"[i] are the groups' learning rates after i steps (lrs[0]: right after construction), "momentums"
# likewise (momentum, or betas[0]) when the scheduler cycles the momentum. With "resume_at": the state_dict
# after that many steps; then a fresh optimizer and scheduler (built the same way) get only the scheduler's
# state ("lrs_after") or the optimizer's state too ("lrs_after_with_optimizer_state"), and the remaining
# steps are taken.

LAMBDAS = {
    # Functions that cannot be saved in a state_dict, named so a port can rebuild them.
    "power": lambda a: (lambda e: a["base"] ** e),
    "constant": lambda a: (lambda e: a["value"]),
    "step_decay": lambda a: (lambda e: a["gamma"] ** (e // a["every"])),
    "linear_warmup": lambda a: (lambda e: min(1.0, (e + 1) / a["warmup"])),
    "inverse_sqrt": lambda a: (lambda e: (e + 1) / a["warmup"] if e + 1 <= a["warmup"] else math.sqrt(a["warmup"] / (e + 1))),
    "warmup_cosine": lambda a: (lambda e: e / a["warmup"] if e < a["warmup"]
                                else 0.5 * (1.0 + math.cos(math.pi * (e - a["warmup"]) / (a["total"] - a["warmup"])))),
}


def function(spec):
    return LAMBDAS[spec["fn"]](spec)


def make_optimizer(spec):
    groups = []
    for g in spec["param_groups"]:
        group = dict(g)
        if "betas" in group:
            group["betas"] = tuple(group["betas"])
        group["params"] = [torch.zeros(2, requires_grad=True)]
        groups.append(group)
    return getattr(torch.optim, spec["class"])(groups)


def make_scheduler(name, args, optimizer, subs=None):
    args = dict(args)
    for key in ("lr_lambda", "scale_fn"):
        if key in args:
            args[key] = [function(s) for s in args[key]] if isinstance(args[key], list) else function(args[key])
    if name == "SWALR":
        return swa_utils.SWALR(optimizer, **args)
    cls = getattr(lr_scheduler, name)
    if name == "SequentialLR":
        return cls(optimizer, schedulers=[make_scheduler(s["scheduler"], s["args"], optimizer) for s in subs], **args)
    if name == "ChainedScheduler":
        return cls([make_scheduler(s["scheduler"], s["args"], optimizer) for s in subs], **args)
    return cls(optimizer, **args)


def lrs_of(optimizer):
    return [g["lr"] for g in optimizer.param_groups]


def momentums_of(optimizer):
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in optimizer.param_groups]


def cycles_momentum(case):
    return case["scheduler"] in ("CyclicLR", "OneCycleLR") and case["args"].get("cycle_momentum", True)


def run_schedule(case, first, last, optimizer, scheduler, record_momentum):
    lrs, momentums = [lrs_of(optimizer)], [momentums_of(optimizer)] if record_momentum else None
    for i in range(first, last):
        optimizer.step()
        if "metrics" in case:
            scheduler.step(case["metrics"][i])
        elif "step_epochs" in case:
            scheduler.step(case["step_epochs"][i])
        else:
            scheduler.step()
        lrs.append(lrs_of(optimizer))
        if record_momentum:
            momentums.append(momentums_of(optimizer))
    return lrs, momentums


def build(case):
    optimizer = make_optimizer(case["optimizer"])
    return optimizer, make_scheduler(case["scheduler"], case["args"], optimizer, case.get("schedulers"))


def record_scheduler(case):
    """Runs a case description (name, optimizer, scheduler, args, steps, ...) and returns the full record."""
    version, capability = environment()
    momentum = cycles_momentum(case)
    reference = ("torch.optim.swa_utils.SWALR" if case["scheduler"] == "SWALR" else f"torch.optim.lr_scheduler.{case['scheduler']}")
    out = {"name": case["name"], "kind": "lr_scheduler", "reference": f"{reference}, PyTorch {version}",
           "optimizer": case["optimizer"], "scheduler": case["scheduler"], "args": case["args"], "steps": case["steps"]}
    for key in ("step_epochs", "schedulers", "metrics"):
        if key in case:
            out[key] = case[key]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        optimizer, scheduler = build(case)
        lrs, momentums = run_schedule(case, 0, case["steps"], optimizer, scheduler, momentum)
    out["lrs"] = lrs
    if momentum:
        out["momentums"] = momentums
    messages = sorted({str(w.message)[:200] for w in caught})
    if messages:
        out["torch_warnings"] = messages
    if "resume_at" in case:
        at = case["resume_at"]
        optimizer, scheduler = build(case)
        run_schedule(case, 0, at, optimizer, scheduler, False)
        state = copy.deepcopy(scheduler.state_dict())
        groups = copy.deepcopy(optimizer.state_dict()["param_groups"])
        resume = {"at": at, "state_dict": state}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            optimizer, scheduler = build(case)
            scheduler.load_state_dict(copy.deepcopy(state))
            after, after_m = run_schedule(case, at, case["steps"], optimizer, scheduler, momentum)
            optimizer2, scheduler2 = build(case)
            optimizer2.load_state_dict({"state": {}, "param_groups": copy.deepcopy(groups)})
            scheduler2.load_state_dict(copy.deepcopy(state))
            with_opt, with_opt_m = run_schedule(case, at, case["steps"], optimizer2, scheduler2, momentum)
        resume["lrs_after"] = after
        resume["matches_uninterrupted"] = after == lrs[at:]
        if momentum:
            resume["momentums_after"] = after_m
        resume["optimizer_param_groups"] = groups
        resume["lrs_after_with_optimizer_state"] = with_opt
        resume["with_optimizer_state_matches_uninterrupted"] = with_opt == lrs[at:]
        if momentum:
            resume["momentums_after_with_optimizer_state"] = with_opt_m
        out["resume"] = resume
    out["torch_version"] = version
    out["cpu_capability"] = capability
    out["generator"] = GENERATOR
    return out


SGD2 = {"class": "SGD", "param_groups": [{"lr": 0.05, "momentum": 0.8}, {"lr": 0.02}]}
ADAM2 = {"class": "Adam", "param_groups": [{"lr": 0.002, "betas": [0.85, 0.995]}, {"lr": 0.0007, "betas": [0.9, 0.98]}]}
ADAMW2 = {"class": "AdamW", "param_groups": [{"lr": 0.0008, "weight_decay": 0.05}, {"lr": 0.0002, "weight_decay": 0.0}]}


def plateau_metrics(n, seed):
    """A loss that falls, stalls, rises a little and falls again: exercises patience, cooldown and min_lr."""
    values = []
    for i in range(n):
        base = 1.0 / (1 + 0.15 * i) if i < 20 else (0.25 if i < 35 else 0.25 - 0.004 * (i - 35))
        values.append(round(base + 0.01 * math.sin(seed * 1.7 + i * 2.3), 6))
    return values


def scheduler_cases():
    c = []
    add = lambda **kw: c.append(kw)
    add(name="lambdalr_power_own", optimizer=SGD2, scheduler="LambdaLR", args={"lr_lambda": {"fn": "power", "base": 0.96}}, steps=40, resume_at=13)
    add(name="lambdalr_groups_own", optimizer=ADAMW2, scheduler="LambdaLR",
        args={"lr_lambda": [{"fn": "warmup_cosine", "warmup": 6, "total": 50}, {"fn": "inverse_sqrt", "warmup": 5}]}, steps=50, resume_at=21)
    add(name="lambdalr_last_epoch_own", optimizer={"class": "SGD", "param_groups": [{"lr": 0.03, "initial_lr": 0.05}, {"lr": 0.01, "initial_lr": 0.02}]},
        scheduler="LambdaLR", args={"lr_lambda": {"fn": "linear_warmup", "warmup": 12}, "last_epoch": 6}, steps=20)
    add(name="multiplicativelr_own", optimizer=SGD2, scheduler="MultiplicativeLR",
        args={"lr_lambda": [{"fn": "constant", "value": 0.97}, {"fn": "step_decay", "every": 5, "gamma": 0.8}]}, steps=35, resume_at=16)
    add(name="steplr_own", optimizer=SGD2, scheduler="StepLR", args={"step_size": 6, "gamma": 0.45}, steps=40, resume_at=17)
    add(name="steplr_last_epoch_own", optimizer={"class": "SGD", "param_groups": [{"lr": 0.02, "initial_lr": 0.05}, {"lr": 0.004, "initial_lr": 0.01}]},
        scheduler="StepLR", args={"step_size": 5, "gamma": 0.4, "last_epoch": 11}, steps=25)
    add(name="steplr_step_epoch_own", optimizer=SGD2, scheduler="StepLR", args={"step_size": 3, "gamma": 0.6}, steps=14,
        step_epochs=[0, 2, 3, 3, 5, 6, 9, 11, 12, 12, 15, 20, 21, 30])
    add(name="multisteplr_own", optimizer=SGD2, scheduler="MultiStepLR", args={"milestones": [5, 5, 18, 30], "gamma": 0.5}, steps=40, resume_at=18)
    add(name="multisteplr_step_epoch_own", optimizer=SGD2, scheduler="MultiStepLR", args={"milestones": [4, 9, 9], "gamma": 0.3}, steps=10,
        step_epochs=[1, 4, 5, 9, 3, 10, 12, 8, 9, 15])
    add(name="constantlr_own", optimizer=SGD2, scheduler="ConstantLR", args={"factor": 0.2, "total_iters": 7}, steps=20, resume_at=7)
    add(name="constantlr_step_epoch_own", optimizer=SGD2, scheduler="ConstantLR", args={"factor": 0.4, "total_iters": 4}, steps=8,
        step_epochs=[1, 3, 4, 6, 2, 4, 9, 0])
    add(name="linearlr_own", optimizer=ADAMW2, scheduler="LinearLR", args={"start_factor": 0.02, "end_factor": 0.8, "total_iters": 15}, steps=30, resume_at=9)
    add(name="linearlr_step_epoch_own", optimizer=SGD2, scheduler="LinearLR", args={"start_factor": 0.3, "total_iters": 6}, steps=9,
        step_epochs=[1, 2, 5, 6, 8, 3, 0, 7, 4])
    add(name="exponentiallr_own", optimizer=SGD2, scheduler="ExponentialLR", args={"gamma": 0.93}, steps=40, resume_at=22)
    add(name="exponentiallr_step_epoch_own", optimizer=SGD2, scheduler="ExponentialLR", args={"gamma": 0.8}, steps=6, step_epochs=[2, 3, 7, 1, 10, 11])
    add(name="polynomiallr_own", optimizer=SGD2, scheduler="PolynomialLR", args={"total_iters": 24, "power": 1.5}, steps=30, resume_at=11)
    add(name="polynomiallr_step_epoch_own", optimizer=SGD2, scheduler="PolynomialLR", args={"total_iters": 10, "power": 2.0}, steps=7,
        step_epochs=[1, 4, 8, 10, 12, 3, 9])
    add(name="cosineannealinglr_own", optimizer=ADAMW2, scheduler="CosineAnnealingLR", args={"T_max": 17, "eta_min": 1e-05}, steps=75, resume_at=29)
    add(name="cosineannealinglr_last_epoch_own", optimizer={"class": "SGD", "param_groups": [{"lr": 0.04, "initial_lr": 0.05}, {"lr": 0.01, "initial_lr": 0.02}]},
        scheduler="CosineAnnealingLR", args={"T_max": 20, "eta_min": 0.001, "last_epoch": 4}, steps=30)
    add(name="cosineannealinglr_step_epoch_own", optimizer=SGD2, scheduler="CosineAnnealingLR", args={"T_max": 8, "eta_min": 0.002}, steps=12,
        step_epochs=[1, 2, 5, 8, 9, 16, 17, 4, 3, 24, 0, 30])
    add(name="cosineannealingwarmrestarts_own", optimizer=SGD2, scheduler="CosineAnnealingWarmRestarts", args={"T_0": 7, "T_mult": 2, "eta_min": 0.0003},
        steps=70, resume_at=25)
    add(name="cosineannealingwarmrestarts_fractional_own", optimizer=SGD2, scheduler="CosineAnnealingWarmRestarts", args={"T_0": 5, "T_mult": 1},
        steps=36, step_epochs=[e + i / 3 for e in range(12) for i in range(3)], resume_at=14)
    add(name="cosineannealingwarmrestarts_fractional_mult_own", optimizer=SGD2, scheduler="CosineAnnealingWarmRestarts", args={"T_0": 2, "T_mult": 3, "eta_min": 0.001},
        steps=40, step_epochs=[e + i / 5 for e in range(8) for i in range(5)])
    add(name="cycliclr_triangular_own", optimizer=SGD2, scheduler="CyclicLR",
        args={"base_lr": [0.001, 0.0004], "max_lr": [0.02, 0.006], "step_size_up": 7, "step_size_down": 4}, steps=50, resume_at=19)
    add(name="cycliclr_triangular2_own", optimizer=SGD2, scheduler="CyclicLR",
        args={"base_lr": 0.002, "max_lr": 0.03, "step_size_up": 4, "mode": "triangular2", "base_momentum": 0.7, "max_momentum": 0.95}, steps=45)
    add(name="cycliclr_exp_range_adam_own", optimizer=ADAM2, scheduler="CyclicLR",
        args={"base_lr": 0.0001, "max_lr": [0.003, 0.001], "step_size_up": 5, "step_size_down": 9, "mode": "exp_range", "gamma": 0.99,
              "base_momentum": [0.75, 0.8], "max_momentum": [0.9, 0.95]}, steps=55, resume_at=26)
    add(name="cycliclr_scale_fn_own", optimizer=SGD2, scheduler="CyclicLR",
        args={"base_lr": 0.001, "max_lr": 0.01, "step_size_up": 3, "scale_fn": {"fn": "power", "base": 0.9}, "scale_mode": "iterations"}, steps=30)
    add(name="onecyclelr_own", optimizer=SGD2, scheduler="OneCycleLR", args={"max_lr": [0.3, 0.08], "total_steps": 60, "pct_start": 0.25}, steps=60, resume_at=24)
    add(name="onecyclelr_linear_three_phase_own", optimizer=ADAM2, scheduler="OneCycleLR",
        args={"max_lr": 0.01, "epochs": 5, "steps_per_epoch": 9, "pct_start": 0.3, "anneal_strategy": "linear", "three_phase": True,
              "div_factor": 20.0, "final_div_factor": 500.0, "base_momentum": [0.8, 0.82], "max_momentum": 0.93}, steps=44, resume_at=16)
    # (Not 45 steps: PyTorch allows step total_steps, which extrapolates past the last phase; linear annealing
    # then gives a negative learning rate, which ScratchOptim's optimizers reject.)
    add(name="onecyclelr_no_momentum_own", optimizer=ADAMW2, scheduler="OneCycleLR",
        args={"max_lr": [0.004, 0.001], "total_steps": 30, "cycle_momentum": False}, steps=30)
    add(name="sequentiallr_own", optimizer=SGD2, scheduler="SequentialLR", args={"milestones": [6, 20]},
        schedulers=[{"scheduler": "ConstantLR", "args": {"factor": 0.25, "total_iters": 6}},
                    {"scheduler": "ExponentialLR", "args": {"gamma": 0.9}},
                    {"scheduler": "StepLR", "args": {"step_size": 4, "gamma": 0.5}}], steps=40, resume_at=19)
    add(name="sequentiallr_warmup_cosine_own", optimizer=ADAMW2, scheduler="SequentialLR", args={"milestones": [8]},
        schedulers=[{"scheduler": "LinearLR", "args": {"start_factor": 0.001, "end_factor": 1.0, "total_iters": 8}},
                    {"scheduler": "CosineAnnealingLR", "args": {"T_max": 52, "eta_min": 2e-06}}], steps=60, resume_at=31)
    add(name="chainedscheduler_own", optimizer=SGD2, scheduler="ChainedScheduler", args={},
        schedulers=[{"scheduler": "LinearLR", "args": {"start_factor": 0.1, "total_iters": 9}},
                    {"scheduler": "ExponentialLR", "args": {"gamma": 0.97}},
                    {"scheduler": "MultiStepLR", "args": {"milestones": [12, 25], "gamma": 0.5}}], steps=35, resume_at=10)
    add(name="reducelronplateau_own", optimizer=SGD2, scheduler="ReduceLROnPlateau",
        args={"mode": "min", "factor": 0.5, "patience": 2, "threshold": 0.001, "cooldown": 1, "min_lr": [0.002, 0.0005]},
        steps=60, metrics=plateau_metrics(60, 1), resume_at=27)
    add(name="reducelronplateau_max_abs_own", optimizer=SGD2, scheduler="ReduceLROnPlateau",
        args={"mode": "max", "factor": 0.3, "patience": 1, "threshold": 0.002, "threshold_mode": "abs", "eps": 0.0001},
        steps=60, metrics=[-m for m in plateau_metrics(60, 2)], resume_at=33)
    add(name="swalr_own", optimizer=SGD2, scheduler="SWALR", args={"swa_lr": [0.01, 0.004], "anneal_epochs": 6}, steps=20, resume_at=4)
    add(name="swalr_linear_own", optimizer=ADAMW2, scheduler="SWALR", args={"swa_lr": 0.0001, "anneal_epochs": 3, "anneal_strategy": "linear"}, steps=12)
    return c


# ---------------------------------------------------------------------------------------------------------
# Gradient clipping (format and gradient protocol: ../shared/reference/torch2/clipping/README.md).

SHAPES = [[37], [5, 7], [4]]
SCALES = [1.0, 30.0, 1e-3]
# More tensors and lengths, so every branch of ATen's 2-norm reduction is used (8/4-lane body, tails 0-7,
# a one-element tensor and totals over 6 norms).
SHAPES_MANY = [[1000], [13], [6, 2], [7], [1], [3, 4, 5]]
SCALES_MANY = [0.5, 20.0, 1e-3, 3.0, 7.0, 0.01]
VARIANT_RULES = {
    "standard": "none",
    "one_zero": "tensor 1 all zeros",
    "all_zero": "every tensor all zeros",
    "huge": "tensor 1 multiplied by 1e30 / 30 (values ~ randn * 1e30)",
    "inf": "tensor 0 element 3 = +inf",
    "nan": "tensor 0 element 3 = nan",
}
DTYPES = {"float32": torch.float32, "float64": torch.float64}
KIND_REFERENCE = {"clip_grad_norm": "clip_grad_norm_", "clip_grad_value": "clip_grad_value_",
                  "get_total_norm": "get_total_norm", "clip_grads_with_norm": "clip_grads_with_norm_"}


def draw_grads(seed, variant, dtype, shapes, scales):
    gen = torch.Generator().manual_seed(seed)
    grads = []
    for shape, scale in zip(shapes, scales):
        g = torch.randn(shape, generator=gen, dtype=torch.float64) * scale
        mask = torch.rand(shape, generator=gen, dtype=torch.float64) < 0.1
        g[mask] = 0
        grads.append(g)
    if variant == "one_zero":
        grads[1].zero_()
    elif variant == "all_zero":
        for g in grads:
            g.zero_()
    elif variant == "huge":
        grads[1] = grads[1] * (1e30 / 30)
    elif variant == "inf":
        grads[0].view(-1)[3] = INF
    elif variant == "nan":
        grads[0].view(-1)[3] = float("nan")
    return [g.to(dtype) for g in grads]


def number(value):
    return float(value) if isinstance(value, str) else value


def norm_arg(value):
    return float(value)


def clip_outputs(kind, args, dtype, grads_in):
    """Calls torch on copies of grads_in; returns (clipped, total_norm, error, per_tensor_norms, clip_coef)."""
    params = []
    for g in grads_in:
        p = torch.zeros_like(g, requires_grad=True)
        p.grad = g.clone()
        params.append(p)
    kwargs = {k: (norm_arg(v) if k in ("norm_type",) else v) for k, v in args.items()}
    total, error, coef, norms = None, None, None, None
    if kind in ("clip_grad_norm", "get_total_norm"):
        norms = [torch.linalg.vector_norm(g, kwargs["norm_type"]).item() for g in grads_in]
    try:
        if kind == "clip_grad_norm":
            total = nn_utils.clip_grad_norm_(params, **kwargs).item()
        elif kind == "get_total_norm":
            total = nn_utils.get_total_norm([p.grad for p in params], **kwargs).item()
        elif kind == "clip_grad_value":
            nn_utils.clip_grad_value_(params, **kwargs)
        else:
            kwargs["total_norm"] = torch.tensor(norm_arg(args["total_norm"]), dtype=dtype)
            nn_utils.clip_grads_with_norm_(params, **kwargs)
    except RuntimeError as e:
        error = str(e)
    if error is None and kind == "clip_grad_norm":
        coef = torch.clamp(kwargs["max_norm"] / (torch.tensor(total, dtype=dtype) + 1e-06), max=1.0).item()
    if kind == "clip_grads_with_norm":
        coef = torch.clamp(kwargs["max_norm"] / (kwargs["total_norm"] + 1e-06), max=1.0).item()
    clipped = None if kind == "get_total_norm" else [p.grad.flatten().tolist() for p in params]
    return clipped, total, error, norms, coef


def record_clipping(name, kind, args, dtype_name, seed, variant, shapes=SHAPES, scales=SCALES, grads=None):
    version, capability = environment()
    dtype = DTYPES[dtype_name]
    if grads is None:
        grads = draw_grads(seed, variant, dtype, shapes, scales)
    else:
        grads = [torch.tensor([number(x) for x in g], dtype=torch.float64).reshape(s).to(dtype) for g, s in zip(grads, shapes)]
    clipped, total, error, norms, coef = clip_outputs(kind, args, dtype, grads)
    out = {"name": name, "kind": kind, "reference": f"torch.nn.utils.{KIND_REFERENCE[kind]}, PyTorch {version}",
           "args": args, "dtype": dtype_name, "shapes": shapes, "grads": [g.flatten().tolist() for g in grads],
           "clipped": clipped, "total_norm": total, "error": error}
    if norms is not None:
        out["per_tensor_norms"] = norms
    if coef is not None:
        out["clip_coef"] = coef
    out["grad_protocol"] = {
        "seed": seed,
        "rng": "torch.Generator().manual_seed(seed); for each tensor t in order: g = randn(shape_t, float64) * tensor_scales[t]; "
               "mask = rand(shape_t, float64) < 0.1; g[mask] = 0; then the variant; cast to dtype",
        "tensor_scales": scales, "zero_fraction": 0.1, "variant": variant, "variant_rule": VARIANT_RULES[variant]}
    out["torch_version"] = version
    out["cpu_capability"] = capability
    out["generator"] = GENERATOR
    return out


def clipping_cases():
    """(stem, kind, args, dtypes, variant, many_shapes)."""
    both, f32 = ("float32", "float64"), ("float32",)
    n = lambda max_norm, p, **kw: {"max_norm": max_norm, "norm_type": p, **kw, "foreach": False}
    return [
        ("clip_grad_norm_norm2", "clip_grad_norm", n(1.0, 2.0), both, "standard", False),
        ("clip_grad_norm_norm2_many", "clip_grad_norm", n(2.0, 2.0), both, "standard", True),
        ("clip_grad_norm_norm2_no_clip_many", "clip_grad_norm", n(1e6, 2.0), both, "standard", True),
        ("clip_grad_norm_norm1_many", "clip_grad_norm", n(50.0, 1.0), both, "standard", True),
        ("clip_grad_norm_norminf_many", "clip_grad_norm", n(3.0, "inf"), both, "standard", True),
        ("clip_grad_norm_norm3_many", "clip_grad_norm", n(5.0, 3.0), both, "standard", True),
        ("clip_grad_norm_norm2_5", "clip_grad_norm", n(1.0, 2.5), both, "standard", False),
        ("clip_grad_norm_norm0_5", "clip_grad_norm", n(1.0, 0.5), both, "standard", False),
        ("clip_grad_norm_norm2_one_zero", "clip_grad_norm", n(1.0, 2.0), both, "one_zero", False),
        ("clip_grad_norm_norm2_all_zero", "clip_grad_norm", n(1.0, 2.0), both, "all_zero", False),
        ("clip_grad_norm_norm2_huge", "clip_grad_norm", n(1.0, 2.0), both, "huge", False),
        ("clip_grad_norm_norm1_huge", "clip_grad_norm", n(1.0, 1.0), f32, "huge", False),
        ("clip_grad_norm_norm2_huge_error", "clip_grad_norm", n(1.0, 2.0, error_if_nonfinite=True), both, "huge", False),
        ("clip_grad_norm_norm2_inf_grad", "clip_grad_norm", n(1.0, 2.0), both, "inf", False),
        ("clip_grad_norm_norminf_inf_grad", "clip_grad_norm", n(1.0, "inf"), f32, "inf", False),
        ("clip_grad_norm_norm2_nan_grad", "clip_grad_norm", n(1.0, 2.0), both, "nan", False),
        ("clip_grad_norm_norminf_nan_grad", "clip_grad_norm", n(1.0, "inf"), f32, "nan", False),
        ("clip_grad_norm_norm2_nan_error", "clip_grad_norm", n(1.0, 2.0, error_if_nonfinite=True), f32, "nan", False),
        ("get_total_norm_norm2_many", "get_total_norm", {"norm_type": 2.0, "foreach": False}, both, "standard", True),
        ("get_total_norm_norm4", "get_total_norm", {"norm_type": 4.0, "foreach": False}, both, "standard", False),
        ("get_total_norm_norminf_huge", "get_total_norm", {"norm_type": "inf", "foreach": False}, f32, "huge", False),
        ("clip_grad_value", "clip_grad_value", {"clip_value": 0.3, "foreach": False}, both, "standard", False),
        ("clip_grad_value_many", "clip_grad_value", {"clip_value": 2.0, "foreach": False}, both, "standard", True),
        ("clip_grad_value_inf_grad", "clip_grad_value", {"clip_value": 1.5, "foreach": False}, f32, "inf", False),
        ("clip_grad_value_nan_grad", "clip_grad_value", {"clip_value": 1.5, "foreach": False}, both, "nan", False),
        ("clip_grads_with_norm", "clip_grads_with_norm", {"max_norm": 2.0, "total_norm": 7.5, "foreach": False}, both, "standard", False),
        ("clip_grads_with_norm_nan", "clip_grads_with_norm", {"max_norm": 2.0, "total_norm": "nan", "foreach": False}, f32, "standard", False),
    ]


# ---------------------------------------------------------------------------------------------------------
# Clipping over a model's parameters, as torch.nn.utils calls it on model.parameters(): float32 and float64
# parameters mixed, some without a gradient. Format: {"name", "kind", "reference", "args", "dtypes" (per
# parameter), "shapes", "grads" ([parameter][flat], null for a parameter whose grad is None), "clipped" (the
# grads after the call; absent for get_total_norm), "total_norm" (its dtype: "total_norm_dtype"), "error", ...}.
# With both dtypes, PyTorch groups the gradients by dtype (_group_tensors_by_device_and_dtype) and stacks the
# groups' norms in its dict's order, promoted to float64: these cases pin that order down.

PARAMETER_SHAPES = [[37], [5, 7], [4], [13], [1], [3, 4]]
PARAMETER_SCALES = [1.0, 30.0, 1e-3, 3.0, 7.0, 0.5]


def record_parameter_clipping(name, kind, args, dtype_names, has_grad, seed, inf_in=None):
    version, capability = environment()
    gen = torch.Generator().manual_seed(seed)
    params = []
    for shape, scale, dtype_name, grad in zip(PARAMETER_SHAPES, PARAMETER_SCALES, dtype_names, has_grad):
        p = torch.zeros(shape, dtype=DTYPES[dtype_name], requires_grad=True)
        g = torch.randn(shape, generator=gen, dtype=torch.float64) * scale
        if inf_in == len(params):
            g.view(-1)[0] = INF
        p.grad = g.to(DTYPES[dtype_name]) if grad else None
        params.append(p)
    grads = [None if p.grad is None else p.grad.flatten().tolist() for p in params]
    kwargs = dict(args)
    total, error = None, None
    try:
        if kind == "clip_grad_norm":
            total = nn_utils.clip_grad_norm_(params, **kwargs)
        elif kind == "get_total_norm":
            total = nn_utils.get_total_norm([p.grad for p in params if p.grad is not None], **kwargs)
        elif kind == "clip_grad_value":
            nn_utils.clip_grad_value_(params, **kwargs)
        else:
            kwargs["total_norm"] = torch.tensor(kwargs["total_norm"], dtype=torch.float64)
            nn_utils.clip_grads_with_norm_(params, **kwargs)
    except RuntimeError as e:
        error = str(e)
    out = {"name": name, "kind": kind, "reference": f"torch.nn.utils.{KIND_REFERENCE[kind]} on parameters, PyTorch {version}",
           "args": args, "dtypes": dtype_names, "shapes": PARAMETER_SHAPES, "grads": grads}
    if kind != "get_total_norm":
        out["clipped"] = [None if p.grad is None else p.grad.flatten().tolist() for p in params]
    out["total_norm"] = None if total is None else total.item()
    out["total_norm_dtype"] = None if total is None else str(total.dtype).replace("torch.", "")
    out.update({"error": error, "seed": seed, "rng": "torch.Generator().manual_seed(seed); for each parameter in order: "
                "g = randn(shape, float64) * scale (element 0 of parameter inf_in = +inf), cast to its dtype (drawn for a parameter without a grad too)",
                "inf_in": inf_in,
                "tensor_scales": PARAMETER_SCALES, "torch_version": version, "cpu_capability": capability, "generator": GENERATOR})
    return out


def parameter_clipping_cases():
    """(stem, kind, args, dtypes, has_grad, inf_in): inf_in is the parameter whose gradient starts with +inf, or None."""
    f32, f64 = "float32", "float64"
    mixed = [f32, f64, f32, f64, f64, f32]          # float32 appears first
    mixed_64_first = [f64, f32, f32, f64, f32, f64]  # float64 appears first
    all_grads = [True] * 6
    some = [True, True, False, True, False, True]
    n = lambda max_norm, p, **kw: {"max_norm": max_norm, "norm_type": p, **kw, "foreach": False}
    return [
        ("clip_grad_norm_norm2_mixed", "clip_grad_norm", n(1.0, 2.0), mixed, all_grads),
        ("clip_grad_norm_norm2_mixed_f64_first", "clip_grad_norm", n(1.0, 2.0), mixed_64_first, all_grads),
        ("clip_grad_norm_norm2_mixed_some_grads", "clip_grad_norm", n(5.0, 2.0), mixed, some),
        ("clip_grad_norm_norm1_mixed", "clip_grad_norm", n(10.0, 1.0), mixed_64_first, all_grads),
        ("clip_grad_norm_norminf_mixed", "clip_grad_norm", n(1.0, "inf"), mixed, some),
        ("clip_grad_norm_norm3_mixed", "clip_grad_norm", n(2.0, 3.0), mixed_64_first, some),
        ("clip_grad_norm_norm2_mixed_no_clip", "clip_grad_norm", n(1e6, 2.0), mixed, all_grads),
        ("clip_grad_norm_norm2_mixed_nonfinite_error", "clip_grad_norm", n(1.0, 2.0, error_if_nonfinite=True), mixed, all_grads, 1),
        ("clip_grad_norm_norm2_mixed_inf_grad", "clip_grad_norm", n(1.0, 2.0), mixed_64_first, all_grads, 3),
        ("clip_grad_norm_norm2_f32_some_grads", "clip_grad_norm", n(1.0, 2.0), [f32] * 6, some),
        ("clip_grad_norm_norm2_no_grads", "clip_grad_norm", n(1.0, 2.0), mixed, [False] * 6),
        ("get_total_norm_norm2_mixed", "get_total_norm", {"norm_type": 2.0, "foreach": False}, mixed, some),
        ("get_total_norm_norm2_mixed_f64_first", "get_total_norm", {"norm_type": 2.0, "foreach": False}, mixed_64_first, all_grads),
        ("clip_grad_value_mixed", "clip_grad_value", {"clip_value": 0.5, "foreach": False}, mixed, some),
        ("clip_grads_with_norm_mixed", "clip_grads_with_norm", {"max_norm": 2.0, "total_norm": 7.5, "foreach": False}, mixed_64_first, some),
    ]


# ---------------------------------------------------------------------------------------------------------
# Parameter averaging: torch.optim.swa_utils.AveragedModel with the EMA of get_ema_multi_avg_fn(decay) (its
# documented use), and the default equal-weight (SWA) average. Format: {"name", "kind": "averaged_model",
# "reference", "average": "ema"|"swa", "decay" (ema), "dtype", "shapes", "params": [update][tensor][flat] (the
# model's parameters passed to each update_parameters call), "averaged": [update][tensor][flat] (the averaged
# parameters after it), "n_averaged", ...}. Parameters drift as a random walk from the seed.

def record_averaging(name, average, decay, dtype_name, seed, updates=12):
    version, capability = environment()
    dtype = DTYPES[dtype_name]
    gen = torch.Generator().manual_seed(seed)
    shapes = [[37], [5, 7]]
    model = torch.nn.ParameterList([torch.nn.Parameter(torch.randn(s, generator=gen, dtype=torch.float64).to(dtype)) for s in shapes])
    if average == "ema":
        averaged = swa_utils.AveragedModel(model, multi_avg_fn=swa_utils.get_ema_multi_avg_fn(decay))
    else:
        averaged = swa_utils.AveragedModel(model)
    params, out_avg = [], []
    for u in range(updates):
        with torch.no_grad():
            for p in model:
                p.add_((torch.randn(p.shape, generator=gen, dtype=torch.float64) * 0.3).to(dtype))
        params.append([p.detach().flatten().tolist() for p in model])
        averaged.update_parameters(model)
        out_avg.append([p.detach().flatten().tolist() for p in averaged.module])
    fn = "get_ema_multi_avg_fn" if average == "ema" else "default (get_swa_avg_fn on CPU)"
    out = {"name": name, "kind": "averaged_model", "reference": f"torch.optim.swa_utils.AveragedModel, {fn}, PyTorch {version}",
           "average": average}
    if average == "ema":
        out["decay"] = decay
    out.update({"dtype": dtype_name, "shapes": shapes, "params": params, "averaged": out_avg,
                "n_averaged": int(averaged.n_averaged), "torch_version": version, "cpu_capability": capability, "generator": GENERATOR})
    return out


# ---------------------------------------------------------------------------------------------------------

def write_all(out_dir):
    torch.set_num_threads(1)
    out = pathlib.Path(out_dir)
    for sub in ("schedulers", "clipping", "parameters", "averaging"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    count = 0
    for case in scheduler_cases():
        (out / "schedulers" / f"{case['name']}.json").write_text(dump(record_scheduler(case)))
        count += 1
    seed = 2
    for stem, kind, args, dtypes, variant, many in clipping_cases():
        for dtype in dtypes:
            name = f"{stem}_{'f32' if dtype == 'float32' else 'f64'}_s{seed}"
            shapes, scales = (SHAPES_MANY, SCALES_MANY) if many else (SHAPES, SCALES)
            (out / "clipping" / f"{name}.json").write_text(dump(record_clipping(name, kind, args, dtype, seed, variant, shapes, scales)))
            count += 1
    for stem, kind, args, dtypes, has_grad, *inf_in in parameter_clipping_cases():
        name = f"{stem}_s{seed}"
        (out / "parameters" / f"{name}.json").write_text(dump(record_parameter_clipping(name, kind, args, dtypes, has_grad, seed, *inf_in)))
        count += 1
    for stem, average, decay in (("ema_0_9", "ema", 0.9), ("ema_0_999", "ema", 0.999), ("ema_0_3", "ema", 0.3), ("swa", "swa", None)):
        for dtype in ("float32", "float64"):
            name = f"{stem}_{'f32' if dtype == 'float32' else 'f64'}_s{seed}"
            (out / "averaging" / f"{name}.json").write_text(dump(record_averaging(name, average, decay, dtype, seed)))
            count += 1
    print(f"wrote {count} cases to {out}")


def compare(expected, actual, fields):
    return [f for f in fields if jsonable(expected.get(f)) != jsonable(actual.get(f))]


def check(ref_dir):
    torch.set_num_threads(1)
    ref = pathlib.Path(ref_dir)
    differ = 0
    total = 0
    for path in sorted((ref / "schedulers").glob("*.json")):
        case = json.loads(path.read_text())
        if "resume" in case:
            case["resume_at"] = case["resume"]["at"]
        got = record_scheduler(case)
        fields = compare(case, got, ["lrs", "momentums"])
        if "resume" in case:
            fields += ["resume." + f for f in compare(case["resume"], got["resume"], [
                "state_dict", "lrs_after", "momentums_after", "optimizer_param_groups",
                "lrs_after_with_optimizer_state", "momentums_after_with_optimizer_state"])]
        total += 1
        differ += bool(fields)
        print(f"{'DIFFER ' + ', '.join(fields) if fields else 'MATCH'}  schedulers/{path.name}")
    for path in sorted((ref / "clipping").glob("*.json")):
        case = json.loads(path.read_text())
        p = case["grad_protocol"]
        got = record_clipping(case["name"], case["kind"], case["args"], case["dtype"], p["seed"], p["variant"],
                              case["shapes"], p["tensor_scales"], grads=case["grads"])
        drawn = [g.flatten().tolist() for g in draw_grads(p["seed"], p["variant"], DTYPES[case["dtype"]], case["shapes"], p["tensor_scales"])]
        fields = compare(case, got, ["clipped", "total_norm", "error", "per_tensor_norms", "clip_coef"])
        if jsonable(drawn) != jsonable(case["grads"]):
            fields.append("grads (protocol)")
        total += 1
        differ += bool(fields)
        print(f"{'DIFFER ' + ', '.join(fields) if fields else 'MATCH'}  clipping/{path.name}")
    print(f"{total - differ} MATCH, {differ} DIFFER of {total}")
    return 1 if differ else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--out", help="write the project's cases under this directory")
    group.add_argument("--check", help="re-run the cases of DIR/schedulers and DIR/clipping and compare")
    args = parser.parse_args()
    if args.out:
        write_all(args.out)
        return 0
    return check(args.check)


if __name__ == "__main__":
    sys.exit(main())
