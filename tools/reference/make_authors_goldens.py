#!/usr/bin/python3
"""Record golden cases from the optimizer authors' own PyTorch code for the ScratchOptim C# tests.

The authors' code is not installable here (no PyPI) and is not part of this repository: fetch each
authors' file at the commit listed in SOURCES (see tools/reference/README.md for the commands) and
pass its path with ``--file FOLDER=PATH``. The script imports nothing from the network; it loads the
file, applies the minimal edits listed in SOURCES (in memory, never on disk) and runs it under
Debian's PyTorch 1.13 (or 2.14 in the torch2 chroot) on the gradient stream of make_torch_goldens.py, exactly as the shared
reference cases (../shared/reference/authors) were made: a fresh ``p.grad`` each step, ``step()``,
parameters after every step and the final state.

The optimizers built on reductions call torch.dot and friends, which Debian's PyTorch hands to the system BLAS:
run them with the reference BLAS the shared cases were made with (OpenBLAS, if it is the system's alternative,
sums in another order), by putting LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/blas before the command.

Usage (run with /usr/bin/python3):

    make_authors_goldens.py --file adabelief=PATH ... --out DIR [--seed N] [--only STEM ...]
    make_authors_goldens.py --file adabelief=PATH ... --check DIR

``--out`` writes ``DIR/<folder>/<stem>_<f32|f64>_s<seed>.json`` for every case of CASES whose
folder was given a file. ``--check`` regenerates every ``*.json`` under DIR (one folder per
optimizer, as ../shared/reference/authors) whose folder was given a file, from the file's own
optimizer/hyper/dtype/seed, and compares byte for byte (verdicts as make_torch_goldens.py --check).

A case's ``hyper`` holds the constructor's keyword arguments; with ``param_groups`` (as make_matrix_authors_goldens.py
records Muon's) the tensors are split into groups, each with its tensor indices and the arguments it overrides.
"""

import argparse
import contextlib
import io
import json
import pathlib
import sys
import types
import typing

import torch
import torch._utils

from make_torch_goldens import (SHAPES, STEPS, DTYPE_NAMES, compare, cpu_capability, describe_state,
                                draw_stream, encode, flat, grad_protocol)

CHECK_LABEL = "tools/reference/make_authors_goldens.py --check"

REDUCTIONS = ("Uses reductions (torch CPU sum/norm/mean/dot, whose summation order is an implementation detail of ATen's vectorised cascade sum). Elementwise parts are exact; a C# port is bit-exact only if it reproduces ATen's reduction order, otherwise expect ulp-level drift: compare with the given tolerance.")

