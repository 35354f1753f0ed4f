#!/usr/bin/python3
"""Record golden cases for the textbook "classic" optimizers, computed in numpy float32.

The gradient stream (param0 and the 30 per-step grads, shapes [37] and [5, 7]) is
drawn exactly as for the torch goldens (torch.Generator().manual_seed(seed),
float64 draws scaled, masked and cast to float32; see make_torch_goldens.py);
torch is used for those random draws only. The updates are then done in numpy
float32, one rounding per operation, no fused multiply-add, in this order
(lr and gamma are the Python doubles of "hyper", rounded once to float32;
every line is evaluated left to right, each product/sum/difference rounded):

  GradientDescent (Cauchy 1847), hyper {lr}, no state:
      u = f32(lr) * g                 # rounding 1
      p = p - u                       # rounding 2

  HeavyBall (Polyak 1964, lr inside the velocity), hyper {lr, momentum}, state "velocity" (v0 = 0):
      a = f32(gamma) * v              # rounding 1
      b = f32(lr) * g                 # rounding 2
      v = a + b                       # rounding 3
      p = p - v                       # rounding 4

  NesterovMomentum (Nesterov 1983, one-gradient form of Sutskever et al. 2013),
  hyper {lr, momentum}, state "velocity" (v0 = 0):
      a = f32(gamma) * v              # rounding 1
      b = f32(lr) * g                 # rounding 2
      v = a + b                       # rounding 3  (v_new)
      c = f32(gamma) * v              # rounding 4  (uses v_new)
      d = f32(lr) * g                 # rounding 5
      e = c + d                       # rounding 6
      p = p - e                       # rounding 7

Output: one JSON file per case, <stem>_f32_s<seed>.json, in the format of
/work/shared/reference/README.md ("reference": "numpy float32, textbook formula").

Usage: make_classic_goldens.py --out DIR [--seed N] [--only STEM ...]
"""

import argparse
import pathlib
import sys

import numpy as np
import torch

from make_torch_goldens import SHAPES, STEPS, draw_stream, encode, grad_protocol

REFERENCE = "numpy float32, textbook formula"


def gradient_descent_step(p, g, state, hyper):
    """p = p - f32(lr) * g."""
    return p - np.float32(hyper["lr"]) * g


def heavy_ball_step(p, g, state, hyper):
    """v = f32(gamma) * v + f32(lr) * g; p = p - v."""
    gamma, lr = np.float32(hyper["momentum"]), np.float32(hyper["lr"])
    state["velocity"] = gamma * state["velocity"] + lr * g
    return p - state["velocity"]


def nesterov_step(p, g, state, hyper):
    """v = f32(gamma) * v + f32(lr) * g; p = p - (f32(gamma) * v + f32(lr) * g)."""
    gamma, lr = np.float32(hyper["momentum"]), np.float32(hyper["lr"])
    state["velocity"] = gamma * state["velocity"] + lr * g
    return p - (gamma * state["velocity"] + lr * g)


# optimizer name -> (step function, names of the state buffers, all starting at 0)
OPTIMIZERS = {
    "GradientDescent": (gradient_descent_step, ()),
    "HeavyBall": (heavy_ball_step, ("velocity",)),
    "NesterovMomentum": (nesterov_step, ("velocity",)),
}

# stem -> (optimizer name, hyper)
CASES = {
    "gradient_descent_plain": ("GradientDescent", {"lr": 0.01}),
    "gradient_descent_lr": ("GradientDescent", {"lr": 0.1}),
    "heavy_ball_plain": ("HeavyBall", {"lr": 0.01, "momentum": 0.9}),
    "heavy_ball_low_momentum": ("HeavyBall", {"lr": 0.001, "momentum": 0.5}),
    "nesterov_plain": ("NesterovMomentum", {"lr": 0.01, "momentum": 0.9}),
    "nesterov_low_momentum": ("NesterovMomentum", {"lr": 0.001, "momentum": 0.5}),
}


def to_numpy(tensors):
    """float32 torch tensors -> flat float32 numpy arrays (row-major)."""
    return [t.reshape(-1).numpy().astype(np.float32) for t in tensors]


def flat(array):
    """Exact Python floats of a float32 array."""
    return array.tolist()


def run_case(name, optimizer, hyper, seed):
    """Run one classic optimizer on the float32 gradient stream and return the case dict."""
    step_fn, state_names = OPTIMIZERS[optimizer]
    param0_t, grads_t = draw_stream(seed, torch.float32)
    param0 = to_numpy(param0_t)
    grads = [to_numpy(step_grads) for step_grads in grads_t]
    params = [p.copy() for p in param0]
    states = [{n: np.zeros_like(p) for n in state_names} for p in params]
    history = []
    for step_grads in grads:
        params = [step_fn(p, g, st, hyper) for p, g, st in zip(params, step_grads, states)]
        history.append([flat(p) for p in params])
    return {
        "name": name,
        "optimizer": optimizer,
        "reference": REFERENCE,
        "hyper": hyper,
        "dtype": "float32",
        "shapes": [list(s) for s in SHAPES],
        "steps": STEPS,
        "param0": [flat(p) for p in param0],
        "grads": [[flat(g) for g in step_grads] for step_grads in grads],
        "params": history,
        "final_state": {str(i): {n: flat(v) for n, v in st.items()} for i, st in enumerate(states)},
        "state_dtypes": {str(i): {n: "float32" for n in st} for i, st in enumerate(states)},
        "grad_protocol": grad_protocol(seed),
        "torch_version": torch.__version__,
        "cpu_capability": "n/a (numpy, one rounding per operation)",
        "generator": f"tools/reference/make_classic_goldens.py --seed {seed}",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, required=True, help="output directory")
    parser.add_argument("--seed", type=int, default=2, help="gradient stream seed (default 2)")
    parser.add_argument("--only", nargs="+", default=[], metavar="STEM", help="case stems to write")
    args = parser.parse_args()
    unknown = [stem for stem in args.only if stem not in CASES]
    if unknown:
        sys.exit(f"unknown case stem(s): {', '.join(unknown)}")
    args.out.mkdir(parents=True, exist_ok=True)
    for stem, (optimizer, hyper) in CASES.items():
        if args.only and stem not in args.only:
            continue
        name = f"{stem}_f32_s{args.seed}"
        (args.out / f"{name}.json").write_text(encode(run_case(name, optimizer, hyper, args.seed)))
        print(f"wrote {name}.json")


if __name__ == "__main__":
    main()
