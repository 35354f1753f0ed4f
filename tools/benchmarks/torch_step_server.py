#!/usr/bin/env python3
"""PyTorch's optimizer steps, timed from outside: the torch side of benchmarks/Optim.Benchmarks.

Run through the PyTorch 2.x chroot (../shared/reference/torch2/README.md), always under the lock:

    flock /tmp/torch2.lock ../shared/tools/torch2-chroot run /opt/torch2 tools/benchmarks/torch_step_server.py \
        --optimizer adam --impl fused --sizes 1000000 --threads 2

It builds one float32 parameter per size (values in [-1, 1), gradients of magnitude 0.1 to 1, as the C# benchmarks
do), takes a few steps so the state exists, prints "ready <ATen CPU capability> <threads>" and then answers each
line "step K" on stdin with K optimizer steps and "done <nanoseconds>", until "quit". The C# benchmark times the
round trip with BenchmarkDotNet, so both sides are measured by the same clock in the same run.

--impl: forloop (foreach=False: one tensor op at a time), foreach (torch._foreach_* over the tensor list), fused
(fused=True: one fused CPU kernel per tensor). --sizes: comma-separated element counts, or @FILE with one per line.
malloc is the caller's to tune (MALLOC_MMAP_THRESHOLD_, MALLOC_TOP_PAD_ in the environment: glibc reads them at start).
"""
import argparse
import sys
import time

import torch


def build(optimizer, impl, params):
    flags = {"forloop": {"foreach": False}, "foreach": {"foreach": True}, "fused": {"fused": True}}[impl]
    if optimizer == "adam":
        return torch.optim.Adam(params, lr=1e-3, **flags)
    if optimizer == "adamw":
        return torch.optim.AdamW(params, lr=1e-3, weight_decay=1e-2, **flags)
    if optimizer == "sgd":
        return torch.optim.SGD(params, lr=1e-2, momentum=0.9, **flags)
    if optimizer == "adagrad":
        return torch.optim.Adagrad(params, lr=1e-2, **flags)
    if optimizer == "lion":
        if impl == "fused":
            raise SystemExit("PyTorch has no Lion, fused or not: lion runs as torch operations (forloop, foreach)")
        return Lion(params, foreach=flags["foreach"])
    raise SystemExit(f"unknown optimizer {optimizer}")


class Lion(torch.optim.Optimizer):
    """Lion (Chen et al., 2023) in torch operations, as its authors' PyTorch code steps it: lr 1e-4, betas (0.9, 0.99),
    weight decay 1e-2 applied as p *= 1 - lr * wd. PyTorch has no Lion of its own; this is the comparison for
    ScratchOptim's, one tensor operation after another (foreach=False) or as torch._foreach_* operations over the list."""

    def __init__(self, params, foreach):
        super().__init__(params, {"lr": 1e-4, "beta1": 0.9, "beta2": 0.99, "weight_decay": 1e-2})
        self.foreach = foreach

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, beta1, beta2, wd = group["lr"], group["beta1"], group["beta2"], group["weight_decay"]
            params = [p for p in group["params"] if p.grad is not None]
            grads = [p.grad for p in params]
            for p in params:
                if not self.state[p]:
                    self.state[p]["exp_avg"] = torch.zeros_like(p)
            moments = [self.state[p]["exp_avg"] for p in params]
            if self.foreach:
                torch._foreach_mul_(params, 1 - lr * wd)
                updates = torch._foreach_mul(moments, beta1)
                torch._foreach_add_(updates, torch._foreach_mul(grads, 1 - beta1))
                torch._foreach_add_(params, torch._foreach_sign(updates), alpha=-lr)
                torch._foreach_mul_(moments, beta2)
                torch._foreach_add_(moments, grads, alpha=1 - beta2)
            else:
                for p, grad, exp_avg in zip(params, grads, moments):
                    p.mul_(1 - lr * wd)
                    update = exp_avg * beta1 + grad * (1 - beta1)
                    p.add_(update.sign_(), alpha=-lr)
                    exp_avg.mul_(beta2).add_(grad, alpha=1 - beta2)


def sizes_of(text):
    if text.startswith("@"):
        with open(text[1:]) as file:
            return [int(line) for line in file if line.strip()]
    return [int(size) for size in text.split(",")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--optimizer", required=True, choices=["adam", "adamw", "sgd", "adagrad", "lion"])
    parser.add_argument("--impl", required=True, choices=["forloop", "foreach", "fused"])
    parser.add_argument("--sizes", required=True)
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    generator = torch.Generator().manual_seed(42)
    params = []
    for size in sizes_of(args.sizes):
        p = torch.nn.Parameter(torch.rand(size, generator=generator) * 2 - 1)
        magnitude = torch.rand(size, generator=generator) * 0.9 + 0.1
        sign = torch.randint(0, 2, (size,), generator=generator) * 2 - 1
        p.grad = magnitude * sign
        params.append(p)
    optimizer = build(args.optimizer, args.impl, params)
    for _ in range(3):
        optimizer.step()

    print(f"ready {torch.backends.cpu.get_cpu_capability()} {torch.get_num_threads()}", flush=True)
    for line in sys.stdin:
        command = line.split()
        if not command or command[0] == "quit":
            break
        start = time.perf_counter_ns()
        for _ in range(int(command[1])):
            optimizer.step()
        print(f"done {time.perf_counter_ns() - start}", flush=True)


if __name__ == "__main__":
    main()