# folder -> where the authors' file comes from and the edits needed to run it alone under torch 1.13.
# "replace" edits are applied to the source text in memory; "shim" names a compatibility function
# run before the file is loaded (it changes torch's modules, never the authors' file).
SOURCES = {
    "adabelief": {
        "repository": "https://github.com/juntang-zhuang/Adabelief-Optimizer",
        "commit": "2855178eff6776762793f915ce2c615f776a1e4b",
        "file": "pypi_packages/adabelief_pytorch0.2.1/adabelief_pytorch/AdaBelief.py",
        "license": "BSD-2-Clause",
        "class": "AdaBelief",
        "replace": [("from tabulate import tabulate\n",
                     "try:\n    from tabulate import tabulate\nexcept ImportError:\n    tabulate = None\n")],
        "edits": ["`from tabulate import tabulate` wrapped in try/except (tabulate not installed; only used "
                  "when print_change_log=True, and every case passes print_change_log=False)"],
    },
    "yogi": {
        "repository": "https://github.com/jettify/pytorch-optimizer",
        "commit": "19c3e41952b94f2d60db06e559ee9a1433b25e53",
        "file": "torch_optimizer/yogi.py",
        "license": "Apache-2.0",
        "class": "Yogi",
        "replace": [("from .types import Betas2, OptFloat, OptLossClosure, Params\n",
                     "from typing import Any as Betas2, Any as OptFloat, Any as OptLossClosure, Any as Params\n")],
        "edits": ["`from .types import Betas2, OptFloat, OptLossClosure, Params` replaced by `typing.Any` "
                  "aliases (file copied alone)"],
        "note": "The Yogi authors (Zaheer et al.) published TensorFlow code only (tensorflow/addons); this is the "
                "widely used PyTorch port, which follows the TF-addons initialisation (initial_accumulator).",
    },
    "qhadam": {
        "repository": "https://github.com/facebookresearch/qhoptim",
        "commit": "e81dea3f2765780cf4fbb90b87b22ba7604b8625",
        "file": "qhoptim/pyt/qhadam.py",
        "license": "MIT",
        "class": "QHAdam",
        "replace": [("from ..common import param_conv\n",
                     "try:\n    from ..common import param_conv\nexcept ImportError:\n    param_conv = None\n")],
        "edits": ["`from ..common import param_conv` wrapped in try/except (file copied alone; param_conv is only used by "
                  "the from_nadam/from_two_state helpers)"],
    },
    "adabound": {
        "repository": "https://github.com/Luolc/AdaBound",
        "commit": "2e928c3007a2fc44af0e4c97e343e1fed6986e44",
        "file": "adabound/adabound.py",
        "license": "Apache-2.0",
        "class": "AdaBound",
        "replace": [],
        "edits": ["none"],
    },
    "adaboundw": {
        "repository": "https://github.com/Luolc/AdaBound",
        "commit": "2e928c3007a2fc44af0e4c97e343e1fed6986e44",
        "file": "adabound/adabound.py (class AdaBoundW)",
        "license": "Apache-2.0",
        "class": "AdaBoundW",
        "replace": [],
        "edits": ["none"],
    },
    "adamod": {
        "repository": "https://github.com/lancopku/AdaMod",
        "commit": "d86640797b212d73c3f838a24119d008d7bb35e0",
        "file": "adamod/adamod.py",
        "license": "Apache-2.0",
        "class": "AdaMod",
        "replace": [],
        "edits": ["none"],
    },
    "adopt": {
        "repository": "https://github.com/iShohei220/adopt",
        "commit": "6468572b4b3688a2f056b796b071da540568520e",
        "file": "src/adopt/adopt.py",
        "license": "Apache-2.0",
        "class": "ADOPT",
        "replace": [],
        "shim": "torch2_optimizer_helpers",
        "edits": ["file unchanged; it imports torch>=2.x private helpers from torch.optim.optimizer, so "
                  "torch2_optimizer_helpers() of tools/reference/make_authors_goldens.py first adds CPU/non-capturable stand-ins (_get_value = .item(), "
                  "_get_scalar_dtype = float32, _default_to_fused_or_foreach = (False, False), "
                  "_disable_dynamo_if_unsupported = identity, torch._utils.is_compiling = False, doc strings, "
                  "ParamsT, DeviceDict)"],
        "note": "clip_lambda, when absent from hyper, is the constructor default `lambda step: step**0.25` "
                "(step = count of previous steps, as a Python float).",
    },
    "ademamix": {
        "repository": "https://github.com/apple/ml-ademamix",
        "commit": "c3d73c09f1287e5c33b95189bb0aa7de0a5a7667",
        "file": "pytorch/ademamix.py",
        "license": "MIT",
        "class": "AdEMAMix",
        "replace": [],
        "edits": ["none"],
    },
    "lion": {
        "repository": "https://github.com/google/automl",
        "commit": "6a54c8741e7c3265d4547c4f35f47a0391122dc5",
        "file": "lion/lion_pytorch.py",
        "license": "Apache-2.0",
        "class": "Lion",
        "replace": [],
        "edits": ["none"],
    },
    "lion_lucidrains": {
        "repository": "https://github.com/lucidrains/lion-pytorch",
        "commit": "6a74fdc0ba572ab5683dc0270c66c20ecbc02d09",
        "file": "lion_pytorch/lion_pytorch.py",
        "license": "MIT",
        "class": "Lion",
        "replace": [],
        "edits": ["none"],
    },
    "sophia": {
        "repository": "https://github.com/Liuhong99/Sophia",
        "commit": "a7e157229b71d58cf995d32854f1be15c265b350",
        "file": "sophia.py",
        "license": "MIT",
        "class": "SophiaG",
        "replace": [],
        "edits": ["none"],
        "protocol": "hessian",
    },
    "schedulefree_adamw": {
        "repository": "https://github.com/facebookresearch/schedule_free",
        "commit": "70785b53e778d0e872c0bbb75ff4ee54ee10c291",
        "file": "schedulefree/adamw_schedulefree.py",
        "license": "Apache-2.0",
        "class": "AdamWScheduleFree",
        "replace": [],
        "edits": ["none"],
        "protocol": "train_eval",
    },
    "schedulefree_sgd": {
        "repository": "https://github.com/facebookresearch/schedule_free",
        "commit": "70785b53e778d0e872c0bbb75ff4ee54ee10c291",
        "file": "schedulefree/sgd_schedulefree.py",
        "license": "Apache-2.0",
        "class": "SGDScheduleFree",
        "replace": [],
        "edits": ["none"],
        "protocol": "train_eval",
    },
    # The optimizers built on reductions (per-tensor or over the whole parameter group): their cases carry a
    # tolerance, and the group-level values the authors keep in param_groups are recorded (final_group, group_history).
    "prodigy": {
        "repository": "https://github.com/konstmish/prodigy",
        "commit": "3efb213ee8af5a6bf76f28726398433a847b38e9",
        "file": "prodigyopt/prodigy.py",
        "license": "MIT",
        "class": "Prodigy",
        "replace": [],
        "group_state": True,
        "edits": ["none"],
        "tolerance_note": REDUCTIONS + " The D-adaptation scalars come from torch.dot(...).item() and s.abs().sum().item(), "
                          "accumulated in Python double; d, d_max, d_hat, d_numerator are group-level (see final_group / group_history).",
    },
    "adan": {
        "repository": "https://github.com/sail-sg/Adan",
        "commit": "2c65beaf400775753b155da4082c3819fea689b9",
        "file": "adan.py",
        "license": "Apache-2.0",
        "class": "Adan",
        "replace": [],
        "group_state": True,
        "edits": ["none"],
        # Only global gradient clipping reduces: the other cases are exact.
        "tolerance_when": lambda hyper: hyper.get("max_grad_norm", 0) > 0,
        "tolerance_note": REDUCTIONS + " (global grad-norm clipping: sum of squares over both tensors.)",
    },
    "mars": {
        "repository": "https://github.com/AGI-Arena/MARS",
        "commit": "4831e28eba863a4e69d7e9474ff8e73bc1b410fe",
        "file": "MARS/optimizers/mars.py",
        "license": "Apache-2.0",
        "class": "MARS",
        "replace": [("@torch.compile\n", ""),
                    ("X = M.bfloat16() / (M.norm() + eps)", "X = M.float() / (M.norm() + eps)")],
        "edits": ["`@torch.compile` removed from NewtonSchulz (torch 1.13 has no torch.compile)",
                  "NewtonSchulz: `X = M.bfloat16() / (M.norm() + eps)` -> `X = M.float() / (M.norm() + eps)` (Newton-Schulz "
                  "in float32 instead of bfloat16; only reached by mars_type='mars-shampoo')"],
        "tolerance_note": REDUCTIONS + " (torch.norm of the corrected gradient c_t on 2-D tensors.)",
        # mars-shampoo's Newton-Schulz multiplies matrices (CPU BLAS): a looser tolerance.
        "tolerance_for": lambda hyper: ({"rtol": 0.001, "atol": 1e-05}, REDUCTIONS + " Tensor 1 ([5,7]) goes through "
                                        "Newton-Schulz: float32 matmuls on CPU BLAS (not bit-reproducible elsewhere; original "
                                        "runs it in bfloat16, here float32).") if hyper.get("mars_type") == "mars-shampoo" else None,
    },
    "adafactor": {
        "repository": "https://github.com/facebookresearch/fairseq",
        "commit": "3d262bb25690e4eb2e7d3c1309b1e9c406ca4b99",
        "file": "fairseq/optim/adafactor.py",
        "license": "MIT",
        "class": "Adafactor",
        "replace": [("from . import LegacyFairseqOptimizer, register_optimizer\n",
                     "LegacyFairseqOptimizer = object\n\n\ndef register_optimizer(name):\n    return lambda cls: cls\n")],
        "group_state": True,
        "edits": ["`from . import LegacyFairseqOptimizer, register_optimizer` replaced by two stubs (the fairseq registry "
                  "wrapper class FairseqAdafactor is unused; class Adafactor unchanged)"],
        "tolerance_note": REDUCTIONS + " (RMS = norm/sqrt(n), row/col means.) Note: fairseq writes the computed lr back into "
                          "group['lr'] every step (recorded in final_group / group_history).",
    },
}

