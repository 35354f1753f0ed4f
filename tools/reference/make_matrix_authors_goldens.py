#!/usr/bin/python3
"""Record golden cases from the authors' own code of the matrix optimizers (Muon with auxiliary Adam, SOAP).

The authors' files are not part of this repository and cannot be installed here (no PyPI): fetch each at the
commit in SOURCES and pass its path with ``--file FOLDER=PATH`` (e.g. ``--file muon=muon.py --file soap=soap.py``).
The script loads each file with the minimal edits listed in SOURCES (in memory, never on disk) and runs it under
Debian's PyTorch 1.13 (/usr/bin/python3) on the gradient stream of make_torch_goldens.py, as the shared reference
cases (../shared/reference/authors) were made: a fresh ``p.grad`` each step, ``step()``, the parameters after every
step and the final state.

    make_matrix_authors_goldens.py --file muon=PATH --file soap=PATH --out DIR [--seed N] [--only STEM ...]
    make_matrix_authors_goldens.py --file muon=PATH --file soap=PATH --check DIR

``--out`` writes ``DIR/<folder>/<stem>_<f32|f64>_s<seed>.json``; ``--check`` regenerates every case under DIR's
folders from the file's own fields and compares (verdicts as make_torch_goldens.py --check). With ``--seed 1`` the
stems shared with ../shared/reference/authors reproduce those files.

Matrix products, eigendecompositions and QR run on the BLAS and LAPACK PyTorch is linked with (here Debian's
OpenBLAS 0.3.21, OPENBLAS_CORETYPE=Haswell); the results depend on them, which each case's tolerance_note says.
With ``LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/blas:/usr/lib/x86_64-linux-gnu/lapack`` they run on Netlib's reference
BLAS and LAPACK instead (Debian's libblas3, liblapack3): the shared SOAP cases were recorded that way (``--check`` on a
copy of them: LABEL 2 of 2), and so is tests/Goldens/reference-blas/soap (``--out tests/Goldens/reference-blas``).
"""

import argparse
import json
import pathlib
import sys
import types

import torch

from make_torch_goldens import (SHAPES, STEPS, DTYPE_NAMES, compare, cpu_capability, draw_stream, encode, flat,
                                grad_protocol)

CHECK_LABEL = "tools/reference/make_matrix_authors_goldens.py --check"

SOURCES = {
    "muon": {
        "repository": "https://github.com/KellerJordan/Muon",
        "commit": "857d1adc159e098212f828d927460782d3da59e9",
        "file": "muon.py",
        "license": "MIT",
        "class": "SingleDeviceMuonWithAuxAdam",
        "replace": [("X = G.bfloat16()", "X = G.float()")],
        "edits": ["zeropower_via_newtonschulz5: `X = G.bfloat16()` -> `X = G.float()` (Newton-Schulz in float32 instead of bfloat16)"],
        "tolerance": {"rtol": 1e-3, "atol": 1e-5},
        "tolerance_note": "Newton-Schulz: float32 matrix products on the CPU BLAS, whose summation order is its own.",
    },
    "soap": {
        "repository": "https://github.com/nikhilvyas/SOAP",
        "commit": "a1e553530fde97d0e6b307d7c82ac6d38b072340",
        "file": "soap.py",
        "license": "MIT",
        "class": "SOAP",
        "replace": [],
        "edits": ["none"],
        "tolerance": {"rtol": 1e-2, "atol": 1e-4},
        "tolerance_note": "Matrix products, torch.linalg.eigh and torch.linalg.qr on the CPU BLAS and LAPACK. Where a "
                          "preconditioner has a repeated eigenvalue (a rank-deficient first statistic: a vector's "
                          "outer product, or G^T G of a wide G), its eigenbasis there is whatever LAPACK's reduction "
                          "makes of the rounding, and SOAP's moments live in it: such a case reproduces only with the "
                          "same LAPACK routine on the same library and CPU kernel.",
    },
}

F32 = ("f32",)
F32_F64 = ("f32", "f64")
SQUARE = ([37], [6, 6])
ONE_SIDE = ([37], [6, 9])

