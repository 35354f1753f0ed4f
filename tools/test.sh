#!/usr/bin/env bash
# The project's test command: the whole suite, then the kernel tests again with narrower vector hardware
# (AVX-512 off, then no SIMD at all), so every vector width and the scalar-only path are checked bit for bit.
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build ScratchOptim.sln -c Release
dotnet test ScratchOptim.sln -c Release --no-build

for setting in DOTNET_EnableAVX512F=0 DOTNET_EnableHWIntrinsic=0; do
    echo "== tests/Optim.Tests with $setting"
    env "$setting" dotnet test tests/Optim.Tests -c Release --no-build
done