F32 = ("f32",)
F32_F64 = ("f32", "f64")

# stem -> (folder, constructor kwargs in "hyper" order, dtypes). Stems shared with the seed-1 set
# have exactly its kwargs; the others exercise options and branches the shared set leaves out.
CASES = {
    # AdaBelief: rectify and weight_decouple are on by default.
    "adabelief_default": ("adabelief", {"lr": 0.001, "print_change_log": False}, F32_F64),
    "adabelief_amsgrad_l2": ("adabelief", {"lr": 0.001, "eps": 1e-12, "weight_decay": 0.01, "amsgrad": True,
                                           "weight_decouple": False, "rectify": False,
                                           "print_change_log": False}, F32),
    "adabelief_decoupled_fixed": ("adabelief", {"lr": 0.002, "weight_decay": 0.001, "weight_decouple": True,
                                                "fixed_decay": True, "degenerated_to_sgd": False,
                                                "print_change_log": False}, F32),
    # rectify with amsgrad: the maximum is kept but the rectified steps ignore it.
    "adabelief_rectify_amsgrad_wd": ("adabelief", {"lr": 0.001, "betas": (0.9, 0.99), "weight_decay": 0.05,
                                                   "amsgrad": True, "print_change_log": False}, F32),
    "adabelief_unrectified_eps": ("adabelief", {"lr": 0.003, "betas": (0.8, 0.99), "eps": 1e-8,
                                                "rectify": False, "print_change_log": False}, F32),
    # Yogi (jettify/pytorch-optimizer port): moments start at initial_accumulator.
    "yogi_default": ("yogi", {"lr": 0.01}, F32_F64),
    "yogi_wd": ("yogi", {"lr": 0.01, "betas": (0.9, 0.99), "eps": 1e-06, "initial_accumulator": 0.001,
                         "weight_decay": 0.01}, F32),
    "yogi_zero_init": ("yogi", {"lr": 0.05, "betas": (0.8, 0.9), "eps": 1e-3, "initial_accumulator": 0.0}, F32),
    # QHAdam: per-tensor Python-float weights do the bias correction.
    "qhadam_default": ("qhadam", {"lr": 0.001, "betas": (0.995, 0.999), "nus": (0.7, 1.0)}, F32_F64),
    "qhadam_decoupled": ("qhadam", {"lr": 0.001, "betas": (0.9, 0.999), "nus": (0.8, 0.9), "weight_decay": 0.01,
                                    "decouple_weight_decay": True}, F32),
    "qhadam_l2": ("qhadam", {"lr": 0.002, "nus": (1.0, 1.0), "weight_decay": 0.01, "eps": 1e-06}, F32),
    "qhadam_no_eps": ("qhadam", {"lr": 0.003, "betas": (0.8, 0.99), "nus": (0.5, 0.6), "eps": 0.0}, F32),
    # AdaBound: the bounds close in on final_lr at a speed set by gamma.
    "adabound_default": ("adabound", {"lr": 0.001}, F32_F64),
    "adabound_amsbound_wd": ("adabound", {"lr": 0.001, "final_lr": 0.05, "gamma": 0.01, "weight_decay": 0.01,
                                          "amsbound": True}, F32),
    "adabound_tight": ("adabound", {"lr": 0.01, "betas": (0.8, 0.99), "final_lr": 0.003, "gamma": 0.5,
                                    "eps": 1e-6}, F32),
    "adaboundw_wd": ("adaboundw", {"lr": 0.001, "final_lr": 0.1, "weight_decay": 0.05}, F32),
    "adaboundw_default": ("adaboundw", {"lr": 0.001}, F32_F64),
    "adaboundw_amsbound_tight": ("adaboundw", {"lr": 0.01, "final_lr": 0.003, "gamma": 0.5, "weight_decay": 0.01,
                                               "amsbound": True}, F32),
    # AdaMod
    "adamod_default": ("adamod", {"lr": 0.001}, F32_F64),
    "adamod_wd": ("adamod", {"lr": 0.002, "beta3": 0.99, "weight_decay": 0.01}, F32),
    "adamod_beta3_low": ("adamod", {"lr": 0.01, "betas": (0.8, 0.99), "beta3": 0.5, "eps": 1e-6}, F32),
    # ADOPT: the first step only initialises exp_avg_sq; lerp switches form at weight 1 - beta1 = 0.5.
    "adopt_default": ("adopt", {"lr": 0.001, "foreach": False}, F32_F64),
    "adopt_l2_maximize": ("adopt", {"lr": 0.002, "weight_decay": 0.01, "decouple": False, "maximize": True,
                                    "foreach": False}, F32),
    "adopt_noclip_decoupled": ("adopt", {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-06, "clip_lambda": None,
                                         "weight_decay": 0.01, "decouple": True, "foreach": False}, F32),
    "adopt_beta1_low": ("adopt", {"lr": 0.001, "betas": (0.3, 0.99), "foreach": False}, F32),
    "adopt_beta1_half": ("adopt", {"lr": 0.001, "betas": (0.5, 0.9), "eps": 1e-3, "foreach": False}, F32),
    # AdEMAMix: the fast EMA is not allocated when beta1 = 0.
    "ademamix_default": ("ademamix", {"lr": 0.001}, F32_F64),
    "ademamix_beta1_zero": ("ademamix", {"lr": 0.001, "betas": (0.0, 0.99, 0.99), "alpha": 3.0}, F32),
    "ademamix_warmup_wd": ("ademamix", {"lr": 0.002, "betas": (0.9, 0.999, 0.999), "alpha": 5.0,
                                        "beta3_warmup": 20, "alpha_warmup": 20, "weight_decay": 0.1}, F32),
    # warmups that end mid-run, from beta1 = 0 (the half-life of 0 needs the authors' eps inside the log).
    "ademamix_warmup_short": ("ademamix", {"lr": 0.003, "betas": (0.0, 0.99, 0.9999), "alpha": 8.0,
                                           "beta3_warmup": 10, "alpha_warmup": 7, "eps": 1e-6}, F32),
    # Lion: the authors' code (google/automl) rounds exp_avg * beta1 + grad * (1 - beta1) three times; the
    # lucidrains port fuses the second product into the sum. Only the sign is used, so they rarely differ.
    "lion_plain": ("lion", {"lr": 0.001}, F32_F64),
    "lion_wd": ("lion", {"lr": 0.0003, "betas": (0.9, 0.99), "weight_decay": 1.0}, F32),
    "lion_betas": ("lion", {"lr": 0.002, "betas": (0.5, 0.9), "weight_decay": 0.05}, F32),
    "lion_lucidrains_wd": ("lion_lucidrains", {"lr": 0.001, "betas": (0.9, 0.99), "weight_decay": 0.1}, F32_F64),
    "lion_lucidrains_decoupled": ("lion_lucidrains", {"lr": 0.001, "weight_decay": 0.0003,
                                                      "decoupled_weight_decay": True}, F32_F64),
    "lion_lucidrains_betas": ("lion_lucidrains", {"lr": 0.003, "betas": (0.95, 0.98)}, F32),
    # SophiaG: the Hessian estimate comes from update_hessian() every hess_interval steps (HESSIAN_PROTOCOL).
    # A fourth item gives the protocol's bs and hess_interval.
    "sophiag_default": ("sophia", {"lr": 0.001, "betas": (0.965, 0.99), "rho": 0.04, "weight_decay": 0.1}, F32_F64,
                        {"bs": 480, "hess_interval": 3}),
    "sophiag_maximize": ("sophia", {"lr": 0.002, "betas": (0.9, 0.95), "rho": 0.03, "weight_decay": 0.0,
                                    "maximize": True}, F32, {"bs": 240, "hess_interval": 5}),
    # the authors' defaults (lr 1e-4, rho 0.04, weight_decay 0.1) and step's default bs; an estimate every step.
    "sophiag_defaults_every_step": ("sophia", {}, F32_F64, {"bs": 5120, "hess_interval": 1}),
    # rho so small that the ratio rarely clips: a preconditioned step, not a sign step.
    "sophiag_unclipped": ("sophia", {"lr": 0.0005, "rho": 1e-5}, F32, {"bs": 480, "hess_interval": 2}),
    # Schedule-Free: train() before the first step, eval() after the last (TRAIN_EVAL_PROTOCOL).
    "sf_adamw_default": ("schedulefree_adamw", {"lr": 0.0025, "warmup_steps": 5, "foreach": False}, F32_F64),
    "sf_adamw_inner_momentum": ("schedulefree_adamw", {"lr": 0.005, "inner_momentum": 0.5, "warmup_steps": 3,
                                                       "foreach": False}, F32),
    "sf_adamw_wd_r": ("schedulefree_adamw", {"lr": 0.01, "betas": (0.95, 0.99), "weight_decay": 0.01, "warmup_steps": 10,
                                             "r": 0.5, "weight_lr_power": 1.5, "foreach": False}, F32),
    # no warmup and weight_lr_power 0: every step has weight 1, ckp1 = 1/k; eval()'s lerp weight 1 - 1/beta1 = -2/3
    # is below -0.5, where PyTorch 1.13's lerp and 2.x's round differently.
    "sf_adamw_no_warmup": ("schedulefree_adamw", {"lr": 0.003, "betas": (0.6, 0.99), "eps": 1e-6, "weight_lr_power": 0.0,
                                                  "inner_momentum": 0.9, "foreach": False}, F32_F64),
    "sf_sgd_default": ("schedulefree_sgd", {"lr": 0.05, "momentum": 0.9, "warmup_steps": 5, "foreach": False}, F32_F64),
    "sf_sgd_wd_r": ("schedulefree_sgd", {"lr": 0.02, "momentum": 0.8, "weight_decay": 0.01, "warmup_steps": 0, "r": 1.0,
                                         "weight_lr_power": 1.0, "foreach": False}, F32),
    # a warmup longer than the run; eval()'s lerp weight 1 - 1/momentum = -1.
    "sf_sgd_long_warmup": ("schedulefree_sgd", {"lr": 0.1, "momentum": 0.5, "warmup_steps": 40, "r": 2.0,
                                                "foreach": False}, F32),
    # Prodigy: d is one value for the optimizer, from sums over both tensors (final_group / group_history).
    "prodigy_default": ("prodigy", {"lr": 1.0}, F32_F64),
    "prodigy_bc_safeguard_wd": ("prodigy", {"lr": 1.0, "betas": (0.9, 0.99), "weight_decay": 0.01,
                                            "use_bias_correction": True, "safeguard_warmup": True, "d_coef": 0.5,
                                            "growth_rate": 1.5}, F32),
    "prodigy_l2_beta3": ("prodigy", {"lr": 0.5, "beta3": 0.9, "weight_decay": 0.01, "decouple": False, "d0": 1e-05}, F32),
    # d grows by at most 2 % a step: the growth limit decides d on most steps.
    "prodigy_growth_limited": ("prodigy", {"lr": 1.0, "betas": (0.8, 0.95), "eps": 1e-06, "d_coef": 2.0,
                                           "growth_rate": 1.02}, F32_F64),
    # Two parameter groups: the authors' d is one value for the optimizer, its sums over the tensors of both groups
    # (group 0's settings, written back into every group); weight_decay, eps and safeguard_warmup are the group's own.
    "prodigy_groups": ("prodigy", {"lr": 1.0, "param_groups": [
        {"params": [0], "weight_decay": 0.0},
        {"params": [1], "weight_decay": 0.01, "eps": 1e-06, "safeguard_warmup": True}]}, F32_F64),
    # with lr 1 safeguard_warmup weights s as without it (d * lr = d); with lr 0.5 it keeps group 1's s larger.
    "prodigy_groups_half_lr": ("prodigy", {"lr": 0.5, "d_coef": 2.0, "param_groups": [
        {"params": [0], "weight_decay": 0.0},
        {"params": [1], "weight_decay": 0.01, "eps": 1e-06, "safeguard_warmup": True}]}, F32),
    # Adan: max_grad_norm clips the gradients of both tensors to one global norm (a group-wide sum).
    "adan_default": ("adan", {"lr": 0.001, "weight_decay": 0.02, "foreach": False}, F32_F64),
    "adan_clip": ("adan", {"lr": 0.001, "max_grad_norm": 5.0, "foreach": False}, F32_F64),
    "adan_noprox": ("adan", {"lr": 0.002, "betas": (0.98, 0.92, 0.99), "weight_decay": 0.05, "no_prox": True,
                             "foreach": False}, F32),
    # a norm small enough that two steps in three clip (all but the 1e-3-scaled gradients), with the proximal weight decay.
    "adan_clip_tight_wd": ("adan", {"lr": 0.003, "betas": (0.9, 0.9, 0.95), "weight_decay": 0.01, "max_grad_norm": 0.5,
                                    "foreach": False}, F32),
    # Two parameter groups: the clipping norm is one over the tensors of both groups, with the constructor's
    # max_grad_norm (and the last group's eps); each group decays its own weights.
    "adan_clip_groups": ("adan", {"lr": 0.003, "betas": (0.9, 0.9, 0.95), "max_grad_norm": 0.5, "foreach": False,
                                  "param_groups": [{"params": [0], "weight_decay": 0.0},
                                                   {"params": [1], "weight_decay": 0.05}]}, F32_F64),
    # MARS: the [5, 7] matrix takes the MARS update, the [37] vector AdamW with lr_1d unless optimize_1d.
    "mars_adamw": ("mars", {"lr": 0.003, "weight_decay": 0.01}, F32_F64),
    "mars_adamw_1d_amsgrad": ("mars", {"lr": 0.003, "weight_decay": 0.01, "optimize_1d": True, "amsgrad": True,
                                       "gamma": 0.05}, F32),
    "mars_lion": ("mars", {"lr": 0.001, "betas": (0.9, 0.99), "mars_type": "mars-lion", "weight_decay": 0.1}, F32),
    # the vector's own AdamW settings, with AMSGrad in both updates (lr_1d / lr = 4: the authors' factor).
    "mars_vector_settings": ("mars", {"lr": 0.001, "amsgrad": True, "lr_1d": 0.004, "betas_1d": (0.8, 0.9),
                                      "weight_decay_1d": 0.05}, F32_F64),
    "mars_lion_1d": ("mars", {"lr": 0.002, "mars_type": "mars-lion", "optimize_1d": True, "gamma": 0.01}, F32),
    # Shampoo's form: the matrix's momentum orthogonalized by Newton-Schulz, the vector AdamW (its own path, or the
    # MARS AdamW form with optimize_1d).
    "mars_shampoo": ("mars", {"lr": 0.003, "mars_type": "mars-shampoo", "weight_decay": 0.01}, F32_F64),
    "mars_shampoo_1d": ("mars", {"lr": 0.002, "betas": (0.9, 0.95), "eps": 1e-06, "mars_type": "mars-shampoo",
                                 "optimize_1d": True, "amsgrad": True, "weight_decay": 0.05}, F32),
    # fairseq's Adafactor: the [37] vector keeps a full second moment, the [5, 7] matrix a factored one.
    "adafactor_default": ("adafactor", {}, F32_F64),
    "adafactor_manual_beta1": ("adafactor", {"lr": 0.01, "relative_step": False, "scale_parameter": False, "beta1": 0.9,
                                             "weight_decay": 0.01}, F32),
    "adafactor_warmup_init": ("adafactor", {"relative_step": True, "warmup_init": True, "clip_threshold": 0.5,
                                            "decay_rate": -0.6}, F32),
    # the relative step scaled by the weights' RMS, with a first moment and weight decay by the step size.
    "adafactor_beta1_wd": ("adafactor", {"eps": (1e-30, 0.01), "beta1": 0.8, "weight_decay": 0.05}, F32_F64),
}