# stem -> (folder, constructor kwargs in "hyper" order, dtypes[, shapes]); the shapes default to SHAPES.
CASES = {
    # The authors' Muon groups: tensor 0 ([37]) in an Adam group, tensor 1 ([5, 7]) in the Muon group.
    "muon_aux_adam": ("muon", {"param_groups": [
        {"params": [0], "use_muon": False, "lr": 0.003, "betas": [0.9, 0.95], "eps": 1e-10, "weight_decay": 0},
        {"params": [1], "use_muon": True, "lr": 0.02, "momentum": 0.95, "weight_decay": 0}]}, F32_F64),
    "muon_aux_adam_wd": ("muon", {"param_groups": [
        {"params": [0], "use_muon": False, "lr": 0.001, "betas": [0.8, 0.95], "eps": 1e-10, "weight_decay": 0.1},
        {"params": [1], "use_muon": True, "lr": 0.05, "momentum": 0.9, "weight_decay": 0.1}]}, F32),
    # the groups' defaults, and a tall matrix whose update is scaled by sqrt(rows / columns)
    "muon_aux_adam_defaults_tall": ("muon", {"param_groups": [
        {"params": [0], "use_muon": False}, {"params": [1], "use_muon": True}]}, F32, ([37], [9, 4])),
    # SOAP. The shared cases: the 7x7 right statistic of a [5, 7] gradient and a vector's outer product start rank-deficient.
    "soap_default": ("soap", {"lr": 0.003, "precondition_frequency": 5}, F32),
    "soap_1d_normalize": ("soap", {"lr": 0.003, "betas": [0.9, 0.95], "weight_decay": 0.0, "precondition_frequency": 3,
                                   "precondition_1d": True, "normalize_grads": True}, F32),
    # Full-rank statistics from the first step: a square matrix, and the short side of a wide one only.
    "soap_square": ("soap", {"lr": 0.003, "precondition_frequency": 4}, F32, SQUARE),
    "soap_square_options": ("soap", {"lr": 0.002, "betas": [0.9, 0.99], "shampoo_beta": 0.8, "eps": 1e-6,
                                     "weight_decay": 0.05, "precondition_frequency": 2, "correct_bias": False}, F32, SQUARE),
    "soap_square_normalize": ("soap", {"lr": 0.003, "normalize_grads": True, "precondition_frequency": 3}, F32, SQUARE),
    "soap_max_precond_dim": ("soap", {"lr": 0.003, "max_precond_dim": 6, "precondition_frequency": 3}, F32, ONE_SIDE),
    # A matrix of at most max_precond_dim elements preconditioned as one flattened vector.
    "soap_merge_dims": ("soap", {"lr": 0.003, "merge_dims": True, "precondition_frequency": 4}, F32),
}


def load_class(folder, path):
    """The authors' optimizer class, from their file with the documented edits applied in memory."""
    source = SOURCES[folder]
    text = path.read_text()
    for old, new in source["replace"]:
        if old not in text:
            sys.exit(f"{path}: expected text for the documented edit not found: {old!r}")
        text = text.replace(old, new, 1)
    module = types.ModuleType(f"authors_{folder}")
    module.__file__ = str(path)
    exec(compile(text, str(path), "exec"), module.__dict__)
    return getattr(module, source["class"])


def describe(state):
    """One tensor's optimizer state as (values, dtype descriptions): SOAP keeps lists of matrices (an empty list where
    a side has no preconditioner) and Python numbers."""
    values, dtypes = {}, {}
    for key, value in state.items():
        if value is None:
            continue
        if isinstance(value, torch.Tensor):
            values[key] = value.item() if value.dim() == 0 else flat(value)
            dtypes[key] = DTYPE_NAMES[value.dtype] + ("[0-dim]" if value.dim() == 0 else "")
        elif isinstance(value, list):
            values[key] = [flat(v) if isinstance(v, torch.Tensor) else [] for v in value]
            dtypes[key] = "list[" + (DTYPE_NAMES[value[0].dtype] if value and isinstance(value[0], torch.Tensor) else "list[]") + "]"
        else:
            values[key], dtypes[key] = value, "python " + type(value).__name__
    return values, dtypes


def reference_label(folder):
    source = SOURCES[folder]
    repository = source["repository"].removeprefix("https://github.com/")
    return (f"{repository} {source['file']} @ {source['commit'][:12]} ({source['license']}), "
            f"run with PyTorch {torch.__version__} (Debian python3-torch)")


