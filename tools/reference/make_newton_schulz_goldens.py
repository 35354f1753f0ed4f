"""Record Newton-Schulz orthogonalizations and torch.optim.Muon steps from PyTorch 2.x.

Writes one JSON file (default tests/Goldens/linalg/newton_schulz.json) that the C# tests of
src/Optim.LinearAlgebra replay within measured tolerances:

* "newton_schulz": torch.optim.Muon's own ``_zeropower_via_newtonschulz`` (bfloat16 on CPU,
  whatever the input dtype) on float32 and float64 inputs; and the same iteration run in float32
  and in float64 (the function's body with ``.bfloat16()`` replaced by ``.to(dtype)``), for wide,
  tall and square matrices, several step counts, coefficients and eps, and the zero matrix.
* "muon": ``torch.optim.Muon`` (single-tensor path) for a few steps on a wide and a tall
  parameter, float32 and float64, recording the parameters after every step.

Run with PyTorch 2.14 in the shared chroot, ALWAYS under the lock (the chroot bind-mounts the
current directory, so two runs at once break each other), from the repository root:

    flock /tmp/torch2.lock ../shared/tools/torch2-chroot run /opt/torch2 \
        tools/reference/make_newton_schulz_goldens.py --out tests/Goldens/linalg/newton_schulz.json

Deterministic: re-running it rewrites an identical file. Only the standard library and torch.
"""

import argparse
import json
import pathlib

import torch
from torch.optim._muon import _zeropower_via_newtonschulz

DEFAULT = {"steps": 5, "coefficients": (3.4445, -4.7750, 2.0315), "eps": 1e-7}

# (name, rows, cols, steps, coefficients, eps); every shape orientation and the options torch exposes.
NS_CASES = [
    ("wide_6x9", 6, 9, 5, DEFAULT["coefficients"], 1e-7),
    ("tall_9x6", 9, 6, 5, DEFAULT["coefficients"], 1e-7),
    ("wide_5x7", 5, 7, 5, DEFAULT["coefficients"], 1e-7),
    ("tall_7x5", 7, 5, 5, DEFAULT["coefficients"], 1e-7),
    ("square_16x16", 16, 16, 5, DEFAULT["coefficients"], 1e-7),
    ("wide_12x20", 12, 20, 5, DEFAULT["coefficients"], 1e-7),
    ("tall_20x12", 20, 12, 5, DEFAULT["coefficients"], 1e-7),
    ("row_1x8", 1, 8, 5, DEFAULT["coefficients"], 1e-7),
    ("steps0_6x9", 6, 9, 0, DEFAULT["coefficients"], 1e-7),
    ("steps1_9x6", 9, 6, 1, DEFAULT["coefficients"], 1e-7),
    ("steps10_16x16", 16, 16, 10, DEFAULT["coefficients"], 1e-7),
    ("coefficients_6x9", 6, 9, 5, (2.0, -1.5, 0.5), 1e-7),
    ("eps_large_5x7", 5, 7, 5, DEFAULT["coefficients"], 100.0),
    ("zero_6x9", 6, 9, 5, DEFAULT["coefficients"], 1e-7),
]

# torch.optim.Muon runs: (name, rows, cols, dtype, kwargs)
MUON_CASES = [
    ("muon_wide_f32", 6, 9, torch.float32, {}),
    ("muon_tall_f32", 9, 6, torch.float32, {"nesterov": False, "weight_decay": 0.01}),
    ("muon_wide_f64", 6, 9, torch.float64, {"adjust_lr_fn": "match_rms_adamw"}),
]
MUON_STEPS = 4
DTYPES = {"float32": torch.float32, "float64": torch.float64}


def newton_schulz_in(dtype, grad, coefficients, steps, eps):
    """torch.optim._muon._zeropower_via_newtonschulz with .bfloat16() replaced by .to(dtype)."""
    a, b, c = coefficients
    ortho = grad.to(dtype, copy=True)  # torch's .bfloat16() copies a float input; .to(same dtype) would not
    if grad.size(0) > grad.size(1):
        ortho = ortho.T
    ortho.div_(ortho.norm().clamp(min=eps))
    for _ in range(steps):
        gram = ortho @ ortho.T
        update = torch.addmm(gram, gram, gram, beta=b, alpha=c)
        ortho = torch.addmm(ortho, update, ortho, beta=a)
    if grad.size(0) > grad.size(1):
        ortho = ortho.T
    return ortho


def flat(t):
    return [float(v) for v in t.double().reshape(-1).tolist()]


def record_newton_schulz(generator):
    cases = []
    for name, rows, cols, steps, coefficients, eps in NS_CASES:
        g64 = torch.randn(rows, cols, dtype=torch.float64, generator=generator)
        if name.startswith("zero"):
            g64.zero_()
        for input_name, input_dtype in DTYPES.items():
            g = g64.to(input_dtype)
            recorded_input = flat(g)
            outputs = {
                "bfloat16": _zeropower_via_newtonschulz(g, coefficients, steps, eps),
                "float32": newton_schulz_in(torch.float32, g, coefficients, steps, eps),
                "float64": newton_schulz_in(torch.float64, g, coefficients, steps, eps),
            }
            for precision, out in outputs.items():
                cases.append({
                    "name": f"{name}_{input_name}_{precision}",
                    "rows": rows, "cols": cols, "input_dtype": input_name, "precision": precision,
                    "steps": steps, "coefficients": list(coefficients), "eps": eps,
                    "output_dtype": str(out.dtype).removeprefix("torch."),
                    "input": recorded_input, "output": flat(out),
                })
    return cases


def record_muon(generator):
    cases = []
    for name, rows, cols, dtype, kwargs in MUON_CASES:
        param = torch.randn(rows, cols, dtype=torch.float64, generator=generator).to(dtype)
        grads = [torch.randn(rows, cols, dtype=torch.float64, generator=generator).to(dtype)
                 for _ in range(MUON_STEPS)]
        p = torch.nn.Parameter(param.clone())
        optimizer = torch.optim.Muon([p], **kwargs)
        hyper = {k: v for k, v in optimizer.defaults.items()}
        params_after = []
        for grad in grads:
            p.grad = grad.clone()
            optimizer.step()
            params_after.append(flat(p.detach()))
        state = optimizer.state[p]
        cases.append({
            "name": name, "rows": rows, "cols": cols, "dtype": str(dtype).removeprefix("torch."),
            "hyper": {k: (list(v) if isinstance(v, tuple) else v) for k, v in hyper.items()},
            "param0": flat(param), "grads": [flat(g) for g in grads], "params": params_after,
            "momentum_buffer": flat(state["momentum_buffer"]),
        })
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args()

    torch.set_num_threads(1)
    generator = torch.Generator().manual_seed(args.seed)
    document = {
        "generator": "tools/reference/make_newton_schulz_goldens.py --seed %d" % args.seed,
        "torch_version": torch.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "mkldnn_available": torch.backends.mkldnn.is_available(),
        "threads": torch.get_num_threads(),
        "numbers": "each value is the exact float32/bfloat16/float64 value, written as a double (repr)",
        "newton_schulz": record_newton_schulz(generator),
        "muon": record_muon(generator),
    }
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, separators=(",", ":")) + "\n")
    print(f"wrote {out}: {len(document['newton_schulz'])} Newton-Schulz cases, {len(document['muon'])} Muon runs, "
          f"torch {document['torch_version']} ({document['cpu_capability']}, mkldnn {document['mkldnn_available']})")


if __name__ == "__main__":
    main()