# SophiaG's protocol, as the authors' train_sophiag.py: after optimizer.step(bs=bs) at every step s (0-based) with
# s % hess_interval == hess_interval - 1, p.grad is set to hessian_grads[s] and optimizer.update_hessian() is called.
# Our own cases draw hessian_grads from a generator of their own (seed + HESSIAN_SEED_OFFSET, float64 randn * 30 per
# tensor, cast to the case dtype), standing in for the gradient of the loss at labels sampled from the model;
# --check takes them, bs and hess_interval from the file it checks.
HESSIAN_SEED_OFFSET = 1000
HESSIAN_SCALE = 30.0
HESSIAN_DESCRIPTION = ("After optimizer.step(bs=bs) at every step s (0-based) with s % hess_interval == hess_interval-1, "
                       "p.grad is set to hessian_grads[s] and optimizer.update_hessian() is called (as in "
                       "train_sophiag.py, where these grads come from sampled labels).")

# Schedule-Free's protocol: optimizer.train() once before the first step ('params' are the train-mode iterates y),
# optimizer.eval() after the last (its x is extra.eval_params_final); the group-level scalars are recorded.
GROUP_KEYS = {"train_eval": ("k", "weight_sum", "lr_max", "scheduled_lr")}
EVAL_NOTE = "x (the averaged iterate) after optimizer.eval() following the last step; 'params' are the train-mode y iterates"