def run_case(name, folder, optimizer_class, hyper, dtype, seed, generator_label, shapes=SHAPES):
    torch.set_num_threads(1)
    param0, grads = draw_stream(seed, dtype, shapes)
    params = [p.clone().requires_grad_(True) for p in param0]
    if "param_groups" in hyper:
        groups = [{k: tuple(v) if isinstance(v, list) and k != "params" else v for k, v in g.items()} for g in hyper["param_groups"]]
        optimizer = optimizer_class([dict(g, params=[params[i] for i in g["params"]]) for g in groups])
    else:
        optimizer = optimizer_class(params, **{k: tuple(v) if isinstance(v, list) else v for k, v in hyper.items()})
    history = []
    for step_grads in grads:
        for p, g in zip(params, step_grads):
            p.grad = g.clone()
        optimizer.step()
        history.append([flat(p) for p in params])
    final_state, state_dtypes = {}, {}
    for index, p in enumerate(params):
        final_state[str(index)], state_dtypes[str(index)] = describe(optimizer.state[p])
    source = SOURCES[folder]
    return {
        "name": name,
        "optimizer": source["class"],
        "reference": reference_label(folder),
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
        "source": {k: source[k] for k in ("repository", "commit", "file", "license", "edits")},
        "torch_version": torch.__version__,
        "cpu_capability": cpu_capability(),
        "generator": generator_label,
        "tolerance": source["tolerance"],
        "tolerance_note": source["tolerance_note"],
    }


DTYPES = {"f32": torch.float32, "f64": torch.float64}


def write_table(out_dir, classes, seed, only):
    unknown = [stem for stem in only if stem not in CASES]
    if unknown:
        sys.exit(f"unknown case stem(s): {', '.join(unknown)}")
    label = f"tools/reference/make_matrix_authors_goldens.py --seed {seed}"
    for stem, (folder, hyper, dtypes, *shapes) in CASES.items():
        if folder not in classes or (only and stem not in only):
            continue
        (out_dir / folder).mkdir(parents=True, exist_ok=True)
        for suffix in dtypes:
            name = f"{stem}_{suffix}_s{seed}"
            case = run_case(name, folder, classes[folder], hyper, DTYPES[suffix], seed, label, *shapes)
            (out_dir / folder / f"{name}.json").write_text(encode(case))
            print(f"wrote {folder}/{name}.json")


def check_dir(ref_dir, classes):
    verdicts = []
    for folder in sorted(classes):
        for path in sorted((ref_dir / folder).glob("*.json")):
            text = path.read_text()
            reference = json.loads(text)
            ours = run_case(reference["name"], folder, classes[folder], reference["hyper"], getattr(torch, reference["dtype"]),
                            reference["grad_protocol"]["seed"], CHECK_LABEL, [tuple(s) for s in reference["shapes"]])
            for key in ("source", "tolerance", "tolerance_note"):
                if key in reference:
                    ours[key] = reference[key]
            verdict, detail = compare(text, ours)
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
                        help="the authors' file of a folder (muon, soap)")
    parser.add_argument("--out", type=pathlib.Path, help="directory to write DIR/<folder>/<case>.json into")
    parser.add_argument("--seed", type=int, default=2, help="gradient stream seed (default 2)")
    parser.add_argument("--only", nargs="+", default=[], metavar="STEM", help="case stems to write")
    parser.add_argument("--check", type=pathlib.Path, metavar="DIR", help="regenerate every case under DIR and compare")
    args = parser.parse_args()
    if not args.file:
        parser.error("give the authors' files with --file FOLDER=PATH")
    if not args.out and not args.check:
        parser.error("give --out DIR and/or --check DIR")
    if not torch.__version__.startswith("1.13"):
        sys.exit(f"the authors' cases are recorded with PyTorch 1.13 (/usr/bin/python3); this is {torch.__version__}")
    classes = {folder: load_class(folder, path) for folder, path in args.file}
    ok = True
    if args.out:
        write_table(args.out, classes, args.seed, args.only)
    if args.check:
        ok = check_dir(args.check, classes)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