def hessian_grads(seed, dtype, interval):
    """The gradients update_hessian() reads, by step (None on the other steps)."""
    gen = torch.Generator().manual_seed(seed + HESSIAN_SEED_OFFSET)
    return [[(torch.randn(shape, generator=gen, dtype=torch.float64) * HESSIAN_SCALE).to(dtype) for shape in SHAPES]
            if step % interval == interval - 1 else None
            for step in range(STEPS)]


def torch2_optimizer_helpers():
    """CPU, non-capturable stand-ins for the torch 2.x private helpers ADOPT imports (torch 1.13 lacks them)."""
    # torch.optim deletes its "optimizer" attribute; the module itself is what "from ... import" reads.
    module = sys.modules["torch.optim.optimizer"]
    stand_ins = {
        "_get_value": lambda x: x.item() if isinstance(x, torch.Tensor) else x,
        "_get_scalar_dtype": lambda is_fused=None: torch.float32,
        "_default_to_fused_or_foreach": lambda params, differentiable, use_fused=False: (False, False),
        "_disable_dynamo_if_unsupported": lambda single_tensor_fn=None: (lambda function: function),
        "_device_dtype_check_for_fused": lambda p, cuda_unsupported=False: None,
        "_get_capturable_supported_devices": lambda supports_xla=True: ["cuda"],
        "_stack_if_compiling": lambda x: x,
        "_view_as_real": lambda params, *state_and_grads: None,
        "_capturable_doc": "", "_differentiable_doc": "", "_foreach_doc": "", "_fused_doc": "", "_maximize_doc": "",
        "DeviceDict": dict,
        "ParamsT": typing.Any,
    }
    for name, value in stand_ins.items():
        if not hasattr(module, name):
            setattr(module, name, value)
    if not hasattr(torch._utils, "is_compiling"):
        torch._utils.is_compiling = lambda: False


def load_class(folder, path):
    """Load the authors' file as a module (edits in memory only) and return the optimizer class."""
    source = SOURCES[folder]
    text = path.read_text()
    for old, new in source["replace"]:
        if old not in text:
            sys.exit(f"{path}: expected text for the documented edit not found: {old!r}")
        text = text.replace(old, new, 1)
    if "shim" in source:
        globals()[source["shim"]]()
    module = types.ModuleType(f"authors_{folder}")
    module.__file__ = str(path)
    exec(compile(text, str(path), "exec"), module.__dict__)
    return getattr(module, source["class"])


def reference_label(folder):
    source = SOURCES[folder]
    repository = source["repository"].removeprefix("https://github.com/")
    return (f"{repository} {source['file']} @ {source['commit'][:12]} ({source['license']}), "
            f"run with PyTorch {torch.__version__} (Debian python3-torch)")


def run_case(name, folder, optimizer_class, hyper, dtype, seed, generator_label, settings=None, recorded_extra=None):
    """Run the authors' optimizer on the gradient stream and return the case (dict in file key order).

    settings: the protocol's own settings (SophiaG: bs and hess_interval); recorded_extra: the "extra" of a case
    being checked, whose protocol settings and Hessian gradients are used instead."""
    torch.set_num_threads(1)
    param0, grads = draw_stream(seed, dtype)
    params = [p.clone().requires_grad_(True) for p in param0]
    with contextlib.redirect_stdout(io.StringIO()):  # AdaBelief prints which options are on
        optimizer = optimizer_class(param_groups(hyper, params), **arguments(hyper, "param_groups"))
    source = SOURCES[folder]
    protocol = source.get("protocol")
    step_kwargs, hessians = {}, None
    if protocol == "hessian":
        if recorded_extra is not None:
            settings = {"bs": recorded_extra["step_kwargs"]["bs"], "hess_interval": recorded_extra["hess_interval"]}
        step_kwargs = {"bs": settings["bs"]}
        hessians = (hessian_grads(seed, dtype, settings["hess_interval"]) if recorded_extra is None else
                    [None if h is None else [torch.tensor(t, dtype=dtype).reshape(shape) for t, shape in zip(h, SHAPES)]
                     for h in recorded_extra["hessian_grads"]])
    if protocol == "train_eval":
        optimizer.train()
    history, group_history = [], []
    initial = all_group_values(optimizer)
    for step, step_grads in enumerate(grads):
        for p, g in zip(params, step_grads):
            p.grad = g.clone()
        optimizer.step(**step_kwargs)
        if hessians is not None and hessians[step] is not None:
            for p, h in zip(params, hessians[step]):
                p.grad = h.clone()
            optimizer.update_hessian()
        history.append([flat(p) for p in params])
        if protocol in GROUP_KEYS:
            group_history.append(group_values(optimizer, protocol))
        elif source.get("group_state"):
            group_history.append(group_changes(initial, optimizer))
    extra = None
    if protocol == "hessian":
        extra = {"description": HESSIAN_DESCRIPTION, "step_kwargs": step_kwargs,
                 "hess_interval": settings["hess_interval"],
                 "hessian_grads": [None if h is None else [flat(t) for t in h] for h in hessians]}
    if protocol == "train_eval":
        optimizer.eval()
        extra = {"eval_params_final": [flat(p) for p in params], "eval_params_note": EVAL_NOTE}
    final_state, state_dtypes = {}, {}
    for index, p in enumerate(params):
        final_state[str(index)], state_dtypes[str(index)] = describe_state(optimizer.state[p])
    case = {
        "name": name,
        "optimizer": source["class"],
        "reference": reference_label(folder),
        "hyper": {k: list(v) if isinstance(v, tuple) else v for k, v in hyper.items()},
        "dtype": DTYPE_NAMES[dtype],
        "shapes": [list(s) for s in SHAPES],
        "steps": STEPS,
        "param0": [flat(p) for p in param0],
        "grads": [[flat(g) for g in step_grads] for step_grads in grads],
        "params": history,
        "final_state": final_state,
        "state_dtypes": state_dtypes,
        "grad_protocol": grad_protocol(seed),
        "source": {k: source[k] for k in ("repository", "commit", "file", "license", "edits", "note") if k in source},
        "torch_version": torch.__version__,
        "cpu_capability": cpu_capability(),
        "generator": generator_label,
    }
    if "tolerance_note" in source and source.get("tolerance_when", lambda _: True)(hyper):
        tolerance, note = source.get("tolerance_for", lambda _: None)(hyper) or ({"rtol": 0.0001, "atol": 1e-06}, source["tolerance_note"])
        case["tolerance"] = tolerance
        case["tolerance_note"] = note
    if protocol in GROUP_KEYS:
        case["final_group"] = group_values(optimizer, protocol)
        case["group_history"] = group_history
    elif source.get("group_state"):
        case["final_group"] = group_history[-1]
        case["group_history"] = group_history
    if extra is not None:
        case["extra"] = extra
    return case


def arguments(given, without):
    """Keyword arguments as the authors' code takes them: JSON lists as tuples, without the key holding tensors or groups."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in given.items() if k != without}


def param_groups(hyper, params):
    """The constructor's first argument: every tensor in one group, or hyper's param_groups (tensor indices and the
    group's own arguments, which override the constructor's for that group, as torch.optim.Optimizer does)."""
    if "param_groups" not in hyper:
        return params
    return [dict(arguments(group, "params"), params=[params[i] for i in group["params"]]) for group in hyper["param_groups"]]


def group_values(optimizer, protocol):
    """The group-level scalars of every param group, as the shared cases record them."""
    return [{key: group[key] for key in GROUP_KEYS[protocol]} for group in optimizer.param_groups]


def all_group_values(optimizer):
    """Each param group's own values (not its params), numbers as Python numbers (fairseq's lr may be a 0-dim tensor)."""
    def number(value):
        return value.item() if isinstance(value, torch.Tensor) else value
    return [{k: number(v) for k, v in group.items() if k != "params"} for group in optimizer.param_groups]


def group_changes(initial, optimizer):
    """Per group, the values a step added to it or holds other than at construction (Prodigy's d, Adan's step, fairseq's lr)."""
    return [{k: v for k, v in group.items() if k not in before or before[k] != v}
            for before, group in zip(initial, all_group_values(optimizer))]


DTYPES = {"f32": torch.float32, "f64": torch.float64}


def write_table(out_dir, classes, seed, only):
    unknown = [stem for stem in only if stem not in CASES]
    if unknown:
        sys.exit(f"unknown case stem(s): {', '.join(unknown)}")
    label = f"tools/reference/make_authors_goldens.py --seed {seed}"
    for stem, (folder, hyper, dtypes, *settings) in CASES.items():
        if folder not in classes or (only and stem not in only):
            continue
        (out_dir / folder).mkdir(parents=True, exist_ok=True)
        for suffix in dtypes:
            name = f"{stem}_{suffix}_s{seed}"
            case = run_case(name, folder, classes[folder], hyper, DTYPES[suffix], seed, label, *settings)
            (out_dir / folder / f"{name}.json").write_text(encode(case))
            print(f"wrote {folder}/{name}.json")


def check_dir(ref_dir, classes):
    verdicts = []
    for folder in sorted(classes):
        for path in sorted((ref_dir / folder).glob("*.json")):
            text = path.read_text()
            reference = json.loads(text)
            ours = run_case(reference["name"], folder, classes[folder], reference["hyper"],
                            getattr(torch, reference["dtype"]), reference["grad_protocol"]["seed"], CHECK_LABEL,
                            recorded_extra=reference.get("extra"))
            verdict, detail = compare(text, ours)
            if verdict == "DIFFER" and encode(dict(ours, generator=reference["generator"], source=reference["source"])) == text:
                # Same numbers and metadata; the provenance text names a different runner for the same edits.
                verdict, detail = "LABEL", "byte for byte except the generator label and the wording of source"
            verdicts.append(verdict)
            print(f"{verdict:6} {folder}/{path.name}: {detail}")
    for kind in ("MATCH", "LABEL", "DIFFER"):
        print(f"{kind}: {verdicts.count(kind)} of {len(verdicts)}")
    return "DIFFER" not in verdicts


def parse_file(argument):
    folder, separator, path = argument.partition("=")
    if not separator or folder not in SOURCES:
        raise argparse.ArgumentTypeError(f"expected FOLDER=PATH with FOLDER one of {', '.join(SOURCES)}")
    if not pathlib.Path(path).is_file():
        raise argparse.ArgumentTypeError(f"{path}: no such file")
    return folder, pathlib.Path(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=parse_file, action="append", default=[], metavar="FOLDER=PATH",
                        help="the authors' file for one folder (repeat; see tools/reference/README.md)")
    parser.add_argument("--out", type=pathlib.Path, help="directory for the cases (one folder per optimizer)")
    parser.add_argument("--seed", type=int, default=2, help="gradient stream seed (default 2)")
    parser.add_argument("--only", nargs="+", default=[], metavar="STEM", help="case stems to write")
    parser.add_argument("--check", type=pathlib.Path, metavar="DIR",
                        help="regenerate every case under DIR/<folder> and compare")
    args = parser.parse_args()
    if not args.file:
        parser.error("give at least one --file FOLDER=PATH")
    if not args.out and not args.check:
        parser.error("give --out DIR and/or --check DIR")
    classes = {folder: load_class(folder, path) for folder, path in args.file}
    ok = True
    if args.out:
        write_table(args.out, classes, args.seed, args.only)
    if args.check:
        ok = check_dir(args.check, classes)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
